/** Starts the service on HOST:PORT (default 127.0.0.1:3000); every setting is in src/config.ts. */
import { settings } from './config.js';
import { createApp } from './server/app.js';
import { listen } from './server/listen.js';
import { createLogger } from './server/log.js';
import { Generator } from './generator.js';
import { closeWorkers, warmWorkers } from './workers/index.js';
import { openStore } from './store/index.js';
import { bootstrap } from './store/bootstrap.js';
import { JobRunner } from './jobs/index.js';

const config = settings();
const logger = createLogger(config.logLevel);
const generator = new Generator();
const store = await openStore(config.store.strategy, { dataDir: config.store.dataDir, url: config.store.url });
const first = await bootstrap(store, { adminKey: config.store.adminKey, organisation: config.store.adminOrganisation });
if (first.printedKey) {
  // Printed once, on the console only (never in the JSON log): only its hash is kept.
  process.stdout.write(
    `\nPremière clé d’accès (tous les droits), à conserver : elle ne sera plus affichée.\n\n  ${first.printedKey}\n\n` +
      `Utilisez-la dans l’en-tête « Authorization: Bearer <clé> » ou pour vous connecter au formulaire web.\n\n`,
  );
}
const jobs = new JobRunner(store, generator, (error) => logger.error({ err: error }, 'job failed'));
const app = createApp(generator, { logger, limits: config.input, store, jobs });
// Jobs left waiting or running by the previous process start again.
jobs.kick();

await warmWorkers();
const server = await listen(app, config.server);
const shown = config.server.host === '0.0.0.0' || config.server.host === '::' ? 'localhost' : config.server.host;
logger.info({ host: config.server.host, port: config.server.port }, `Service des documents de la clause sociale : http://${shown}:${config.server.port}/`);

async function shutdown(signal: string): Promise<void> {
  logger.info(`${signal} reçu : arrêt du service.`);
  server.close();
  await jobs.stop();
  await Promise.all([generator.close(), closeWorkers()]);
  await store.close();
  process.exit(0);
}

process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
