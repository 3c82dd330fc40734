/**
 * The web pages: sign-in with a key (when the service keeps organisations' work), the list of
 * kinds and each kind's form. A refused form comes back with the errors beside its fields.
 */
import { readFileSync } from 'node:fs';
import express, { Router, type Request, type Response } from 'express';
import { generateDocument } from '../../archive/index.js';
import { ForbiddenError, ServiceError, UnauthorizedError } from '../../core/errors.js';
import { listKinds } from '../../core/registry.js';
import { FORMAT_IDS } from '../../formats/index.js';
import type { Session } from '../../store/types.js';
import { hiddenKeys, listAction } from '../../web/form.js';
import { formPage, indexPage, loginPage, type WebSession } from '../../web/pages.js';
import { identify, principal, SESSION_COOKIE, SESSION_TTL_MS } from '../auth.js';
import { readDocumentInput } from '../input.js';
import { toProblem } from '../problem.js';
import { kindOf, resolveKind, type ServiceContext } from './context.js';
import { sendDocument } from './send.js';

export function webRouter({ generator, store, limits }: ServiceContext): Router {
  const router = Router();
  resolveKind(router);

  /** The signed-in session of a page, if any (always none when the service keeps nothing). */
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
    router.get('/connexion', (_req, res) => {
      res.type('html').send(loginPage());
    });
    router.post('/connexion', loginForm, async (req, res) => {
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
    router.post('/deconnexion', loginForm, async (req, res) => {
      const current = await webSession(req, res);
      const session = res.locals.session as Session | undefined;
      if (current && session && req.body?._csrf === session.csrf) await store.deleteSession(session.id);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.redirect(303, '/connexion');
    });
  }

  router.get('/', async (req, res) => {
    const session = await webSession(req, res);
    if (store && !session) return toLogin(res);
    res.type('html').send(indexPage(listKinds(), session));
  });

  router.get('/formulaires/:kind', async (req, res) => {
    const session = await webSession(req, res);
    if (store && !session) return toLogin(res);
    const kind = kindOf(res);
    const values = req.query.exemple ? (JSON.parse(readFileSync(kind.example, 'utf8')) as Record<string, unknown>) : {};
    const hidden = Object.fromEntries(hiddenKeys(kind.schema).filter((k) => k in values).map((k) => [k, values[k]]));
    res.type('html').send(formPage(kind, FORMAT_IDS, { values, hidden, session }));
  });

  router.post(
    '/formulaires/:kind',
    async (req, res, next) => {
      const session = await webSession(req, res);
      if (store && !session) {
        next(new UnauthorizedError('Session expirée : reconnectez-vous.', [{ path: 'session', type: 'session.absente', message: 'Votre session a expiré : reconnectez-vous avec votre clé d’accès.' }]));
        return;
      }
      res.locals.webSession = session;
      next();
    },
    readDocumentInput(limits, (_req, res) => kindOf(res).readUploads),
    async (req, res) => {
      const kind = kindOf(res);
      const fields = (res.locals.formFields ?? {}) as Record<string, unknown>;
      const session = res.locals.webSession as WebSession | undefined;
      if (session && fields._csrf !== session.csrf) {
        throw new ForbiddenError('Formulaire expiré ou envoyé depuis un autre site.', [{ path: '_csrf', type: 'csrf', message: 'Le formulaire a expiré : rechargez la page et envoyez-le à nouveau.' }]);
      }
      const format = typeof fields.format === 'string' ? fields.format : 'pdf';
      const mode = typeof fields.mode === 'string' ? fields.mode : 'final';
      // The data the form does not show (sent as a file) goes back with the form, as JSON.
      const hiddenOf = (values: Record<string, unknown>) => Object.fromEntries(hiddenKeys(kind.schema).filter((k) => k in values).map((k) => [k, values[k]]));
      if (fields._ajouter !== undefined || fields._retirer !== undefined) {
        // « Ajouter » or « Retirer » pressed without script: the same form, one item more or less.
        const data = (res.locals.data ?? {}) as Record<string, unknown>;
        const values = listAction(kind.schema, data, { add: fields._ajouter, remove: fields._retirer }) ?? data;
        res.type('html').send(formPage(kind, FORMAT_IDS, { values, hidden: hiddenOf(values), format, mode, session }));
        return;
      }
      try {
        const doc = store
          ? (await generateDocument(store, generator, principal(res), { kind, input: res.locals.data, format, mode })).doc
          : await generator.generate(kind, res.locals.data, { format, mode });
        sendDocument(res, doc, 'attachment');
      } catch (error) {
        // A correction to make goes back to the form; a momentary failure gets the error page.
        if (!(error instanceof ServiceError) || error.transient) throw error;
        const problem = toProblem(error, req.path, limits);
        const values = (res.locals.data ?? {}) as Record<string, unknown>;
        res
          .status(problem.status)
          .type('html')
          .send(formPage(kind, FORMAT_IDS, { values, hidden: hiddenOf(values), errors: problem.errors, problem, format, mode, session }));
      }
    },
  );

  return router;
}
