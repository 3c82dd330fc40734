/**
 * The one place where errors become HTTP responses: application/problem+json (RFC 9457) with every
 * field error at once. Client errors keep their French message; anything unexpected is a 500 whose
 * details go to the log only.
 */
import type { ErrorRequestHandler, Response } from 'express';
import multer from 'multer';
import {
  FieldError,
  InvalidInputError,
  PayloadTooLargeError,
  ServiceError,
  TemplateError,
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
}

function problemType(slug: string): string {
  return `/problemes/${slug}`;
}

export function sendProblem(res: Response, problem: Problem): void {
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** Errors raised by body parsers and multer, as ServiceErrors. */
export function fromParserError(error: unknown): ServiceError | undefined {
  if (error instanceof multer.MulterError) {
    const field = error.field ?? '';
    switch (error.code) {
      case 'LIMIT_FILE_SIZE':
        return new PayloadTooLargeError('Le fichier envoyé est trop volumineux.', [
          { path: field, type: 'file.tooLarge', message: `Le fichier « ${field} » dépasse la taille maximale autorisée.` },
        ]);
      case 'LIMIT_FIELD_VALUE':
        return new PayloadTooLargeError('Un champ du formulaire est trop long.', [
          { path: field, type: 'field.tooLarge', message: `Le champ « ${field} » dépasse la longueur maximale autorisée.` },
        ]);
      case 'LIMIT_PART_COUNT':
      case 'LIMIT_FIELD_COUNT':
      case 'LIMIT_FILE_COUNT':
        return new PayloadTooLargeError('Le formulaire envoyé contient trop de champs ou de fichiers.', [
          { path: field, type: 'form.tooManyParts', message: 'Le formulaire contient trop de champs ou de fichiers.' },
        ]);
      default:
        return new InvalidInputError('Le formulaire envoyé est invalide.', [
          { path: field, type: 'form.invalid', message: `Le formulaire envoyé est invalide (${error.code}) : un seul fichier JSON est attendu, dans le champ « donnees ».` },
        ]);
    }
  }
  const e = error as { type?: string; status?: number; message?: string; limit?: number };
  if (e && typeof e === 'object') {
    if (e.type === 'entity.too.large') {
      return new PayloadTooLargeError('Le corps de la requête est trop volumineux.', [
        { path: '', type: 'body.tooLarge', message: `Le corps de la requête dépasse la taille maximale de ${e.limit ?? '?'} octets.` },
      ]);
    }
    if (e.type === 'entity.parse.failed') {
      return new InvalidInputError('Le corps de la requête n’est pas un JSON valide.', [
        { path: '', type: 'json.syntax', message: `Le corps de la requête n’est pas un JSON valide : ${e.message ?? ''}`.trim() },
      ]);
    }
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
      return new UnsupportedMediaTypeError('Encodage non pris en charge : envoyez du JSON en UTF-8.', [
        { path: '', type: 'body.charset', message: 'Encodage non pris en charge : envoyez du JSON en UTF-8.' },
      ]);
    }
    if (typeof e.message === 'string' && /multipart|boundary|unexpected end of form|malformed part header/i.test(e.message)) {
      return new InvalidInputError('Le formulaire multipart est mal formé.', [
        { path: '', type: 'form.malformed', message: `Le formulaire multipart est mal formé : ${e.message}` },
      ]);
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      return new InvalidInputError('La requête est invalide.', [{ path: '', type: 'request.invalid', message: e.message ?? 'Requête invalide.' }]);
    }
  }
  return undefined;
}

export function toProblem(error: unknown, instance?: string): Problem {
  const known = error instanceof ServiceError ? error : fromParserError(error);
  if (known) {
    return { type: problemType(known.slug), title: known.title, status: known.status, detail: known.message, instance, errors: known.errors };
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
  return {
    type: problemType('erreur-interne'),
    title: 'Erreur interne',
    status: 500,
    detail: 'Une erreur inattendue est survenue ; elle a été journalisée.',
    instance,
    errors: [],
  };
}

export function problemHandler(log: (message: string, error: unknown) => void): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const problem = toProblem(error, req.originalUrl);
    if (problem.status >= 500) log(`${req.method} ${req.originalUrl} failed`, error);
    if (res.headersSent) {
      res.end();
      return;
    }
    sendProblem(res, problem);
  };
}
