/**
 * The one place where errors become HTTP responses: application/problem+json (RFC 9457) with every
 * field error at once. Client errors keep their French message; anything unexpected is a 500 whose
 * details go to the log only.
 */
import type { ErrorRequestHandler, Response } from 'express';
import multer from 'multer';
import { DEFAULT_INPUT_LIMITS, type InputLimits } from '../config.js';
import { formatSize } from '../core/french.js';
import { errorPage } from '../web/pages.js';
import { CorruptionError } from '../store/files.js';
import {
  BusyError,
  ConflictError,
  FieldError,
  ForbiddenError,
  IncompleteDocumentError,
  InvalidInputError,
  MethodNotAllowedError,
  NonConformingDocumentError,
  NotAcceptableError,
  NotFoundError,
  PayloadTooLargeError,
  RenderUnavailableError,
  ServiceError,
  TemplateError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from '../core/errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors: FieldError[];
  /** The id of the request, as in its X-Request-Id header and in the log. */
  requestId?: string;
}

/**
 * The HTTP status of each error of the core: the one table where statuses are chosen. An error
 * class missing here is a server error (500), so a new class is never silently a client's fault.
 */
const STATUSES = new Map<abstract new (...args: never[]) => ServiceError, number>([
  [InvalidInputError, 400],
  [UnauthorizedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [MethodNotAllowedError, 405],
  [NotAcceptableError, 406],
  [ConflictError, 409],
  [PayloadTooLargeError, 413],
  [UnsupportedMediaTypeError, 415],
  [IncompleteDocumentError, 422],
  [NonConformingDocumentError, 422],
  [BusyError, 429],
  [RenderUnavailableError, 503],
]);

/** The status of an error of the core (500 for anything the table does not name). */
export function statusOf(error: unknown): number {
  for (const [type, status] of STATUSES) if (error instanceof type) return status;
  return 500;
}

function problemType(slug: string): string {
  return `/problemes/${slug}`;
}

export function sendProblem(res: Response, problem: Problem): void {
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** Errors of body parsers and multer, as ServiceErrors; `limits` names the limit passed. */
export function fromParserError(error: unknown, limits: InputLimits = DEFAULT_INPUT_LIMITS): ServiceError | undefined {
  if (error instanceof multer.MulterError) {
    const field = error.field ?? '';
    switch (error.code) {
      case 'LIMIT_FILE_SIZE':
        return new PayloadTooLargeError('Le fichier envoyé est trop volumineux.', [
          { path: field, type: 'file.tooLarge', message: `Le fichier « ${field} » dépasse la taille maximale de ${formatSize(limits.fileBytes)}.` },
        ]);
      case 'LIMIT_FIELD_VALUE':
        return new PayloadTooLargeError('Un champ du formulaire est trop long.', [
          { path: field, type: 'field.tooLarge', message: `Le champ « ${field} » dépasse la longueur maximale autorisée.` },
        ]);
      case 'LIMIT_FIELD_KEY':
        return new InvalidInputError('Nom de champ invalide.', [{ path: '', type: 'field.name', message: 'Un nom de champ du formulaire est trop long.' }]);
      case 'LIMIT_PART_COUNT':
      case 'LIMIT_FIELD_COUNT':
      case 'LIMIT_FILE_COUNT':
        return new PayloadTooLargeError('Le formulaire envoyé contient trop de champs ou de fichiers.', [
          { path: field, type: 'form.tooManyParts', message: 'Le formulaire contient trop de champs ou de fichiers.' },
        ]);
      default:
        return new InvalidInputError('Le formulaire envoyé est invalide.', [
          { path: field, type: 'form.invalid', message: 'Le formulaire envoyé est invalide : un seul fichier JSON est attendu, dans le champ « donnees ».' },
        ]);
    }
  }
  const e = error as { type?: string; status?: number; statusCode?: number; message?: string };
  if (e && typeof e === 'object') {
    if (e.type === 'entity.too.large') {
      return new PayloadTooLargeError('Le corps de la requête est trop volumineux.', [
        { path: '', type: 'body.tooLarge', message: `Le corps de la requête dépasse la taille maximale de ${formatSize(limits.jsonBytes)}.` },
      ]);
    }
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
      return new UnsupportedMediaTypeError('Encodage non pris en charge : envoyez du JSON en UTF-8.', [
        { path: '', type: 'body.charset', message: 'Encodage non pris en charge : envoyez du JSON en UTF-8.' },
      ]);
    }
    if (e.type === 'request.aborted' || e.type === 'request.size.invalid') {
      return new InvalidInputError('La requête a été interrompue.', [{ path: '', type: 'request.aborted', message: 'Le corps de la requête n’a pas été reçu en entier.' }]);
    }
    if (typeof e.message === 'string' && /multipart|boundary|unexpected end of form|malformed part header|part terminated/i.test(e.message)) {
      return new InvalidInputError('Le formulaire multipart est mal formé.', [
        { path: '', type: 'form.malformed', message: 'Le formulaire multipart est mal formé : vérifiez la délimitation (boundary) et la fin du formulaire.' },
      ]);
    }
    const status = e.status ?? e.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Another library's client error: its own words stay in the log.
      return new InvalidInputError('La requête est invalide.', [{ path: '', type: 'request.invalid', message: 'La requête est invalide.' }]);
    }
  }
  return undefined;
}

