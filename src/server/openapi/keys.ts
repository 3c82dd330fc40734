/**
 * Organisations and their API keys (src/server/routes/keys.ts): a manage key creates and revokes
 * the keys of its organisation and, for a facilitator, of the buyers it works with; that file's joi
 * schemas are the request bodies.
 */
import { keySchema, organisationSchema } from '../routes/keys.js';
import { SCOPES } from '../../store/types.js';
import { dateTime, describeOperation, describeSchema, describeTag, idParameter, json, problems, schemaRef } from './registry.js';

export const KEYS_TAG = 'Organisations et clés d’API';
export const KEY_SCHEMA = 'CleApi';
export const ORGANISATION_SCHEMA = 'Organisation';

describeTag({
  name: KEYS_TAG,
  description: 'Les acheteurs avec qui travaille une structure porteuse, et les clés d’API. Le secret d’une clé n’est montré qu’une fois, à sa création\u00a0; seule son empreinte est conservée.',
});

const scopes = {
  type: 'array',
  items: { type: 'string', enum: [...SCOPES] },
  description: 'Droits\u00a0: generate (générer, enregistrer des dossiers), read (lire l’archive et les dossiers), manage (gérer les clés, lire le journal).',
};
const keyProperties = {
  id: { type: 'string' },
  nom: { type: 'string', description: 'Nom donné à la clé, pour la reconnaître.' },
  organisationId: { type: 'string' },
  scopes,
  prefixe: { type: 'string', description: 'Les premiers caractères du secret, pour reconnaître la clé (jamais assez pour l’utiliser).' },
  creeLe: dateTime,
  revoqueeLe: { type: ['string', 'null'], format: 'date-time' },
};
const keyRequired = ['id', 'nom', 'organisationId', 'scopes', 'prefixe', 'creeLe', 'revoqueeLe'];

describeSchema(KEY_SCHEMA, { type: 'object', title: 'Clé d’API', properties: keyProperties, required: keyRequired });

describeSchema(ORGANISATION_SCHEMA, {
  type: 'object',
  title: 'Organisation',
  properties: { id: { type: 'string' }, nom: { type: 'string' }, type: { type: 'string', enum: ['facilitateur', 'acheteur'] } },
  required: ['id', 'nom', 'type'],
});

describeOperation({
  method: 'get',
  path: '/api/v1/organisations',
  operationId: 'lister_organisations',
  tags: [KEYS_TAG],
  summary: 'Lister les organisations visibles',
  description: 'L’organisation de la clé et, pour une structure porteuse, les acheteurs avec qui elle travaille.',
  responses: { 200: json('Les organisations.', { type: 'array', items: schemaRef(ORGANISATION_SCHEMA) }), ...problems({ 403: 'Clé sans le droit read.' }) },
});

describeOperation({
  method: 'post',
  path: '/api/v1/organisations',
  operationId: 'declarer_acheteur',
  tags: [KEYS_TAG],
  summary: 'Déclarer un acheteur',
  description: 'Une structure porteuse déclare un acheteur avec qui elle travaille\u00a0; un acheteur déjà déclaré est rendu tel quel (200).',
  requestBody: { content: { 'application/json': organisationSchema } },
  responses: {
    200: json('L’acheteur déjà déclaré.', schemaRef(ORGANISATION_SCHEMA)),
    201: { ...json('L’acheteur déclaré.', schemaRef(ORGANISATION_SCHEMA)), headers: { Location: { description: 'L’adresse de l’organisation.' } } },
    ...problems({ 400: 'Données invalides.', 403: 'Clé sans le droit manage.', 404: 'Seule une structure porteuse déclare des acheteurs.' }),
  },
});

describeOperation({
  method: 'get',
  path: '/api/v1/keys',
  operationId: 'lister_cles',
  tags: [KEYS_TAG],
  summary: 'Lister les clés d’API d’une organisation',
  parameters: [{ name: 'organisation', in: 'query', description: 'L’organisation (par défaut, celle de la clé).', schema: { type: 'string' } }],
  responses: {
    200: json('Les clés, sans leur secret.', { type: 'array', items: schemaRef(KEY_SCHEMA) }),
    ...problems({ 403: 'Clé sans le droit manage.', 404: 'Organisation introuvable.' }),
  },
});

describeOperation({
  method: 'post',
  path: '/api/v1/keys',
  operationId: 'creer_cle',
  tags: [KEYS_TAG],
  summary: 'Créer une clé d’API',
  description: 'Le secret est dans la réponse, une seule fois\u00a0: conservez-le.',
  requestBody: { content: { 'application/json': keySchema } },
  responses: {
    201: {
      ...json('La clé et son secret.', {
        type: 'object',
        properties: {
          ...keyProperties,
          cle: { type: 'string', description: 'Le secret, à envoyer dans l’en-tête «\u00a0Authorization: Bearer <clé>\u00a0»\u00a0; il ne sera plus jamais montré.' },
          avertissement: { type: 'string' },
        },
        required: [...keyRequired, 'cle'],
      }),
      headers: { Location: { description: 'L’adresse de la clé.' } },
    },
    ...problems({ 400: 'Données invalides.', 403: 'Clé sans le droit manage.', 404: 'Organisation introuvable.' }),
  },
});

describeOperation({
  method: 'delete',
  path: '/api/v1/keys/{id}',
  operationId: 'revoquer_cle',
  tags: [KEYS_TAG],
  summary: 'Révoquer une clé d’API',
  description: 'La clé cesse aussitôt d’être acceptée.',
  parameters: [idParameter('L’identifiant de la clé.')],
  responses: { 204: { description: 'Clé révoquée.' }, ...problems({ 403: 'Clé sans le droit manage.', 404: 'Clé introuvable.' }) },
});
