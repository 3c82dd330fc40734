/** What the routers share: the generator, the store, the limits of the input, the kind of the request. */
import type { Request, Response, Router } from 'express';
import type { InputLimits } from '../../config.js';
import { InvalidInputError } from '../../core/errors.js';
import type { DocumentKind } from '../../core/kind.js';
import { getKind } from '../../core/registry.js';
import type { Generator } from '../../generator.js';
import type { Store } from '../../store/types.js';

/** The service's parts a router may use; without a store, the service keeps nothing. */
export interface ServiceContext {
  generator: Generator;
  store?: Store;
  limits: InputLimits;
}

/** The context of the routers that exist only when the service keeps organisations' work. */
export interface RouteContext extends ServiceContext {
  store: Store;
}

/** Looks the `:kind` of the router's paths up once per request (404 if unknown); `kindOf` gives it back. */
export function resolveKind(router: Router): void {
  router.param('kind', (_req, res, next, id) => {
    res.locals.kind = getKind(String(id));
    next();
  });
}

export function kindOf(res: Response): DocumentKind {
  return res.locals.kind as DocumentKind;
}

export function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' ? value : undefined;
}

/** A positive whole number from the query, within bounds. */
export function queryInt(req: Request, name: string, label: string, fallback: number, max: number): number {
  const raw = queryString(req, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d{1,9}$/.test(raw) || value < 1 || value > max) {
    throw new InvalidInputError('Paramètre invalide.', [{ path: name, type: 'number.range', message: `« ${label} » doit être un nombre entier entre 1 et ${max}.` }]);
  }
  return value;
}

/** A day "AAAA-MM-JJ" from the query, as the ISO date-time of its start (or of the next day's start). */
export function queryDay(req: Request, name: string, label: string, nextDay = false): string | undefined {
  const raw = queryString(req, name);
  if (raw === undefined) return undefined;
  const date = new Date(`${raw}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== raw) {
    throw new InvalidInputError('Date invalide.', [{ path: name, type: 'date.format', message: `« ${label} » doit être une date au format AAAA-MM-JJ.` }]);
  }
  if (nextDay) date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString();
}