/** At most this many field errors in an answer: enough to correct the input, never a huge body. */
export const MAX_PROBLEM_ERRORS = 100;

export function toProblem(error: unknown, instance?: string, limits?: InputLimits): Problem {
  const known = error instanceof ServiceError ? error : fromParserError(error, limits);
  if (known) {
    const errors = known.errors.slice(0, MAX_PROBLEM_ERRORS);
    const more = known.errors.length - errors.length;
    const detail = more > 0 ? `${known.message} (${MAX_PROBLEM_ERRORS} premières erreurs sur ${known.errors.length})` : known.message;
    const status = statusOf(known);
    if (status === 500) return internalProblem(instance);
    return { type: problemType(known.slug), title: known.title, status, detail, instance, errors };
  }
  if (error instanceof TemplateError) {
    return {
      type: problemType('modele-invalide'),
      title: 'Modèle de document invalide',
      status: 500,
      detail: 'Le modèle du document est invalide ; l’erreur a été journalisée pour l’équipe qui le maintient.',
      instance,
      errors: [],
    };
  }
  return internalProblem(instance);
}

function internalProblem(instance: string | undefined): Problem {
  return {
    type: problemType('erreur-interne'),
    title: 'Erreur interne',
    status: 500,
    detail: 'Une erreur inattendue est survenue ; elle a été journalisée.',
    instance,
    errors: [],
  };
}

/** Seconds a client should wait before retrying a 429 or a 503. */
const RETRY_AFTER_SECONDS = 5;

export type ServerErrorLog = (message: string, error: unknown, requestId: string | undefined) => void;

/**
 * The error handler of every route: the problem, with the request's id (also in X-Request-Id) so
 * that the log line of a 5xx can be found; the log alone keeps the error's detail.
 */
export function problemHandler(log: ServerErrorLog, limits?: InputLimits): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const problem = toProblem(error, req.path, limits);
    const requestId = typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : undefined;
    if (error instanceof CorruptionError) log(`CORRUPTION: stored file ${error.sha256} does not match its hash (${req.method} ${req.path})`, error, requestId);
    else if (problem.status >= 500) log(`${req.method} ${req.path} failed`, error, requestId);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (problem.status === 429 || problem.status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    if (problem.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="api"');
    if (error instanceof MethodNotAllowedError) res.setHeader('Allow', error.allow.join(', '));
    const answer = requestId ? { ...problem, requestId } : problem;
    // A browser (that prefers HTML to JSON) gets a page; programs get problem+json.
    if (req.accepts(['application/problem+json', 'application/json', 'text/html']) === 'text/html') {
      res.status(problem.status).type('html').send(errorPage(answer));
      return;
    }
    sendProblem(res, answer);
  };
}
