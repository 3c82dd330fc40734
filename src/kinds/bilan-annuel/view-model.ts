/**
 * View model of the annual overall bilan of a buyer: totals of the year, people counted once across
 * markets, outcomes, the table and chart of the markets, lagging markets, protected breakdowns.
 */
import type { FieldError } from '../../core/errors.js';
import { formatDate, formatNumber, paragraphs, typography, withArticle } from '../../core/french.js';
import type { BaseViewModel, BuildContext } from '../../core/kind.js';
import type { DocImage } from '../../core/image.js';
import { chart, doneVersusGoalSvg } from '../../engines/charts/index.js';
import { annualIndicators, FTE_HOURS, STATUS_LABELS, type AnnualIndicators } from '../../bilans/indicators.js';
import { personView, type PersonView } from '../_shared/parties.js';
import { breakdownTables, publicsChart, smallGroupsInText, type BreakdownTable } from '../_shared/bilan.js';
import { isoDay } from '../_shared/parties.js';
import type { BilanAnnuelInput } from './schema.js';

/** Markets shown in the chart; the table lists them all. */
const CHART_MARKETS = 15;

export interface BilanAnnuelViewModel extends BaseViewModel {
  /** The facilitator who signs the bilan. */
  signature: PersonView;
  structure: string;
  /** "la Maison de l’emploi…": the structure inside a sentence. */
  structureArticle: string;
  acheteur: string;
  annee: string;
  date: string;
  totaux: { marches: string; heures: string; objectif: string; personnes: string; formation: string; enRetard: string };
  /** The network's indicators, in one sentence under the table. */
  reseau: string;
  /** The same indicators for the previous year, when the follow-up data hold that year. */
  comparaison: { anneePrecedente: string; lignes: ComparisonLine[] } | '';
  marches: { reference: string; titulaire: string; objectif: string; heures: string; taux: string; statut: string }[];
  enRetard: { reference: string; statut: string }[];
  avecRetards: boolean;
  graphiques: { marches: DocImage | ''; publics: DocImage | '' };
  noteGraphique: string;
  repartitions: BreakdownTable[];
  seuil: string;
  commentaire: string[];
  dateIso: string;
}

interface ComparisonLine {
  libelle: string;
  valeur: string;
  precedent: string;
  anneePrecedente: string;
  evolution: string;
}

/** "+12,5 %", "−3 %", "stable"; a previous value of zero has no meaningful rate. */
export function evolution(current: number, previous: number): string {
  if (previous === 0) return current === 0 ? 'stable' : 'sans objet, aucune l’année précédente';
  const rate = Math.round(((current - previous) / previous) * 1000) / 10;
  if (rate === 0) return 'stable';
  return `${rate > 0 ? '+' : '−'}${formatNumber(Math.abs(rate))}\u00A0%`;
}

/** Previous year's figures from the same follow-up data, when there were hours that year. */
function comparisonOf(input: BilanAnnuelInput, ind: AnnualIndicators | undefined): BilanAnnuelViewModel['comparaison'] {
  if (!ind || !Array.isArray(input.donnees?.marches)) return '';
  const prev = annualIndicators(input.acheteur, input.annee - 1, input.donnees.marches, input.donnees.suivi ?? [], { seuilConfidentialite: input.seuilConfidentialite });
  if (prev.heures === 0) return '';
  const year = String(input.annee - 1);
  const line = (libelle: string, current: number, previous: number): ComparisonLine => ({
    libelle,
    valeur: formatNumber(current),
    precedent: formatNumber(previous),
    anneePrecedente: year,
    evolution: evolution(current, previous),
  });
  const lignes = [
    line('Heures d’insertion réalisées', ind.heures, prev.heures),
    line('Personnes ayant travaillé (comptées une fois)', ind.personnes, prev.personnes),
    line('Équivalents temps plein', ind.equivalentsTempsPlein, prev.equivalentsTempsPlein),
    line('Marchés en cours portant une clause', ind.nombreMarches, prev.nombreMarches),
    line('Entreprises titulaires mobilisées', ind.entreprises, prev.entreprises),
  ];
  // A count under the privacy threshold is never printed, this year or the previous one.
  if (ind.sortiesDynamiques !== null && prev.sortiesDynamiques !== null) lignes.push(line('Sorties dynamiques', ind.sortiesDynamiques, prev.sortiesDynamiques));
  return { anneePrecedente: year, lignes };
}

const percent = (v: number) => `${formatNumber(Math.round(v * 1000) / 10)}\u00A0%`;

function indicatorsOf(input: BilanAnnuelInput): AnnualIndicators | undefined {
  if (!Array.isArray(input.donnees?.marches) || typeof input.annee !== 'number') return undefined;
  const month = input.dateBilan instanceof Date ? input.dateBilan.toISOString().slice(0, 7) : undefined;
  return annualIndicators(input.acheteur, input.annee, input.donnees.marches, input.donnees.suivi ?? [], { seuilConfidentialite: input.seuilConfidentialite, moisArrete: month });
}

