/**
 * The HTTP service: the generation API, the kinds' descriptions, the web forms and the health
 * check. Errors of every route end in problem.ts (problem+json), except the form, which shows
 * them beside the fields.
 */
import { readFileSync } from 'node:fs';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { DEFAULT_INPUT_LIMITS, settings, type InputLimits } from '../config.js';
import { ForbiddenError, InvalidInputError, NotFoundError, ServiceError, UnauthorizedError } from '../core/errors.js';
import { fromRoot } from '../core/paths.js';
import { getKind, listKinds } from '../core/registry.js';
import { MODES } from '../core/validation.js';
import { FORMAT_IDS } from '../formats.js';
import type { Generator } from '../generator.js';
import { echeances } from '../calendar/index.js';
import { blankCsv, blankModel, indicators, indicatorsCsv } from '../bilans/index.js';
import { readFollowUpFiles } from '../bilans/tabular.js';
import { catalogue, dimensionner } from '../sizing/index.js';
import { hiddenKeys } from '../web/form.js';
import { formPage, indexPage, loginPage, type WebSession } from '../web/pages.js';
import { readDocumentInput } from './input.js';
import { sendDocument } from './routes/send.js';
import { queryDay, queryString } from './routes/context.js';
import { jsonSchemaOf } from './json-schema.js';
import { kindSchemaHandler, openApiRouter } from './openapi/index.js';
import { createLogger, requestLogger, type Logger } from './log.js';
import { problemHandler, toProblem, type ServerErrorLog } from './problem.js';
import { generateDocument } from '../archive/index.js';
import type { Session, Store } from '../store/types.js';
import { authenticate, identify, principal, SESSION_COOKIE, SESSION_TTL_MS } from './auth.js';
import { methodNotAllowed } from './methods.js';
import { archiveRouter } from './routes/archive.js';
import { dossiersRouter } from './routes/dossiers.js';
import { keysRouter } from './routes/keys.js';
import { jobsRouter } from './routes/jobs.js';
import { JobRunner } from '../jobs/index.js';
import { formatFromAccept } from './negotiation.js';

