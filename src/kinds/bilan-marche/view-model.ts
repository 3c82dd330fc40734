/**
 * View model of the intermediate bilan of a market: the indicators at the month of the report, the
 * progress chart, the protected breakdowns, and the plan d'action when the market is behind.
 */
import type { FieldError } from '../../core/errors.js';
import { formatAmount, formatDate, formatNumber, paragraphs, typography, withArticle } from '../../core/french.js';
import type { BaseViewModel, BuildContext } from '../../core/kind.js';
import type { DocImage } from '../../core/image.js';
import { chart, progressSvg } from '../../engines/charts/index.js';
import { marketIndicators, STATUS_LABELS, type MarketIndicators } from '../../bilans/indicators.js';
import { personView, type PersonView } from '../_shared/parties.js';
import { breakdownTables, monthText, publicsChart, smallGroupsInText, type BreakdownTable } from '../_shared/bilan.js';
import { isoDay } from '../_shared/parties.js';
import type { BilanMarcheInput } from './schema.js';

export interface BilanMarcheViewModel extends BaseViewModel {
  /** The facilitator who signs the bilan. */
  signature: PersonView;
  structure: string;
  /** "la Maison de l’emploi…": the structure inside a sentence. */
  structureArticle: string;
  marche: { reference: string; acheteur: string; titulaire: string; lot: string; debut: string; fin: string };
  arrete: string;
  date: string;
  indicateurs: {
    objectif: string;
    heures: string;
    heuresFormation: string;
    taux: string;
    projection: string;
    statut: string;
    personnes: string;
    mois: string;
    restantes: string;
  };
  graphiques: { progression: DocImage | ''; publics: DocImage | '' };
  repartitions: BreakdownTable[];
  seuil: string;
  commentaire: string[];
  enRetard: boolean;
  plan: {
    constat: string;
    causes: string[];
    actions: { action: string; qui: string; quand: string }[];
    prochainPoint: string;
    penalite: string;
  } | false;
  dateIso: string;
}

const percent = (v: number) => `${formatNumber(Math.round(v * 1000) / 10)}\u00A0%`;

function indicatorsOf(input: BilanMarcheInput): MarketIndicators | undefined {
  const market = input.donnees?.marches?.find((m) => m.reference === input.marche);
  if (!market || typeof input.moisArrete !== 'string' || !/^\d{4}-\d{2}$/.test(input.moisArrete)) return undefined;
  return marketIndicators(market, input.donnees.suivi ?? [], { moisArrete: input.moisArrete, seuilConfidentialite: input.seuilConfidentialite });
}

export function checkBilanMarche(input: BilanMarcheInput): FieldError[] {
  const market = input.donnees?.marches?.find((m) => m.reference === input.marche);
  if (!market) {
    return [{ path: 'marche', type: 'marche.inconnu', message: `Le marché « ${input.marche} » n’est pas dans les données de suivi. Marchés disponibles : ${(input.donnees?.marches ?? []).map((m) => m.reference).join(', ')}.` }];
  }
  const problems = smallGroupsInText(input.commentaire, input.seuilConfidentialite, 'commentaire', 'Analyse qualitative');
  if (input.planAction) problems.push(...smallGroupsInText(input.planAction.causes, input.seuilConfidentialite, 'planAction.causes', 'Causes probables'));
  const ind = indicatorsOf(input);
  if (ind && (ind.statut === 'en-retard' || ind.statut === 'termine-non-atteint') && !input.planAction) {
    problems.push({ path: 'planAction', type: 'plan.requis', message: 'Le marché est en retard sur son objectif : indiquez le plan d’action (causes, actions, prochain point d’étape).' });
  }
  return problems;
}

