import path from 'node:path';
import { ConfigError, parseConfig, projectRoot } from './config';

const SECRET = 'x'.repeat(32);

/** Parses `env` and returns the ConfigError it must throw. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('parseConfig defaults', () => {
  test('an empty environment gives the documented defaults', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      env: 'development',
      isProduction: false,
      port: 3000,
      mongodbUri: undefined,
      embeddedDb: 'auto',
      mongodBinary: undefined,
      uploadStore: 'disk',
      sessionSecret: undefined,
      sdcThreshold: 10,
      smtpUrl: undefined,
      require2fa: false,
      logLevel: 'info',
      trustProxy: 0,
      requestTimeoutMs: 5000,
      shutdownDrainMs: 3000,
      mailSendSeconds: 30,
      searchPath: '',
      homeDir: undefined,
    });
    expect(config.dataDir).toBe(path.join(projectRoot, 'data'));
    expect(config.uploadDir).toBe(path.join(projectRoot, 'uploads'));
  });

  test('valid values are used, with numbers and booleans converted', () => {
    const config = parseConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      MONGODB_URI: 'mongodb+srv://user:pw@cluster.example.net/portal',
      EMBEDDED_DB: 'ferretdb',
      MONGOMS_SYSTEM_BINARY: '/usr/bin/mongod',
      DATA_DIR: '/var/lib/portal',
      UPLOAD_STORE: 'gridfs',
      SESSION_SECRET: SECRET,
      SDC_THRESHOLD: '5',
      SMTP_URL: 'smtps://mail.example.net:465',
      REQUIRE_2FA: 'true',
      TRUST_PROXY: '1',
      LOG_LEVEL: 'warn',
      PATH: '/usr/bin:/bin',
      HOME: '/home/portal',
    });
    expect(config).toMatchObject({
      env: 'production',
      isProduction: true,
      port: 8080,
      mongodbUri: 'mongodb+srv://user:pw@cluster.example.net/portal',
      embeddedDb: 'ferretdb',
      mongodBinary: '/usr/bin/mongod',
      dataDir: '/var/lib/portal',
      uploadStore: 'gridfs',
      sessionSecret: SECRET,
      sdcThreshold: 5,
      smtpUrl: 'smtps://mail.example.net:465',
      require2fa: true,
      trustProxy: 1,
      logLevel: 'warn',
      searchPath: '/usr/bin:/bin',
      homeDir: '/home/portal',
    });
  });

  test.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
  ])('REQUIRE_2FA=%s is %s', (value, expected) => {
    expect(parseConfig({ REQUIRE_2FA: value }).require2fa).toBe(expected);
  });

  test('the port and threshold bounds are accepted', () => {
    expect(parseConfig({ PORT: '0' }).port).toBe(0);
    expect(parseConfig({ PORT: '65535' }).port).toBe(65535);
    expect(parseConfig({ SDC_THRESHOLD: '2' }).sdcThreshold).toBe(2);
    expect(parseConfig({ MONGODB_URI: 'mongodb://127.0.0.1:27017/portal' }).mongodbUri).toBe('mongodb://127.0.0.1:27017/portal');
    expect(parseConfig({ SMTP_URL: 'smtp://localhost:25' }).smtpUrl).toBe('smtp://localhost:25');
    expect(parseConfig({ MAIL_FROM: 'Camden Libraries <libraries@camden.example.org>' }).mailFrom).toBe(
      'Camden Libraries <libraries@camden.example.org>',
    );
  });

  test('the public address defaults to localhost on the port, and loses a trailing slash', () => {
    expect(parseConfig({}).baseUrl).toBe('http://localhost:3000');
    expect(parseConfig({ PORT: '8080' }).baseUrl).toBe('http://localhost:8080');
    expect(parseConfig({ BASE_URL: 'https://libraries.example.org/' }).baseUrl).toBe('https://libraries.example.org');
  });

  test('the owner and contact email have defaults and can be set', () => {
    expect(parseConfig({})).toMatchObject({ serviceOwner: 'London Library Change Programme', contactEmail: 'library-portal@example.org' });
    expect(parseConfig({ SERVICE_OWNER: 'Camden Council', CONTACT_EMAIL: 'libraries@camden.example.org' })).toMatchObject({
      serviceOwner: 'Camden Council',
      contactEmail: 'libraries@camden.example.org',
    });
  });
});

describe('parseConfig rejects bad values, naming the variable', () => {
  test.each([
    ['PORT', 'abc', /must be a port number/],
    ['PORT', '70000', /must be 0 to 65535/],
    ['PORT', '-1', /must be 0 to 65535/],
    ['PORT', '80.5', /whole number/],
    ['EMBEDDED_DB', 'postgres', /must be auto, mongod or ferretdb/],
    ['UPLOAD_STORE', 's3', /must be disk or gridfs/],
    ['SDC_THRESHOLD', '1', /at least 2/],
    ['SDC_THRESHOLD', 'ten', /whole number/],
    ['REQUIRE_2FA', 'maybe', /must be true or false/],
    ['MONGODB_URI', 'http://x', /mongodb:\/\/ or mongodb\+srv:\/\//],
    ['MONGODB_URI', 'not a url', /mongodb:\/\/ or mongodb\+srv:\/\//],
    ['SMTP_URL', 'ftp://x', /smtp:\/\/ or smtps:\/\//],
    ['MAIL_FROM', 'not an address', /must be an email address/],
    ['BASE_URL', 'ftp://x', /http:\/\/ or https:\/\//],
    ['BASE_URL', 'example.org', /http:\/\/ or https:\/\//],
    ['CONTACT_EMAIL', 'nobody', /must be an email address/],
    ['SERVICE_OWNER', 'x'.repeat(101), /100 characters or fewer/],
    ['NODE_ENV', 'staging', /must be development, test or production/],
    ['LOG_LEVEL', 'loud', /pino log level/],
    ['TRUST_PROXY', '11', /10 or fewer/],
    ['REQUEST_TIMEOUT_MS', '500', /at least 1000/],
    ['SHUTDOWN_DRAIN_MS', '-1', /0 or more/],
  ])('%s=%s', (name, value, message) => {
    const err = configError({ [name]: value });
    expect(err.name).toBe('ConfigError');
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatch(new RegExp(`^${name} `));
    expect(err.problems[0]).toMatch(message);
    expect(err.message).toMatch(/^Invalid configuration:/);
    expect(err.message).toContain(`  - ${name} `);
  });

  test('several bad values are all reported', () => {
    const err = configError({ PORT: '70000', UPLOAD_STORE: 's3', SMTP_URL: 'ftp://x' });
    const named = err.problems.map((p) => p.split(' ')[0]).sort();
    expect(named).toEqual(['PORT', 'SMTP_URL', 'UPLOAD_STORE']);
  });
});

describe('SESSION_SECRET', () => {
  test('is required when NODE_ENV=production', () => {
    const err = configError({ NODE_ENV: 'production' });
    expect(err.problems).toEqual(['SESSION_SECRET is required when NODE_ENV=production']);
    expect(err.message).toContain('SESSION_SECRET');
  });

  test('is optional outside production', () => {
    expect(parseConfig({ NODE_ENV: 'development' }).sessionSecret).toBeUndefined();
    expect(parseConfig({ NODE_ENV: 'test' }).sessionSecret).toBeUndefined();
  });

  test('shorter than 32 characters is rejected, in production or not', () => {
    for (const env of ['production', 'development']) {
      const err = configError({ NODE_ENV: env, SESSION_SECRET: 'x'.repeat(31) });
      expect(err.problems).toHaveLength(1);
      expect(err.problems[0]).toMatch(/^SESSION_SECRET .*at least 32 characters/);
    }
  });

  test('of 32 characters is accepted in production', () => {
    const config = parseConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET });
    expect(config.isProduction).toBe(true);
    expect(config.sessionSecret).toBe(SECRET);
  });
});

describe('empty strings are treated as unset', () => {
  test('empty values give the defaults instead of errors', () => {
    const config = parseConfig({
      NODE_ENV: '',
      PORT: '',
      MONGODB_URI: '',
      EMBEDDED_DB: '',
      MONGOMS_SYSTEM_BINARY: '',
      DATA_DIR: '',
      UPLOAD_STORE: '',
      SESSION_SECRET: '',
      SDC_THRESHOLD: '',
      SMTP_URL: '',
      REQUIRE_2FA: '',
      TRUST_PROXY: '',
      LOG_LEVEL: '',
    });
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      mongodbUri: undefined,
      embeddedDb: 'auto',
      mongodBinary: undefined,
      uploadStore: 'disk',
      sessionSecret: undefined,
      sdcThreshold: 10,
      smtpUrl: undefined,
      require2fa: false,
      trustProxy: 0,
      logLevel: 'info',
    });
    expect(config.dataDir).toBe(path.join(projectRoot, 'data'));
  });

  test('an empty SESSION_SECRET in production counts as missing', () => {
    const err = configError({ NODE_ENV: 'production', SESSION_SECRET: '' });
    expect(err.problems).toEqual(['SESSION_SECRET is required when NODE_ENV=production']);
  });

  test('an empty MONGODB_URI means the embedded engine', () => {
    expect(parseConfig({ MONGODB_URI: '', EMBEDDED_DB: 'mongod' })).toMatchObject({ mongodbUri: undefined, embeddedDb: 'mongod' });
  });
});

describe('UPLOAD_DIR is never a folder the portal serves to anyone', () => {
  test.each(['src/platform/static', 'src/platform/static/uploads', 'node_modules/govuk-frontend/dist/govuk', '.', 'src'])(
    '%s is refused',
    (dir) => {
      const err = configError({ UPLOAD_DIR: dir });
      expect(err.message).toContain('  - UPLOAD_DIR must not be, hold or be inside a folder the portal serves to anyone');
    },
  );

  test.each(['./uploads', '/var/lib/portal/uploads', 'data/files'])('%s is accepted', (dir) => {
    expect(parseConfig({ UPLOAD_DIR: dir }).uploadDir).toBe(path.resolve(projectRoot, dir));
  });
});
