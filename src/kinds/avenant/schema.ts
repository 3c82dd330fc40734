/** Input of an avenant to the partnership convention (model convention, art. VI). */
import Joi from 'joi';
import { choices, count, date, longText, text } from '../../core/fields.js';
import { conventionRefSchema, type ConventionRef } from '../_shared/convention-ref.js';
import { partySchema, signingSchema, type Party } from '../_shared/parties.js';

/**
 * What a change does: replace, complete or delete an article (or one of its alinéas), or replace
 * words inside it ("les mots « quinze jours » sont remplacés par les mots « dix jours »").
 */
export const TYPES = ['remplace', 'complete', 'supprime', 'remplace-mots'] as const;
export const TYPE_LABELS: Record<(typeof TYPES)[number], string> = {
  remplace: 'Remplacer l’article (ou l’alinéa)',
  complete: 'Compléter l’article',
  supprime: 'Supprimer l’article (ou l’alinéa)',
  'remplace-mots': 'Remplacer des mots dans l’article',
};

export const avenantSchema = Joi.object({
  numero: count('Numéro de l’avenant', 1, 99).required(),
  donneurOrdre: partySchema('Donneur d’ordre', { habilitation: 'optional' }).required(),
  structurePorteuse: partySchema('Structure porteuse de la clause', { habilitation: 'optional' }).required(),
  convention: conventionRefSchema(),
  motif: longText('Objet et motif de l’avenant', 3000).required(),
  deliberation: Joi.object({
    organe: text('Organe délibérant', 200).required(),
    date: date('Date de la délibération').required(),
    numero: text('Numéro de la délibération', 60),
  })
    .label('Délibération autorisant la signature')
    .description('Si une délibération autorise la signature de l’avenant.'),
  modifications: Joi.array()
    .items(
      Joi.object({
        type: Joi.string().valid(...TYPES).label('Nature de la modification').meta(choices(TYPE_LABELS)).required(),
        article: text('Article de la convention modifié', 10).required(),
        objet: text('Intitulé de l’article', 200),
        alinea: count('Alinéa de l’article', 1, 50).description('Pour ne modifier qu’un alinéa de l’article (1 pour le premier alinéa).'),
        mots: text('Mots remplacés', 500).when('type', { is: 'remplace-mots', then: Joi.required(), otherwise: Joi.forbidden() }),
        texte: longText('Nouvelle rédaction', 5000)
          .when('type', { is: 'supprime', then: Joi.forbidden(), otherwise: Joi.required() })
          .description('Pour un remplacement de mots : les nouveaux mots.'),
        alineasActuels: count('Nombre d’alinéas de l’article dans sa rédaction en vigueur', 1, 100).description(
          'Pour remplacer un article entier : un document final est refusé si la nouvelle rédaction en compte moins, car les autres alinéas seraient supprimés.',
        ),
      }).label('Modification'),
    )
    .min(1)
    .max(20)
    .label('Modifications de la convention')
    .required(),
  dateEffet: date('Date d’effet').description('Par défaut, la date de signature de l’avenant.'),
  signature: signingSchema(),
}).label('Avenant à la convention');

export interface AvenantInput {
  numero: number;
  donneurOrdre: Party;
  structurePorteuse: Party;
  convention: ConventionRef;
  motif: string;
  deliberation?: { organe: string; date: Date; numero?: string };
  modifications: { type: (typeof TYPES)[number]; article: string; objet?: string; alinea?: number; mots?: string; texte?: string; alineasActuels?: number }[];
  dateEffet?: Date;
  signature: { lieu: string; date: Date; nombreExemplaires: number };
}
