/**
 * The HTTP server around the app, with the limits that keep a slow or idle client from holding the
 * service: most connections at once, time to receive headers and the whole request, idle time.
 */
import { createServer, type Server } from 'node:http';
import type { RequestListener } from 'node:http';
import type { ServerSettings } from '../config.js';

export function listen(app: RequestListener, settings: ServerSettings): Promise<Server> {
  const server = createServer(
    {
      headersTimeout: settings.headersTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      keepAliveTimeout: settings.keepAliveTimeoutMs,
      // How often the time limits above are checked.
      connectionsCheckingInterval: Math.min(1000, settings.headersTimeoutMs),
    },
    app,
  );
  // Beyond this many open connections, new ones are closed at once: the file descriptors stay free.
  server.maxConnections = settings.maxConnections;
  // A connection with no traffic at all (nothing sent, nothing answered) is closed after this long.
  server.timeout = settings.idleTimeoutMs;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
