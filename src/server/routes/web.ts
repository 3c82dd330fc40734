/**
 * The web pages: sign-in with a key (when the service keeps organisations' work), the home page
 * (the organisation's dossiers and the list of kinds) and each kind's form. A refused form comes back
 * with the errors beside its fields. A form may start from a dossier (`?dossier=` on the page, the
 * hidden `_dossier` field once posted): it is filled with the dossier's data and its document is
 * attached to the dossier. The convention's form saves its draft into a dossier.
 */
import { readFileSync } from 'node:fs';
import express, { Router, type Request, type Response } from 'express';
import type Joi from 'joi';
import { dossierFor, generateDocument, saveConventionDraft } from '../../archive/index.js';
import { mergeUnder } from '../../core/dossier-merge.js';
import { InvalidInputError, ServiceError } from '../../core/errors.js';
import type { DocumentKind } from '../../core/kind.js';
import { listKinds } from '../../core/registry.js';
import { settings } from '../../config.js';
import { validate, type Mode } from '../../core/validation.js';
import { FORMAT_IDS } from '../../formats/index.js';
import type { JobRunner } from '../../jobs/index.js';
import type { Dossier, Session } from '../../store/types.js';
import { hiddenKeys, listAction, pruneEmpty, withoutUnchanged } from '../../web/form.js';
import { formPage, indexPage, loginPage, type FormPageState, type WebSession } from '../../web/pages.js';
import { proposeGenders, withProposals } from '../../web/proposals.js';
import { keepingReader, keptFollowUp, keptNote, type RefusedUpload } from '../../web/uploads.js';
import { principal, SESSION_COOKIE, SESSION_TTL_MS } from '../auth.js';
import { readDocumentInput } from '../input.js';
import { toProblem } from '../problem.js';
import { kindOf, queryString, resolveKind, type ServiceContext } from './context.js';
import { PREVIEW_PAGE_CSP, sendDocument } from './send.js';
import { submitWebJob } from './web-jobs.js';
import { dossierSummaries } from './web-dossiers.js';
import { checkCsrf, requireWebSession, toLogin, webSession } from './web-session.js';

/** What a kind's form starts from in a dossier: the convention itself, or what the kind takes from it. */
export function dossierValues(kind: DocumentKind, dossier: Dossier): Record<string, unknown> {
  const base = kind.id === 'convention' ? dossier.donnees.convention : kind.fromDossier?.(dossier.donnees);
  return (base && typeof base === 'object' ? structuredClone(base) : {}) as Record<string, unknown>;
}

/** How many items the lists of an input hold, at any depth (rows of a follow-up file, lots…). */
export function itemCount(value: unknown, depth = 0): number {
  if (depth > 6 || value === null || typeof value !== 'object') return 0;
  if (Array.isArray(value)) return value.length + value.reduce((n: number, v) => n + itemCount(v, depth + 1), 0);
  return Object.values(value).reduce((n: number, v) => n + itemCount(v, depth + 1), 0);
}

/**
 * `jobs`: the runner of batch jobs, when the service keeps organisations' work: a form whose input is
 * large (at least `backgroundItems` items in its lists, OFF_THREAD_ITEMS by default), or whose
 * « Produire en arrière-plan » is ticked, is produced as a job followed on /lots/:id.
 */
