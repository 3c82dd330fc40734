/** Reference data anyone may read: the kinds of documents, their JSON Schemas and examples, the communes. */
import { readFileSync } from 'node:fs';
import { Router } from 'express';
import { MAX_COMMUNES, searchCommunes } from '../../core/communes.js';
import { InvalidInputError } from '../../core/errors.js';
import { listKinds } from '../../core/registry.js';
import { MODES } from '../../core/validation.js';
import { FORMAT_IDS } from '../../formats/index.js';
import { jsonSchemaOf, kindJsonSchema } from '../json-schema.js';
import { kindOf, queryString, resolveKind } from './context.js';

export function referenceRouter(): Router {
  const router = Router();
  resolveKind(router);

  router.get('/api/v1/kinds', (_req, res) => {
    res.json(
      listKinds().map((kind) => ({
        id: kind.id,
        title: kind.title,
        description: kind.description,
        formats: FORMAT_IDS,
        modes: MODES,
        endpoint: `/api/v1/documents/${kind.id}`,
        example: `/api/v1/kinds/${kind.id}/example`,
        schema: jsonSchemaOf(kind.schema),
      })),
    );
  });

  router.get('/api/v1/kinds/:kind/example', (_req, res) => {
    res.type('application/json').send(readFileSync(kindOf(res).example, 'utf8'));
  });

  router.get('/api/v1/kinds/:kind/schema', (_req, res) => {
    res.type('application/schema+json').send(JSON.stringify(kindJsonSchema(kindOf(res))));
  });

  // The communes whose name starts with `q` (accents and case aside), or of a postal code: their INSEE codes.
  router.get('/api/v1/communes', (req, res) => {
    const q = (queryString(req, 'q') ?? '').trim();
    if (q === '' || q.length > 100) {
      throw new InvalidInputError('Recherche de commune invalide.', [
        { path: 'q', type: q === '' ? 'any.required' : 'string.max', message: 'Donnez le début du nom d’une commune ou un code postal à cinq chiffres (au plus 100 caractères).' },
      ]);
    }
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.json(searchCommunes(q, MAX_COMMUNES));
  });

  return router;
}
