/** The convention a later document refers to: its date, reference and durations (defaults of the model). */
import Joi from 'joi';
import { count, date, flag, noticeShorterThanDuration, text } from '../../core/fields.js';
import { conventionTerms, type ConventionTerms } from '../../calendar/schedule.js';

export interface ConventionRef {
  dateSignature: Date;
  reference?: string;
  dateEntreeEnVigueur?: Date;
  dureeInitialeMois: number;
  reconductionTacite: boolean;
  reconductionsMax?: number;
  preavisNonReconductionMois: number;
  delaiMiseEnDemeureMois: number;
  articleDuree: string;
  articleRevision: string;
  alsaceMoselle: boolean;
}

export const conventionRefSchema = () =>
  Joi.object({
    dateSignature: date('Date de signature de la convention').required(),
    reference: text('Référence de la convention', 60),
    dateEntreeEnVigueur: date('Date d’entrée en vigueur de la convention'),
    dureeInitialeMois: count('Durée de la convention (mois)', 1, 120).default(12),
    reconductionTacite: flag('Renouvelable par tacite reconduction').default(true),
    reconductionsMax: count('Nombre maximal de reconductions', 0, 20).description('À indiquer si la convention plafonne ses reconductions.'),
    preavisNonReconductionMois: count('Préavis de non-reconduction (mois)', 1, 12).default(3),
    delaiMiseEnDemeureMois: count('Délai pour remédier après mise en demeure (mois)', 1, 12).default(2),
    articleDuree: text('Article « Entrée en vigueur et durée » de la convention', 10).default('V'),
    articleRevision: text('Article « Révision de la convention » de la convention', 10).default('VI'),
    alsaceMoselle: flag('Jours fériés d’Alsace-Moselle').default(false),
  })
    .custom(noticeShorterThanDuration)
    .label('Convention de partenariat')
    .required();

/** The calendar terms of a convention; undefined while a date is still a draft marker. */
export function termsOf(c: ConventionRef): ConventionTerms | undefined {
  return c.dateSignature instanceof Date ? conventionTerms(c) : undefined;
}
