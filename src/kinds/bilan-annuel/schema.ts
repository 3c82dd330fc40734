/** Input of the annual overall bilan of a buyer. */
import { Joi, date, text } from '../../core/fields.js';
import { bilanCommonKeys, type BilanCommon } from '../_shared/bilan.js';

export const bilanAnnuelSchema = Joi.object({
  ...bilanCommonKeys(),
  acheteur: text('Acheteur', 200).required().description('Tel qu’il est écrit dans la liste des marchés.'),
  annee: Joi.number().integer().min(2000).max(2100).label('Année').required(),
  dateBilan: date('Date du bilan').required(),
}).label('Bilan annuel global');

export interface BilanAnnuelInput extends BilanCommon {
  acheteur: string;
  annee: number;
  dateBilan: Date;
}
