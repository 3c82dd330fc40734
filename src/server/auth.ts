/**
 * Authentication at the HTTP edge: `Authorization: Bearer <key>` for programs, a session cookie for
 * the web pages (HttpOnly, SameSite=Strict, with a CSRF token in every form). The principal is put
 * in res.locals for the routes; what it may see is decided in src/access.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { principalOf, type Principal } from '../access/index.js';
import { UnauthorizedError } from '../core/errors.js';
import type { Store } from '../store/types.js';

export const SESSION_COOKIE = 'session';
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

export function cookies(req: Request): Record<string, string> {
  const header = req.headers.cookie;
  if (!header) return {};
  const out: Record<string, string> = {};
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

function bearer(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new UnauthorizedError('En-tête Authorization invalide.', [{ path: 'Authorization', type: 'auth.format', message: 'Envoyez la clé sous la forme « Authorization: Bearer <clé> ».' }]);
  return match[1];
}

/** The caller, from its key or its session; undefined when it sent neither. A wrong key is a 401 at once. */
export async function identify(store: Store, req: Request, res: Response): Promise<Principal | undefined> {
  const secret = bearer(req);
  if (secret !== undefined) {
    const key = secret.length <= 200 ? await store.findKeyBySecret(secret) : undefined;
    const principal = key ? await principalOf(store, key) : undefined;
    if (!principal) throw new UnauthorizedError('Clé d’accès inconnue ou révoquée.', [{ path: 'Authorization', type: 'auth.invalid', message: 'La clé d’accès est inconnue ou a été révoquée.' }]);
    return principal;
  }
  const sid = cookies(req)[SESSION_COOKIE];
  if (sid && sid.length <= 100) {
    const session = await store.getSession(sid);
    const key = session ? await store.getKey(session.cleId) : undefined;
    if (session && key && key.revoqueeLe === null) {
      const principal = await principalOf(store, key);
      if (principal) {
        res.locals.session = session;
        return principal;
      }
    }
  }
  return undefined;
}

/** Every route after this one needs a caller (401 otherwise). */
export function authenticate(store: Store): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    identify(store, req, res).then(
      (principal) => {
        if (!principal) {
          next(new UnauthorizedError('Authentification requise.', [{ path: 'Authorization', type: 'auth.missing', message: 'Envoyez une clé d’accès : « Authorization: Bearer <clé> ».' }]));
          return;
        }
        res.locals.principal = principal;
        next();
      },
      next,
    );
  };
}

export function principal(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new UnauthorizedError('Authentification requise.');
  return p;
}
