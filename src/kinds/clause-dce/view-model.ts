/**
 * View model of the DCE clause: the lots sorted into "with a clause", "reserved" and "without a
 * clause", their hours (decided, or computed by the sizing rules with the calculation kept), the
 * lever variant of each, the sub-article numbering of the CCAP article, and the criterion of the RC.
 */
import { familyName, formatAmount, formatDays, formatNumber, fullName, typography } from '../../core/french.js';
import { isMarker } from '../../core/markers.js';
import { markerAt } from '../../core/field-names.js';
import type { BaseViewModel, BuildContext } from '../../core/kind.js';
import { sizeMarket, type LotResult, type TraceStep } from '../../sizing/compute.js';
import { reference } from '../../sizing/index.js';
import { valueAt } from '../../sizing/reference.js';
import type { SizingInput } from '../../sizing/schema.js';
import type { FieldError } from '../../core/errors.js';
import { unconfirmedValues, valueStatus } from '../_shared/reference-values.js';
import { BUYER, CCAGS, clauseDceSchema, HOUR_LEVERS, LEVER_LABELS, PROCEDURES, type ClauseDceInput, type ClauseLotInput } from './schema.js';

const DEFAULT_SUB_CRITERIA = [
  { libelle: 'nombre d’heures d’insertion proposées au-delà du minimum imposé', ponderation: 50 },
  { libelle: 'qualité de l’accompagnement des personnes : tutorat, formation, perspectives d’emploi à l’issue du marché', ponderation: 35 },
  { libelle: 'diversité des modalités de mise en œuvre et des publics, dont l’égalité entre les femmes et les hommes', ponderation: 15 },
];

interface LotWithClause {
  numero: string;
  intitule: string;
  levier: string;
  heuresTexte: string;
  tranche: string;
  estCondition: boolean;
  estCritere: boolean;
  estMarcheInsertion: boolean;
  calcule: boolean;
  fin: string;
}

interface Variant {
  /** "le lot 1", "les lots 1, 3 et 6". */
  lots: string;
  estCondition: boolean;
  estCritere: boolean;
  estMarcheInsertion: boolean;
  phraseMarcheInsertion: string;
}

/** "1", "1 et 3", "1, 3 et 6". */
function listNumbers(numbers: string[]): string {
  return numbers.length === 1 ? numbers[0]! : `${numbers.slice(0, -1).join(', ')} et ${numbers[numbers.length - 1]}`;
}

/** One paragraph per lever for every lot that shares it, instead of the same paragraph per lot. */
function variants(lots: Omit<LotWithClause, 'fin'>[]): Variant[] {
  const kinds: ['estCondition' | 'estCritere' | 'estMarcheInsertion'][] = [['estCondition'], ['estCritere'], ['estMarcheInsertion']];
  return kinds.flatMap(([key]) => {
    const numbers = lots.filter((l) => l[key]).map((l) => l.numero);
    if (numbers.length === 0) return [];
    const several = numbers.length > 1;
    const lotsText = `${several ? 'les lots' : 'le lot'} ${listNumbers(numbers)}`;
    return [
      {
        lots: lotsText,
        estCondition: key === 'estCondition',
        estCritere: key === 'estCritere',
        estMarcheInsertion: key === 'estMarcheInsertion',
        phraseMarcheInsertion: typography(several
          ? `Les lots ${listNumbers(numbers)} sont des marchés de services d’insertion et de qualification professionnelle passés en application de l’article R.\u00A02123-1 3° du code de la commande publique : la prestation que chacun décrit est le support de parcours d’insertion de personnes éloignées de l’emploi, qui constituent l’objet même du marché.`
          : `Le lot ${numbers[0]} est un marché de services d’insertion et de qualification professionnelle passé en application de l’article R.\u00A02123-1 3° du code de la commande publique : la prestation qu’il décrit est le support de parcours d’insertion de personnes éloignées de l’emploi, qui constituent l’objet même du marché.`),
      },
    ];
  });
}

