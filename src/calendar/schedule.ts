/**
 * The partnership convention's calendar: periods and tacit renewals, the latest day to notify a
 * non-renewal, the end of a cure period after a formal notice, the deadline of an avis motivé.
 * Pure functions over ISO dates; each result names the rule applied and its source.
 */
import { formatDate } from '../core/french.js';
import { addDays, addMonths, nextWorkingDay, nonWorkingReason, parts, previousWorkingDay, type IsoDate } from './dates.js';

export const RULES = {
  periodes: {
    texte:
      'Chaque période court du jour anniversaire de l’entrée en vigueur jusqu’à la veille de l’anniversaire suivant ; quand le quantième n’existe pas dans le mois (29 février), l’anniversaire est le dernier jour du mois.',
    source: 'Code de procédure civile, art. 641, appliqué par analogie',
    url: 'https://www.doctrine.fr/l/texts/codes/LEGITEXT000006070716/articles/LEGIARTI000006411003',
  },
  preavis: {
    texte:
      'Le préavis compté « avant le terme » se calcule de quantième à quantième (dernier jour du mois à défaut) ; s’il tombe un samedi, un dimanche ou un jour férié, il est avancé au jour ouvrable précédent. La notification doit être reçue au plus tard ce jour-là.',
    source: 'Code de procédure civile, art. 641 et 642, appliqués par analogie et dans le sens le plus prudent ; jours fériés : code du travail, art. L. 3133-1',
    url: 'https://open.lefebvre-dalloz.fr/droit-affaires/societe-responsabilite-limitee/planning-approbation-comptes-sarl_a93554',
  },
  delaiMois: {
    texte:
      'Un délai exprimé en mois court à compter de la réception du courrier et expire le jour du dernier mois qui porte le même quantième (dernier jour du mois à défaut) ; expirant un samedi, un dimanche ou un jour férié, il est prorogé jusqu’au premier jour ouvrable suivant.',
    source: 'Code de procédure civile, art. 641 et 642, appliqués par analogie',
    url: 'https://www.doctrine.fr/l/texts/codes/LEGITEXT000006070716/articles/LEGIARTI000006411003',
  },
  delaiJours: {
    texte:
      'Un délai exprimé en jours ne compte pas le jour de la saisine ; expirant un samedi, un dimanche ou un jour férié, il est prorogé jusqu’au premier jour ouvrable suivant.',
    source: 'Code de procédure civile, art. 641 et 642, appliqués par analogie',
    url: 'https://www.doctrine.fr/l/texts/codes/LEGITEXT000006070716/articles/LEGIARTI000006411003',
  },
} as const;

export interface ConventionTerms {
  dateSignature: IsoDate;
  dateEntreeEnVigueur?: IsoDate;
  dureeInitialeMois: number;
  reconductionTacite: boolean;
  /** Renewals allowed at most; undefined when the convention sets no cap. */
  reconductionsMax?: number;
  preavisNonReconductionMois: number;
  delaiMiseEnDemeureMois: number;
  delaiAvisMotiveJours: number;
  alsaceMoselle: boolean;
}

/** Calendar terms from the convention's data (dates as Date, read as calendar days). */
export function conventionTerms(c: {
  dateSignature: Date;
  dateEntreeEnVigueur?: Date;
  dureeInitialeMois: number;
  reconductionTacite: boolean;
  reconductionsMax?: number;
  preavisNonReconductionMois: number;
  delaiMiseEnDemeureMois: number;
  delaiAvisMotiveJours?: number;
  alsaceMoselle: boolean;
}): ConventionTerms {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return {
    dateSignature: day(c.dateSignature),
    ...(c.dateEntreeEnVigueur instanceof Date ? { dateEntreeEnVigueur: day(c.dateEntreeEnVigueur) } : {}),
    dureeInitialeMois: c.dureeInitialeMois,
    reconductionTacite: c.reconductionTacite,
    ...(typeof c.reconductionsMax === 'number' ? { reconductionsMax: c.reconductionsMax } : {}),
    preavisNonReconductionMois: c.preavisNonReconductionMois,
    delaiMiseEnDemeureMois: c.delaiMiseEnDemeureMois,
    delaiAvisMotiveJours: c.delaiAvisMotiveJours ?? 15,
    alsaceMoselle: c.alsaceMoselle,
  };
}

export interface Period {
  numero: number;
  debut: IsoDate;
  fin: IsoDate;
}

export interface DeadlineDate {
  date: IsoDate;
  texte: string;
}

const dated = (date: IsoDate): DeadlineDate => ({ date, texte: formatDate(date) });

export function startOf(terms: ConventionTerms): IsoDate {
  return terms.dateEntreeEnVigueur ?? terms.dateSignature;
}

/** Start of period k (0-based): the k-th anniversary, or the day after it when its day number was missing. */
function periodStart(terms: ConventionTerms, k: number): IsoDate {
  const start = startOf(terms);
  if (k === 0) return start;
  const anniversary = addMonths(start, k * terms.dureeInitialeMois);
  return parts(anniversary).d === parts(start).d ? anniversary : addDays(anniversary, 1);
}

export function period(terms: ConventionTerms, k: number): Period {
  return { numero: k + 1, debut: periodStart(terms, k), fin: addDays(periodStart(terms, k + 1), -1) };
}

