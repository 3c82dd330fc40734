/**
 * Batch jobs: many documents generated in the background, their progress and their result
 * archive (src/jobs, src/server/routes/jobs.ts); the request body is the jobs' own joi schema. The
 * signed notification of a job's end (src/webhooks) is the creation's callback.
 */
import { jobSchema } from '../../jobs/index.js';
import { WEBHOOK_EVENT } from '../../webhooks/index.js';
import { dateTime, describeOperation, describeSchema, describeTag, idParameter, json, problems, schemaRef } from './registry.js';

export const JOBS_TAG = 'Traitements par lots';
export const JOB_SCHEMA = 'Traitement';
export const JOB_NOTIFICATION_SCHEMA = 'NotificationTraitement';

describeTag({
  name: JOBS_TAG,
  description: 'Générer de nombreux documents en arrière-plan\u00a0: le traitement est créé, son avancement se lit, son résultat est une archive ZIP.',
});

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
    notification: {
      oneOf: [
        { type: 'null' },
        {
          type: 'object',
          properties: {
            url: { type: 'string', description: 'L’adresse de notification, sans sa chaîne de requête.' },
            statut: { type: 'string', enum: ['en-attente', 'livree', 'echec'], description: 'en-attente tant que le traitement tourne ou qu’un nouvel essai est prévu, livree après une réponse 2xx, echec après le dernier essai.' },
            tentatives: { type: 'integer', minimum: 0, description: 'Nombre d’envois déjà faits.' },
            derniereErreur: { type: ['string', 'null'], description: 'La raison de l’échec du dernier envoi, s’il a échoué.' },
          },
          required: ['url', 'statut', 'tentatives', 'derniereErreur'],
        },
      ],
      description: 'La notification de fin demandée à la création du traitement, et son état ; jamais son secret.',
    },
  },
  required: ['id', 'type', 'statut', 'total', 'faits', 'erreurs', 'resultat', 'creeLe', 'modifieLe'],
});

describeSchema(JOB_NOTIFICATION_SCHEMA, {
  type: 'object',
  title: 'Notification de fin de traitement',
  properties: {
    evenement: { type: 'string', enum: [WEBHOOK_EVENT] },
    lot: { ...schemaRef(JOB_SCHEMA), description: 'Le traitement, tel que GET /api/v1/jobs/{id} le décrit au moment de l’envoi.' },
    date: { ...dateTime, description: 'La fin du traitement.' },
  },
  required: ['evenement', 'lot', 'date'],
});

const SIGNATURE_HELP =
  'Chaque notification est signée : X-Webhook-Signature vaut « sha256= » suivi du HMAC-SHA256 en hexadécimal, calculé avec le secret de signature sur l’horodatage (X-Webhook-Timestamp), un point et le corps de la requête tel que reçu, octet pour octet. ' +
  'Recalculez-la, comparez-la en temps constant et refusez un horodatage trop ancien (plus de 5 minutes, par exemple) ; X-Webhook-Id, le même pour chaque essai d’une notification, permet d’ignorer un doublon.';

const notFound = () => problems({ 404: 'Traitement inconnu, ou qui n’est pas visible avec cette clé.' });

describeOperation({
  method: 'post',
  path: '/api/v1/jobs',
  operationId: 'creer_traitement',
  tags: [JOBS_TAG],
  summary: 'Créer un traitement par lots',
  description: [
    'Le traitement est mis en file d’attente\u00a0; son avancement se lit à l’adresse de l’en-tête Location.',
    'Avec le champ facultatif webhook (adresse et secret de signature choisi par le client), le service envoie en POST une notification signée à cette adresse quand le traitement se termine (statut termine ou echec). Toute réponse 2xx vaut accusé de réception\u00a0; sinon (autre statut, redirection, pas de réponse en 10 secondes, erreur réseau), la notification est renvoyée après 10 s, 30 s, 2 min, 10 min puis 1 h, soit 6 essais au plus. L’adresse ne peut pas être locale, privée ou réservée. Le secret n’est jamais renvoyé.',
    SIGNATURE_HELP,
  ].join('\n\n'),
  requestBody: {
    description:
      'Trois sortes de traitement\u00a0: documents (une liste de documents), bilans-marches (le bilan de chaque marché en cours une année) et publipostage (un document par ligne d’un CSV, sur des données communes\u00a0: une convention par acheteur, un courrier par titulaire). ' +
      'Pour un publipostage, le CSV peut être envoyé en formulaire\u00a0: la demande en JSON dans le champ «\u00a0donnees\u00a0» et le fichier dans le champ «\u00a0lignes\u00a0». Sa première ligne nomme les champs (par exemple donneurOrdre.nom, donneurOrdre.adresse.commune)\u00a0; une cellule vide garde la donnée commune\u00a0; une colonne «\u00a0fichier\u00a0» nomme le fichier de la ligne. Le manifeste de l’archive donne les erreurs de chaque ligne.',
    content: {
      'application/json': jobSchema,
      'multipart/form-data': {
        type: 'object',
        properties: {
          donnees: { type: 'string', description: 'La demande, en JSON (sans ses lignes pour un publipostage).', contentMediaType: 'application/json' },
          lignes: { description: 'Les lignes du publipostage, en fichier CSV (séparateur «\u00a0;\u00a0», «\u00a0,\u00a0» ou tabulation).', contentMediaType: 'text/csv' },
        },
        required: ['donnees'],
      },
    },
  },
  responses: {
    202: { ...json('Le traitement créé.', schemaRef(JOB_SCHEMA)), headers: { Location: { description: 'L’adresse du traitement.' } } },
    ...problems({ 400: 'Données invalides.', 413: 'Données trop volumineuses.', 429: 'Trop de traitements en attente\u00a0: réessayer plus tard.' }),
  },
  callbacks: {
    finTraitement: {
      expression: '{$request.body#/webhook/url}',
      method: 'post',
      summary: 'Notification signée de la fin du traitement',
      description: SIGNATURE_HELP,
      parameters: [
        { name: 'X-Webhook-Id', in: 'header', required: true, description: 'Identifiant de la notification, le même pour chacun de ses essais.', schema: { type: 'string' } },
        { name: 'X-Webhook-Timestamp', in: 'header', required: true, description: 'Horodatage de l’envoi, en secondes depuis le 1er janvier 1970 (UTC)\u00a0; il fait partie de ce qui est signé.', schema: { type: 'string', pattern: '^[0-9]+$' } },
        { name: 'X-Webhook-Signature', in: 'header', required: true, description: '«\u00a0sha256=\u00a0» et le HMAC-SHA256 hexadécimal de «\u00a0horodatage.corps\u00a0» avec le secret de signature.', schema: { type: 'string', pattern: '^sha256=[0-9a-f]{64}$' } },
      ],
      requestBody: { content: { 'application/json': schemaRef(JOB_NOTIFICATION_SCHEMA) } },
      responses: {
        '2XX': { description: 'Notification reçue\u00a0: le corps de la réponse est ignoré.' },
        default: { description: 'Tout autre statut (redirections comprises), ou pas de réponse en 10 secondes\u00a0: la notification sera renvoyée plus tard.' },
      },
    },
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
