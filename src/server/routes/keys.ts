/**
 * Organisations, access keys and the audit log. A `manage` key creates and revokes the keys of its
 * organisation and, for a facilitator, of the buyers it works with (so that a buyer's staff can read
 * their own documents); it reads the audit log of those organisations, as JSON or CSV.
 */
import { Router } from 'express';
import Joi from 'joi';
import { canSee, requireScope, type Principal } from '../../access/index.js';
import { linkedBuyer } from '../../archive/index.js';
import { toCsv } from '../../core/csv.js';
import { InvalidInputError, NotFoundError } from '../../core/errors.js';
import { validate } from '../../core/validation.js';
import { SCOPES, type ApiKey, type Scope } from '../../store/types.js';
import { principal } from '../auth.js';
import { readDocumentInput } from '../input.js';
import { queryDay, queryInt, queryString, type RouteContext } from './context.js';

/** Bodies of the routes, published as they are in the OpenAPI description. */
export const keySchema = Joi.object({
  nom: Joi.string().trim().min(1).max(100).label('Nom de la clé').required(),
  scopes: Joi.array().items(Joi.string().valid(...SCOPES)).min(1).unique().label('Droits').default(['generate', 'read']),
  organisationId: Joi.string().trim().max(100).label('Organisation').description('Par défaut, celle de la clé.'),
}).label('Clé d’accès');

export const organisationSchema = Joi.object({
  nom: Joi.string().trim().min(1).max(200).label('Nom de l’acheteur').required(),
}).label('Acheteur');

export const keyView = (k: ApiKey) => ({ id: k.id, nom: k.nom, organisationId: k.organisationId, scopes: k.scopes, prefixe: k.prefixe, creeLe: k.creeLe, revoqueeLe: k.revoqueeLe });

/** The organisations whose keys a principal manages: its own and, for a facilitator, its buyers'. */
function managed(p: Principal, organisationId: string | undefined): string {
  const id = organisationId ?? p.organisation.id;
  if (!canSee(p, id)) throw new NotFoundError('Organisation introuvable.');
  return id;
}

export function keysRouter(ctx: RouteContext): Router {
  const router = Router();
  const { store } = ctx;
  const json = readDocumentInput(ctx.limits);

  router.get('/api/v1/organisations', async (_req, res) => {
    const p = principal(res);
    requireScope(p, 'read');
    res.json((await store.listOrganisations(p.visibles)).map((o) => ({ id: o.id, nom: o.nom, type: o.type })));
  });

  router.post('/api/v1/organisations', json, async (_req, res) => {
    const p = principal(res);
    requireScope(p, 'manage');
    if (p.organisation.type !== 'facilitateur') throw new NotFoundError('Seule une structure porteuse déclare les acheteurs avec qui elle travaille.');
    const { nom } = validate<{ nom: string }>(organisationSchema, res.locals.data, 'final').value;
    const { organisation: org, created } = await linkedBuyer(store, p, nom);
    if (created) res.status(201).location(`/api/v1/organisations/${org.id}`);
    res.json({ id: org.id, nom: org.nom, type: org.type });
  });

  router.get('/api/v1/keys', async (req, res) => {
    const p = principal(res);
    requireScope(p, 'manage');
    const organisationId = managed(p, queryString(req, 'organisation'));
    res.json((await store.listKeys(organisationId)).map(keyView));
  });

  router.post('/api/v1/keys', json, async (_req, res) => {
    const p = principal(res);
    requireScope(p, 'manage');
    const input = validate<{ nom: string; scopes: Scope[]; organisationId?: string }>(keySchema, res.locals.data, 'final').value;
    const organisationId = managed(p, input.organisationId);
    const { key, secret } = await store.createKey({ organisationId, nom: input.nom, scopes: input.scopes });
    await store.audit({ organisationId: p.organisation.id, cleId: p.key.id, action: 'cle.creee', cible: key.id, details: { nom: key.nom, organisationId, scopes: key.scopes } });
    res.status(201).location(`/api/v1/keys/${key.id}`).json({ ...keyView(key), cle: secret, avertissement: 'Conservez cette clé : elle ne sera plus jamais affichée.' });
  });

  router.delete('/api/v1/keys/:id', async (req, res) => {
    const p = principal(res);
    requireScope(p, 'manage');
    const key = await store.getKey(String(req.params.id));
    if (!key || !canSee(p, key.organisationId)) throw new NotFoundError('Clé introuvable.');
    await store.revokeKey(key.id);
    await store.audit({ organisationId: p.organisation.id, cleId: p.key.id, action: 'cle.revoquee', cible: key.id, details: { nom: key.nom } });
    res.status(204).end();
  });

  router.get('/api/v1/audit', async (req, res) => {
    const p = principal(res);
    requireScope(p, 'manage');
    const entries = await store.listAudit({
      organisationIds: p.visibles,
      du: queryDay(req, 'du', 'Du'),
      au: queryDay(req, 'au', 'Au', true),
      limit: queryInt(req, 'limite', 'Nombre d’entrées', 1000, 100_000),
    });
    const format = queryString(req, 'format') ?? 'json';
    if (format === 'csv') {
      const rows = entries.map((e) => [e.date, e.action, e.cible ?? '', e.organisationId ?? '', e.cleId ?? '', e.details ? JSON.stringify(e.details) : '']);
      res.type('text/csv; charset=utf-8').attachment('journal.csv').send(toCsv(['date', 'action', 'cible', 'organisation', 'cle', 'details'], rows));
      return;
    }
    if (format !== 'json') throw new InvalidInputError('Format inconnu.', [{ path: 'format', type: 'any.only', message: `Format inconnu « ${format} ». Formats disponibles : json, csv.` }]);
    res.json(entries);
  });

  return router;
}
