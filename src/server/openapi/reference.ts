/**
 * The document kinds: their list, the JSON Schema of each kind's input and a complete example
 * (public: they describe the API, like the OpenAPI description itself).
 */
import '../../kinds/index.js';
import { listKinds } from '../../core/registry.js';
import { MODES } from '../../core/validation.js';
import { FORMAT_IDS } from '../../formats/index.js';
import { describeOperation, describeTag, json, problems, type ParameterSpec } from './registry.js';

export const KINDS_TAG = 'Types de document';

describeTag({ name: KINDS_TAG, description: 'Les types de document que le service sait produire, le schéma JSON de leurs données et un exemple complet.' });

const kindParameter = (): ParameterSpec => ({
  name: 'kind',
  in: 'path',
  required: true,
  description: 'Le type de document.',
  schema: { type: 'string', enum: listKinds().map((k) => k.id) },
  example: 'convention',
});

const unknownKind = () => problems({ 404: 'Type de document inconnu.' });

describeOperation({
  method: 'get',
  path: '/api/v1/kinds',
  operationId: 'lister_types',
  tags: [KINDS_TAG],
  summary: 'Lister les types de document',
  description: 'Chaque type avec son titre, sa description, ses formats, ses modes, l’adresse de sa génération, celle de son exemple et le schéma JSON de ses données.',
  public: true,
  responses: {
    200: json('Les types de document.', {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', description: 'Identifiant du type, utilisé dans les adresses.' },
          title: { type: 'string', description: 'Nom du document.' },
          description: { type: 'string' },
          formats: { type: 'array', items: { enum: [...FORMAT_IDS] } },
          modes: { type: 'array', items: { enum: [...MODES] } },
          endpoint: { type: 'string', description: 'Adresse de la génération (POST).' },
          example: { type: 'string', description: 'Adresse d’un exemple complet de données.' },
          schema: { type: 'object', description: 'Schéma JSON (draft 2020-12) des données.' },
        },
        required: ['id', 'title', 'description', 'formats', 'modes', 'endpoint', 'example', 'schema'],
      },
    }),
  },
});

describeOperation({
  method: 'get',
  path: '/api/v1/kinds/{kind}/schema',
  operationId: 'schema_type',
  tags: [KINDS_TAG],
  summary: 'Schéma JSON des données d’un type de document',
  description: 'Le schéma JSON (draft 2020-12) des données du type, identifié par son adresse ($id)\u00a0: noms des champs, libellés français (title), formats, valeurs permises, champs obligatoires pour un document final.',
  public: true,
  parameters: [kindParameter()],
  responses: {
    200: { description: 'Le schéma JSON.', content: { 'application/schema+json': { type: 'object' } } },
    ...unknownKind(),
  },
});

describeOperation({
  method: 'get',
  path: '/api/v1/kinds/{kind}/example',
  operationId: 'exemple_type',
  tags: [KINDS_TAG],
  summary: 'Exemple complet de données d’un type de document',
  description: 'Des données complètes et valides, à envoyer telles quelles à la génération ou à adapter.',
  public: true,
  parameters: [kindParameter()],
  responses: {
    200: json('L’exemple, conforme au schéma du type.'),
    ...unknownKind(),
  },
});

describeOperation({
  method: 'get',
  path: '/api/v1/communes',
  operationId: 'chercher_communes',
  tags: [KINDS_TAG],
  summary: 'Chercher une commune et son code INSEE',
  description:
    'Les communes actuelles (outre-mer compris, de 971 à 976) dont le nom commence par `q` (sans tenir compte des accents, des majuscules, des traits d’union ni des apostrophes), le nom exact d’abord puis les plus peuplées, ou celles d’un code postal à cinq chiffres (ou celle d’un code INSEE). Au plus 20. Données du paquet @etalab/decoupage-administratif, livrées avec le service\u00a0: aucun appel extérieur.',
  public: true,
  parameters: [
    { name: 'q', in: 'query', required: true, description: 'Début du nom de la commune, ou code postal à cinq chiffres.', schema: { type: 'string', minLength: 1, maxLength: 100 }, example: 'Péronne' },
  ],
  responses: {
    200: json('Les communes trouvées (au plus 20), éventuellement aucune.', {
      type: 'array',
      maxItems: 20,
      items: {
        type: 'object',
        properties: {
          codeInsee: { type: 'string', description: 'Code officiel géographique (INSEE) de la commune.' },
          nom: { type: 'string' },
          codesPostaux: { type: 'array', items: { type: 'string' } },
          departement: { type: 'string', description: 'Code du département (« 80 », « 2A », « 974 »).' },
        },
        required: ['codeInsee', 'nom', 'codesPostaux', 'departement'],
      },
    }),
    ...problems({ 400: 'Recherche absente ou trop longue.' }),
  },
});
