/**
 * The HTTP service: one router per area (reference data, documents, archive, dossiers, keys, jobs,
 * sizing, calendar, bilans, web pages) composed here. Errors of every route end in problem.ts, the
 * one place where statuses are chosen (problem+json, or an HTML page for a browser); the form
 * shows its own errors beside the fields.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { DEFAULT_INPUT_LIMITS, settings, type InputLimits } from '../config.js';
import { InvalidInputError, NotFoundError } from '../core/errors.js';
import { fromRoot } from '../core/paths.js';
import type { Generator } from '../generator.js';
import { JobRunner } from '../jobs/index.js';
import type { Store } from '../store/types.js';
import { authenticate } from './auth.js';
import { createLogger, requestLogger, type Logger } from './log.js';
import { instrument, Metrics } from './metrics.js';
import { methodNotAllowed } from './methods.js';
import { openApiRouter } from './openapi/index.js';
import { problemHandler, type ServerErrorLog } from './problem.js';
import { archiveRouter } from './routes/archive.js';
import { bilansRouter } from './routes/bilans.js';
import { calendarRouter } from './routes/calendar.js';
import type { ServiceContext } from './routes/context.js';
import { documentsRouter } from './routes/documents.js';
import { dossiersRouter } from './routes/dossiers.js';
import { jobsRouter } from './routes/jobs.js';
import { keysRouter } from './routes/keys.js';
import { referenceRouter } from './routes/reference.js';
import { serviceRouter, type Lifecycle } from './routes/service.js';
import { sizingRouter } from './routes/sizing.js';
import { webRouter } from './routes/web.js';
import { webDossiersRouter } from './routes/web-dossiers.js';
import { webJobsRouter } from './routes/web-jobs.js';
import { webSizingRouter } from './routes/web-sizing.js';

export interface AppOptions {
  limits?: InputLimits;
  /**
   * Where organisations, keys, dossiers and documents are kept. With a store, every API route but
   * the public descriptions needs a key and final documents are archived; without one (tests of the
   * stateless engines, the CLI), the service generates without keeping anything.
   */
  store?: Store;
  /**
   * From how many items in its lists a form's input is produced in the background, as a job
   * (default: OFF_THREAD_ITEMS, the threshold of rendering in a worker).
   */
  webBackgroundItems?: number;
  /** The runner of batch jobs (default: one for this app, started by the first submission). */
  jobs?: JobRunner;
  /** The service's logger; default: JSON lines on stdout at level "info". */
  logger?: Logger;
  /** Called for every server error (5xx), besides the log line. */
  log?: ServerErrorLog;
  /** The metrics registry (default: one for this app). */
  metrics?: Metrics;
  /** Set `stopping` to make /ready answer 503 while the process stops gracefully. */
  lifecycle?: Lifecycle;
  /** When set, /metrics needs this bearer token. */
  metricsToken?: string;
}

/**
 * Security headers of every answer (helmet): no inline script or style anywhere in the service's
 * pages (their style sheet is /static/web.css), no framing, no MIME sniffing, no referrer abroad.
 */
const securityHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
    },
  },
  referrerPolicy: { policy: 'same-origin' },
});

/** A query parameter given twice is refused rather than one of its values silently chosen. */
function singleQueryValues(req: Request, _res: Response, next: NextFunction): void {
  const repeated = Object.entries(req.query).filter(([, v]) => Array.isArray(v)).map(([k]) => k);
  if (repeated.length > 0) {
    next(
      new InvalidInputError('Paramètre répété.', repeated.map((k) => ({ path: k, type: 'query.repeated', message: `Le paramètre « ${k} » est donné plusieurs fois : donnez-le une seule fois.` }))),
    );
    return;
  }
  next();
}

export function createApp(generator: Generator, options: AppOptions = {}): express.Express {
  const logger = options.logger ?? createLogger(settings().logLevel);
  const limits = options.limits ?? DEFAULT_INPUT_LIMITS;
  const log: ServerErrorLog = (message, error, requestId) => {
    logger.error({ err: error, requestId }, message);
    options.log?.(message, error, requestId);
  };
  const metrics = options.metrics ?? new Metrics();
  metrics.observe({ engine: () => generator.stats(), ...(options.store ? { pendingJobs: () => options.store!.countPendingJobs() } : {}) });
  // Every render of the routes is counted and timed; the routes need not know.
  generator = instrument(generator, metrics);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestLogger(logger));
  app.use(metrics.httpMiddleware());
  app.use(securityHeaders);
  app.use(singleQueryValues);
  app.use('/static', express.static(fromRoot('public'), { index: false, maxAge: '1h' }));

  app.use(serviceRouter({ generator, store: options.store, metrics, lifecycle: options.lifecycle ?? { stopping: false }, metricsToken: options.metricsToken }));
  app.use(referenceRouter());
  app.use(openApiRouter());

  const store = options.store;
  // Everything below needs a key when the service keeps organisations' work.
  if (store) app.use('/api/v1', authenticate(store));

  // One runner of batch jobs, for the API and the web pages (a form produced in the background).
  const jobs = store ? (options.jobs ?? new JobRunner(store, generator, (e) => log('job failed', e, undefined), { webhooks: settings().webhooks })) : undefined;
  const context: ServiceContext = { generator, store, limits };
  app.use(documentsRouter(context));
  if (store) {
    const stored = { ...context, store };
    app.use(archiveRouter(stored));
    app.use(dossiersRouter(stored));
    app.use(keysRouter(stored));
    app.use(jobsRouter({ ...stored, jobs: jobs! }));
  }
  app.use(sizingRouter(context));
  app.use(calendarRouter(context));
  app.use(bilansRouter(context));
  app.use(webRouter({ ...context, jobs, ...(options.webBackgroundItems !== undefined ? { backgroundItems: options.webBackgroundItems } : {}) }));
  if (store) app.use(webDossiersRouter({ ...context, store }));
  if (store) app.use(webJobsRouter({ ...context, store }));
  app.use(webSizingRouter(context));

  app.use(methodNotAllowed(app));
  app.use((req, _res, next) => {
    next(new NotFoundError(`Aucune ressource à l’adresse ${req.method} ${req.path}.`));
  });
  app.use(problemHandler(log, limits));
  return app;
}
