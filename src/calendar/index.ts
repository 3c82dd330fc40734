/**
 * POST /api/v1/echeances: every key date of a convention at a reference date. Validates the input
 * (French messages) and assembles the schedule.
 */
import Joi from 'joi';
import { formatDate } from '../core/french.js';
import { date, noticeShorterThanDuration } from '../core/fields.js';
import { validate } from '../core/validation.js';
import { InvalidInputError, IncompleteDocumentError } from '../core/errors.js';
import { fromDate, type IsoDate } from './dates.js';
import { checkNonRenewal, conventionTerms, cureDeadline, finalEnd, isLastPeriod, nonRenewalDeadline, opinionDeadline, period, periodIndexAt, RULES, startOf } from './schedule.js';

const isoDate = date;

export const scheduleSchema = Joi.object({
  dateSignature: isoDate('Date de signature').required(),
  dateEntreeEnVigueur: isoDate('Date d’entrée en vigueur'),
  dureeInitialeMois: Joi.number().integer().min(1).max(120).label('Durée (mois)').default(12),
  reconductionTacite: Joi.boolean().label('Tacite reconduction').default(true),
  reconductionsMax: Joi.number().integer().min(0).max(20).label('Nombre maximal de reconductions'),
  preavisNonReconductionMois: Joi.number().integer().min(1).max(12).less(Joi.ref('dureeInitialeMois')).label('Préavis de non-reconduction (mois)').default(3),
  delaiMiseEnDemeureMois: Joi.number().integer().min(1).max(12).label('Délai après mise en demeure (mois)').default(2),
  delaiAvisMotiveJours: Joi.number().integer().min(1).max(90).label('Délai de l’avis motivé (jours)').default(15),
  alsaceMoselle: Joi.boolean().label('Jours fériés d’Alsace-Moselle').default(false),
  dateReference: isoDate('Date de référence'),
  dateReceptionMiseEnDemeure: isoDate('Date de réception de la mise en demeure'),
  dateSaisineAvis: isoDate('Date de saisine pour l’avis motivé'),
})
  .custom(noticeShorterThanDuration)
  .label('Échéances');

type ScheduleInput = Parameters<typeof conventionTerms>[0] & {
  dateReference?: Date;
  dateReceptionMiseEnDemeure?: Date;
  dateSaisineAvis?: Date;
};

const withText = (p: { numero: number; debut: IsoDate; fin: IsoDate }) => ({ ...p, debutTexte: formatDate(p.debut), finTexte: formatDate(p.fin) });

export function echeances(raw: unknown, today = new Date()) {
  let input: ScheduleInput;
  try {
    input = validate<ScheduleInput>(scheduleSchema, raw, 'final').value;
  } catch (error) {
    if (error instanceof IncompleteDocumentError) throw new InvalidInputError('Données incomplètes.', error.errors);
    throw error;
  }
  const terms = conventionTerms(input);
  const reference = fromDate(input.dateReference ?? today);
  const k = periodIndexAt(terms, reference);
  const inForce = reference >= startOf(terms) && k !== undefined;
  const shown = k ?? 0;
  const count = terms.reconductionTacite ? Math.min(shown + 2, (terms.reconductionsMax ?? Infinity) + 1) : 1;
  const periods = Array.from({ length: count }, (_, i) => withText(period(terms, i)));
  const end = finalEnd(terms);
  return {
    dateReference: { date: reference, texte: formatDate(reference) },
    entreeEnVigueur: { date: startOf(terms), texte: formatDate(startOf(terms)) },
    etat: reference < startOf(terms) ? 'pas-encore-en-vigueur' : k === undefined ? 'terminee' : 'en-vigueur',
    periodeCourante: inForce ? withText(period(terms, k)) : null,
    periodes: periods,
    reconductions: terms.reconductionTacite ? periods.slice(1).map((p) => ({ date: p.debut, texte: p.debutTexte })) : [],
    finConvention: end ? { date: end, texte: formatDate(end) } : null,
    nonReconduction: !terms.reconductionTacite
      ? { message: `La convention n’est pas renouvelable : elle prend fin le ${formatDate(period(terms, 0).fin)}.` }
      : isLastPeriod(terms, shown)
        ? { message: `La convention prend fin le ${formatDate(end!)}, au terme de sa dernière reconduction possible : aucune non-reconduction n’est à notifier.` }
        : { ...nonRenewalDeadline(terms, shown), verification: checkNonRenewal(terms, reference) ?? null },
    miseEnDemeure: input.dateReceptionMiseEnDemeure ? cureDeadline(terms, fromDate(input.dateReceptionMiseEnDemeure)) : null,
    avisMotive: input.dateSaisineAvis ? opinionDeadline(terms, fromDate(input.dateSaisineAvis)) : null,
    regles: Object.values(RULES),
  };
}