export function webRouter({ generator, store, limits, jobs, backgroundItems = settings().workers.renderMinItems }: ServiceContext & { jobs?: JobRunner; backgroundItems?: number }): Router {
  const router = Router();
  resolveKind(router);

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
      const current = await webSession(store, req, res);
      const session = res.locals.session as Session | undefined;
      if (current && session && req.body?._csrf === session.csrf) await store.deleteSession(session.id);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.redirect(303, '/connexion');
    });
  }

  router.get('/', async (req, res) => {
    const session = await webSession(store, req, res);
    if (store && !session) return toLogin(res);
    // A key that may read sees its organisation's dossiers first.
    const dossiers = store && session && principal(res).key.scopes.includes('read') ? await dossierSummaries(store, principal(res)) : undefined;
    res.type('html').send(indexPage(listKinds(), session, dossiers));
  });

  /** The dossier a form names (`?dossier=` or `_dossier`), if any; a dossier the caller cannot see is a 404. */
  const formDossier = async (res: Response, id: unknown): Promise<Dossier | undefined> => {
    if (typeof id !== 'string' || id.trim() === '') return undefined;
    if (!store) throw new InvalidInputError('Dossier indisponible.', [{ path: 'dossier', type: 'dossier.sans-stockage', message: 'Ce service ne conserve pas de dossiers.' }]);
    return dossierFor(store, principal(res), id.trim());
  };

  const hiddenOf = (kind: DocumentKind, values: Record<string, unknown>) =>
    Object.fromEntries(hiddenKeys(kind.schema as Joi.ObjectSchema).filter((k) => k in values).map((k) => [k, values[k]]));

  /** The state of a form page, with what the dossier and the store add to it. */
  const pageState = (kind: DocumentKind, values: Record<string, unknown>, session: WebSession | undefined, dossier: Dossier | undefined, more: Partial<FormPageState> = {}): FormPageState => ({
    values,
    hidden: hiddenOf(kind, values),
    ...(kind.readUploads ? { keptNote: keptNote(keptFollowUp(values)) } : {}),
    session,
    ...(dossier ? { dossier: { id: dossier.id, titre: dossier.titre } } : {}),
    saveDraft: Boolean(store) && kind.id === 'convention',
    background: Boolean(store && jobs) && !dossier,
    ...more,
  });

  router.get('/formulaires/:kind', async (req, res) => {
    const session = await webSession(store, req, res);
    if (store && !session) return toLogin(res);
    const kind = kindOf(res);
    const dossier = await formDossier(res, queryString(req, 'dossier'));
    const values = dossier ? dossierValues(kind, dossier) : req.query.exemple ? (JSON.parse(readFileSync(kind.example, 'utf8')) as Record<string, unknown>) : {};
    res.type('html').send(formPage(kind, FORMAT_IDS, pageState(kind, values, session, dossier)));
  });

  router.post(
    '/formulaires/:kind',
    requireWebSession(store),
    // A file that cannot be read brings the form back with its error, keeping what could be read.
    readDocumentInput(limits, (req, res) => {
      const read = kindOf(res).readUploads;
      if (!read) return undefined;
      const body = (req.body ?? {}) as Record<string, unknown>;
      return keepingReader(read.bind(kindOf(res)), keptFollowUp(body.donnees), (refused) => {
        res.locals.refusedUpload = refused;
      });
    }),
    async (req: Request, res: Response) => {
      const kind = kindOf(res);
      const fields = (res.locals.formFields ?? {}) as Record<string, unknown>;
      const session = res.locals.webSession as WebSession | undefined;
      checkCsrf(session, fields._csrf);
      const format = typeof fields.format === 'string' ? fields.format : 'pdf';
      const mode = typeof fields.mode === 'string' ? fields.mode : 'final';
      const dossier = await formDossier(res, fields._dossier);
      const given = (res.locals.data ?? {}) as Record<string, unknown>;
      // A civility left empty whose title tells it (« Directrice générale »), an organisation's
      // gender from its name: proposed, pre-selected and marked in the form that comes back.
      const proposals = proposeGenders(kind.schema as Joi.ObjectSchema, given);
      const data = withProposals(given, proposals);
      const state = (values: Record<string, unknown>, more: Partial<FormPageState> = {}) => pageState(kind, values, session, dossier, { format, mode, proposals, ...more });
      const refused = res.locals.refusedUpload as RefusedUpload | undefined;
      if (refused) {
        // The files' errors beside the file input and in the summary; what could be read is kept.
        const problem = toProblem(refused.error, req.path, limits);
        const errors = problem.errors.map((e) => ({ ...e, path: e.path.startsWith('donnees') ? e.path : `donnees.${e.path}` }));
        const values = refused.kept ? { ...data, ...refused.kept } : data;
        const kept = keptFollowUp(values);
        res
          .status(problem.status)
          .type('html')
          .send(formPage(kind, FORMAT_IDS, state(values, { errors, problem, fileErrors: problem.errors.map((e) => e.message), keptNote: keptNote(kept, refused.keptFiles) })));
        return;
      }
      if (fields._ajouter !== undefined || fields._retirer !== undefined) {
        // « Ajouter » or « Retirer » pressed without script: the same form, one item more or less.
        const values = listAction(kind.schema as Joi.ObjectSchema, given, { add: fields._ajouter, remove: fields._retirer }) ?? given;
        const moved = proposeGenders(kind.schema as Joi.ObjectSchema, values);
        res.type('html').send(formPage(kind, FORMAT_IDS, state(withProposals(values, moved), { proposals: moved })));
        return;
      }
      if (fields._action === 'remplir') {
        // Data handed over by another page (a sizing): the form filled with it, over the dossier's.
        const values = dossier ? (mergeUnder(dossierValues(kind, dossier), given) as Record<string, unknown>) : given;
        const filled = proposeGenders(kind.schema as Joi.ObjectSchema, values);
        res.type('html').send(formPage(kind, FORMAT_IDS, state(withProposals(values, filled), { proposals: filled })));
        return;
      }
      try {
        if (fields._action === 'brouillon' && store && kind.id === 'convention') {
          // Saved as it is, nothing checked: the dossier's page follows.
          const saved = await saveConventionDraft(store, principal(res), (pruneEmpty(given) ?? {}) as Record<string, unknown>, dossier?.id);
          res.redirect(303, `/dossiers/${encodeURIComponent(saved.id)}`);
          return;
        }
        // From a dossier, the values it gave the form are its own: only what changed is the input.
        const input = dossier && kind.id !== 'convention' ? withoutUnchanged(kind.schema as Joi.ObjectSchema, dossierValues(kind, dossier), data) : data;
        if (fields._action === 'apercu') {
          // « Aperçu »: the draft's HTML in the page, nothing kept; the dossier's data under the input, as a generation would have it.
          const previewed = dossier ? mergeUnder(dossierValues(kind, dossier), input) : input;
          const doc = await generator.generate(kind, previewed, { format: 'html', mode: 'draft' });
          res.setHeader('Content-Security-Policy', PREVIEW_PAGE_CSP);
          res.type('html').send(formPage(kind, FORMAT_IDS, state(data, { preview: { html: doc.bytes.toString('utf8'), missing: doc.missing }, mode: 'draft' })));
          return;
        }
        const checkedMode: Mode = mode === 'draft' ? 'draft' : 'final';
        if (proposals.some((p) => p.kind === 'civilite')) {
          // A proposed civility changes the document (« représentée », « Madame la… »): the user sees
          // it first. The form comes back with it pre-selected; « Générer » again produces the document.
          // What is to correct anyway is said at the same time.
          validate(kind.schema as Joi.ObjectSchema, dossier ? mergeUnder(dossierValues(kind, dossier), input) : input, checkedMode);
          res.type('html').send(formPage(kind, FORMAT_IDS, state(data, { checkProposals: true })));
          return;
        }
        const background = store && jobs && !dossier && (fields._arrierePlan !== undefined || itemCount(input) >= backgroundItems);
        if (background) {
          // Checked now, so that a correction to make comes back to the form rather than to the job's page.
          validate(kind.schema as Joi.ObjectSchema, input, checkedMode);
          const job = await submitWebJob({ generator, store, limits, jobs }, principal(res), kind, input, format, mode);
          res.redirect(303, `/lots/${encodeURIComponent(job.id)}`);
          return;
        }
        const doc = store
          ? (await generateDocument(store, generator, principal(res), { kind, input, format, mode, ...(dossier ? { dossier: dossier.id } : {}) })).doc
          : await generator.generate(kind, input, { format, mode });
        sendDocument(res, doc, 'attachment');
      } catch (error) {
        // A correction to make goes back to the form; a momentary failure gets the error page.
        if (!(error instanceof ServiceError) || error.transient) throw error;
        const problem = toProblem(error, req.path, limits);
        res.status(problem.status).type('html').send(formPage(kind, FORMAT_IDS, state(data, { errors: problem.errors, problem })));
      }
    },
  );

  return router;
}
