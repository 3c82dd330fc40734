/** Input of the notice not to renew the partnership convention (model convention, art. V). */
import Joi from 'joi';
import { choices, count } from '../../core/fields.js';
import { conventionRefSchema, type ConventionRef } from '../_shared/convention-ref.js';
import { letterSchema, partySchema, type Letter, type Party } from '../_shared/parties.js';

export const EXPEDITEURS = ['donneurOrdre', 'structurePorteuse'] as const;
export const SUIVI = ['poursuivi', 'arrete'] as const;
export const EXPEDITEUR_LABELS: Record<(typeof EXPEDITEURS)[number], string> = {
  donneurOrdre: 'Le donneur d’ordre',
  structurePorteuse: 'La structure porteuse de la clause',
};
export const SUIVI_LABELS: Record<(typeof SUIVI)[number], string> = {
  poursuivi: 'Poursuivi jusqu’au terme des marchés',
  arrete: 'Arrêté lui aussi',
};

export const nonReconductionSchema = Joi.object({
  expediteur: Joi.string().valid(...EXPEDITEURS).label('Partie qui notifie').meta(choices(EXPEDITEUR_LABELS)).required(),
  donneurOrdre: partySchema('Donneur d’ordre').required(),
  structurePorteuse: partySchema('Structure porteuse de la clause').required(),
  convention: conventionRefSchema(),
  courrier: letterSchema(),
  delaiAcheminementJours: count('Délai d’acheminement du courrier recommandé (jours)', 0, 15)
    .default(3)
    .description('La notification doit être reçue avant la date limite : la réception est estimée à la date du courrier plus ce délai.'),
  suiviMarches: Joi.string()
    .valid(...SUIVI)
    .label('Suivi des marchés en cours')
    .meta(choices(SUIVI_LABELS))
    .default('poursuivi')
    .description('« Arrêté lui aussi » : le donneur d’ordre met fin aussi au suivi des marchés en cours (possible seulement quand c’est lui qui notifie).'),
}).label('Non-reconduction de la convention');

export interface NonReconductionInput {
  expediteur: (typeof EXPEDITEURS)[number];
  donneurOrdre: Party;
  structurePorteuse: Party;
  convention: ConventionRef;
  courrier: Letter;
  delaiAcheminementJours: number;
  suiviMarches: (typeof SUIVI)[number];
}
