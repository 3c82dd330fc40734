/**
 * Generation of documents: one operation per kind (POST /api/v1/documents/{kind}), whose body is
 * that kind's schema, as JSON or as a form. Also the query parameters and the file answers shared
 * with the archive (archive.ts).
 */
import '../../kinds/index.js';
import type { BaseViewModel, DocumentKind } from '../../core/kind.js';
import { listKinds } from '../../core/registry.js';
import { MARKER_EXAMPLE } from '../../core/markers.js';
import { MODES } from '../../core/validation.js';
import { FORMAT_IDS, FORMATS } from '../../formats/index.js';
import type { JsonSchemaNode } from '../json-schema.js';
import { describeOperation, describeTag, frenchSpaces, problems, schemaRef, type ParameterSpec, type ResponseSpec } from './registry.js';

export const GENERATION_TAG = 'Génération';

describeTag({
  name: GENERATION_TAG,
  description: 'Produire un document à partir de ses données\u00a0: DOCX modifiable, PDF prêt à signer, aperçu HTML, Markdown ou texte brut, en version finale ou en projet.',
});

export const formatParameter = (): ParameterSpec => ({
  name: 'format',
  in: 'query',
  description: `Format du fichier\u00a0: ${FORMAT_IDS.map((id) => `${id} (${FORMATS[id]!.description})`).join(', ')}.`,
  schema: { type: 'string', enum: [...FORMAT_IDS], default: 'pdf' },
});

export const modeParameter = (): ParameterSpec => ({
  name: 'mode',
  in: 'query',
  description: `final\u00a0: document à signer, refusé (422) s’il manque une valeur\u00a0; draft\u00a0: projet, les valeurs manquantes y sont signalées par ${MARKER_EXAMPLE} (le champ nommé par ses libellés, comme dans le formulaire) et chaque page porte la mention PROJET.`,
  schema: { type: 'string', enum: [...MODES], default: 'final' },
});

