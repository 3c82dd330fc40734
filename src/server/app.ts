/**
 * The HTTP service: the generation API, the kinds' descriptions, the web forms and the health
 * check. Errors of every route end in problem.ts (problem+json), except the form, which shows
 * them beside the fields.
 */
import { readFileSync } from 'node:fs';
import express, { type Request, type Response } from 'express';
import { InvalidInputError, NotFoundError, ServiceError } from '../core/errors.js';
import { getKind, listKinds } from '../core/registry.js';
import { MODES } from '../core/validation.js';
import { FORMAT_IDS } from '../formats.js';
import type { GeneratedDocument, Generator } from '../generator.js';
import { echeances } from '../calendar/index.js';
import { blankCsv, blankModel, indicators, indicatorsCsv } from '../bilans/index.js';
import { readFollowUpFiles } from '../bilans/tabular.js';
import { catalogue, dimensionner } from '../sizing/index.js';
import { hiddenKeys } from '../web/form.js';
import { formPage, indexPage } from '../web/pages.js';
import { DEFAULT_LIMITS, readDocumentInput, type InputLimits } from './input.js';
import { jsonSchemaOf } from './json-schema.js';
import { problemHandler, toProblem } from './problem.js';

export interface AppOptions {
  limits?: InputLimits;
  log?: (message: string, error?: unknown) => void;
}

function sendDocument(res: Response, doc: GeneratedDocument, disposition: 'attachment' | 'inline'): void {
  res.status(200);
  res.type(doc.contentType);
  if (disposition === 'attachment') res.attachment(doc.fileName);
  else res.setHeader('Content-Disposition', `inline; filename="${doc.fileName}"`);
  res.setHeader('X-Content-SHA256', doc.sha256);
  res.setHeader('Repr-Digest', `sha-256=:${Buffer.from(doc.sha256, 'hex').toString('base64')}:`);
  res.setHeader('X-Document-Mode', doc.mode);
  if (doc.mode === 'draft') res.setHeader('X-Champs-A-Completer', String(doc.missing.length));
  res.setHeader('Cache-Control', 'no-store');
  res.send(doc.bytes);
}

function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' ? value : undefined;
}

export function createApp(generator: Generator, options: AppOptions = {}): express.Express {
  const log = options.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''));
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

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

  const kindUploads = (req: Request) => getKind(String(req.params.kind)).readUploads;

  app.post('/api/v1/documents/:kind', (req, _res, next) => {
    getKind(String(req.params.kind));
    next();
  }, readDocumentInput(options.limits ?? DEFAULT_LIMITS, kindUploads), async (req, res) => {
    const fields = (res.locals.formFields ?? {}) as Record<string, unknown>;
    const doc = await generator.generate(String(req.params.kind), res.locals.data, {
      format: queryString(req, 'format') ?? (typeof fields.format === 'string' ? fields.format : undefined),
      mode: queryString(req, 'mode') ?? (typeof fields.mode === 'string' ? fields.mode : undefined),
    });
    sendDocument(res, doc, doc.contentType.startsWith('text/html') ? 'inline' : 'attachment');
  });

  // Insertion-goal sizing.
  app.get('/api/v1/insertion-goals/catalog', (req, res) => {
    const date = queryString(req, 'date');
    if (date !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date)) || new Date(date).toISOString().slice(0, 10) !== date)) {
      throw new InvalidInputError('Date invalide.', [{ path: 'date', type: 'date.format', message: '« date » doit être une date au format AAAA-MM-JJ.' }]);
    }
    res.json(catalogue(date ? new Date(date) : new Date()));
  });

  app.post('/api/v1/insertion-goals', readDocumentInput(options.limits ?? DEFAULT_LIMITS), (_req, res) => {
    res.json(dimensionner(res.locals.data));
  });

  // The convention's calendar.
  app.post('/api/v1/echeances', readDocumentInput(options.limits ?? DEFAULT_LIMITS), (_req, res) => {
    res.json(echeances(res.locals.data));
  });

  // Bilans: indicators as data, blank models of the follow-up spreadsheets.
  app.post(
    '/api/v1/bilans/indicateurs',
    readDocumentInput(options.limits ?? DEFAULT_LIMITS, () => async (files) => ({ ...(await readFollowUpFiles(files)) })),
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

  // Web pages.
  app.get('/', (_req, res) => {
    res.type('html').send(indexPage(listKinds()));
  });

  app.get('/formulaires/:kind', (req, res) => {
    const kind = getKind(String(req.params.kind));
    const values = req.query.exemple ? (JSON.parse(readFileSync(kind.example, 'utf8')) as Record<string, unknown>) : {};
    const hidden = Object.fromEntries(hiddenKeys(kind.schema).filter((k) => k in values).map((k) => [k, values[k]]));
    res.type('html').send(formPage(kind, FORMAT_IDS, { values, hidden }));
  });

  app.post('/formulaires/:kind', (req, _res, next) => {
    getKind(String(req.params.kind));
    next();
  }, readDocumentInput(options.limits ?? DEFAULT_LIMITS, kindUploads), async (req, res) => {
    const kind = getKind(String(req.params.kind));
    const fields = (res.locals.formFields ?? {}) as Record<string, unknown>;
    const format = typeof fields.format === 'string' ? fields.format : 'pdf';
    const mode = typeof fields.mode === 'string' ? fields.mode : 'final';
    try {
      const doc = await generator.generate(kind.id, res.locals.data, { format, mode });
      sendDocument(res, doc, 'attachment');
    } catch (error) {
      if (!(error instanceof ServiceError) || error.status >= 500) throw error;
      const problem = toProblem(error, req.originalUrl);
      res
        .status(problem.status)
        .type('html')
        .send(formPage(kind, FORMAT_IDS, { values: res.locals.data as Record<string, unknown>, errors: problem.errors, problem, format, mode }));
    }
  });

  app.use((req, _res, next) => {
    next(new NotFoundError(`Aucune ressource à l’adresse ${req.method} ${req.path}.`));
  });
  app.use(problemHandler(log));
  return app;
}
