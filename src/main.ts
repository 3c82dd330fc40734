/** Starts the service: http://localhost:3000 (PORT overrides). */
import { createApp } from './server/app.js';
import { Generator } from './generator.js';

const port = Number(process.env.PORT) || 3000;
const generator = new Generator();
const app = createApp(generator);

const server = app.listen(port, () => {
  console.log(`Service des documents de la clause sociale : http://localhost:${port}/`);
});

async function shutdown(signal: string): Promise<void> {
  console.log(`${signal} reçu : arrêt du service.`);
  server.close();
  await generator.close();
  process.exit(0);
}

process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