/** The period containing `date` (the first one before the start), or undefined after the end of a non-renewable convention. */
export function periodIndexAt(terms: ConventionTerms, date: IsoDate): number | undefined {
  if (date < startOf(terms)) return 0;
  let k = 0;
  while (period(terms, k).fin < date) {
    k++;
    if (!terms.reconductionTacite) return undefined;
    if (terms.reconductionsMax !== undefined && k > terms.reconductionsMax) return undefined;
    if (k > 1200) throw new RangeError('Date too far from the convention start');
  }
  return k;
}

export interface NoticeDeadline {
  periode: Period;
  /** Theoretical date: term minus the notice period. */
  dateTheorique: DeadlineDate;
  /** The latest day the notice must be received: the theoretical date, moved back to a working day. */
  dateLimite: DeadlineDate;
  avancee: string | undefined;
}

export function nonRenewalDeadline(terms: ConventionTerms, k: number): NoticeDeadline {
  const p = period(terms, k);
  const theoretical = addMonths(p.fin, -terms.preavisNonReconductionMois);
  const latest = previousWorkingDay(theoretical, terms.alsaceMoselle);
  return {
    periode: p,
    dateTheorique: dated(theoretical),
    dateLimite: dated(latest),
    avancee: latest !== theoretical ? nonWorkingReason(theoretical, terms.alsaceMoselle) : undefined,
  };
}

export interface NoticeCheck {
  /** The notice received on that date stops the convention at the end of the current period. */
  aTemps: boolean;
  /** The current period is the last one allowed: the convention ends anyway, nothing to notify. */
  sansObjet?: boolean;
  dateReception: DeadlineDate;
  delai: NoticeDeadline;
  /** The day the convention ends if the notice is received on `dateReception`. */
  finConvention: DeadlineDate;
  message: string;
}

/** Whether period k is the last one the convention allows (its renewals are capped and used up). */
export function isLastPeriod(terms: ConventionTerms, k: number): boolean {
  return !terms.reconductionTacite || (terms.reconductionsMax !== undefined && k >= terms.reconductionsMax);
}

/** The last day of a convention whose renewals are capped (or not renewable); undefined when it renews without end. */
export function finalEnd(terms: ConventionTerms): IsoDate | undefined {
  if (!terms.reconductionTacite) return period(terms, 0).fin;
  return terms.reconductionsMax === undefined ? undefined : period(terms, terms.reconductionsMax).fin;
}

/**
 * Whether a non-renewal notice received on `receipt` is in time, and when it takes effect; undefined
 * when there is nothing to notify (no tacit renewal, or the convention has already ended).
 */
export function checkNonRenewal(terms: ConventionTerms, receipt: IsoDate): NoticeCheck | undefined {
  if (!terms.reconductionTacite) return undefined;
  const k = periodIndexAt(terms, receipt);
  if (k === undefined) return undefined;
  const current = nonRenewalDeadline(terms, k);
  if (isLastPeriod(terms, k)) {
    return {
      aTemps: true,
      sansObjet: true,
      dateReception: dated(receipt),
      delai: current,
      finConvention: dated(current.periode.fin),
      message: `La période en cours est la dernière que la convention permet (${terms.reconductionsMax} reconduction${terms.reconductionsMax! > 1 ? 's' : ''} au plus) : la convention prend fin le ${formatDate(current.periode.fin)} sans qu’une non-reconduction soit à notifier.`,
    };
  }
  if (receipt <= current.dateLimite.date) {
    return {
      aTemps: true,
      dateReception: dated(receipt),
      delai: current,
      finConvention: dated(current.periode.fin),
      message: `Une notification reçue le ${formatDate(receipt)} est dans les délais (date limite : ${current.dateLimite.texte}) : la convention prend fin le ${formatDate(current.periode.fin)}.`,
    };
  }
  const next = nonRenewalDeadline(terms, k + 1);
  return {
    aTemps: false,
    dateReception: dated(receipt),
    delai: next,
    finConvention: dated(next.periode.fin),
    message: `La date limite de notification pour la période en cours était le ${current.dateLimite.texte} : une notification reçue le ${formatDate(receipt)} ne prend effet qu’au terme de la période suivante, le ${formatDate(next.periode.fin)} (notification à recevoir au plus tard le ${next.dateLimite.texte}).`,
  };
}

export interface Delay {
  depart: DeadlineDate;
  echeance: DeadlineDate;
  /** The deadline extended to the next working day, when it falls on a non-working day. */
  echeanceProrogee: DeadlineDate;
  prorogation: string | undefined;
}

function extend(start: IsoDate, raw: IsoDate, alsaceMoselle: boolean): Delay {
  const extended = nextWorkingDay(raw, alsaceMoselle);
  return { depart: dated(start), echeance: dated(raw), echeanceProrogee: dated(extended), prorogation: extended !== raw ? nonWorkingReason(raw, alsaceMoselle) : undefined };
}

/** End of the cure period of a formal notice, counted from its receipt. */
export function cureDeadline(terms: ConventionTerms, receipt: IsoDate): Delay {
  return extend(receipt, addMonths(receipt, terms.delaiMiseEnDemeureMois), terms.alsaceMoselle);
}

/** Deadline of the avis motivé, counted from the referral. */
export function opinionDeadline(terms: Pick<ConventionTerms, 'delaiAvisMotiveJours' | 'alsaceMoselle'>, referral: IsoDate): Delay {
  return extend(referral, addDays(referral, terms.delaiAvisMotiveJours), terms.alsaceMoselle);
}
