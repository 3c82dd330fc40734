/**
 * Structured JSON logs (pino): one line per request with its id, method, path, status and duration,
 * and the detail of every server error. No personal data: neither bodies, nor query values, nor
 * headers other than the request id are logged.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'clauses-sociales-documents' } });
}

/** A client's own request id is kept when it is a plain token; otherwise one is made. */
const CLIENT_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && CLIENT_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    // The error handler logs server errors itself, with their detail.
    customErrorMessage: (req) => `${req.method} ${req.url?.split('?')[0]} failed`,
  });
}
