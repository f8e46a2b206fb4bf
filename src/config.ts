import path from 'node:path';
import { z } from 'zod';

/** The project's root folder (holding package.json), whether running from src/ or dist/. */
export const projectRoot = path.resolve(__dirname, '..');

/** The portal's own scripts and styles, served to anyone as they are. */
export const STATIC_DIR = path.join(projectRoot, 'src', 'platform', 'static');
/** GOV.UK Frontend's built files, served to anyone as they are. */
export const GOVUK_DIST = path.join(projectRoot, 'node_modules', 'govuk-frontend', 'dist');

/** True when `dir` is `root` or inside it. */
function within(dir: string, root: string): boolean {
  const rel = path.relative(root, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const optionalUrl = (schemes: string[], label: string) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return schemes.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      { message: `must be a ${label} URL` },
    )
    .optional();

const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production'], { message: 'must be development, test or production' }).default('development'),
    PORT: z.coerce
      .number({ message: 'must be a port number' })
      .int('must be a whole number')
      .min(0, 'must be 0 to 65535')
      .max(65535, 'must be 0 to 65535')
      .default(3000),
    MONGODB_URI: optionalUrl(['mongodb:', 'mongodb+srv:'], 'mongodb:// or mongodb+srv://'),
    EMBEDDED_DB: z.enum(['auto', 'mongod', 'ferretdb'], { message: 'must be auto, mongod or ferretdb' }).default('auto'),
    MONGOMS_SYSTEM_BINARY: z.string().trim().min(1).optional(),
    DATA_DIR: z.string().trim().min(1, 'must not be empty').default('./data'),
    UPLOAD_DIR: z.string().trim().min(1, 'must not be empty').default('./uploads'),
    UPLOAD_STORE: z.enum(['disk', 'gridfs'], { message: 'must be disk or gridfs' }).default('disk'),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    SDC_THRESHOLD: z.coerce
      .number({ message: 'must be a whole number' })
      .int('must be a whole number')
      .min(2, 'must be at least 2')
      .max(1000, 'must be at most 1000')
      .default(10),
    SMTP_URL: optionalUrl(['smtp:', 'smtps:'], 'smtp:// or smtps://'),
    MAIL_FROM: z
      .string()
      .trim()
      .regex(/^[^\r\n]*<?[^\s@<>]+@[^\s@<>]+>?$/, { message: 'must be an email address, optionally with a name: Name <address>' })
      .default('Library Market Engagement Portal <no-reply@localhost>'),
    BASE_URL: optionalUrl(['http:', 'https:'], 'http:// or https://'),
    SERVICE_OWNER: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(100, 'must be 100 characters or fewer')
      .default('London Library Change Programme'),
    CONTACT_EMAIL: z
      .string()
      .trim()
      .pipe(z.email({ message: 'must be an email address' }))
      .default('library-portal@example.org'),
    REQUIRE_2FA: booleanString.default(false),
    TRUST_PROXY: z.coerce
      .number({ message: 'must be the number of proxies in front of the portal' })
      .int('must be a whole number')
      .min(0, 'must be 0 or more')
      .max(10, 'must be 10 or fewer')
      .default(0),
    REQUEST_TIMEOUT_MS: z.coerce
      .number({ message: 'must be a number of milliseconds' })
      .int('must be a whole number')
      .min(1000, 'must be at least 1000')
      .max(600_000, 'must be at most 600000')
      .default(5000),
    SHUTDOWN_DRAIN_MS: z.coerce
      .number({ message: 'must be a number of milliseconds' })
      .int('must be a whole number')
      .min(0, 'must be 0 or more')
      .max(120_000, 'must be at most 120000')
      .default(3000),
    MAIL_SEND_SECONDS: z.coerce
      .number({ message: 'must be a number of seconds' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(3600, 'must be at most 3600')
      .default(30),
    SESSION_IDLE_MINUTES: z.coerce
      .number({ message: 'must be a number of minutes' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(24 * 60, 'must be at most 1440')
      .default(30),
    SESSION_WARNING_SECONDS: z.coerce
      .number({ message: 'must be a number of seconds' })
      .int('must be a whole number')
      .min(10, 'must be at least 10')
      .max(3600, 'must be at most 3600')
      .default(300),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'must be a pino log level' })
      .default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'is required when NODE_ENV=production' });
    }
    // Uploads are only ever sent through a route that checks who asks: never kept where anyone could fetch them.
    const uploads = path.resolve(projectRoot, env.UPLOAD_DIR);
    if ([STATIC_DIR, GOVUK_DIST].some((served) => within(uploads, served) || within(served, uploads))) {
      ctx.addIssue({
        code: 'custom',
        path: ['UPLOAD_DIR'],
        message: 'must not be, hold or be inside a folder the portal serves to anyone (src/platform/static, GOV.UK Frontend)',
      });
    }
  });