export function checkBilanAnnuel(input: BilanAnnuelInput): FieldError[] {
  const buyers = [...new Set((input.donnees?.marches ?? []).map((m) => m.acheteur))];
  if (!buyers.includes(input.acheteur)) {
    return [{ path: 'acheteur', type: 'acheteur.inconnu', message: `Aucun marché de l’acheteur « ${input.acheteur} » dans les données. Acheteurs présents : ${buyers.join(', ')}.` }];
  }
  const ind = indicatorsOf(input);
  if (ind && ind.nombreMarches === 0) {
    return [{ path: 'annee', type: 'annee.vide', message: `Aucun marché de « ${input.acheteur} » n’est en cours en ${input.annee}.` }];
  }
  return smallGroupsInText(input.commentaire, input.seuilConfidentialite, 'commentaire', 'Analyse qualitative');
}

export function buildBilanAnnuelViewModel(input: BilanAnnuelInput, context: BuildContext): BilanAnnuelViewModel {
  const ind = indicatorsOf(input);
  const markets = ind?.marches ?? [];
  const charted = [...markets].sort((a, b) => b.objectifHeures - a.objectifHeures).slice(0, CHART_MARKETS);
  return {
    document: {
      titre: `Bilan annuel ${input.annee} de la clause sociale – ${typography(input.acheteur)}`,
      sujet: `Bilan quantitatif et qualitatif des clauses d’insertion des marchés de ${typography(input.acheteur)} en ${input.annee}`,
      auteur: typography(input.structurePorteuse),
      reference: `Bilan annuel ${input.annee}`,
      motsCles: ['bilan annuel', 'clause sociale', 'heures d’insertion', String(input.annee)],
    },
    brouillon: context.mode === 'draft',
    signataires: [],
    structure: typography(input.structurePorteuse),
    structureArticle: withArticle(typography(input.structurePorteuse)),
    signature: personView(input.signataire),
    acheteur: typography(input.acheteur),
    annee: String(input.annee),
    date: formatDate(input.dateBilan),
    totaux: ind
      ? {
          marches: formatNumber(ind.nombreMarches),
          heures: formatNumber(ind.heures),
          objectif: formatNumber(ind.objectifHeures),
          personnes: formatNumber(ind.personnes),
          formation: formatNumber(ind.heuresFormation),
          enRetard: formatNumber(ind.marchesEnRetard.length),
        }
      : { marches: '', heures: '', objectif: '', personnes: '', formation: '', enRetard: '' },
    reseau: ind
      ? `Ces heures représentent ${formatNumber(ind.equivalentsTempsPlein)} équivalent${ind.equivalentsTempsPlein >= 2 ? 's' : ''} temps plein (base de ${formatNumber(FTE_HOURS)} heures par an) ; ` +
        `${formatNumber(ind.entreprises)} entreprise${ind.entreprises > 1 ? 's' : ''} titulaire${ind.entreprises > 1 ? 's' : ''} ${ind.entreprises > 1 ? 'ont' : 'a'} été mobilisée${ind.entreprises > 1 ? 's' : ''} ; ` +
        (ind.sortiesDynamiques === null
          ? `moins de ${input.seuilConfidentialite} personnes ont connu une sortie dynamique (emploi durable, emploi de transition ou sortie positive).`
          : `${formatNumber(ind.sortiesDynamiques)} personne${ind.sortiesDynamiques > 1 ? 's ont' : ' a'} connu une sortie dynamique (emploi durable, emploi de transition ou sortie positive).`)
      : '',
    comparaison: comparisonOf(input, ind),
    marches: markets.map((m) => ({
      reference: m.reference,
      titulaire: typography(m.titulaire),
      objectif: formatNumber(m.objectifHeures),
      heures: formatNumber(m.heures),
      taux: percent(m.tauxRealisation),
      statut: STATUS_LABELS[m.statut],
    })),
    enRetard: markets.filter((m) => ind?.marchesEnRetard.includes(m.reference)).map((m) => ({ reference: m.reference, statut: STATUS_LABELS[m.statut] })),
    avecRetards: (ind?.marchesEnRetard.length ?? 0) > 0,
    graphiques: {
      marches:
        charted.length > 0
          ? chart(
              doneVersusGoalSvg('Heures réalisées et objectif par marché', charted.map((m) => ({ label: m.reference, done: m.heures, goal: m.objectifHeures }))),
              16,
              `Heures réalisées et objectif par marché : ${charted.map((m) => `${m.reference} ${formatNumber(m.heures)} sur ${formatNumber(m.objectifHeures)}`).join(' ; ')}.`,
            )
          : '',
      publics: ind ? publicsChart(ind.repartitions) : '',
    },
    noteGraphique: markets.length > CHART_MARKETS ? `Le graphique présente les ${CHART_MARKETS} marchés dont l’objectif est le plus élevé ; le tableau les présente tous.` : '',
    repartitions: ind ? breakdownTables(ind.repartitions) : [],
    seuil: formatNumber(input.seuilConfidentialite),
    commentaire: paragraphs(input.commentaire),
    dateIso: isoDay(input.dateBilan),
  };
}
