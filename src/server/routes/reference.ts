/** Reference data anyone may read: the kinds of documents, their JSON Schemas and examples. */
import { readFileSync } from 'node:fs';
import { Router } from 'express';
import { listKinds } from '../../core/registry.js';
import { MODES } from '../../core/validation.js';
import { FORMAT_IDS } from '../../formats/index.js';
import { jsonSchemaOf, kindJsonSchema } from '../json-schema.js';
import { kindOf, resolveKind } from './context.js';

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

  return router;
}