interface LotWithoutClause {
  numero: string;
  intitule: string;
}

interface ReservedLot {
  numero: string;
  intitule: string;
  siae: boolean;
  eaEsat: boolean;
  mixte: boolean;
  fin: string;
}

interface Criterion {
  lot: string;
  numero: string;
  ponderation: string;
  sousCriteres: { libelle: string; ponderation: string; fin: string }[];
}

interface CalculationNote {
  lot: string;
  intitule: string;
  etapes: { etape: string; calcul: string; valeur: string; source: string }[];
  avertissements: string[];
  /** Why the lot carries no clause and what else the buyer could do: for the buyer's file only. */
  conclusion: string;
}

interface CitedSource {
  numero: string;
  texte: string;
}

export interface ClauseDceViewModel extends BaseViewModel {
  acheteur: { nom: string; service: string };
  marche: { objet: string; reference: string; procedure: string; nature: string; lieuExecution: string };
  facilitateur: { nomComplet: string; fonction: string; structure: string; telephone: string; email: string };
  ccap: { titre: string; n: Record<string, string> };
  rc: { titre: string };
  lotsAvecClause: LotWithClause[];
  /** The lever paragraphs, one per lever for all the lots that share it. */
  variantes: Variant[];
  /** One sentence for every lot without a clause: the contractual text gives no reason. */
  sansClauseTexte: string;
  lotsReserves: ReservedLot[];
  avecClause: boolean;
  avecSansClause: boolean;
  avecReserves: boolean;
  /** The RC's sentences on reserved lots, in the number and with the workers of their reservations. */
  reserves: { intro: string; justificatif: string };
  avecCritere: boolean;
  avecMarcheInsertion: boolean;
  avecAccordCadre: boolean;
  criteres: Criterion[];
  totalHeures: string;
  publicsQpv: boolean;
  globalisation: boolean;
  penalite: { parHeure: string; delaiObservations: string; plafond: string; etatMensuel: string };
  ccag: string;
  noteCalcul: CalculationNote[];
  avecNoteCalcul: boolean;
  sourcesCitees: CitedSource[];
  marcheTexte: string;
}

/** "Le lot suivant est réservé" or "Les lots suivants…", and the workers their candidates must count. */
function reservedSentences(lots: Omit<ReservedLot, 'fin'>[]): { intro: string; justificatif: string } {
  const several = lots.length > 1;
  const disabled = lots.some((l) => l.eaEsat || l.mixte);
  const disadvantaged = lots.some((l) => l.siae || l.mixte);
  const workers = disabled && disadvantaged ? 'handicapés ou défavorisés' : disabled ? 'handicapés' : 'défavorisés';
  return {
    intro: several ? 'Les lots suivants sont réservés' : 'Le lot suivant est réservé',
    justificatif: `Les candidats ${several ? 'à ces lots' : 'à ce lot'} justifient de leur statut et de la proportion de travailleurs ${workers} qu’ils emploient, qui doit être d’au moins 50\u00A0%.`,
  };
}

/** "Le lot 4 « Signalétique » ne comporte pas…" or "Les lots 4 « A » et 7 « B » ne comportent pas…". */
function withoutClauseSentence(lots: LotWithoutClause[]): string {
  const named = lots.map((l) => `${l.numero} «\u00A0${l.intitule}\u00A0»`);
  if (named.length === 0) return '';
  if (named.length === 1) return `Le lot ${named[0]} ne comporte pas de clause d’insertion.`;
  return `Les lots ${named.slice(0, -1).join(', ')} et ${named[named.length - 1]} ne comportent pas de clause d’insertion.`;
}

/** "Article 9 – Titre" and sub-articles "9.1", "9.2"…, or unnumbered when the article has no number yet. */
function articleNumbering(article: string | undefined, ids: [string, boolean][]): { titre: (t: string) => string; n: Record<string, string> } {
  const n: Record<string, string> = {};
  let i = 0;
  for (const [id, present] of ids) n[id] = present ? (article ? `${article}.${++i}` : String(++i)) : '';
  return { titre: (t) => (article ? `Article ${article} – ${t}` : `Article « ${t} »`), n };
}

