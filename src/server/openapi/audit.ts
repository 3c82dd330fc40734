/**
 * The audit log: who did what, when, with which key (src/server/routes/keys.ts).
 */
import { describeOperation, describeSchema, describeTag, problems, schemaRef } from './registry.js';

export const AUDIT_TAG = 'Journal d’audit';
export const AUDIT_ENTRY_SCHEMA = 'EntreeAudit';

describeTag({ name: AUDIT_TAG, description: 'Les actions faites avec les clés des organisations visibles\u00a0: générations, téléchargements, dossiers, clés, sessions.' });

describeSchema(AUDIT_ENTRY_SCHEMA, {
  type: 'object',
  title: 'Entrée du journal d’audit',
  properties: {
    id: { type: 'integer' },
    date: { type: 'string', format: 'date-time' },
    organisationId: { type: ['string', 'null'] },
    cleId: { type: ['string', 'null'] },
    action: { type: 'string', description: 'Par exemple document.telecharge, dossier.modifie, cle.revoquee.' },
    cible: { type: ['string', 'null'], description: 'L’identifiant de l’objet concerné.' },
    details: { type: ['object', 'null'] },
  },
  required: ['id', 'date', 'organisationId', 'cleId', 'action', 'cible', 'details'],
});

describeOperation({
  method: 'get',
  path: '/api/v1/audit',
  operationId: 'journal_audit',
  tags: [AUDIT_TAG],
  summary: 'Lire le journal d’audit',
  parameters: [
    { name: 'format', in: 'query', description: 'json (par défaut) ou csv.', schema: { type: 'string', enum: ['json', 'csv'], default: 'json' } },
    { name: 'du', in: 'query', description: 'Actions de ce jour ou après (AAAA-MM-JJ).', schema: { type: 'string', format: 'date' } },
    { name: 'au', in: 'query', description: 'Actions de ce jour ou avant (AAAA-MM-JJ).', schema: { type: 'string', format: 'date' } },
    { name: 'limite', in: 'query', description: 'Nombre d’entrées au plus.', schema: { type: 'integer', minimum: 1, maximum: 100_000, default: 1000 } },
  ],
  responses: {
    200: {
      description: 'Les entrées du journal.',
      content: { 'application/json': { type: 'array', items: schemaRef(AUDIT_ENTRY_SCHEMA) }, 'text/csv': 'binary' },
    },
    ...problems({ 400: 'Format, date ou nombre invalide.', 403: 'Clé sans le droit manage.' }),
  },
});
