/**
 * The archive: the list of the documents the caller may see, a document's metadata, its files (the
 * stored hash is checked before serving), and its regeneration in another format from its input.
 */
import { Router, type Response } from 'express';
import { requireScope, visibleOr404 } from '../../access/index.js';
import { storedFile } from '../../archive/index.js';
import { NotFoundError } from '../../core/errors.js';
import { checkOptions, type GeneratedDocument } from '../../generator.js';
import type { DocumentRecord } from '../../store/types.js';
import { principal } from '../auth.js';
import { queryDay, queryInt, queryString, type RouteContext } from './context.js';
import { sendDocument } from './send.js';

export function documentMetadata(d: DocumentRecord, withInput = false) {
  return {
    id: d.id,
    kind: d.kind,
    mode: d.mode,
    dossierId: d.dossierId,
    proprietaireId: d.proprietaireId,
    modele: { fichier: d.modele, version: d.versionModele },
    dateGeneration: d.dateGeneration,
    creeLe: d.creeLe,
    cleId: d.cleId,
    ecarts: d.ecarts,
    fichiers: d.fichiers.map((f) => ({
      format: f.format,
      contentType: f.contentType,
      nom: f.fileName,
      sha256: f.sha256,
      taille: f.taille,
      creeLe: f.creeLe,
      url: `/api/v1/documents/${d.id}/file?format=${f.format}`,
    })),
    ...(withInput ? { donnees: d.donnees } : {}),
  };
}

export function archiveRouter(ctx: RouteContext): Router {
  const router = Router();
  const { store, generator } = ctx;

  const load = async (res: Response, id: string) => visibleOr404(principal(res), await store.getDocument(id), (d) => d.proprietaireId, 'Document');

  router.get('/api/v1/documents', async (req, res) => {
    const p = principal(res);
    requireScope(p, 'read');
    const page = queryInt(req, 'page', 'Page', 1, 100_000);
    const parPage = queryInt(req, 'parPage', 'Documents par page', 20, 100);
    const acheteur = queryString(req, 'acheteur');
    const owners = acheteur ? p.visibles.filter((id) => id === acheteur) : p.visibles;
    const result = await store.listDocuments({
      proprietaireIds: owners,
      kind: queryString(req, 'kind'),
      dossierId: queryString(req, 'dossier'),
      du: queryDay(req, 'du', 'Du'),
      au: queryDay(req, 'au', 'Au', true),
      offset: (page - 1) * parPage,
      limit: parPage,
    });
    res.json({ total: result.total, page, parPage, documents: result.items.map((d) => documentMetadata(d)) });
  });

  router.get('/api/v1/documents/:id', async (req, res) => {
    requireScope(principal(res), 'read');
    res.json(documentMetadata(await load(res, String(req.params.id)), true));
  });

  const serve = async (res: Response, record: DocumentRecord, format: string, doc: GeneratedDocument, action: string) => {
    const p = principal(res);
    await store.audit({ organisationId: p.organisation.id, cleId: p.key.id, action, cible: record.id, details: { format, sha256: doc.sha256 } });
    res.setHeader('X-Document-Id', record.id);
    sendDocument(res, doc, 'attachment');
  };

  router.get('/api/v1/documents/:id/file', async (req, res) => {
    requireScope(principal(res), 'read');
    const record = await load(res, String(req.params.id));
    const format = queryString(req, 'format') ?? record.fichiers[0]!.format;
    const file = record.fichiers.find((f) => f.format === format);
    if (!file) {
      checkOptions({ format });
      throw new NotFoundError(`Ce document n’est pas conservé au format « ${format} ».`, [
        { path: 'format', type: 'format.absent', message: `Formats conservés : ${record.fichiers.map((f) => f.format).join(', ')}. Pour un autre format, demandez sa régénération (POST /api/v1/documents/${record.id}/regenerate?format=${format}).` },
      ]);
    }
    const { doc } = await storedFile(store, generator, record, format);
    await serve(res, record, format, doc, 'document.telecharge');
  });

  router.post('/api/v1/documents/:id/regenerate', async (req, res) => {
    const p = principal(res);
    requireScope(p, 'generate');
    const record = await load(res, String(req.params.id));
    const { format } = checkOptions({ format: queryString(req, 'format') ?? 'pdf' });
    const { doc, regenerated } = await storedFile(store, generator, record, format);
    res.setHeader('X-Regenere', regenerated ? 'oui' : 'non');
    await serve(res, record, format, doc, 'document.regenere');
  });

  return router;
}
