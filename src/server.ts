import type { Server } from 'node:http';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { openDatabase } from './db';
import { createLogger } from './platform/logger';
import { createServices } from './services';
import { OutboxSender } from './platform/notifications';

const SHUTDOWN_GRACE_MS = 10_000;

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Idle keep-alive connections would hold close() open; in-flight requests finish first.
    server.closeIdleConnections();
  });
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, { mode: 'own', log: (message, level = 'info') => logger[level](message) });
  logger.info(`Database: ${database.source}`);
  const services = await createServices(database.conn, {
    storage: config,
    findings: { threshold: config.sdcThreshold },
    baseUrl: config.baseUrl,
    auth: { twoFactor: { required: config.require2fa, secret: config.sessionSecret } },
    emailSecret: config.sessionSecret,
    alerts: { reportError: (err) => logger.error({ err }, 'sending alerts about a new exercise failed') },
  });
  let stopping = false;
  const app = createApp({ config, logger, conn: database.conn, ...services, isShuttingDown: () => stopping });

  const server = app.listen(config.port, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info(`Library Market Engagement Portal listening on http://localhost:${port}`);
  });
  server.on('error', async (err) => {
    logger.fatal({ err }, 'could not listen');
    await database.close();
    process.exit(1);
  });

  const sweeper = setInterval(() => {
    services.auth.throttle.sweep().catch((err: unknown) => logger.warn({ err }, 'sweeping sign-in attempts failed'));
    services.alerts.sweep().catch((err: unknown) => logger.warn({ err }, 'sweeping unconfirmed email alerts failed'));
  }, 60_000);
  sweeper.unref();

  // Emails wait in the outbox; with SMTP_URL set they are sent every MAIL_SEND_SECONDS (30 by default).
  const sender = config.smtpUrl ? new OutboxSender(services.notifier.outbox, config.smtpUrl, config.mailFrom, logger) : undefined;
  let sending: Promise<unknown> = Promise.resolve();
  const mailer = sender
    ? setInterval(() => {
        sending = sender.sendPending().catch((err: unknown) => logger.warn({ err }, 'sending emails failed'));
      }, config.mailSendSeconds * 1000)
    : undefined;
  mailer?.unref();

  const shutdown = async (signal: string) => {
    if (stopping) return;
    // From here the health check says 503, so a load balancer stops sending requests; those already on their way are
    // still answered during the drain, and only then does the listener close.
    stopping = true;
    logger.info(`${signal}: answering requests for ${config.shutdownDrainMs} ms more, then stopping`);
    await new Promise((r) => setTimeout(r, config.shutdownDrainMs));
    logger.info('closing the listener; finishing requests in progress');
    clearInterval(sweeper);
    if (mailer) clearInterval(mailer);
    const forced = setTimeout(() => {
      logger.error('requests did not finish in time; closing connections');
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    forced.unref();
    await closeServer(server);
    await sending;
    // Alerts of an exercise published just before the signal are queued before the database closes (failures were logged).
    await services.alerts.sender.settled().catch(() => undefined);
    sender?.close();
    await database.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
