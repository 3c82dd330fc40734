/**
 * The convention's calendar: every key date of a convention at a reference date.
 */
import { scheduleSchema } from '../../calendar/index.js';
import { describeOperation, describeSchema, describeTag, json, problems, schemaRef } from './registry.js';

export const CALENDAR_TAG = 'Échéances';
export const CALENDAR_SCHEMA = 'Echeances';

describeTag({
  name: CALENDAR_TAG,
  description: 'Les dates d’une convention\u00a0: périodes, reconductions tacites, date limite de non-reconduction, fin du délai après une mise en demeure, délai de l’avis motivé.',
});

describeSchema(CALENDAR_SCHEMA, scheduleSchema);

describeOperation({
  method: 'post',
  path: '/api/v1/echeances',
  operationId: 'calculer_echeances',
  tags: [CALENDAR_TAG],
  summary: 'Calculer les échéances d’une convention',
  description: 'Entrée en vigueur, période en cours, reconductions, dernier jour pour recevoir une non-reconduction (et si une notification reçue à la date de référence est à temps), fin du délai pour remédier après une mise en demeure, date limite de l’avis motivé, et les règles appliquées avec leurs sources (code de procédure civile art.\u00a0641 et 642 par analogie, jours fériés du code du travail).',
  requestBody: { description: 'Les termes de la convention et les dates connues.', content: { 'application/json': schemaRef(CALENDAR_SCHEMA) } },
  responses: {
    200: json('Les échéances, chaque date avec son texte en français.'),
    ...problems({ 400: 'Données invalides ou incomplètes (chaque champ est listé).', 413: 'Corps de la requête trop volumineux.', 415: 'Type de contenu autre que JSON.' }),
  },
});
