/**
 * The service itself: its health and this description of the API (public: no key needed).
 */
import { describeOperation, describeTag, json } from './registry.js';

export const SERVICE_TAG = 'Service';

describeTag({ name: SERVICE_TAG, description: 'L’état du service et la description de son API.' });

describeOperation({
  method: 'get',
  path: '/health',
  operationId: 'etat_service',
  tags: [SERVICE_TAG],
  summary: 'État du service',
  description: 'Répond tant que le service fonctionne, avec les types de document chargés et le nombre de lancements du navigateur qui produit les PDF.',
  public: true,
  responses: {
    200: json('Le service fonctionne.', {
      type: 'object',
      properties: {
        status: { const: 'ok' },
        kinds: { type: 'array', items: { type: 'string' }, description: 'Les types de document disponibles.' },
        pdf: { type: 'object', properties: { chromiumLaunches: { type: 'integer', minimum: 0 } } },
      },
      required: ['status', 'kinds'],
    }),
  },
});

describeOperation({
  method: 'get',
  path: '/api/v1/openapi.json',
  operationId: 'description_openapi',
  tags: [SERVICE_TAG],
  summary: 'Description OpenAPI\u00a03.1 de l’API',
  description: 'Ce document\u00a0: les opérations, leurs paramètres, leurs réponses et le schéma JSON des données de chaque type de document. Un client peut en être généré.',
  public: true,
  responses: { 200: json('La description OpenAPI\u00a03.1.') },
});

describeOperation({
  method: 'get',
  path: '/api/v1/docs',
  operationId: 'documentation_api',
  tags: [SERVICE_TAG],
  summary: 'Documentation de l’API (page web)',
  description: 'La même description, en page HTML lisible dans un navigateur, opération par opération.',
  public: true,
  responses: { 200: { description: 'La page de documentation.', content: { 'text/html': { type: 'string' } } } },
});
