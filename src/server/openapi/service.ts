/**
 * The service itself: its health and this description of the API (public: no key needed).
 */
import { describeOperation, describeTag, json, problems } from './registry.js';

export const SERVICE_TAG = 'Service';

const readiness = {
  type: 'object',
  properties: {
    status: { enum: ['pret', 'indisponible'] },
    checks: {
      type: 'object',
      properties: {
        arret: { enum: ['non', 'en-cours'], description: 'Arrêt du service en cours.' },
        moteurPdf: { enum: ['pret', 'indisponible'] },
        stockage: { enum: ['joignable', 'injoignable', 'aucun'] },
      },
    },
  },
  required: ['status', 'checks'],
};

describeTag({ name: SERVICE_TAG, description: 'L’état du service, ses métriques et la description de son API.' });

describeOperation({
  method: 'get',
  path: '/health',
  operationId: 'etat_service',
  tags: [SERVICE_TAG],
  summary: 'État du service',
  description: 'Répond tant que le processus fonctionne, avec les types de document chargés (l’aptitude à servir est donnée par /ready).',
  public: true,
  responses: {
    200: json('Le service fonctionne.', {
      type: 'object',
      properties: {
        status: { const: 'ok' },
        kinds: { type: 'array', items: { type: 'string' }, description: 'Les types de document disponibles.' },
      },
      required: ['status', 'kinds'],
    }),
  },
});

describeOperation({
  method: 'get',
  path: '/ready',
  operationId: 'service_pret',
  tags: [SERVICE_TAG],
  summary: 'Service prêt à servir',
  description:
    'Répond 200 quand le moteur PDF est démarré, le stockage joignable et le service n’est pas en cours d’arrêt\u00a0; 503 sinon, avec l’état de chaque vérification (un répartiteur de charge cesse alors de lui envoyer des requêtes).',
  public: true,
  responses: {
    200: json('Le service est prêt.', readiness),
    ...problems({ 503: 'Le service n’est pas prêt (démarrage, arrêt, moteur ou stockage indisponible)\u00a0; le membre checks donne l’état de chaque vérification.' }),
  },
});

describeOperation({
  method: 'get',
  path: '/metrics',
  operationId: 'metriques',
  tags: [SERVICE_TAG],
  summary: 'Métriques Prometheus',
  description:
    'Documents produits par type, format et issue, durées (histogrammes), requêtes HTTP, file d’attente et pages du moteur PDF, redémarrages et mémoire du moteur, lots en attente, métriques du processus. Protégé par un jeton quand METRICS_TOKEN est défini.',
  public: true,
  responses: { 200: { description: 'Les métriques, au format texte de Prometheus.', content: { 'text/plain': { type: 'string' } } } },
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
