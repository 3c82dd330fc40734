/** Starts the service on HOST:PORT (default 127.0.0.1:3000); every setting is in src/config.ts. */
import { settings } from './config.js';
import { createApp } from './server/app.js';
import { listen } from './server/listen.js';
import { createLogger } from './server/log.js';
import { instrument, Metrics } from './server/metrics.js';
import type { Lifecycle } from './server/routes/service.js';
import { Generator } from './generator.js';
import { closeWorkers, runTask, warmWorkers } from './workers/index.js';
import { openStore } from './store/index.js';
import { bootstrap } from './store/bootstrap.js';
import { JobRunner } from './jobs/index.js';
import { PgBossQueue } from './jobs/pg-boss.js';

const config = settings();
const logger = createLogger(config.logLevel);
// Large inputs (a 50 000-line bilan) are validated and rendered in a worker thread; PDFs printed here.
const generator = new Generator({ offThread: { minItems: config.workers.renderMinItems, run: (job) => runTask('render', job, 'document') } });
const store = await openStore(config.store.strategy, { dataDir: config.store.dataDir, url: config.store.url, poolMax: config.store.poolMax });
const first = await bootstrap(store, { adminKey: config.store.adminKey, organisation: config.store.adminOrganisation });
if (first.printedKey) {
  // Printed once, on the console only (never in the JSON log): only its hash is kept.
  process.stdout.write(
    `\nPremière clé d’accès (tous les droits), à conserver : elle ne sera plus affichée.\n\n  ${first.printedKey}\n\n` +
      `Utilisez-la dans l’en-tête « Authorization: Bearer <clé> » ou pour vous connecter au formulaire web.\n\n`,
  );
}
const metrics = new Metrics();
const lifecycle: Lifecycle = { stopping: false };
const onJobError = (error: unknown) => logger.error({ err: error }, 'job failed');
// With PostgreSQL, the replicas share one queue (pg-boss on the same database); embedded, this process runs the jobs.
const queue = config.store.strategy === 'postgres' && config.store.url ? new PgBossQueue(store, { url: config.store.url, ...config.jobs }, onJobError) : undefined;
const jobs = new JobRunner(store, instrument(generator, metrics), onJobError, {
  webhooks: { allowPrivateTargets: config.webhooks.allowPrivateTargets },
  queue,
});
const app = createApp(generator, { logger, limits: config.input, store, jobs, metrics, lifecycle, metricsToken: config.server.metricsToken });

// The PDF engine and the parsing workers are warm before the first request.
await Promise.all([warmWorkers(), generator.warm().catch((error: unknown) => logger.error({ err: error }, 'PDF engine did not start: /ready says so'))]);
const server = await listen(app, config.server);
// Jobs left waiting or running by the previous process start again.
jobs.kick();
const shown = config.server.host === '0.0.0.0' || config.server.host === '::' ? 'localhost' : config.server.host;
logger.info({ host: config.server.host, port: config.server.port }, `Service des documents de la clause sociale : http://${shown}:${config.server.port}/`);

/**
 * Graceful stop: /ready turns 503, no new connection is accepted, requests in flight (renders
 * included) finish within the grace period, the running job stops between two documents (handed
 * back: another replica, or the next start, runs it), then the engines and the store close.
 */
async function shutdown(signal: string): Promise<void> {
  if (lifecycle.stopping) return;
  lifecycle.stopping = true;
  logger.info({ signal }, 'arrêt du service : les requêtes en cours se terminent');
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const grace = setTimeout(() => {
    logger.warn({ graceMs: config.server.shutdownGraceMs }, 'délai d’arrêt dépassé : connexions restantes fermées');
    server.closeAllConnections();
  }, config.server.shutdownGraceMs);
  grace.unref();
  await Promise.all([closed, jobs.stop()]);
  clearTimeout(grace);
  await generator.drain();
  await Promise.all([generator.close(), closeWorkers()]);
  await store.close();
  logger.info('service arrêté');
  process.exit(0);
}

process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
