/** Input of the intermediate bilan of a market. */
import { Joi, date, longText, text } from '../../core/fields.js';
import { bilanCommonKeys, monthSchema, type BilanCommon } from '../_shared/bilan.js';

export const bilanMarcheSchema = Joi.object({
  ...bilanCommonKeys(),
  marche: text('Référence du marché', 60).required().description('Un marché de la liste des données de suivi.'),
  moisArrete: monthSchema('Mois d’arrêté du bilan').required(),
  dateBilan: date('Date du bilan').required(),
  clause: Joi.object({
    articleCcap: text('Article du CCAP', 20),
    penaliteParHeure: Joi.number().min(1).max(1000).label('Pénalité par heure non réalisée (€)'),
  }).label('Clause du marché'),
  planAction: Joi.object({
    causes: longText('Causes probables', 3000).required(),
    actions: Joi.array()
      .items(
        Joi.object({
          action: text('Action', 500).required(),
          qui: text('Qui', 200).required(),
          quand: text('Quand', 100).required(),
        }).label('Action'),
      )
      .min(1)
      .max(15)
      .label('Actions')
      .required(),
    prochainPoint: date('Prochain point d’étape').required(),
  })
    .label('Plan d’action')
    .description('Obligatoire quand le marché est en retard sur son objectif.'),
}).label('Bilan intermédiaire d’un marché');

export interface BilanMarcheInput extends BilanCommon {
  marche: string;
  moisArrete: string;
  dateBilan: Date;
  clause?: { articleCcap?: string; penaliteParHeure?: number };
  planAction?: { causes: string; actions: { action: string; qui: string; quand: string }[]; prochainPoint: Date };
}
