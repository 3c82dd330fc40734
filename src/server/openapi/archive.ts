/**
 * The archive of generated documents: list, metadata, stored files, regeneration from the stored
 * input (src/server/routes/archive.ts, documentMetadata()). Adjust here when those routes change.
 */
import '../../kinds/index.js';
import { listKinds } from '../../core/registry.js';
import { MODES } from '../../core/validation.js';
import { FORMAT_IDS } from '../../formats/index.js';
import { FILE_HEADERS, fileResponse, formatParameter } from './documents.js';
import { dateTime, describeOperation, describeSchema, describeTag, idParameter, json, problems, schemaRef } from './registry.js';

export const ARCHIVE_TAG = 'Archive';
export const ARCHIVED_DOCUMENT_SCHEMA = 'DocumentArchive';

describeTag({
  name: ARCHIVE_TAG,
  description: 'Les documents générés, conservés avec leurs données et la version de leur modèle\u00a0: chacun peut être relu, téléchargé ou reproduit à l’identique.',
});

describeSchema(ARCHIVED_DOCUMENT_SCHEMA, {
  type: 'object',
  title: 'Document archivé',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: listKinds().map((k) => k.id), description: 'Le type de document.' },
    mode: { type: 'string', enum: [...MODES] },
    dossierId: { type: ['string', 'null'] },
    proprietaireId: { type: 'string', description: 'L’organisation à qui appartient le document\u00a0: l’acheteur de son dossier, sinon l’organisation qui l’a généré.' },
    modele: {
      type: 'object',
      description: 'Le modèle du document et sa version (empreinte du fichier)\u00a0: avec les données et la date de génération, le document se reproduit à l’identique.',
      properties: { fichier: { type: 'string' }, version: { type: 'string' } },
      required: ['fichier', 'version'],
    },
    dateGeneration: { ...dateTime, description: 'La date de génération donnée au document.' },
    creeLe: dateTime,
    cleId: { type: ['string', 'null'], description: 'La clé d’API qui a généré le document.' },
    ecarts: {
      type: 'array',
      description: 'Les champs où les données du document s’écartent de celles de son dossier.',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } }, required: ['path', 'message'] },
    },
    fichiers: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          format: { type: 'string', enum: [...FORMAT_IDS] },
          contentType: { type: 'string' },
          nom: { type: 'string', description: 'Nom du fichier.' },
          sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          taille: { type: 'integer', minimum: 0, description: 'Taille en octets.' },
          creeLe: dateTime,
          url: { type: 'string', description: 'Adresse du fichier.' },
        },
        required: ['format', 'contentType', 'nom', 'sha256', 'taille', 'creeLe', 'url'],
      },
    },
    donnees: { type: 'object', description: 'Les données du document (seulement dans la lecture d’un document).' },
  },
  required: ['id', 'kind', 'mode', 'dossierId', 'proprietaireId', 'modele', 'dateGeneration', 'creeLe', 'fichiers'],
});

const notFound = (what = 'Document inconnu, ou qui n’est pas visible avec cette clé.') => problems({ 404: what });

