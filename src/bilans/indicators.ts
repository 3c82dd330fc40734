/**
 * Indicators of the bilans, pure functions over the follow-up data: per market (hours against the
 * goal, realisation rate, projection at the current pace, status, people, breakdowns, outcomes) and
 * per buyer and year. People are counted once however many months, markets or categories they
 * appear in. Small cells are protected: breakdown values counting fewer people than the threshold are
 * merged into an "other" line, which takes in the smallest published values until it reaches the
 * threshold too (so that it cannot be found by difference), and is masked if it never does.
 */
import { LABELS, type FollowUp, type Market } from './model.js';

export type Status = 'non-commence' | 'dans-les-temps' | 'en-retard' | 'atteint' | 'termine-non-atteint';

export const STATUS_LABELS: Record<Status, string> = {
  'non-commence': 'Non commencé',
  'dans-les-temps': 'Dans les temps',
  'en-retard': 'En retard',
  atteint: 'Objectif atteint',
  'termine-non-atteint': 'Terminé, objectif non atteint',
};

export interface BreakdownLine {
  valeur: string;
  libelle: string;
  heures: number | null;
  personnes: number | null;
  masque: boolean;
}

export interface Breakdowns {
  modalite: BreakdownLine[];
  contrat: BreakdownLine[];
  categorie: BreakdownLine[];
  sexe: BreakdownLine[];
  trancheAge: BreakdownLine[];
  residenceQpv: BreakdownLine[];
  sortie: BreakdownLine[];
  sortie6mois: BreakdownLine[];
}

export interface MarketIndicators {
  reference: string;
  acheteur: string;
  titulaire: string;
  lot: string;
  objectifHeures: number;
  heures: number;
  heuresFormation: number;
  tauxRealisation: number;
  moisEcoules: number;
  moisTotal: number;
  projection: number;
  statut: Status;
  personnes: number;
  /** Hours per month, from the first month of the market to the month of the report. */
  progression: { mois: string; heures: number; cumul: number }[];
  /** The goal spread evenly over the execution: the cumulative hours expected at the end of each month. */
  trajectoire: { mois: string; objectifCumule: number }[];
  repartitions: Breakdowns;
}

export interface AnnualIndicators {
  acheteur: string;
  annee: number;
  marches: MarketIndicators[];
  nombreMarches: number;
  heures: number;
  heuresFormation: number;
  objectifHeures: number;
  personnes: number;
  /** Full-time equivalents: hours ÷ FTE_HOURS. */
  equivalentsTempsPlein: number;
  /** Distinct contract holders of the markets. */
  entreprises: number;
  /** People whose last known outcome is a job or a qualifying path; null when fewer than the threshold. */
  sortiesDynamiques: number | null;
  marchesEnRetard: string[];
  repartitions: Breakdowns;
}

/** Hours of a full-time equivalent: the legal working year (35 h a week, 1 607 h a year). */
export const FTE_HOURS = 1607;

/** Outcomes that the facilitators' network counts as "sorties dynamiques". */
export const DYNAMIC_OUTCOMES: readonly string[] = ['emploi-durable', 'emploi-transition', 'sortie-positive'];

export interface IndicatorOptions {
  /** Month of the report, "yyyy-mm": records after it are ignored. */
  moisArrete: string;
  /** Breakdown values counting fewer people than this are merged and masked. */
  seuilConfidentialite: number;
}

const monthIndex = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
const monthOf = (d: Date) => d.toISOString().slice(0, 7);
const monthName = (i: number) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

const DIMENSIONS = ['modalite', 'contrat', 'categorie', 'sexe', 'trancheAge', 'residenceQpv', 'sortie', 'sortie6mois'] as const;

function dimensionValue(row: FollowUp, dimension: (typeof DIMENSIONS)[number]): string | undefined {
  if (dimension === 'residenceQpv') return row.residenceQpv ? 'oui' : 'non';
  return row[dimension];
}

/** Value of the people whose outcome is not known yet (still in their path, or not reported). */
export const UNKNOWN_OUTCOME = 'non-renseignee';

