/**
 * Bilans as data: the indicators of the follow-up records (JSON or CSV), and the blank models of
 * the follow-up spreadsheets.
 */
import Joi from 'joi';
import { followUpDataSchema } from '../../bilans/model.js';
import { bilanCommonKeys, monthSchema } from '../../kinds/_shared/bilan.js';
import { bilanAnnuelSchema } from '../../kinds/bilan-annuel/schema.js';
import { describeOperation, describeSchema, describeTag, problems, schemaRef, type ParameterSpec } from './registry.js';

export const BILANS_TAG = 'Bilans';
export const INDICATORS_SCHEMA = 'Indicateurs';

describeTag({
  name: BILANS_TAG,
  description: 'Les indicateurs des bilans calculés à partir des données de suivi, et les modèles vierges des tableaux de suivi.',
});

/*
 * The parameters of the indicators, from the joi pieces that the bilans share. src/bilans/index.ts
 * validates the same fields with its own (unexported) request schema: exporting it would let this
 * description use it directly.
 */
const parameterSchemas = {
  moisArrete: monthSchema('Mois d’arrêté').description('Obligatoire, ici ou en paramètre de l’adresse.'),
  seuilConfidentialite: bilanCommonKeys().seuilConfidentialite,
  acheteur: bilanAnnuelSchema.extract('acheteur').optional().description('Avec «\u00a0annee\u00a0»\u00a0: les indicateurs du bilan annuel de cet acheteur.'),
  annee: bilanAnnuelSchema.extract('annee').optional(),
};

describeSchema(
  INDICATORS_SCHEMA,
  Joi.object({
    ...parameterSchemas,
    marches: followUpDataSchema.extract('marches'),
    suivi: followUpDataSchema.extract('suivi'),
  }).label('Données de suivi et paramètres des indicateurs'),
);

const queryParameters: ParameterSpec[] = [
  { name: 'moisArrete', in: 'query', description: 'Mois d’arrêté (AAAA-MM)\u00a0; l’emporte sur celui des données.', schema: parameterSchemas.moisArrete, example: '2027-12' },
  { name: 'seuilConfidentialite', in: 'query', description: 'Effectif minimal d’une case publiée (3 par défaut).', schema: parameterSchemas.seuilConfidentialite },
  { name: 'acheteur', in: 'query', description: 'Acheteur du bilan annuel.', schema: parameterSchemas.acheteur },
  { name: 'annee', in: 'query', description: 'Année du bilan annuel.', schema: parameterSchemas.annee },
  {
    name: 'format',
    in: 'query',
    description: 'json (par défaut) ou csv (une ligne par marché, séparateur «\u00a0;\u00a0», virgule décimale).',
    schema: { type: 'string', enum: ['json', 'csv'], default: 'json' },
  },
];

describeOperation({
  method: 'post',
  path: '/api/v1/bilans/indicateurs',
  operationId: 'calculer_indicateurs',
  tags: [BILANS_TAG],
  summary: 'Calculer les indicateurs des bilans',
  description:
    'Par marché\u00a0: heures réalisées, taux de réalisation, projection, statut, personnes et répartitions\u00a0; avec un acheteur et une année, les indicateurs de son bilan annuel. Les répartitions qui comptent moins de personnes que le seuil de confidentialité sont regroupées ou masquées.',
  parameters: queryParameters,
  requestBody: {
    description: 'Les données de suivi en JSON, ou en formulaire\u00a0: un classeur XLSX (feuilles marches et suivi) dans le champ «\u00a0donnees\u00a0», ou deux fichiers CSV dans les champs «\u00a0marches\u00a0» et «\u00a0suivi\u00a0».',
    content: {
      'application/json': schemaRef(INDICATORS_SCHEMA),
      'multipart/form-data': {
        type: 'object',
        properties: {
          donnees: { description: 'Classeur XLSX (feuilles marches et suivi), ou fichier JSON.', contentMediaType: 'application/octet-stream' },
          marches: { description: 'Les marchés, en fichier CSV.', contentMediaType: 'text/csv' },
          suivi: { description: 'Le suivi des personnes, en fichier CSV.', contentMediaType: 'text/csv' },
        },
        additionalProperties: { type: 'string', description: 'Un paramètre des indicateurs (moisArrete, seuilConfidentialite, acheteur, annee).' },
      },
    },
  },
  responses: {
    200: {
      description: 'Les indicateurs, en JSON ou en CSV.',
      content: { 'application/json': { type: 'object' }, 'text/csv': 'binary' },
    },
    ...problems({
      400: 'Données ou fichier invalides (chaque erreur avec sa ligne et sa colonne), format inconnu.',
      413: 'Fichier trop volumineux, trop de lignes ou de colonnes, classeur qui se décompresse au-delà des limites.',
      415: 'Type de contenu autre que JSON ou multipart/form-data.',
      429: 'Trop de fichiers en attente de lecture\u00a0: réessayer après le délai de l’en-tête Retry-After.',
    }),
  },
});

describeOperation({
  method: 'get',
  path: '/api/v1/bilans/modele.xlsx',
  operationId: 'modele_suivi_xlsx',
  tags: [BILANS_TAG],
  summary: 'Modèle vierge du classeur de suivi (XLSX)',
  description: 'Le classeur à remplir\u00a0: feuilles marches et suivi, avec les codes acceptés.',
  responses: {
    200: { description: 'Le classeur XLSX.', content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'binary' } },
  },
});

describeOperation({
  method: 'get',
  path: '/api/v1/bilans/modele-{sheet}.csv',
  operationId: 'modele_suivi_csv',
  tags: [BILANS_TAG],
  summary: 'Modèle vierge d’un fichier de suivi (CSV)',
  description: 'L’en-tête du fichier des marchés ou de celui du suivi des personnes.',
  parameters: [{ name: 'sheet', in: 'path', required: true, description: 'Le fichier\u00a0: marches ou suivi.', schema: { type: 'string', enum: ['marches', 'suivi'] } }],
  responses: {
    200: { description: 'Le fichier CSV.', content: { 'text/csv': 'binary' } },
    ...problems({ 404: 'Modèle inconnu.' }),
  },
});
