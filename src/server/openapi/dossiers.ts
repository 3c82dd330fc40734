/**
 * Dossiers: one convention between a buyer and its facilitator, the latest input of every document
 * made for it, its documents; export and import as JSON (src/server/routes/dossiers.ts, whose joi
 * schemas are the request bodies).
 */
import { dossierSchema, updateSchema } from '../routes/dossiers.js';
import { ARCHIVED_DOCUMENT_SCHEMA } from './archive.js';
import { dateTime, describeOperation, describeSchema, describeTag, idParameter, json, problems, schemaRef, type HeaderSpec } from './registry.js';

export const DOSSIERS_TAG = 'Dossiers';
export const DOSSIER_SCHEMA = 'Dossier';
export const DOSSIER_EXPORT_SCHEMA = 'DossierExport';

describeTag({
  name: DOSSIERS_TAG,
  description: 'Un dossier réunit les données d’une convention et des documents qui la suivent, pour les reprendre d’un document à l’autre.',
});

const titre = { type: 'string', minLength: 1, maxLength: 300, title: 'Titre du dossier' };
const convention = { type: 'object', title: 'Convention', description: 'Les données de la convention de partenariat (un projet peut encore être incomplet).' };
const donnees = {
  type: 'object',
  title: 'Données du dossier',
  description: 'Les dernières données de chaque type de document, par type\u00a0; celles de la convention sous «\u00a0convention\u00a0».',
  properties: { convention },
  required: ['convention'],
};
const etag: Record<string, HeaderSpec> = { ETag: { description: 'La version du dossier, à renvoyer dans If-Match pour le modifier.' } };

describeSchema(DOSSIER_SCHEMA, {
  type: 'object',
  title: 'Dossier',
  properties: {
    id: { type: 'string' },
    titre: { type: 'string' },
    acheteurId: { type: 'string', description: 'L’organisation acheteuse.' },
    facilitateurId: { type: ['string', 'null'], description: 'La structure porteuse de la clause.' },
    version: { type: 'integer', minimum: 1, description: 'Augmente à chaque modification.' },
    creeLe: dateTime,
    modifieLe: dateTime,
    donnees: { ...donnees, required: [] },
    documents: { type: 'array', items: schemaRef(ARCHIVED_DOCUMENT_SCHEMA), description: 'Les documents du dossier (seulement dans la lecture d’un dossier).' },
  },
  required: ['id', 'titre', 'acheteurId', 'facilitateurId', 'version', 'creeLe', 'modifieLe'],
});

describeSchema(DOSSIER_EXPORT_SCHEMA, {
  type: 'object',
  title: 'Export de dossier',
  description: 'Le dossier, ses données et la liste de ses documents, pour le conserver ou le reprendre ailleurs.',
  properties: {
    format: { const: 'dossier-clauses-sociales' },
    version: { const: 1 },
    exporteLe: dateTime,
    titre,
    donnees,
    documents: { type: 'array', items: schemaRef(ARCHIVED_DOCUMENT_SCHEMA) },
  },
  required: ['format', 'version', 'titre', 'donnees'],
});

const notFound = () => problems({ 404: 'Dossier inconnu, ou qui n’est pas visible avec cette clé.' });

describeOperation({
  method: 'get',
  path: '/api/v1/dossiers',
  operationId: 'lister_dossiers',
  tags: [DOSSIERS_TAG],
  summary: 'Lister les dossiers',
  description: 'Les dossiers visibles avec la clé.',
  responses: { 200: json('Les dossiers.', { type: 'array', items: schemaRef(DOSSIER_SCHEMA) }), ...problems({ 403: 'Clé sans le droit read.' }) },
});

describeOperation({
  method: 'post',
  path: '/api/v1/dossiers',
  operationId: 'creer_dossier',
  tags: [DOSSIERS_TAG],
  summary: 'Créer un dossier à partir d’une convention',
  description: 'L’acheteur est celui de la convention (donneur d’ordre), ou celui indiqué.',
  requestBody: { content: { 'application/json': dossierSchema } },
  responses: {
    201: { ...json('Le dossier créé.', schemaRef(DOSSIER_SCHEMA)), headers: { ...etag, Location: { description: 'L’adresse du dossier.' } } },
    ...problems({ 400: 'Données invalides.', 403: 'Clé sans le droit generate.', 404: 'Acheteur introuvable.' }),
  },
});

describeOperation({
  method: 'get',
  path: '/api/v1/dossiers/{id}',
  operationId: 'lire_dossier',
  tags: [DOSSIERS_TAG],
  summary: 'Lire un dossier',
  description: 'Le dossier, ses données et ses documents.',
  parameters: [idParameter('L’identifiant du dossier.')],
  responses: { 200: { ...json('Le dossier.', schemaRef(DOSSIER_SCHEMA)), headers: etag }, ...notFound(), ...problems({ 403: 'Clé sans le droit read.' }) },
});

describeOperation({
  method: 'put',
  path: '/api/v1/dossiers/{id}',
  operationId: 'modifier_dossier',
  tags: [DOSSIERS_TAG],
  summary: 'Modifier un dossier',
  description: 'Remplace le titre et les données du dossier\u00a0; sa version augmente.',
  parameters: [
    idParameter('L’identifiant du dossier.'),
    { name: 'If-Match', in: 'header', description: 'La version lue (ETag)\u00a0: la modification est refusée (409) si le dossier a changé entre-temps.', schema: { type: 'string' } },
  ],
  requestBody: { content: { 'application/json': updateSchema } },
  responses: {
    200: { ...json('Le dossier modifié.', schemaRef(DOSSIER_SCHEMA)), headers: etag },
    ...notFound(),
    ...problems({ 400: 'Données invalides.', 403: 'Clé sans le droit generate.', 409: 'Le dossier a été modifié entre-temps.' }),
  },
});

describeOperation({
  method: 'get',
  path: '/api/v1/dossiers/{id}/export',
  operationId: 'exporter_dossier',
  tags: [DOSSIERS_TAG],
  summary: 'Exporter un dossier',
  description: 'Un fichier JSON à reprendre avec l’import.',
  parameters: [idParameter('L’identifiant du dossier.')],
  responses: { 200: json('L’export du dossier (en pièce jointe).', schemaRef(DOSSIER_EXPORT_SCHEMA)), ...notFound(), ...problems({ 403: 'Clé sans le droit read.' }) },
});

describeOperation({
  method: 'post',
  path: '/api/v1/dossiers/import',
  operationId: 'importer_dossier',
  tags: [DOSSIERS_TAG],
  summary: 'Importer un dossier',
  description: 'Crée un dossier à partir d’un export.',
  requestBody: { content: { 'application/json': schemaRef(DOSSIER_EXPORT_SCHEMA) } },
  responses: {
    201: { ...json('Le dossier importé.', schemaRef(DOSSIER_SCHEMA)), headers: { Location: { description: 'L’adresse du dossier.' } } },
    ...problems({ 400: 'Export invalide.', 403: 'Clé sans le droit generate.', 413: 'Export trop volumineux.' }),
  },
});