/** The marker of the first sizing value missing from the lot at `index` of the lots, if any. */
function sizingLeafMissing(lot: ClauseLotInput, index: number): string | undefined {
  const d = lot.dimensionnement;
  if (!d) return undefined;
  const found = [d.montantHT, d.dureeMois, d.famille, d.cpv].find((v) => isMarker(v)) as string | undefined;
  return found ?? (d.famille === undefined && d.cpv === undefined ? markerAt(clauseDceSchema, ['lots', index, 'dimensionnement', 'famille']) : undefined);
}

/** The check and the view model of one generation share one sizing of its input. */
const sizedInputs = new WeakMap<ClauseDceInput, { today: number; lots: Map<string, LotResult> }>();

/** The lots sized by the rules (those that give sizing data and no decided hours), by number. */
function sizeLots(input: ClauseDceInput, today: Date): Map<string, LotResult> {
  const known = sizedInputs.get(input);
  if (known?.today === today.getTime()) return known.lots;
  const lots = computeLotSizes(input, today);
  sizedInputs.set(input, { today: today.getTime(), lots });
  return lots;
}

function computeLotSizes(input: ClauseDceInput, today: Date): Map<string, LotResult> {
  const ref = reference();
  const lots = Array.isArray(input.lots) ? input.lots : [];
  // Size every lot that gives sizing data (and has no marker left in it) in one market-level call.
  const sizable = lots.filter((l, i) => HOUR_LEVERS.includes(l.levier) && l.heures === undefined && l.dimensionnement && !sizingLeafMissing(l, i));
  const sizing =
    sizable.length > 0 && !isMarker(input.marche.nature)
      ? sizeMarket(
          ref,
          {
            nature: input.marche.nature,
            dateReference: input.marche.dateReference,
            dateLancement: input.marche.dateLancement instanceof Date ? input.marche.dateLancement : undefined,
            typeAcheteur: input.marche.typeAcheteur,
            defenseOuSecurite: input.marche.defenseOuSecurite,
            territoire: input.territoire,
            lots: sizable.map((l) => ({ numero: String(l.numero), intitule: l.intitule, ...l.dimensionnement! })),
          } as SizingInput,
          today,
        )
      : undefined;
  return new Map<string, LotResult>((sizing?.lots ?? []).map((r) => [r.numero, r]));
}

/** A final DCE clause whose hours rest on reference values still to validate needs the buyer's word. */
export function checkClauseDce(input: ClauseDceInput, context: { now: Date }): FieldError[] {
  const sized = sizeLots(input, context.now);
  const lots = (Array.isArray(input.lots) ? input.lots : []).flatMap((l, i) => {
    const result = sized.get(String(l.numero));
    return result?.clause ? [{ result, path: `lots.${i}.dimensionnement` }] : [];
  });
  return unconfirmedValues(lots, input.valeursReferenceRetenues === true, BUYER, 'Valeurs de référence retenues par l’acheteur', ', ou indiquez les heures décidées pour ce lot');
}

