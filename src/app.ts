import { randomBytes } from 'node:crypto';
import express, { type Express } from 'express';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { accountPanel, authApi, authPages, createPassport, enforceSessionLimits, passwordResetPages } from './auth';
import { requireSecondFactor, twoFactorApi, twoFactorPages, twoFactorSignInPages } from './auth';
import type { Config } from './config';
import { answeredWithin, isDatabaseUnavailable, isDuplicateKey, ping } from './db';
import { csrf, pageLocals } from './platform/csrf';
import { errorHandler, notFound } from './platform/error-handler';
import { healthRouter } from './platform/health';
import { keptPosts, type Keepable } from './platform/kept-post';
import { stampArrival } from './platform/arrival';
import { helpPages } from './platform/help-pages';
import { requestLogger } from './platform/logger';
import { requestTimeLimit, stopIfAnswered } from './platform/request-limit';
import { notificationsPanel } from './platform/notifications';
import { notificationsPages } from './platform/notifications.pages';
import { auditPanel, auditRoutes } from './platform/audit.routes';
import { panelPages } from './platform/panels';
import { cspNonce, noStore, noStoreWhenSignedIn, securityHeaders } from './platform/security';
import { SESSION_COOKIE, saveSessionBeforeRedirect, sessions } from './platform/session';
import { govukAssets, setUpViews } from './platform/views';
import type { Services } from './services';
import {
  answerPages,
  builderPages,
  questionnaireOnExercise,
  questionnairesApi,
  responsesPages,
  supplierInterestsPanel,
} from './questionnaires';
import { invitationsApi, organisationPages, organisationPanel, organisationsApi, registerPanel } from './suppliers';
import { interestOnExercise, interestsApi, interestsPages, registrationApi, registrationPages } from './suppliers';
import { clarificationPages, clarificationsApi, officerExercisesPanel, publicListCache, tendersApi, tendersPages } from './tenders';
import { findingsPanel, reportDownloadApi, reportsApi, reportsPages, youSaidWeDidOnExercise, youSaidWeDidPanel } from './reports';
import { findingsApi, findingsPages } from './reports';
import { alertsApi, alertsPages, alertsPanel } from './alerts';

export interface AppDeps extends Services {
  config: Config;
  logger: Logger;
  conn: Connection;
  /** True once the server is shutting down: the health check then says 503 so load balancers move away. */
  isShuttingDown?: () => boolean;
}

export const JSON_BODY_LIMIT = '100kb';
export const SESSION_ABSOLUTE_MINUTES = 8 * 60;

