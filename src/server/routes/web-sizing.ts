/**
 * The sizing on screen: GET/POST /dimensionnement, a form for a purchase project lot by lot (derived
 * from the sizing schema like the documents' forms), the result step by step with its sources, and
 * its hand-over to an avis motivé or a DCE clause, of a dossier if one is chosen.
 */
import { readFileSync } from 'node:fs';
import { Router, type Request, type Response } from 'express';
import { ServiceError } from '../../core/errors.js';
import { fromRoot } from '../../core/paths.js';
import { dimensionner, reference } from '../../sizing/index.js';
import { sizingSchema } from '../../sizing/schema.js';
import { listAction, pruneEmpty } from '../../web/form.js';
import { sizingPage, type SizingPageState, type WebSession } from '../../web/pages.js';
import { avisMotiveFromSizing, clauseDceFromSizing, sizingView } from '../../web/sizing.js';
import { principal } from '../auth.js';
import { readDocumentInput } from '../input.js';
import { toProblem } from '../problem.js';
import type { ServiceContext } from './context.js';
import { checkCsrf, requireWebSession, toLogin, webSession } from './web-session.js';

export function webSizingRouter({ store, limits }: ServiceContext): Router {
  const router = Router();
  const schema = () => sizingSchema(reference());

  /** The dossiers a result can be sent to (none without a store, or for a key that cannot read them). */
  const dossiersOf = async (res: Response) => {
    if (!store) return [];
    const p = principal(res);
    if (!p.key.scopes.includes('read')) return [];
    return (await store.listDossiers(p.visibles)).map((d) => ({ id: d.id, titre: d.titre }));
  };

  router.get('/dimensionnement', async (req: Request, res: Response) => {
    const session = await webSession(store, req, res);
    if (store && !session) return toLogin(res);
    const values = req.query.exemple ? (JSON.parse(readFileSync(fromRoot('fixtures', 'dimensionnement.json'), 'utf8')) as Record<string, unknown>) : {};
    res.type('html').send(sizingPage(schema(), { values, session }));
  });

  router.post('/dimensionnement', requireWebSession(store), readDocumentInput(limits), async (req: Request, res: Response) => {
    const session = res.locals.webSession as WebSession | undefined;
    const fields = (res.locals.formFields ?? {}) as Record<string, unknown>;
    checkCsrf(session, fields._csrf);
    const data = (res.locals.data ?? {}) as Record<string, unknown>;
    if (fields._ajouter !== undefined || fields._retirer !== undefined) {
      const values = listAction(schema(), data, { add: fields._ajouter, remove: fields._retirer }) ?? data;
      res.type('html').send(sizingPage(schema(), { values, session }));
      return;
    }
    const input = (pruneEmpty(data) ?? {}) as Record<string, unknown>;
    let state: SizingPageState;
    try {
      const result = dimensionner(input);
      state = {
        values: data,
        result: sizingView(result),
        avisMotive: JSON.stringify(avisMotiveFromSizing(input)),
        clauseDce: JSON.stringify(clauseDceFromSizing(input, result)),
        dossiers: await dossiersOf(res),
        session,
      };
    } catch (error) {
      if (!(error instanceof ServiceError) || error.transient) throw error;
      const problem = toProblem(error, req.path, limits);
      res.status(problem.status).type('html').send(sizingPage(schema(), { values: data, errors: problem.errors, problem, session }));
      return;
    }
    res.type('html').send(sizingPage(schema(), state));
  });

  return router;
}
