/**
 * Batch jobs: many documents generated in the background, their progress and their result
 * archive (src/jobs, src/server/routes/jobs.ts); the request body is the jobs' own joi schema.
 */
import { jobSchema } from '../../jobs/index.js';
import { describeOperation, describeSchema, describeTag, idParameter, json, problems, schemaRef } from './registry.js';

export const JOBS_TAG = 'Traitements par lots';
export const JOB_SCHEMA = 'Traitement';

describeTag({
  name: JOBS_TAG,
  description: 'Générer de nombreux documents en arrière-plan\u00a0: le traitement est créé, son avancement se lit, son résultat est une archive ZIP.',
});

const dateTime = { type: 'string', format: 'date-time' };

describeSchema(JOB_SCHEMA, {
  type: 'object',
  title: 'Traitement par lots',
  properties: {
    id: { type: 'string' },
    type: { type: 'string' },
    statut: { type: 'string', enum: ['en-attente', 'en-cours', 'termine', 'echec'] },
    total: { type: 'integer', minimum: 0, description: 'Nombre de documents à produire.' },
    faits: { type: 'integer', minimum: 0 },
    erreurs: { type: 'integer', minimum: 0 },
    resultat: {
      oneOf: [{ type: 'null' }, { type: 'object', properties: { url: { type: 'string' }, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' }, taille: { type: 'integer', minimum: 0 } }, required: ['sha256', 'taille'] }],
      description: 'L’archive du résultat, une fois le traitement terminé.',
    },
    message: { type: ['string', 'null'] },
    creeLe: dateTime,
    modifieLe: dateTime,
  },
  required: ['id', 'type', 'statut', 'total', 'faits', 'erreurs', 'resultat', 'creeLe', 'modifieLe'],
});

const notFound = () => problems({ 404: 'Traitement inconnu, ou qui n’est pas visible avec cette clé.' });

describeOperation({
  method: 'post',
  path: '/api/v1/jobs',
  operationId: 'creer_traitement',
  tags: [JOBS_TAG],
  summary: 'Créer un traitement par lots',
  description: 'Le traitement est mis en file d’attente\u00a0; son avancement se lit à l’adresse de l’en-tête Location.',
  requestBody: {
    content: {
      // Either a list of documents, or the bilans of every market of a year.
      'application/json': jobSchema,
    },
  },
  responses: {
    202: { ...json('Le traitement créé.', schemaRef(JOB_SCHEMA)), headers: { Location: { description: 'L’adresse du traitement.' } } },
    ...problems({ 400: 'Données invalides.', 413: 'Données trop volumineuses.', 429: 'Trop de traitements en attente\u00a0: réessayer plus tard.' }),
  },
});

describeOperation({
  method: 'get',
  path: '/api/v1/jobs/{id}',
  operationId: 'traitement',
  tags: [JOBS_TAG],
  summary: 'Avancement d’un traitement par lots',
  parameters: [idParameter('L’identifiant du traitement.')],
  responses: { 200: json('Le traitement.', schemaRef(JOB_SCHEMA)), ...notFound() },
});

describeOperation({
  method: 'get',
  path: '/api/v1/jobs/{id}/result',
  operationId: 'resultat_traitement',
  tags: [JOBS_TAG],
  summary: 'Résultat d’un traitement par lots',
  description: 'L’archive ZIP des documents produits et du compte rendu des erreurs, une fois le traitement terminé.',
  parameters: [idParameter('L’identifiant du traitement.')],
  responses: { 200: { description: 'L’archive ZIP.', content: { 'application/zip': 'binary' } }, ...notFound(), ...problems({ 409: 'Traitement pas encore terminé.' }) },
});
