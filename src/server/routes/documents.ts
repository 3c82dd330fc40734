/**
 * Generation of one document: POST /api/v1/documents/{kind}. With a store, the document is kept
 * (final, or draft when asked), may start from a dossier and answers a retried request with the
 * same stored document (Idempotency-Key).
 */
import { Router } from 'express';
import { generateDocument } from '../../archive/index.js';
import { InvalidInputError } from '../../core/errors.js';
import { principal } from '../auth.js';
import { readDocumentInput } from '../input.js';
import { formatFromAccept } from '../negotiation.js';
import { kindOf, queryString, resolveKind, type ServiceContext } from './context.js';
import { sendDocument } from './send.js';

/** Visible ASCII, no space: a key a client can repeat exactly. */
const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,200}$/;

export function documentsRouter({ generator, store, limits }: ServiceContext): Router {
  const router = Router();
  resolveKind(router);

  router.post('/api/v1/documents/:kind', readDocumentInput(limits, (_req, res) => kindOf(res).readUploads), async (req, res) => {
    const kind = kindOf(res);
    const fields = (res.locals.formFields ?? {}) as Record<string, unknown>;
    const format = queryString(req, 'format') ?? (typeof fields.format === 'string' ? fields.format : undefined) ?? formatFromAccept(req);
    const mode = queryString(req, 'mode') ?? (typeof fields.mode === 'string' ? fields.mode : undefined);
    const disposition = (type: string) => (type.startsWith('text/html') ? 'inline' : 'attachment');
    if (!store) {
      const doc = await generator.generate(kind, res.locals.data, { format, mode });
      sendDocument(res, doc, disposition(doc.contentType));
      return;
    }
    const idempotencyKey = req.headers['idempotency-key'];
    if (idempotencyKey !== undefined && (typeof idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(idempotencyKey))) {
      throw new InvalidInputError('Clé d’idempotence invalide.', [{ path: 'Idempotency-Key', type: 'idempotence.format', message: 'La clé d’idempotence doit compter de 1 à 200 caractères visibles, sans espace.' }]);
    }
    const result = await generateDocument(store, generator, principal(res), {
      kind,
      input: res.locals.data,
      format,
      mode,
      dossier: queryString(req, 'dossier'),
      archiveDraft: queryString(req, 'archiver') === 'oui',
      idempotencyKey,
    });
    if (result.record) {
      res.setHeader('X-Document-Id', result.record.id);
      res.setHeader('Location', `/api/v1/documents/${result.record.id}`);
    }
    if (result.dossier) res.setHeader('X-Dossier-Id', result.dossier.id);
    if (result.ecarts.length > 0) res.setHeader('X-Dossier-Ecarts', encodeURIComponent(JSON.stringify(result.ecarts.map((e) => ({ champ: e.path, message: e.message })))));
    if (result.replay) res.setHeader('Idempotent-Replayed', 'true');
    sendDocument(res, result.doc, disposition(result.doc.contentType), result.archiveMs === undefined ? {} : { archive: result.archiveMs });
  });

  return router;
}
