import path from 'node:path';
import express, { type Express } from 'express';
import { ukTime } from './london-time';
import nunjucks from 'nunjucks';
import { GOVUK_DIST, projectRoot, STATIC_DIR } from '../config';
import { formatBytes } from './upload';
import { allowAnyone } from './roles';

const govukDist = GOVUK_DIST;

/**
 * Server-side templates: each feature keeps its views under src/<feature>/views and names them
 * from src/ ("auth/views/login.njk"); GOV.UK macros come from govuk-frontend.
 */
export interface ViewOptions {
  development: boolean;
  /** The organisation that runs the portal (SERVICE_OWNER), named in every page's header. */
  serviceOwner: string;
  /** Where people write for help (CONTACT_EMAIL). */
  contactEmail: string;
}

export function setUpViews(app: Express, opts: ViewOptions): nunjucks.Environment {
  const env = nunjucks.configure([path.join(projectRoot, 'src'), govukDist], {
    autoescape: true,
    express: app,
    // Compiling templates on every request costs throughput: only development re-reads them.
    noCache: opts.development,
    watch: false,
    throwOnUndefined: false,
  });
  env.addGlobal('serviceName', 'Library Market Engagement Portal');
  env.addGlobal('serviceOwner', opts.serviceOwner);
  env.addGlobal('contactEmail', opts.contactEmail);
  env.addFilter('date', (value: unknown) => {
    const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
    return date && !Number.isNaN(date.getTime()) ? ukTime(date) : '';
  });
  env.addFilter('fileSize', (value: unknown) => (typeof value === 'number' ? formatBytes(value) : ''));
  env.addFilter('pounds', (value: unknown) =>
    typeof value === 'number' ? value.toLocaleString('en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 }) : '',
  );
  app.set('view engine', 'njk');
  return env;
}

/** GOV.UK Frontend's stylesheet, script, fonts and images, served from the installed package. */
export function govukAssets(): express.Router {
  const router = express.Router();
  const options = { immutable: true, maxAge: '7d', index: false, fallthrough: false } as const;
  router.use('/assets', express.static(path.join(govukDist, 'govuk', 'assets'), options));
  router.get('/govuk/govuk-frontend.min.css', allowAnyone(), (_req, res) => {
    res.sendFile(path.join(govukDist, 'govuk', 'govuk-frontend.min.css'), { maxAge: '1d' });
  });
  router.get('/govuk/govuk-frontend.min.js', allowAnyone(), (_req, res) => {
    res.sendFile(path.join(govukDist, 'govuk', 'govuk-frontend.min.js'), { maxAge: '1d' });
  });
  router.use('/static', express.static(STATIC_DIR, { maxAge: '1d', index: false, fallthrough: false }));
  return router;
}