describeOperation({
  method: 'get',
  path: '/api/v1/documents',
  operationId: 'lister_documents',
  tags: [ARCHIVE_TAG],
  summary: 'Lister les documents archivés',
  description: 'Les documents visibles avec la clé, page par page.',
  parameters: [
    { name: 'kind', in: 'query', description: 'Seulement ce type de document.', schema: { type: 'string', enum: listKinds().map((k) => k.id) } },
    { name: 'dossier', in: 'query', description: 'Seulement les documents de ce dossier (identifiant).', schema: { type: 'string' } },
    { name: 'acheteur', in: 'query', description: 'Seulement les documents de cet acheteur (identifiant de l’organisation).', schema: { type: 'string' } },
    { name: 'du', in: 'query', description: 'Créés ce jour ou après (AAAA-MM-JJ).', schema: { type: 'string', format: 'date' } },
    { name: 'au', in: 'query', description: 'Créés ce jour ou avant (AAAA-MM-JJ).', schema: { type: 'string', format: 'date' } },
    { name: 'page', in: 'query', description: 'Numéro de la page, à partir de 1.', schema: { type: 'integer', minimum: 1, maximum: 100_000, default: 1 } },
    { name: 'parPage', in: 'query', description: 'Nombre de documents par page.', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
  ],
  responses: {
    200: json('Une page de la liste.', {
      type: 'object',
      properties: {
        total: { type: 'integer', minimum: 0, description: 'Le nombre de documents qui répondent aux critères.' },
        page: { type: 'integer', minimum: 1 },
        parPage: { type: 'integer', minimum: 1 },
        documents: { type: 'array', items: schemaRef(ARCHIVED_DOCUMENT_SCHEMA) },
      },
      required: ['total', 'page', 'parPage', 'documents'],
    }),
    ...problems({ 400: 'Paramètre invalide (page, date).', 403: 'Clé sans le droit read.' }),
  },
});

describeOperation({
  method: 'get',
  path: '/api/v1/documents/{id}',
  operationId: 'document_archive',
  tags: [ARCHIVE_TAG],
  summary: 'Lire un document archivé',
  description: 'Son type, son mode, son dossier, la version de son modèle, sa date de génération, ses données, ses fichiers et leurs empreintes.',
  parameters: [idParameter('L’identifiant du document.')],
  responses: { 200: json('Le document.', schemaRef(ARCHIVED_DOCUMENT_SCHEMA)), ...notFound(), ...problems({ 403: 'Clé sans le droit read.' }) },
});

const archivedFile = (description: string) => {
  const response = fileResponse(description);
  return { ...response, headers: { ...FILE_HEADERS, 'X-Document-Id': { description: 'L’identifiant du document.' } } };
};

describeOperation({
  method: 'get',
  path: '/api/v1/documents/{id}/file',
  operationId: 'fichier_document',
  tags: [ARCHIVE_TAG],
  summary: 'Télécharger le fichier d’un document archivé',
  description: 'Le fichier conservé dans le format demandé (par défaut, le premier conservé), vérifié contre son empreinte.',
  parameters: [idParameter('L’identifiant du document.'), { ...formatParameter(), description: 'Format du fichier conservé\u00a0; par défaut, le premier conservé.', schema: { type: 'string', enum: [...FORMAT_IDS] } }],
  responses: {
    200: archivedFile('Le fichier.'),
    ...notFound('Document inconnu ou invisible avec cette clé, ou pas conservé dans ce format (il peut être régénéré).'),
    ...problems({ 400: 'Format inconnu.', 403: 'Clé sans le droit read.' }),
  },
});

describeOperation({
  method: 'post',
  path: '/api/v1/documents/{id}/regenerate',
  operationId: 'regenerer_document',
  tags: [ARCHIVE_TAG],
  summary: 'Reproduire un document archivé',
  description: 'Produit le document dans le format demandé à partir de ses données, de la version de son modèle et de sa date de génération conservées\u00a0; le fichier est ajouté au document.',
  parameters: [idParameter('L’identifiant du document.'), formatParameter()],
  responses: {
    200: { ...archivedFile('Le fichier reproduit.'), headers: { ...archivedFile('').headers, 'X-Regenere': { description: 'oui si le fichier vient d’être produit, non s’il était déjà conservé.', schema: { type: 'string', enum: ['oui', 'non'] } } } },
    ...notFound(),
    ...problems({
      400: 'Format inconnu.',
      403: 'Clé sans le droit generate.',
      409: 'Le modèle a changé depuis la génération\u00a0: le document ne peut plus être reproduit à l’identique.',
      503: 'Moteur PDF indisponible\u00a0: réessayer après le délai de l’en-tête Retry-After.',
    }),
  },
});
