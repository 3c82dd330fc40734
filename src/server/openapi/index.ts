/**
 * The API's description: every area declares its operations in its own file of this folder (in
 * the order of the documentation page); this router serves the OpenAPI 3.1 document and its page.
 */
import { Router } from 'express';
import './service.js';
import './reference.js';
import './documents.js';
import './archive.js';
import './dossiers.js';
import './jobs.js';
import './sizing.js';
import './calendar.js';
import './bilans.js';
import './keys.js';
import './audit.js';
import { openApiDocument } from './document.js';
import { docsPage } from './docs-page.js';

export { openApiDocument, type OpenApiDocument } from './document.js';
export { describeOperation, describeSchema, describeTag } from './registry.js';

/** GET /api/v1/openapi.json and GET /api/v1/docs. */
export function openApiRouter(): Router {
  const router = Router();
  router.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  router.get('/api/v1/docs', (_req, res) => {
    res.type('html').send(docsPage(openApiDocument()));
  });
  return router;
}