export type RawConfig = z.infer<typeof configSchema>;

export interface Config {
  env: RawConfig['NODE_ENV'];
  isProduction: boolean;
  port: number;
  mongodbUri: string | undefined;
  embeddedDb: RawConfig['EMBEDDED_DB'];
  mongodBinary: string | undefined;
  dataDir: string;
  uploadDir: string;
  uploadStore: RawConfig['UPLOAD_STORE'];
  sessionSecret: string | undefined;
  sdcThreshold: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** The portal's public address with no trailing slash, for absolute links in emails. */
  baseUrl: string;
  /** The organisation that runs the portal, named in its header and on its help pages. */
  serviceOwner: string;
  /** Where people write for help, shown on the contact, privacy and accessibility pages. */
  contactEmail: string;
  require2fa: boolean;
  logLevel: RawConfig['LOG_LEVEL'];
  /** How long a request waits on a database that does not answer before it is answered 503. */
  requestTimeoutMs: number;
  /** How long, after SIGTERM or SIGINT, the server keeps answering (health check 503) before it closes. */
  shutdownDrainMs: number;
  /** How often waiting emails are sent when SMTP_URL is set. */
  mailSendSeconds: number;
  /** Minutes without a request after which a session ends. */
  sessionIdleMinutes: number;
  /** How long before that end a signed-in page warns, with a way to stay signed in. */
  sessionWarningSeconds: number;
  /** How many reverse proxies (load balancers) sit in front, for client addresses and secure cookies. */
  trustProxy: number;
  /** The executable search path, used to look for a mongod binary. */
  searchPath: string;
  /** The user's home folder, where mongodb-memory-server keeps downloaded binaries. */
  homeDir: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses configuration from an environment; throws a ConfigError naming each bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "not set", as in most shells' `VAR= npm start`.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = configSchema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  }
  const c = result.data;
  return {
    env: c.NODE_ENV,
    isProduction: c.NODE_ENV === 'production',
    port: c.PORT,
    mongodbUri: c.MONGODB_URI,
    embeddedDb: c.EMBEDDED_DB,
    mongodBinary: c.MONGOMS_SYSTEM_BINARY,
    dataDir: path.resolve(projectRoot, c.DATA_DIR),
    uploadDir: path.resolve(projectRoot, c.UPLOAD_DIR),
    uploadStore: c.UPLOAD_STORE,
    sessionSecret: c.SESSION_SECRET,
    sdcThreshold: c.SDC_THRESHOLD,
    smtpUrl: c.SMTP_URL,
    mailFrom: c.MAIL_FROM,
    baseUrl: (c.BASE_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ''),
    serviceOwner: c.SERVICE_OWNER,
    contactEmail: c.CONTACT_EMAIL,
    require2fa: c.REQUIRE_2FA,
    logLevel: c.LOG_LEVEL,
    requestTimeoutMs: c.REQUEST_TIMEOUT_MS,
    shutdownDrainMs: c.SHUTDOWN_DRAIN_MS,
    mailSendSeconds: c.MAIL_SEND_SECONDS,
    sessionIdleMinutes: c.SESSION_IDLE_MINUTES,
    sessionWarningSeconds: Math.min(c.SESSION_WARNING_SECONDS, c.SESSION_IDLE_MINUTES * 60 - 5),
    trustProxy: c.TRUST_PROXY,
    searchPath: env.PATH ?? '',
    homeDir: env.HOME,
  };
}

/** The configuration of this process, read once from its environment. */
export function loadConfig(): Config {
  return parseConfig(process.env);
}
