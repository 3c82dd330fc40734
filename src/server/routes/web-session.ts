/**
 * The signed-in session of a web page, shared by the routers of the pages (forms, dossiers, sizing):
 * who is signed in, the CSRF token every form carries, and the check of that token.
 */
import type { NextFunction, Request, Response } from 'express';
import { ForbiddenError, UnauthorizedError } from '../../core/errors.js';
import type { Session, Store } from '../../store/types.js';
import type { WebSession } from '../../web/pages.js';
import { identify } from '../auth.js';

/** The signed-in session of a page, if any (always none when the service keeps nothing). */
export async function webSession(store: Store | undefined, req: Request, res: Response): Promise<WebSession | undefined> {
  if (!store) return undefined;
  const p = await identify(store, req, res);
  const session = res.locals.session as Session | undefined;
  if (!p || !session) return undefined;
  res.locals.principal = p;
  return { organisation: p.organisation.nom, csrf: session.csrf };
}

export const toLogin = (res: Response) => res.redirect(303, '/connexion');

/**
 * Middleware of a posted form: a session is needed when the service keeps organisations' work
 * (401 otherwise); the session is left in res.locals.webSession.
 */
export function requireWebSession(store: Store | undefined) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const session = await webSession(store, req, res);
      if (store && !session) {
        next(new UnauthorizedError('Session expirée : reconnectez-vous.', [{ path: 'session', type: 'session.absente', message: 'Votre session a expiré : reconnectez-vous avec votre clé d’accès.' }]));
        return;
      }
      res.locals.webSession = session;
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** A form posted without the session's token (from another site, or an old page) is refused. */
export function checkCsrf(session: WebSession | undefined, token: unknown): void {
  if (session && token !== session.csrf) {
    throw new ForbiddenError('Formulaire expiré ou envoyé depuis un autre site.', [{ path: '_csrf', type: 'csrf', message: 'Le formulaire a expiré : rechargez la page et envoyez-le à nouveau.' }]);
  }
}