export interface AppOptions {
  limits?: InputLimits;
  /**
   * Where organisations, keys, dossiers and documents are kept. With a store, every API route but
   * the public descriptions needs a key and final documents are archived; without one (tests of the
   * stateless engines, the CLI), the service generates without keeping anything.
   */
  store?: Store;
  /** The runner of batch jobs (default: one for this app, started by the first submission). */
  jobs?: JobRunner;
  /** The service's logger; default: JSON lines on stdout at level "info". */
  logger?: Logger;
  /** Called for every server error (5xx), besides the log line. */
  log?: ServerErrorLog;
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
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestLogger(logger));
  app.use(securityHeaders);
  app.use(singleQueryValues);
  app.use('/static', express.static(fromRoot('public'), { index: false, maxAge: '1h' }));

  app.get('/health', async (_req, res) => {
    res.json({ status: 'ok', kinds: listKinds().map((k) => k.id), pdf: { chromiumLaunches: generator.pool.launches } });
  });

  app.get('/api/v1/kinds', (_req, res) => {
    res.json(
      listKinds().map((kind) => ({
        id: kind.id,
        title: kind.title,
        description: kind.description,
        formats: FORMAT_IDS,
        modes: MODES,
        endpoint: `/api/v1/documents/${kind.id}`,
        example: `/api/v1/kinds/${kind.id}/example`,
        schema: jsonSchemaOf(kind.schema),
      })),
    );
  });

  app.get('/api/v1/kinds/:kind/example', (req, res) => {
    const kind = getKind(String(req.params.kind));
    res.type('application/json').send(readFileSync(kind.example, 'utf8'));
  });
  app.get('/api/v1/kinds/:kind/schema', kindSchemaHandler);
  app.use(openApiRouter());

  const store = options.store;
  // Everything below needs a key when the service keeps organisations' work.
  if (store) app.use('/api/v1', authenticate(store));

  const kindUploads = (req: Request) => getKind(String(req.params.kind)).readUploads;

  app.post('/api/v1/documents/:kind', (req, _res, next) => {
    getKind(String(req.params.kind));
    next();
  }, readDocumentInput(limits, kindUploads), async (req, res) => {
    const fields = (res.locals.formFields ?? {}) as Record<string, unknown>;
    const format = queryString(req, 'format') ?? (typeof fields.format === 'string' ? fields.format : undefined) ?? formatFromAccept(req);
    const mode = queryString(req, 'mode') ?? (typeof fields.mode === 'string' ? fields.mode : undefined);
    if (!store) {
      const doc = await generator.generate(String(req.params.kind), res.locals.data, { format, mode });
      sendDocument(res, doc, doc.contentType.startsWith('text/html') ? 'inline' : 'attachment');
      return;
    }
    const idempotencyKey = req.headers['idempotency-key'];
    if (idempotencyKey !== undefined && (typeof idempotencyKey !== 'string' || !/^[\x21-\x7E]{1,200}$/.test(idempotencyKey))) {
      throw new InvalidInputError('Clé d’idempotence invalide.', [{ path: 'Idempotency-Key', type: 'idempotence.format', message: 'La clé d’idempotence doit compter de 1 à 200 caractères visibles, sans espace.' }]);
    }
    const result = await generateDocument(store, generator, principal(res), {
      kind: String(req.params.kind),
      input: res.locals.data,
      format,
      mode,
      dossier: queryString(req, 'dossier'),
      archiveDraft: queryString(req, 'archiver') === 'oui',
      idempotencyKey,
    });
    if (result.record) {
      res.setHeader('X-Document-Id', result.record.id);
      res.setHeader('Location', `/api/v1/documents/${result.record.id}`);
    }
    if (result.dossier) res.setHeader('X-Dossier-Id', result.dossier.id);
    if (result.ecarts.length > 0) res.setHeader('X-Dossier-Ecarts', encodeURIComponent(JSON.stringify(result.ecarts.map((e) => ({ champ: e.path, message: e.message })))));
    if (result.replay) res.setHeader('Idempotent-Replayed', 'true');
    sendDocument(res, result.doc, result.doc.contentType.startsWith('text/html') ? 'inline' : 'attachment');
  });

  if (store) {
    const context = { generator, store, limits };
    app.use(archiveRouter(context));
    app.use(dossiersRouter(context));
    app.use(keysRouter(context));
    app.use(jobsRouter({ ...context, jobs: options.jobs ?? new JobRunner(store, generator, (e) => log('job failed', e, undefined)) }));
  }

  // Insertion-goal sizing.
  app.get('/api/v1/insertion-goals/catalog', (req, res) => {
    const date = queryDay(req, 'date', 'date');
    res.json(catalogue(date ? new Date(date) : new Date()));
  });

  app.post('/api/v1/insertion-goals', readDocumentInput(limits), (_req, res) => {
    res.json(dimensionner(res.locals.data));
  });

  // The convention's calendar.
  app.post('/api/v1/echeances', readDocumentInput(limits), (_req, res) => {
    res.json(echeances(res.locals.data));
  });

  // Bilans: indicators as data, blank models of the follow-up spreadsheets.
  app.post(
    '/api/v1/bilans/indicateurs',
    readDocumentInput(limits, () => async (files) => ({ ...(await readFollowUpFiles(files)) })),
    (req, res) => {
      const data = { ...(res.locals.data as Record<string, unknown>) };
      for (const key of ['moisArrete', 'seuilConfidentialite', 'acheteur', 'annee']) {
        const q = queryString(req, key);
        if (q !== undefined) data[key] = q;
      }
      const result = indicators(data);
      const format = queryString(req, 'format') ?? 'json';
      if (format === 'csv') {
        res.type('text/csv; charset=utf-8').attachment(`indicateurs-${result.moisArrete}.csv`).send(indicatorsCsv(result));
      } else if (format === 'json') {
        res.json(result);
      } else {
        throw new InvalidInputError('Format inconnu.', [{ path: 'format', type: 'any.only', message: `Format inconnu « ${format} ». Formats disponibles : json, csv.` }]);
      }
    },
  );
  app.get('/api/v1/bilans/modele.xlsx', async (_req, res) => {
    res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').attachment('modele-suivi-clauses.xlsx').send(await blankModel());
  });
  app.get('/api/v1/bilans/modele-:sheet.csv', (req, res) => {
    const sheet = String(req.params.sheet);
    if (sheet !== 'marches' && sheet !== 'suivi') throw new NotFoundError(`Aucun modèle « ${sheet} » : modèles disponibles : marches, suivi.`);
    res.type('text/csv; charset=utf-8').attachment(`${sheet}.csv`).send(blankCsv(sheet));
  });

  // Web pages. With a store, they need a session opened with a key (/connexion).
  const webSession = async (req: Request, res: Response): Promise<WebSession | undefined> => {
    if (!store) return undefined;
    const p = await identify(store, req, res);
    const session = res.locals.session as Session | undefined;
    if (!p || !session) return undefined;
    res.locals.principal = p;
    return { organisation: p.organisation.nom, csrf: session.csrf };
  };
  const toLogin = (res: Response) => res.redirect(303, '/connexion');

  if (store) {
    const loginForm = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });
    app.get('/connexion', (_req, res) => {
      res.type('html').send(loginPage());
    });
    app.post('/connexion', loginForm, async (req, res) => {
      const secret = typeof req.body?.cle === 'string' ? req.body.cle.trim() : '';
      const key = secret && secret.length <= 200 ? await store.findKeyBySecret(secret) : undefined;
      if (!key) {
        res.status(401).type('html').send(loginPage('Clé d’accès inconnue ou révoquée : vérifiez-la, ou demandez-en une à la personne qui administre le service.'));
        return;
      }
      const session = await store.createSession(key.id, SESSION_TTL_MS);
      await store.audit({ organisationId: key.organisationId, cleId: key.id, action: 'session.ouverte', cible: null, details: null });
      res.cookie(SESSION_COOKIE, session.id, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', maxAge: SESSION_TTL_MS });
      res.redirect(303, '/');
    });
    app.post('/deconnexion', loginForm, async (req, res) => {
      const current = await webSession(req, res);
      const session = res.locals.session as Session | undefined;
      if (current && session && req.body?._csrf === session.csrf) await store.deleteSession(session.id);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.redirect(303, '/connexion');
    });
  }

  app.get('/', async (req, res) => {
    const session = await webSession(req, res);
    if (store && !session) return toLogin(res);
    res.type('html').send(indexPage(listKinds(), session));
  });

  app.get('/formulaires/:kind', async (req, res) => {
    const session = await webSession(req, res);
    if (store && !session) return toLogin(res);
    const kind = getKind(String(req.params.kind));
    const values = req.query.exemple ? (JSON.parse(readFileSync(kind.example, 'utf8')) as Record<string, unknown>) : {};
    const hidden = Object.fromEntries(hiddenKeys(kind.schema).filter((k) => k in values).map((k) => [k, values[k]]));
    res.type('html').send(formPage(kind, FORMAT_IDS, { values, hidden, session }));
  });

  app.post('/formulaires/:kind', async (req, res, next) => {
    getKind(String(req.params.kind));
    const session = await webSession(req, res);
    if (store && !session) {
      next(new UnauthorizedError('Session expirée : reconnectez-vous.', [{ path: 'session', type: 'session.absente', message: 'Votre session a expiré : reconnectez-vous avec votre clé d’accès.' }]));
      return;
    }
    res.locals.webSession = session;
    next();
  }, readDocumentInput(limits, kindUploads), async (req, res) => {
    const kind = getKind(String(req.params.kind));
    const fields = (res.locals.formFields ?? {}) as Record<string, unknown>;
    const session = res.locals.webSession as WebSession | undefined;
    if (session && fields._csrf !== session.csrf) {
      throw new ForbiddenError('Formulaire expiré ou envoyé depuis un autre site.', [{ path: '_csrf', type: 'csrf', message: 'Le formulaire a expiré : rechargez la page et envoyez-le à nouveau.' }]);
    }
    const format = typeof fields.format === 'string' ? fields.format : 'pdf';
    const mode = typeof fields.mode === 'string' ? fields.mode : 'final';
    try {
      const doc = store
        ? (await generateDocument(store, generator, principal(res), { kind: kind.id, input: res.locals.data, format, mode })).doc
        : await generator.generate(kind.id, res.locals.data, { format, mode });
      sendDocument(res, doc, 'attachment');
    } catch (error) {
      if (!(error instanceof ServiceError) || error.status >= 500) throw error;
      const problem = toProblem(error, req.path, limits);
      res
        .status(problem.status)
        .type('html')
        .send(formPage(kind, FORMAT_IDS, { values: res.locals.data as Record<string, unknown>, errors: problem.errors, problem, format, mode, session }));
    }
  });

  app.use(methodNotAllowed(app));
  app.use((req, _res, next) => {
    next(new NotFoundError(`Aucune ressource à l’adresse ${req.method} ${req.path}.`));
  });
  app.use(problemHandler(log, limits));
  return app;
}