export function buildBilanMarcheViewModel(input: BilanMarcheInput, context: BuildContext): BilanMarcheViewModel {
  const market = input.donnees?.marches?.find((m) => m.reference === input.marche);
  const ind = indicatorsOf(input);
  const late = ind !== undefined && (ind.statut === 'en-retard' || ind.statut === 'termine-non-atteint');
  const remaining = ind ? Math.max(0, ind.objectifHeures - ind.heures) : 0;
  const remainingMonths = ind ? ind.moisTotal - ind.moisEcoules : 0;
  const plan = input.planAction;
  return {
    document: {
      titre: `Bilan intermédiaire – marché ${input.marche}`,
      sujet: `Bilan de la clause sociale d’insertion du marché ${input.marche} au ${monthText(input.moisArrete)}`,
      auteur: typography(input.structurePorteuse),
      reference: `Bilan ${input.marche} ${input.moisArrete}`,
      motsCles: ['bilan', 'clause sociale', 'heures d’insertion', input.marche],
    },
    brouillon: context.mode === 'draft',
    signataires: [],
    structure: typography(input.structurePorteuse),
    structureArticle: withArticle(typography(input.structurePorteuse)),
    signature: personView(input.signataire),
    marche: {
      reference: input.marche,
      acheteur: market ? typography(market.acheteur) : '',
      titulaire: market ? typography(market.titulaire) : '',
      lot: market?.lot ? typography(market.lot) : '',
      debut: market ? formatDate(market.dateDebut) : '',
      fin: market ? formatDate(market.dateFin) : '',
    },
    arrete: monthText(input.moisArrete),
    date: formatDate(input.dateBilan),
    indicateurs: ind
      ? {
          objectif: formatNumber(ind.objectifHeures),
          heures: formatNumber(ind.heures),
          heuresFormation: formatNumber(ind.heuresFormation),
          taux: percent(ind.tauxRealisation),
          projection: formatNumber(Math.round(ind.projection)),
          statut: STATUS_LABELS[ind.statut],
          personnes: formatNumber(ind.personnes),
          mois: `${formatNumber(ind.moisEcoules)} sur ${formatNumber(ind.moisTotal)}`,
          restantes: formatNumber(Math.round(remaining)),
        }
      : { objectif: '', heures: '', heuresFormation: '', taux: '', projection: '', statut: '', personnes: '', mois: '', restantes: '' },
    graphiques: {
      progression:
        ind && ind.progression.length > 0
          ? chart(
              progressSvg(
                'Heures d’insertion cumulées',
                ind.trajectoire.map((t, i) => ({ label: monthText(t.mois), value: ind.progression[i]?.cumul, goal: t.objectifCumule })),
              ),
              16,
              `Heures cumulées de ${monthText(ind.progression[0]!.mois)} à ${monthText(ind.progression.at(-1)!.mois)} : ${formatNumber(ind.heures)} heures, pour ${formatNumber(ind.trajectoire[ind.progression.length - 1]!.objectifCumule)} heures attendues à cette date et un objectif de ${formatNumber(ind.objectifHeures)} heures au terme.`,
            )
          : '',
      publics: ind ? publicsChart(ind.repartitions) : '',
    },
    repartitions: ind ? breakdownTables(ind.repartitions) : [],
    seuil: formatNumber(input.seuilConfidentialite),
    commentaire: paragraphs(input.commentaire),
    enRetard: late,
    plan:
      late && ind
        ? {
            constat: `À fin ${monthText(input.moisArrete)}, ${formatNumber(ind.heures)} heures ont été réalisées sur ${formatNumber(ind.objectifHeures)} (${percent(ind.tauxRealisation)}), après ${formatNumber(ind.moisEcoules)} mois sur ${formatNumber(ind.moisTotal)} : au rythme actuel, ${formatNumber(Math.round(ind.projection))} heures seraient réalisées au terme du marché. Il reste ${formatNumber(Math.round(remaining))} heures à réaliser en ${formatNumber(remainingMonths)} mois.`,
            causes: paragraphs(plan?.causes),
            actions: (plan?.actions ?? []).map((a) => ({ action: typography(a.action), qui: typography(a.qui), quand: typography(a.quand) })),
            prochainPoint: plan ? formatDate(plan.prochainPoint) : '',
            penalite: input.clause?.penaliteParHeure
              ? `Pour mémoire, l’article ${input.clause.articleCcap ?? 'relatif à l’insertion'} du CCAP prévoit, au terme du marché et après procédure contradictoire, une pénalité de ${formatAmount(input.clause.penaliteParHeure)} par heure non réalisée, dans la limite du plafond qu’il fixe ; à titre indicatif, elle atteindrait ${formatAmount(Math.round(remaining) * input.clause.penaliteParHeure)} si les ${formatNumber(Math.round(remaining))} heures restantes n’étaient pas réalisées. Il appartient à l’acheteur d’en décider, sur proposition de la structure porteuse de la clause.`
              : 'Pour rappel, le CCAP du marché prévoit une pénalité par heure d’insertion non réalisée, appliquée après une procédure contradictoire.',
          }
        : false,
    dateIso: isoDay(input.dateBilan),
  };
}