/**
 * Hours and people per value of each dimension, each person counted once with the last known value
 * of each attribute (a person whose contract or category changed during the period counts in its
 * latest one, with all its hours), so that every breakdown sums to the totals. People with no known
 * outcome count in "Sortie non renseignée".
 */
export function breakdowns(rows: FollowUp[], threshold: number): Breakdowns {
  const out = {} as Breakdowns;
  // Each person's last known value of every dimension, and its hours (rows sorted by month).
  const people = new Map<string, { heures: number; last: Partial<Record<(typeof DIMENSIONS)[number], string>> }>();
  for (const row of [...rows].sort((a, b) => a.mois.localeCompare(b.mois))) {
    const person = people.get(row.personne) ?? { heures: 0, last: {} };
    person.heures += row.heures;
    for (const dimension of DIMENSIONS) {
      const value = dimensionValue(row, dimension);
      if (value !== undefined) person.last[dimension] = value;
    }
    people.set(row.personne, person);
  }
  for (const dimension of DIMENSIONS) {
    const acc = new Map<string, { heures: number; personnes: Set<string> }>();
    const outcome = dimension === 'sortie' || dimension === 'sortie6mois';
    for (const [id, person] of people) {
      const value = person.last[dimension] ?? (outcome ? UNKNOWN_OUTCOME : undefined);
      if (value === undefined) continue;
      const entry = acc.get(value) ?? { heures: 0, personnes: new Set<string>() };
      entry.heures += outcome ? 0 : person.heures;
      entry.personnes.add(id);
      acc.set(value, entry);
    }
    const order = Object.keys(LABELS[dimension === 'sortie6mois' ? 'sortie' : dimension] ?? {});
    const rank = (value: string) => (value === UNKNOWN_OUTCOME ? order.length : order.indexOf(value));
    const lines = [...acc.entries()].sort((a, b) => rank(a[0]) - rank(b[0]));
    const withHours = dimension !== 'sortie' && dimension !== 'sortie6mois';
    const label = (value: string) => (value === UNKNOWN_OUTCOME ? 'Sortie non renseignée' : LABELS[dimension === 'sortie6mois' ? 'sortie' : dimension]?.[value] ?? value);
    const big = lines.filter(([, e]) => e.personnes.size >= threshold);
    const small = lines.filter(([, e]) => e.personnes.size < threshold);
    // Secondary protection: the regrouped small values could be found by difference with the total,
    // so the smallest published values join the group until it reaches the threshold itself.
    const group = { heures: 0, personnes: new Set<string>(), valeurs: 0 };
    const absorb = ([, e]: [string, { heures: number; personnes: Set<string> }]) => {
      group.heures += e.heures;
      group.valeurs++;
      e.personnes.forEach((p) => group.personnes.add(p));
    };
    small.forEach(absorb);
    if (small.length > 0) {
      big.sort((a, b) => a[1].personnes.size - b[1].personnes.size);
      while (group.personnes.size < threshold && big.length > 0) absorb(big.shift()!);
      big.sort((a, b) => rank(a[0]) - rank(b[0]));
    }
    const shown: BreakdownLine[] = big.map(([value, e]) => ({
      valeur: value,
      libelle: label(value),
      heures: withHours ? round(e.heures) : null,
      personnes: e.personnes.size,
      masque: false,
    }));
    if (small.length > 0) {
      const enough = group.personnes.size >= threshold;
      shown.push({
        valeur: 'autres',
        libelle: group.valeurs > 1 ? `Autres (${group.valeurs} valeurs regroupées)` : 'Autre (1 valeur, masquée)',
        heures: enough && withHours ? round(group.heures) : null,
        personnes: enough ? group.personnes.size : null,
        masque: !enough,
      });
    }
    out[dimension] = shown;
  }
  return out;
}

