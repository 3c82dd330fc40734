/**
 * Dossiers: one convention between a buyer and its facilitator, the latest input of every document
 * made for it, and the documents themselves. Created from a convention's data (saved as a draft or
 * generated with `?dossier=nouveau`), exported and imported as JSON.
 */
import { Router, type Request } from 'express';
import Joi from 'joi';
import { requireScope } from '../../access/index.js';
import { createDossierFromConvention, dossierFor } from '../../archive/index.js';
import { ConflictError, InvalidInputError } from '../../core/errors.js';
import { getKind } from '../../core/registry.js';
import { validate } from '../../core/validation.js';
import type { Dossier } from '../../store/types.js';
import { principal } from '../auth.js';
import { readDocumentInput } from '../input.js';
import { documentMetadata } from './archive.js';
import type { RouteContext } from './context.js';

export const EXPORT_FORMAT = 'dossier-clauses-sociales';

/** Bodies of the routes, published as they are in the OpenAPI description. */
export const dossierSchema = Joi.object({
  titre: Joi.string().trim().min(1).max(300).label('Titre du dossier'),
  acheteurId: Joi.string().trim().max(100).label('Acheteur'),
  convention: Joi.object().unknown(true).label('Convention').description('Les données de la convention de partenariat (un projet peut encore être incomplet).').required(),
}).label('Dossier');

export const updateSchema = Joi.object({
  titre: Joi.string().trim().min(1).max(300).label('Titre du dossier'),
  donnees: Joi.object({ convention: Joi.object().unknown(true).label('Convention').required() }).unknown(true).label('Données du dossier').required(),
}).label('Dossier');

const importSchema = Joi.object({
  format: Joi.string().valid(EXPORT_FORMAT).label('Format de l’export').required(),
  version: Joi.number().valid(1).label('Version de l’export').required(),
  titre: Joi.string().trim().min(1).max(300).label('Titre du dossier').required(),
  donnees: Joi.object({ convention: Joi.object().unknown(true).label('Convention').required() }).unknown(true).label('Données du dossier').required(),
}).unknown(true).label('Export de dossier');

/** The convention's data must at least be well formed (a draft may still miss fields). */
function checkConvention(data: unknown): void {
  validate(getKind('convention').schema, data, 'draft');
}

/** The kinds' inputs kept in a dossier must be well formed too. */
function checkInputs(donnees: Record<string, unknown>): void {
  for (const [kind, input] of Object.entries(donnees)) {
    try {
      validate(getKind(kind).schema, input, 'draft');
    } catch (error) {
      if (error instanceof InvalidInputError) throw new InvalidInputError(error.message, error.errors.map((e) => ({ ...e, path: `donnees.${kind}.${e.path}` })));
      throw error;
    }
  }
}

const view = (d: Dossier) => ({ id: d.id, titre: d.titre, acheteurId: d.acheteurId, facilitateurId: d.facilitateurId, version: d.version, creeLe: d.creeLe, modifieLe: d.modifieLe });

function ifMatch(req: Request, dossier: Dossier): void {
  const header = req.headers['if-match'];
  if (header && header !== '*' && header !== `"${dossier.version}"`) {
    throw new ConflictError('Le dossier a été modifié entre-temps.', [{ path: 'If-Match', type: 'dossier.version', message: `Le dossier est à la version ${dossier.version} : rechargez-le avant de l’enregistrer.` }]);
  }
}

export function dossiersRouter(ctx: RouteContext): Router {
  const router = Router();
  const { store } = ctx;
  const json = readDocumentInput(ctx.limits);

  router.get('/api/v1/dossiers', async (_req, res) => {
    const p = principal(res);
    requireScope(p, 'read');
    res.json((await store.listDossiers(p.visibles)).map(view));
  });

  router.post('/api/v1/dossiers', json, async (_req, res) => {
    const p = principal(res);
    requireScope(p, 'generate');
    const input = validate<{ titre?: string; acheteurId?: string; convention: Record<string, unknown> }>(dossierSchema, res.locals.data, 'final').value;
    checkConvention(input.convention);
    const dossier = await createDossierFromConvention(store, p, input.convention, input);
    res.status(201).location(`/api/v1/dossiers/${dossier.id}`).setHeader('ETag', `"${dossier.version}"`);
    res.json({ ...view(dossier), donnees: dossier.donnees });
  });

  router.get('/api/v1/dossiers/:id', async (req, res) => {
    const p = principal(res);
    requireScope(p, 'read');
    const dossier = await dossierFor(store, p, String(req.params.id));
    const documents = await store.listDocuments({ proprietaireIds: p.visibles, dossierId: dossier.id, offset: 0, limit: 1000 });
    res.setHeader('ETag', `"${dossier.version}"`);
    res.json({ ...view(dossier), donnees: dossier.donnees, documents: documents.items.map((d) => documentMetadata(d)) });
  });

  router.put('/api/v1/dossiers/:id', json, async (req, res) => {
    const p = principal(res);
    requireScope(p, 'generate');
    const dossier = await dossierFor(store, p, String(req.params.id));
    ifMatch(req, dossier);
    const input = validate<{ titre?: string; donnees: Record<string, unknown> }>(updateSchema, res.locals.data, 'final').value;
    checkInputs(input.donnees);
    const updated = await store.updateDossier(dossier.id, input);
    await store.audit({ organisationId: p.organisation.id, cleId: p.key.id, action: 'dossier.modifie', cible: dossier.id, details: { version: updated.version } });
    res.setHeader('ETag', `"${updated.version}"`);
    res.json({ ...view(updated), donnees: updated.donnees });
  });

  router.get('/api/v1/dossiers/:id/export', async (req, res) => {
    const p = principal(res);
    requireScope(p, 'read');
    const dossier = await dossierFor(store, p, String(req.params.id));
    const documents = await store.listDocuments({ proprietaireIds: p.visibles, dossierId: dossier.id, offset: 0, limit: 10_000 });
    await store.audit({ organisationId: p.organisation.id, cleId: p.key.id, action: 'dossier.exporte', cible: dossier.id, details: null });
    res.attachment(`dossier-${dossier.id}.json`).json({
      format: EXPORT_FORMAT,
      version: 1,
      exporteLe: new Date().toISOString(),
      titre: dossier.titre,
      donnees: dossier.donnees,
      documents: documents.items.map((d) => documentMetadata(d)),
    });
  });

  router.post('/api/v1/dossiers/import', json, async (_req, res) => {
    const p = principal(res);
    requireScope(p, 'generate');
    const input = validate<{ titre: string; donnees: Record<string, unknown> }>(importSchema, res.locals.data, 'final').value;
    checkInputs(input.donnees);
    const dossier = await createDossierFromConvention(store, p, input.donnees.convention, { titre: input.titre });
    const updated = await store.updateDossier(dossier.id, { donnees: input.donnees });
    await store.audit({ organisationId: p.organisation.id, cleId: p.key.id, action: 'dossier.importe', cible: dossier.id, details: { titre: input.titre } });
    res.status(201).location(`/api/v1/dossiers/${dossier.id}`).json({ ...view(updated), donnees: updated.donnees });
  });

  return router;
}