/** The headers of a generated file. */
export const FILE_HEADERS: NonNullable<ResponseSpec['headers']> = {
  'Content-Disposition': { description: 'Nom du fichier, par exemple convention-partenariat-<acheteur>-<date>.pdf (préfixé projet- pour un projet).' },
  'X-Content-SHA256': { description: 'Empreinte SHA-256 du fichier, en hexadécimal.', schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
  'Repr-Digest': { description: 'La même empreinte (RFC 9530)\u00a0: sha-256=:<base64>:.' },
  ETag: { description: 'La même empreinte entre guillemets (validateur fort).', schema: { type: 'string', pattern: '^"[0-9a-f]{64}"$' } },
  'X-Document-Mode': { description: 'Le mode du document.', schema: { type: 'string', enum: [...MODES] } },
  'X-Champs-A-Completer': { description: 'Projet seulement\u00a0: le nombre de champs restant à compléter.', schema: { type: 'string', pattern: '^\\d+$' } },
};

/** A generated file, one media type per format. */
export const fileResponse = (description: string): ResponseSpec => ({
  description,
  headers: FILE_HEADERS,
  content: Object.fromEntries(FORMAT_IDS.map((id) => [FORMATS[id]!.contentType, 'binary' as const])),
});

/** The errors of a generation. */
export const generationProblems = () =>
  problems({
    400: 'Données illisibles ou invalides (type, format, champ inconnu), format ou mode inconnu, paramètre répété.',
    408: 'Corps de la requête non reçu à temps.',
    413: 'Corps, fichier ou formulaire trop volumineux.',
    415: 'Type de contenu autre que JSON ou multipart/form-data, ou fichier envoyé qui n’est pas du JSON.',
    422: 'Document final impossible\u00a0: valeur manquante ou restée du modèle (/problemes/document-incomplet), ou document qui serait faux (/problemes/document-non-conforme).',
    429: 'Trop de fichiers en attente de lecture\u00a0: réessayer après le délai de l’en-tête Retry-After.',
    503: 'Moteur PDF indisponible ou rendu trop long\u00a0: réessayer après le délai de l’en-tête Retry-After.',
  });

/** The form variant of a kind's data: fields named by their path, and/or a JSON file. */
function formSchema(kind: DocumentKind<any, BaseViewModel>): JsonSchemaNode {
  const files: Record<string, JsonSchemaNode> = kind.readUploads
    ? {
        donnees: {
          description: 'Les données en fichier JSON (ou en texte JSON), ou les données de suivi en classeur XLSX (feuilles marches et suivi).',
          contentMediaType: 'application/octet-stream',
        },
        marches: { description: 'Les marchés, en fichier CSV (séparateur ; ou ,).', contentMediaType: 'text/csv' },
        suivi: { description: 'Le suivi des personnes, en fichier CSV (séparateur ; ou ,).', contentMediaType: 'text/csv' },
      }
    : {
        donnees: { description: 'Les données en fichier JSON, ou en texte JSON.', contentMediaType: 'application/json' },
      };
  return {
    type: 'object',
    description: 'Les champs du formulaire sont nommés par le chemin de la donnée (donneurOrdre.adresse.commune, lots.0.intitule) et l’emportent sur le fichier «\u00a0donnees\u00a0».',
    properties: {
      ...files,
      format: { type: 'string', enum: [...FORMAT_IDS], description: 'Format, si le paramètre format de l’adresse est absent.' },
      mode: { type: 'string', enum: [...MODES], description: 'Mode, si le paramètre mode de l’adresse est absent.' },
    },
    additionalProperties: { type: 'string', description: 'Une donnée, nommée par son chemin.' },
  };
}

/** "clause-dce" → "generer_clause_dce". */
export const generationOperationId = (kindId: string) => `generer_${kindId.replace(/-/g, '_')}`;

for (const kind of listKinds()) {
  describeOperation({
    method: 'post',
    path: `/api/v1/documents/${kind.id}`,
    operationId: generationOperationId(kind.id),
    tags: [GENERATION_TAG],
    summary: `Générer\u00a0: ${frenchSpaces(kind.title)}`,
    description: `${frenchSpaces(kind.description)}\n\nLes données suivent le schéma «\u00a0${kind.id}\u00a0» (/api/v1/kinds/${kind.id}/schema)\u00a0; en mode draft, les champs obligatoires peuvent manquer. Le fichier est envoyé en pièce jointe (en ligne pour le HTML).`,
    parameters: [
      formatParameter(),
      modeParameter(),
      {
        name: 'dossier',
        in: 'query',
        description:
          'Identifiant du dossier dont le document reprend les données (celles envoyées l’emportent, leurs écarts sont signalés)\u00a0; «\u00a0nouveau\u00a0» pour ouvrir un dossier avec une convention.',
        schema: { type: 'string', minLength: 1 },
      },
      { name: 'archiver', in: 'query', description: 'oui\u00a0: conserver aussi un projet (un document final est toujours conservé).', schema: { type: 'string', enum: ['oui'] } },
      {
        name: 'Idempotency-Key',
        in: 'header',
        description: 'Clé d’idempotence (1 à 200 caractères visibles)\u00a0: la même demande renvoyée avec la même clé rend le document déjà produit.',
        schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,200}$' },
      },
      {
        name: 'Accept',
        in: 'header',
        description: 'Sans paramètre format, le type de fichier voulu (application/pdf, text/html…)\u00a0; par défaut, PDF.',
        schema: { type: 'string' },
      },
    ],
    requestBody: {
      description: `Les données du document «\u00a0${frenchSpaces(kind.title)}\u00a0», en JSON ou en formulaire.`,
      required: true,
      content: {
        'application/json': schemaRef(kind.id),
        'multipart/form-data': formSchema(kind),
      },
    },
    responses: {
      200: {
        ...fileResponse('Le document, dans le format demandé.'),
        headers: {
          ...FILE_HEADERS,
          'X-Document-Id': { description: 'Identifiant du document archivé (document final, ou projet archivé).' },
          Location: { description: 'Adresse du document archivé\u00a0: /api/v1/documents/{id}.' },
          'X-Dossier-Id': { description: 'Identifiant du dossier du document.' },
          'X-Dossier-Ecarts': { description: 'Les champs où les données s’écartent du dossier\u00a0: liste JSON [{champ, message}] encodée pour une URL.' },
          'Idempotent-Replayed': { description: 'true quand le document rendu est celui d’une demande précédente de même clé d’idempotence.' },
          'Server-Timing': { description: 'Durée de chaque étape de la génération, en millisecondes : validation, modèle de vue, DOCX, HTML, attente et impression du PDF, finition, archivage, total.' },
        },
      },
      ...generationProblems(),
      ...problems({
        403: 'Clé sans le droit generate.',
        404: 'Dossier inconnu, ou qui n’est pas visible avec cette clé.',
        406: 'Aucun format ne correspond à l’en-tête Accept.',
        409: 'Clé d’idempotence déjà utilisée pour une autre demande.',
      }),
    },
  });
}