export function marketIndicators(market: Market, rows: FollowUp[], options: IndicatorOptions): MarketIndicators {
  const start = monthIndex(monthOf(market.dateDebut));
  const end = monthIndex(monthOf(market.dateFin));
  const report = monthIndex(options.moisArrete);
  const mine = rows.filter((r) => r.marche === market.reference && monthIndex(r.mois) <= report);
  const hours = mine.reduce((s, r) => s + r.heures, 0);
  const training = mine.reduce((s, r) => s + r.heuresFormation, 0);
  const total = end - start + 1;
  const elapsed = Math.max(0, Math.min(report, end) - start + 1);
  const projection = elapsed === 0 ? 0 : report >= end ? hours : (hours / elapsed) * total;
  let status: Status;
  if (hours >= market.objectifHeures) status = 'atteint';
  else if (report < start) status = 'non-commence';
  else if (report >= end) status = 'termine-non-atteint';
  else status = projection >= market.objectifHeures ? 'dans-les-temps' : 'en-retard';

  const perMonth = new Map<number, number>();
  for (const r of mine) perMonth.set(monthIndex(r.mois), (perMonth.get(monthIndex(r.mois)) ?? 0) + r.heures);
  const progression: MarketIndicators['progression'] = [];
  let cumul = 0;
  for (let m = start; m <= Math.min(report, end); m++) {
    cumul += perMonth.get(m) ?? 0;
    progression.push({ mois: monthName(m), heures: round(perMonth.get(m) ?? 0), cumul: round(cumul) });
  }
  const trajectoire = Array.from({ length: total }, (_, i) => ({ mois: monthName(start + i), objectifCumule: round((market.objectifHeures * (i + 1)) / total) }));
  return {
    reference: market.reference,
    acheteur: market.acheteur,
    titulaire: market.titulaire,
    lot: market.lot ?? '',
    objectifHeures: market.objectifHeures,
    heures: round(hours),
    heuresFormation: round(training),
    tauxRealisation: round(hours / market.objectifHeures, 4),
    moisEcoules: elapsed,
    moisTotal: total,
    projection: round(projection),
    statut: status,
    personnes: new Set(mine.map((r) => r.personne)).size,
    progression,
    trajectoire,
    repartitions: breakdowns(mine, options.seuilConfidentialite),
  };
}

/** The year of a buyer: its markets active that year, hours of the year's months, people counted once. */
export function annualIndicators(
  buyer: string,
  year: number,
  markets: Market[],
  rows: FollowUp[],
  options: Omit<IndicatorOptions, 'moisArrete'> & { moisArrete?: string },
): AnnualIndicators {
  const first = `${year}-01`;
  const last = `${year}-12`;
  const active = markets.filter((m) => m.acheteur === buyer && monthOf(m.dateDebut) <= last && monthOf(m.dateFin) >= first);
  const references = new Set(active.map((m) => m.reference));
  const yearRows = rows.filter((r) => references.has(r.marche) && r.mois >= first && r.mois <= last);
  // A bilan made during the year judges the markets at its own month, not at December.
  const report = options.moisArrete && options.moisArrete < last ? options.moisArrete : last;
  const perMarket = active.map((m) => marketIndicators(m, rows, { ...options, moisArrete: report }));
  const hours = round(yearRows.reduce((s, r) => s + r.heures, 0));
  const lastOutcome = new Map<string, string>();
  for (const r of [...yearRows].sort((a, b) => a.mois.localeCompare(b.mois))) if (r.sortie) lastOutcome.set(r.personne, r.sortie);
  const dynamic = [...lastOutcome.values()].filter((o) => DYNAMIC_OUTCOMES.includes(o)).length;
  return {
    acheteur: buyer,
    annee: year,
    marches: perMarket,
    nombreMarches: active.length,
    heures: hours,
    heuresFormation: round(yearRows.reduce((s, r) => s + r.heuresFormation, 0)),
    objectifHeures: active.reduce((s, m) => s + m.objectifHeures, 0),
    personnes: new Set(yearRows.map((r) => r.personne)).size,
    equivalentsTempsPlein: round(hours / FTE_HOURS, 1),
    entreprises: new Set(active.map((m) => m.titulaire)).size,
    sortiesDynamiques: dynamic >= options.seuilConfidentialite || dynamic === 0 ? dynamic : null,
    marchesEnRetard: perMarket.filter((m) => m.statut === 'en-retard' || m.statut === 'termine-non-atteint').map((m) => m.reference),
    repartitions: breakdowns(yearRows, options.seuilConfidentialite),
  };
}
