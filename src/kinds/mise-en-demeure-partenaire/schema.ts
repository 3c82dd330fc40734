/** Input of the formal notice from one party of the convention to the other (model convention, art. V). */
import Joi from 'joi';
import { choices, longText, text } from '../../core/fields.js';
import { conventionRefSchema, type ConventionRef } from '../_shared/convention-ref.js';
import { letterSchema, partySchema, type Letter, type Party } from '../_shared/parties.js';
import { EXPEDITEUR_LABELS, EXPEDITEURS } from '../non-reconduction/schema.js';

export const miseEnDemeurePartenaireSchema = Joi.object({
  expediteur: Joi.string().valid(...EXPEDITEURS).label('Partie qui met en demeure').meta(choices(EXPEDITEUR_LABELS)).required(),
  donneurOrdre: partySchema('Donneur d’ordre').required(),
  structurePorteuse: partySchema('Structure porteuse de la clause').required(),
  convention: conventionRefSchema(),
  courrier: letterSchema(),
  manquements: Joi.array()
    .items(
      Joi.object({
        article: text('Article de la convention', 10).required(),
        engagement: text('Engagement non respecté', 500).required(),
        faits: longText('Faits constatés (dates, marchés concernés)', 3000).required(),
      }).label('Manquement'),
    )
    .min(1)
    .max(10)
    .label('Manquements constatés')
    .required(),
}).label('Mise en demeure entre partenaires');

export interface MiseEnDemeurePartenaireInput {
  expediteur: (typeof EXPEDITEURS)[number];
  donneurOrdre: Party;
  structurePorteuse: Party;
  convention: ConventionRef;
  courrier: Letter;
  manquements: { article: string; engagement: string; faits: string }[];
}
