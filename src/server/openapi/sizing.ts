/**
 * Sizing of insertion goals: the hours per lot for a market, and the reference values in force.
 */
import { reference } from '../../sizing/index.js';
import { sizingSchema } from '../../sizing/schema.js';
import { describeOperation, describeSchema, describeTag, json, problems, schemaRef } from './registry.js';

export const SIZING_TAG = 'Dimensionnement';
export const SIZING_SCHEMA = 'Dimensionnement';

describeTag({
  name: SIZING_TAG,
  description: 'Le nombre d’heures d’insertion à réserver par lot, selon la nature du marché, son montant, sa durée et son territoire, avec le calcul détaillé et ses sources.',
});

describeSchema(SIZING_SCHEMA, sizingSchema(reference()));

describeOperation({
  method: 'post',
  path: '/api/v1/insertion-goals',
  operationId: 'dimensionner',
  tags: [SIZING_TAG],
  summary: 'Dimensionner les objectifs d’heures d’insertion d’un marché',
  description: 'Heures par lot, leviers possibles, pénalité, avertissements et déroulé du calcul en français\u00a0: montant HT × part de main-d’œuvre × taux d’insertion ÷ coût horaire chargé, ajusté selon le territoire, arrondi à 5\u00a0h.',
  requestBody: { description: 'Le marché, ses lots et son territoire.', content: { 'application/json': schemaRef(SIZING_SCHEMA) } },
  responses: {
    200: json('Le dimensionnement, lot par lot.'),
    ...problems({ 400: 'Données invalides ou incomplètes (chaque champ est listé).', 413: 'Corps de la requête trop volumineux.', 415: 'Type de contenu autre que JSON.' }),
  },
});

describeOperation({
  method: 'get',
  path: '/api/v1/insertion-goals/catalog',
  operationId: 'catalogue_dimensionnement',
  tags: [SIZING_TAG],
  summary: 'Valeurs de référence du dimensionnement',
  description: 'Les familles de marchés et les valeurs en vigueur à une date (part de main-d’œuvre, taux d’insertion, coût horaire, seuils, planchers, pénalité), avec leurs sources.',
  parameters: [
    { name: 'date', in: 'query', description: 'Date de référence (AAAA-MM-JJ)\u00a0; par défaut, aujourd’hui.', schema: { type: 'string', format: 'date' }, example: '2026-11-25' },
  ],
  responses: {
    200: json('Le référentiel en vigueur à la date.'),
    ...problems({ 400: 'Date invalide.' }),
  },
});