export function buildClauseDceViewModel(input: ClauseDceInput, context: BuildContext): ClauseDceViewModel {
  const ref = reference();
  const lots = Array.isArray(input.lots) ? input.lots : [];
  const today = context.now;
  const date = (input.marche.dateReference instanceof Date ? input.marche.dateReference : today).toISOString().slice(0, 10);
  const confirmed = input.valeursReferenceRetenues === true;

  const sized = sizeLots(input, today);

  const withClause: Omit<LotWithClause, 'fin'>[] = [];
  const without: LotWithoutClause[] = [];
  const reserved: Omit<ReservedLot, 'fin'>[] = [];
  const criteria: Criterion[] = [];
  const notes: CalculationNote[] = [];
  // Sources are cited by number in the calculation note and listed once after it.
  const cited: string[] = [];
  const cite = (step: TraceStep): string => {
    const parts: string[] = [];
    if (step.note) parts.push(step.note);
    else if (step.source && !step.sourceId) parts.push(step.source);
    if (step.sourceId) {
      if (!cited.includes(step.sourceId)) cited.push(step.sourceId);
      parts.push(`[${cited.indexOf(step.sourceId) + 1}]`);
    }
    const status = valueStatus(step, confirmed, BUYER).trim();
    if (status) parts.push(status);
    return parts.join(' ');
  };
  let total = 0;
  let totalKnown = true;
  let frameworks = false;

  lots.forEach((lot, index) => {
    const numero = String(lot.numero);
    const intitule = typography(lot.intitule);
    if (lot.levier === 'aucun') {
      without.push({ numero, intitule });
      notes.push({
        lot: numero,
        intitule,
        etapes: [{ etape: 'Décision de l’acheteur', calcul: '', valeur: 'sans clause d’insertion', source: '' }],
        avertissements: [],
        conclusion: `Motif de l’absence de clause : ${typography(lot.motifSansClause ?? '')}`,
      });
      return;
    }
    if (!HOUR_LEVERS.includes(lot.levier)) {
      reserved.push({ numero, intitule, siae: lot.levier === 'lot-reserve-siae', eaEsat: lot.levier === 'lot-reserve-ea-esat', mixte: lot.levier === 'lot-reserve-siae-ea' });
      return;
    }
    let heuresTexte: string;
    let tranche = '';
    let calcule = false;
    if (lot.heures !== undefined) {
      heuresTexte = isMarker(lot.heures) ? String(lot.heures) : formatNumber(lot.heures);
      if (isMarker(lot.heures)) totalKnown = false;
      else total += lot.heures;
    } else {
      const result = sized.get(numero);
      if (!result) {
        heuresTexte = sizingLeafMissing(lot, index) ?? markerAt(clauseDceSchema, ['lots', index, 'heures']);
        totalKnown = false;
      } else {
        const noClause = result.clause ? undefined : result.sansClause!;
        notes.push({
          lot: numero,
          intitule,
          etapes: result.trace.map((s: TraceStep) => ({ etape: s.etape, calcul: s.calcul ?? '', valeur: s.valeur, source: cite(s) })),
          avertissements: result.avertissements,
          conclusion: noClause
            ? `Pas de clause d’insertion proposée : ${noClause.motif}${noClause.autresLeviers.length > 0 ? ` Autres leviers possibles : ${noClause.autresLeviers.join(' ; ')}.` : ''}`
            : '',
        });
        if (noClause) {
          without.push({ numero, intitule });
          return;
        }
        calcule = true;
        heuresTexte = formatNumber(result.heures!);
        total += result.heures!;
        if (result.heuresParTranche) {
          tranche = result.heuresParTranche.texte;
          frameworks = true;
        }
      }
    }
    withClause.push({
      numero,
      intitule,
      levier: LEVER_LABELS[lot.levier],
      heuresTexte,
      tranche,
      estCondition: lot.levier === 'condition-execution',
      estCritere: lot.levier === 'critere-attribution',
      estMarcheInsertion: lot.levier === 'marche-insertion',
      calcule,
    });
    if (lot.levier === 'critere-attribution' && lot.critere) {
      const subs = lot.critere.sousCriteres && lot.critere.sousCriteres.length > 0 ? lot.critere.sousCriteres : DEFAULT_SUB_CRITERIA;
      criteria.push({
        lot: numero,
        numero: lot.critere.numero ? ` n°\u00A0${lot.critere.numero}` : '',
        ponderation: `${formatNumber(lot.critere.ponderation)}\u00A0%`,
        sousCriteres: subs.map((s, i) => ({ libelle: typography(s.libelle), ponderation: `${formatNumber(s.ponderation)}\u00A0%`, fin: i === subs.length - 1 ? '.' : '\u202F;' })),
      });
    }
  });

  const ending = <T>(items: T[]): (T & { fin: string })[] => items.map((item, i) => ({ ...item, fin: i === items.length - 1 ? '.' : '\u202F;' }));

  // Without any lot carrying hours, only the scope and the reserved lots remain.
  const hours = withClause.length > 0;
  const ccap = articleNumbering(input.marche.articleCcap, [
    ['champ', true],
    ['volume', hours],
    ['publics', hours],
    ['modalites', hours],
    ['facilitateur', hours],
    ['correspondant', hours],
    ['eligibilite', hours],
    ['suivi', hours],
    ['reunion', hours],
    ['globalisation', hours && input.options.globalisation],
    ['penalites', hours],
    ['reserves', reserved.length > 0],
  ]);
  const rc = articleNumbering(input.marche.articleRc, []);

  const p = ref.parametres;
  const penalty = input.options.penaliteParHeure ?? valueAt(p.penalite.parHeure, date)?.valeur ?? 35;
  const f = input.facilitateur;
  const reference_ = input.reference ?? input.marche.reference;

  return {
    document: {
      titre: `Clause sociale d’insertion – ${input.marche.objet}`,
      sujet: `Articles du CCAP et du règlement de la consultation, annexe d’engagement : marché ${input.marche.reference}`,
      auteur: typography(f.structure),
      reference: reference_,
      motsCles: ['clause sociale', 'insertion', 'DCE', 'CCAP', 'règlement de la consultation', input.marche.reference],
    },
    brouillon: context.mode === 'draft',
    signataires: [],
    acheteur: { nom: typography(input.acheteur.nom), service: input.acheteur.service ? typography(input.acheteur.service) : '' },
    marche: {
      objet: typography(input.marche.objet),
      reference: input.marche.reference,
      procedure: isMarker(input.marche.procedure) ? input.marche.procedure : PROCEDURES[input.marche.procedure],
      nature: input.marche.nature,
      lieuExecution: typography(input.marche.lieuExecution),
    },
    facilitateur: {
      nomComplet: fullName({ civilite: f.civilite, prenom: f.prenom, nom: familyName(f.nom) }),
      fonction: f.fonction ? typography(f.fonction) : 'facilitateur de la clause sociale',
      structure: typography(f.structure),
      telephone: f.telephone,
      email: f.email,
    },
    ccap: { titre: ccap.titre('Action d’insertion professionnelle'), n: ccap.n },
    rc: { titre: rc.titre('Clause sociale d’insertion') },
    lotsAvecClause: ending(withClause),
    variantes: variants(withClause),
    sansClauseTexte: withoutClauseSentence(without),
    lotsReserves: ending(reserved),
    avecClause: withClause.length > 0,
    avecSansClause: without.length > 0,
    avecReserves: reserved.length > 0,
    reserves: reservedSentences(reserved),
    avecCritere: criteria.length > 0,
    avecMarcheInsertion: withClause.some((l) => l.estMarcheInsertion),
    avecAccordCadre: frameworks,
    criteres: criteria,
    totalHeures: totalKnown ? formatNumber(total) : markerAt(clauseDceSchema, ['lots']),
    publicsQpv: input.territoire.qpv || input.territoire.anru || input.territoire.gestionUrbaineProximite,
    globalisation: input.options.globalisation,
    penalite: {
      parHeure: formatAmount(penalty),
      delaiObservations: formatDays(input.options.delaiObservationsJours),
      plafond: `${formatNumber(input.options.plafondPenalitePourcent)}\u00A0%`,
      etatMensuel: formatAmount(input.options.penaliteEtatMensuel),
    },
    ccag: CCAGS[input.marche.ccag ?? (input.marche.nature === 'travaux' ? 'travaux' : 'fcs')],
    noteCalcul: notes,
    avecNoteCalcul: notes.length > 0,
    sourcesCitees: cited.map((id, i) => {
      const source = ref.sources[id];
      return { numero: `[${i + 1}]`, texte: source ? `${source.libelle}${source.url ? ` – ${source.url}` : ''}` : id };
    }),
    marcheTexte: `${typography(input.marche.objet)} (${input.marche.reference})`,
  };
}
