import { parseArgs } from 'node:util';
import type { Connection } from 'mongoose';
import { createUserSchema } from './auth';
import { ConfigError, loadConfig } from './config';
import { openDatabase } from './db';
import { DEMO_PASSWORD, seedDemo, seedScale } from './demo';
import { AppError } from './platform/errors';
import { parseInput } from './platform/validation';
import { createServices, type Services } from './services';

const usage = `Usage: npm run cli -- <command> [options]

Commands:
  create-user --role officer|programme|admin --email E --password P --name N [--borough SLUG]
      Creates a user and prints its id. Officers need --borough (a London borough slug, like camden).
  disable-user --email E
      Disables a user and ends all their sessions.
  seed-demo [--scale N]
      Adds demo boroughs' officers, a programme user, suppliers of every sector and published
      exercises for several boroughs with about 30 organisations' expressions of interest, and prints
      the logins. Safe to run again. With --scale N, also N published exercises across every London
      borough with 2N organisations, 8 to 30 interests each and their responses, written in batches
      with a progress bar on stderr (again, only what is missing is added).

The commands use the database of a running portal on the same DATA_DIR, or start one and stop it after.`;

class UsageError extends Error {}

async function withServices<T>(run: (services: Services, conn: Connection) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase(config, { mode: 'share' });
  let services: Services | undefined;
  try {
    services = await createServices(database.conn, {
      storage: config,
      baseUrl: config.baseUrl,
      emailSecret: config.sessionSecret,
      auth: { twoFactor: { required: config.require2fa, secret: config.sessionSecret } },
    });
    return await run(services, database.conn);
  } finally {
    // Alerts of exercises the command published are queued before the database closes; any left, the portal's sweep finishes.
    await services?.alerts.sender.settled().catch((err: unknown) => {
      console.error(`Some email alerts were not queued: ${err instanceof Error ? err.message : String(err)}`);
    });
    await database.close();
  }
}

async function createUser(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      role: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      borough: { type: 'string' },
    },
    strict: true,
  });
  if (values.role === 'supplier') throw new UsageError('Suppliers register themselves with their organisation at /register.');
  const input = parseInput(createUserSchema, values);
  const user = await withServices(({ auth }) => auth.createUser(input));
  console.log(user.id);
}

async function disableUser(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { email: { type: 'string' } }, strict: true });
  if (!values.email) throw new UsageError('Give the user with --email.');
  const email = values.email;
  await withServices(async ({ auth }) => {
    const user = await auth.findByEmail(email);
    if (!user) throw new UsageError(`There is no user with the email address ${email}.`);
    await auth.disableUser(user.id);
    console.log(`Disabled ${email}; their sessions have ended.`);
  });
}

/** The most exercises --scale makes: a bound on memory (the plan is held while writing), far past a year of London. */
const MOST_SCALE = 100_000;

async function seed(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { scale: { type: 'string' } }, strict: true });
  // Digits only, from 1: "0", " 5", "1e2", "0x10" and "5.0" are refused rather than read as numbers they might mean.
  const scale = values.scale === undefined ? 0 : /^[1-9]\d{0,5}$/.test(values.scale) ? Number(values.scale) : NaN;
  if (!Number.isInteger(scale) || scale > MOST_SCALE) {
    throw new UsageError(`--scale takes a whole number of exercises from 1 to ${MOST_SCALE.toLocaleString('en-GB')}.`);
  }
  let seconds = 0;
  const { demo, large } = await withServices(async (services, conn) => {
    const demo = await seedDemo(services);
    if (!scale) return { demo, large: null };
    const started = Date.now();
    const large = await seedScale(conn, services, { exercises: scale });
    seconds = (Date.now() - started) / 1000;
    return { demo, large };
  });
  const { logins, exercisesAdded, organisationsAdded, interestsAdded, responsesSubmitted, draftsStarted } = demo;
  console.log(`Demo data is ready. Every demo user's password is: ${DEMO_PASSWORD}\n`);
  for (const login of logins) console.log(`  ${login.role.padEnd(10)} ${login.email.padEnd(32)} ${login.detail}`);
  console.log(`\nExercises added this time: ${exercisesAdded}. See them at /tenders.`);
  console.log(`Organisations added: ${organisationsAdded}. Expressions of interest added: ${interestsAdded}.`);
  console.log(`Questionnaire responses submitted: ${responsesSubmitted}. Drafts started: ${draftsStarted}.`);
  if (large) {
    console.log(
      `\nLarge demo (--scale ${scale}): added ${large.exercisesAdded} exercises, ${large.organisationsAdded} organisations, ` +
        `${large.interestsAdded} expressions of interest and ${large.responsesAdded} responses ` +
        `in ${seconds.toFixed(1)} s.`,
    );
  }
}

const commands: Record<string, (args: string[]) => Promise<void>> = {
  'create-user': createUser,
  'disable-user': disableUser,
  'seed-demo': seed,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.error(name && name !== '--help' ? `Unknown command: ${name}\n\n${usage}` : usage);
    return name === '--help' ? 0 : 2;
  }
  try {
    await command(args);
    return 0;
  } catch (err) {
    if (err instanceof AppError) {
      console.error(`Error: ${err.message}`);
      for (const [field, message] of Object.entries(err.fields ?? {})) console.error(`  --${field}: ${message}`);
      return 1;
    }
    if (
      err instanceof UsageError ||
      err instanceof ConfigError ||
      (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      console.error(`Error: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