/** Builds the portal: middleware in a fixed order, then the feature routers, then 404 and errors. */
export function createApp(deps: AppDeps): Express {
  const { config, logger, conn, auth } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('env', config.env);

  setUpViews(app, {
    development: config.env === 'development',
    serviceOwner: config.serviceOwner,
    contactEmail: config.contactEmail,
  });

  // 1. When the request arrived, request log and security headers on every response.
  app.use(stampArrival(() => deps.questionnaires.now()));
  app.use(requestLogger(logger));
  app.use(cspNonce);
  app.use(securityHeaders(config.isProduction));

  // 2. Things that need no session.
  app.use(govukAssets());
  const isShuttingDown = deps.isShuttingDown ?? (() => false);
  app.use(healthRouter(() => ping(conn), isShuttingDown));
  app.use((_req, res, next) => {
    // While draining, each answer closes its connection so clients reconnect to a server that stays.
    if (isShuttingDown()) res.setHeader('Connection', 'close');
    next();
  });
  // A busy database is not a hung one: operations finishing just now say it answers, without queueing a ping behind them.
  app.use(
    requestTimeLimit({ limitMs: config.requestTimeoutMs, isDatabaseUp: async (ms) => answeredWithin(conn, ms) || ping(conn, ms), logger }),
  );
  // The public list, kept whole, for people with no session: answered before any session work.
  const listCache = publicListCache(deps.tenders);
  app.use(listCache.serveKept);

  // 3. Bodies, sessions, the signed-in user, CSRF.
  app.use('/api', noStore);
  app.use(express.json({ limit: JSON_BODY_LIMIT, strict: true }));
  app.use(express.urlencoded({ extended: false, limit: JSON_BODY_LIMIT, parameterLimit: 200 }));
  // A request no parser read (no body, another type) has an empty body, never an undefined one.
  app.use((req, _res, next) => {
    req.body ??= {};
    next();
  });
  // Without a configured secret (development and tests only) each process makes its own.
  const secret = config.sessionSecret ?? randomBytes(32).toString('hex');
  const idleMinutes = config.sessionIdleMinutes;
  app.use(sessions({ conn, secret, secure: config.isProduction, idleMinutes }));
  app.use(saveSessionBeforeRedirect);
  const passport = createPassport(auth);
  app.use(passport.initialize());
  app.use(passport.session());
  app.use(stopIfAnswered);
  app.use(enforceSessionLimits({ absoluteMinutes: SESSION_ABSOLUTE_MINUTES }));
  app.use(requireSecondFactor(auth));
  app.use(noStoreWhenSignedIn);
  // A section of answers sent after its session ended is kept for its sender, not refused for its old token.
  const kept = keptPosts({ secret, idleMinutes, keepable: keepableForm });
  app.use(kept.keepAfterExpiry);
  app.use(csrf.csrfSynchronisedProtection);
  app.use(pageLocals);
  app.use(kept.locals);
  app.use((req, res, next) => {
    res.locals.currentPath = req.method === 'GET' ? req.originalUrl : '/dashboard';
    // The page's own path, for the service navigation to mark where the person is (a form sent back too).
    res.locals.navigationPath = req.path;
    // Signed-in pages warn before the session ends (static/session-timeout.js) and say how long it lasts.
    res.locals.session = { idleMinutes, warningSeconds: config.sessionWarningSeconds };
    next();
  });

  // 4. Features.
  app.use('/api/v1', authApi(auth, passport));
  app.use('/api/v1', twoFactorApi(auth));
  app.use('/api/v1', tendersApi(deps.tenders));
  app.use('/api/v1', clarificationsApi(deps.clarifications, deps.tenders));
  app.use('/api/v1', organisationsApi(deps.suppliers));
  app.use('/api/v1', invitationsApi(deps.invitations, auth));
  app.use('/api/v1', interestsApi(deps.interests));
  app.use('/api/v1', questionnairesApi(deps.questionnaires, deps.files));
  app.use('/api/v1', registrationApi(deps.registration));
  app.use('/api/v1', reportsApi(deps.reports));
  app.use('/api/v1', reportDownloadApi(deps.workbooks));
  app.use('/api/v1', findingsApi(deps.findings));
  app.use('/api/v1', alertsApi(deps.alerts));
  app.use(
    panelPages({
      home: [registerPanel()],
      dashboard: [
        accountPanel(),
        findingsPanel(),
        officerExercisesPanel(deps.tenders),
        organisationPanel(deps.suppliers),
        supplierInterestsPanel(deps.interests, deps.questionnaires),
        youSaidWeDidPanel(deps.interests, deps.reports),
        notificationsPanel(deps.notifier),
        alertsPanel(deps.alerts),
        auditPanel(),
      ],
    }),
  );
  app.use(notificationsPages(deps.notifier));
  app.use(
    helpPages({
      sessionCookie: SESSION_COOKIE,
      idleMinutes,
      absoluteMinutes: SESSION_ABSOLUTE_MINUTES,
      isDatabaseUp: () => ping(conn),
    }),
  );
  app.use(
    auditRoutes(deps.audit, {
      userIdByEmail: async (email) => (await auth.findByEmail(email))?.id ?? null,
      tenderIdsByReference: (reference) => deps.tenders.idsByReference(reference),
      usersByIds: (ids) => auth.usersByIds(ids),
    }),
  );
  app.use(authPages(passport, auth, kept));
  app.use(twoFactorSignInPages(auth, kept));
  app.use(twoFactorPages(auth, kept));
  app.use(passwordResetPages(deps.passwordResets));
  app.use(alertsPages(deps.alerts, deps.boroughs));
  app.use(registrationPages(deps.registration, deps.boroughs));
  app.use(
    tendersPages(
      deps.tenders,
      deps.clarifications,
      deps.boroughs,
      async (tender, user) =>
        Object.assign(
          {},
          ...(await Promise.all([
            interestOnExercise(deps.interests, tender, user),
            questionnaireOnExercise(deps.questionnaires, tender, user),
            youSaidWeDidOnExercise(deps.reports, tender),
          ])),
        ) as Record<string, unknown>,
      listCache,
      kept,
    ),
  );
  app.use(clarificationPages(deps.tenders, deps.clarifications));
  app.use(organisationPages(deps.suppliers, deps.invitations, auth, deps.boroughs));
  app.use(interestsPages(deps.interests, deps.tenders, kept));
  app.use(builderPages(deps.questionnaires, deps.tenders));
  app.use(responsesPages(deps.questionnaires, deps.tenders, deps.interests, deps.files));
  app.use(answerPages(deps.questionnaires, deps.tenders, deps.files, kept));
  // Before the analysis pages: it gives them the London baseline.
  app.use(findingsPages(deps.findings));
  app.use(reportsPages(deps.reports, deps.tenders));

  // 5. Nothing matched, and the one error handler.
  app.use(notFound);
  app.use(errorHandler(logger, { isDatabaseUnavailable, isDuplicateKey }));
  return app;
}

/**
 * The forms kept when they arrive after their session ended. A section of answers is saved once its sender signs in
 * again; an expression of interest, a question and a "Send answers" are shown again, filled in, to check and send.
 */
function keepableForm(path: string): Keepable | null {
  const section = /^\/tenders\/[^/]+\/response\/sections\/\d+$/.exec(path);
  if (section) return { returnTo: path, saves: true };
  const exercise = /^\/tenders\/([0-9a-f]{24})\/(interest|questions|response\/submit)$/.exec(path);
  if (!exercise) return null;
  const [, id, form] = exercise;
  if (form === 'interest') return { returnTo: path, saves: false };
  if (form === 'questions') return { returnTo: `/tenders/${id}`, saves: false };
  return { returnTo: `/tenders/${id}/response/check`, saves: false };
}
