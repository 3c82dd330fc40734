/** Starts the service on HOST:PORT (default 127.0.0.1:3000); every setting is in src/config.ts. */
import { settings } from './config.js';
import { createApp } from './server/app.js';
import { listen } from './server/listen.js';
import { createLogger } from './server/log.js';
import { Generator } from './generator.js';
import { closeWorkers, warmWorkers } from './workers/index.js';

const config = settings();
const logger = createLogger(config.logLevel);
const generator = new Generator();
const app = createApp(generator, { logger, limits: config.input });

await warmWorkers();
const server = await listen(app, config.server);
const shown = config.server.host === '0.0.0.0' || config.server.host === '::' ? 'localhost' : config.server.host;
logger.info({ host: config.server.host, port: config.server.port }, `Service des documents de la clause sociale : http://${shown}:${config.server.port}/`);

async function shutdown(signal: string): Promise<void> {
  logger.info(`${signal} reçu : arrêt du service.`);
  server.close();
  await Promise.all([generator.close(), closeWorkers()]);
  process.exit(0);
}

process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
