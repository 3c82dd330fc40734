/**
 * The sizing method, pure functions over the reference data (no I/O):
 *   insertion hours = amount HT × labour share × insertion rate ÷ loaded hourly cost,
 * with the territory's adjustment and floors, a stated rounding, thresholds under which no clause
 * is proposed, framework agreements sized per tranche ordered, the legal levers, the penalty, and a
 * French trace of every step with the source of each parameter.
 */
import { InvalidInputError } from '../core/errors.js';
import { formatAmount, formatNumber } from '../core/french.js';
import type { DatedValue, Family, Reference, Status } from './reference.js';
import { valueAt } from './reference.js';
import type { LotInput, SizingInput } from './schema.js';
import { assessTerritory, type TerritoryAssessment } from './territory.js';

export interface TraceStep {
  etape: string;
  calcul?: string;
  valeur: string;
  /** Where the value comes from, in full: the reason given in the data, then the cited source. */
  source?: string;
  statut?: Status;
  /** The short reason given in the data, and the id of the cited source (sources.json), when any. */
  note?: string;
  sourceId?: string;
}

export interface Lever {
  code: 'condition-execution' | 'critere-attribution' | 'lot-reserve-siae' | 'lot-reserve-ea-esat' | 'marche-insertion';
  article: string;
  libelle: string;
  recommande: boolean;
  obligatoire: boolean;
  motif: string;
}

export interface LotResult {
  numero: string;
  intitule: string;
  famille: { id: string; libelle: string; deduiteDe: 'famille' | 'cpv' | 'nature'; cpv?: string };
  clause: boolean;
  heures: number | null;
  heuresNonArrondies: number | null;
  heuresParMilleEuros: number | null;
  heuresParTranche: { trancheHT: number; heures: number; texte: string } | null;
  parametres: { partMainOeuvre: number; tauxInsertion: number; coutHoraire: number; tauxFamille: number; coefficientTerritoire: number; plancher: number | null };
  sansClause: { motif: string; autresLeviers: string[] } | null;
  leviers: Lever[];
  penalite: { parHeure: number; source: string; regles: string[] } | null;
  publicsPrioritaires: string[];
  avertissements: string[];
  trace: TraceStep[];
}

export interface Obligation {
  obligatoire: boolean;
  motif: string;
  seuilHT: number | null;
  article: string;
  source: string;
}

export interface SizingResult {
  referentiel: { version: string; dateReference: string };
  nature: SizingInput['nature'];
  lots: LotResult[];
  total: { montantHT: number; heures: number; heuresNonArrondies: number; heuresParMilleEuros: number; lotsAvecClause: number; lotsSansClause: number };
  territoire: TerritoryAssessment;
  obligation: Obligation;
  avertissements: string[];
}

const percentFormat = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 2 });
const pct = (v: number) => percentFormat.format(v);
const hours = (v: number) => `${formatNumber(Math.round(v * 100) / 100)}\u00A0h`;
const round2 = (v: number) => Math.round(v * 100) / 100;
const iso = (d: Date) => d.toISOString().slice(0, 10);

function sourceText(ref: Reference, id: string | undefined): string | undefined {
  if (!id) return undefined;
  const s = ref.sources[id];
  return s ? (s.url ? `${s.libelle} (${s.url})` : s.libelle) : id;
}

function describeValue(ref: Reference, v: DatedValue): { source?: string; statut: Status; note?: string; sourceId?: string } {
  const parts = [v.note, sourceText(ref, v.source)].filter(Boolean);
  return {
    source: parts.length > 0 ? parts.join(' — ') : undefined,
    statut: v.statut,
    ...(v.note ? { note: v.note } : {}),
    ...(v.source ? { sourceId: v.source } : {}),
  };
}

function required<T>(values: DatedValue<T>[], date: string, what: string): DatedValue<T> {
  const v = valueAt(values, date);
  if (!v) {
    const first = [...values].sort((a, b) => a.depuis.localeCompare(b.depuis))[0]?.depuis;
    throw new InvalidInputError('Date de référence hors du référentiel.', [
      { path: 'dateReference', type: 'date.referentiel', message: `Aucune valeur de référence (${what}) n’est en vigueur le ${date}${first ? ` : le référentiel commence le ${first}` : ''}.` },
    ]);
  }
  return v;
}

/** The family of a lot: given, or mapped from its CPV code (longest prefix), or the nature's default. */
export function resolveFamily(ref: Reference, lot: LotInput, nature: SizingInput['nature']): { family: Family; from: 'famille' | 'cpv' | 'nature'; warning?: string } {
  const byId = (id: string) => ref.familles.find((f) => f.id === id)!;
  if (lot.famille) return { family: byId(lot.famille), from: 'famille' };
  const code = lot.cpv!.slice(0, 8);
  const match = ref.cpv.correspondances
    .filter((c) => code.startsWith(c.prefixe))
    .sort((a, b) => b.prefixe.length - a.prefixe.length)[0];
  if (match) {
    const family = byId(match.famille);
    const warning = family.nature !== nature ? `Le code CPV ${lot.cpv} (${match.libelle}) relève de la nature « ${family.nature} », alors que le marché est déclaré « ${nature} » : vérifiez le code.` : undefined;
    return { family, from: 'cpv', warning };
  }
  return {
    family: byId(ref.cpv.parDefaut[nature]),
    from: 'nature',
    warning: `Le code CPV ${lot.cpv} n’a pas de famille dans le catalogue : valeurs par défaut des marchés de ${nature}, à vérifier.`,
  };
}

function levers(ref: Reference, lot: LotInput, family: Family, withClause: boolean, obligatoire: boolean): Lever[] {
  const out: Lever[] = [];
  const criterionFrom = ref.parametres.critereAttribution.montantMinimalHT;
  if (family.calculable) {
    out.push({
      code: 'condition-execution',
      article: 'L. 2112-2 du code de la commande publique',
      libelle: 'Condition d’exécution : clause d’insertion exprimée en heures de travail',
      recommande: withClause,
      obligatoire,
      motif: withClause
        ? 'Levier de droit commun : il fixe un volume d’heures sans peser sur le choix de l’attributaire.'
        : 'Le volume d’heures serait trop faible pour une clause opérante.',
    });
  }
  out.push({
    code: 'critere-attribution',
    article: 'L. 2152-7 et R. 2152-7 du code de la commande publique',
    libelle: 'Critère d’attribution : performance en matière d’insertion professionnelle des publics en difficulté',
    recommande: (withClause && lot.montantHT >= criterionFrom) || !family.calculable,
    obligatoire: false,
    motif: !family.calculable
      ? 'Pour des fournitures, l’insertion se valorise mieux par un critère (part confiée à des structures d’insertion) que par des heures.'
      : lot.montantHT >= criterionFrom
        ? `Montant d’au moins ${formatAmount(criterionFrom)} HT : un critère peut compléter la condition d’exécution (heures au-delà du minimum, qualité des parcours, tutorat).`
        : 'Possible en complément, à réserver aux marchés de montant important.',
  });
  if (family.lotReservable) {
    out.push({
      code: 'lot-reserve-siae',
      article: 'L. 2113-13 et R. 2113-7 du code de la commande publique',
      libelle: 'Lot réservé aux structures d’insertion par l’activité économique (SIAE)',
      recommande: !withClause,
      obligatoire: false,
      motif: 'Activité que des SIAE exercent couramment ; à retenir si des structures capables de l’exécuter existent sur le territoire.',
    });
    out.push({
      code: 'lot-reserve-ea-esat',
      article: 'L. 2113-12 et R. 2113-7 du code de la commande publique',
      libelle: 'Lot réservé aux entreprises adaptées et aux ESAT',
      recommande: false,
      obligatoire: false,
      motif: 'Alternative au lot réservé aux SIAE ; les deux familles de structures peuvent être réunies dans une même réservation.',
    });
  }
  if (family.marcheInsertion) {
    out.push({
      code: 'marche-insertion',
      article: 'R. 2123-1 3° du code de la commande publique',
      libelle: 'Marché d’insertion et de qualification professionnelle',
      recommande: false,
      obligatoire: false,
      motif: 'Quand l’insertion est l’objet même de la prestation (chantier support d’un atelier ou chantier d’insertion).',
    });
  }
  return out;
}

function obligation(ref: Reference, input: SizingInput, total: number, date: string): Obligation {
  const rule = ref.parametres.obligationClimatResilience;
  const article = 'article L. 2112-2-1 du code de la commande publique, issu de l’article 35 de la loi n° 2021-1104 du 22 août 2021 « Climat et résilience »';
  const basis = ` (${article})`;
  const source = sourceText(ref, rule.source) ?? '';
  const launch = input.dateLancement ? iso(input.dateLancement) : date;
  const thresholds = ref.parametres.seuilsEuropeens.find((s) => s.depuis <= launch && launch <= s.jusqua);
  if (!thresholds) {
    return { obligatoire: false, motif: `Aucun seuil européen connu pour la date du ${launch} : obligation à vérifier.`, seuilHT: null, article, source };
  }
  const seuil = input.nature === 'travaux' ? thresholds.travaux : thresholds.fournituresServices[input.typeAcheteur];
  if (input.defenseOuSecurite) {
    return { obligatoire: false, motif: 'Les marchés de défense ou de sécurité ne sont pas concernés par l’obligation.', seuilHT: seuil, article, source };
  }
  if (launch < rule.depuis) {
    return { obligatoire: false, motif: `Consultation lancée avant le ${rule.depuis.split('-').reverse().join('/')} : la considération sociale reste facultative.`, seuilHT: seuil, article, source };
  }
  if (total < seuil) {
    return {
      obligatoire: false,
      motif: `Valeur estimée (${formatAmount(total)} HT) inférieure au seuil européen de ${formatAmount(seuil)} HT : la considération sociale dans les conditions d’exécution reste facultative${basis}.`,
      seuilHT: seuil,
      article,
      source,
    };
  }
  return {
    obligatoire: true,
    motif:
      `Valeur estimée (${formatAmount(total)} HT) au moins égale au seuil européen de ${formatAmount(seuil)} HT, consultation lancée à compter du 22 août 2026 : ` +
      `une considération relative au domaine social ou à l’emploi doit figurer dans les conditions d’exécution${basis}. ` +
      'L’acheteur ne peut s’en dispenser que par une décision motivée, lorsque le besoin peut être satisfait par une solution immédiatement disponible, ' +
      'lorsque cette considération ne présente pas un lien suffisant avec l’objet du marché, ou lorsqu’elle restreindrait la concurrence ou rendrait l’exécution du marché techniquement ou économiquement difficile.',
    seuilHT: seuil,
    article,
    source,
  };
}

export function sizeLot(ref: Reference, input: SizingInput, lot: LotInput, date: string, mandatory: boolean): LotResult {
  const p = ref.parametres;
  const { family, from, warning } = resolveFamily(ref, lot, input.nature);
  const warnings: string[] = [];
  if (warning) warnings.push(warning);
  if (family.avertissement) warnings.push(family.avertissement.texte);
  const trace: TraceStep[] = [];
  const over = lot.parametres ?? {};

  trace.push({
    etape: 'Famille de marché',
    valeur: family.libelle,
    source: from === 'famille' ? 'indiquée' : from === 'cpv' ? `déduite du code CPV ${lot.cpv}` : `valeur par défaut des marchés de ${input.nature}`,
  });
  trace.push({ etape: 'Montant HT', valeur: formatAmount(lot.montantHT), source: lot.formeMarche === 'accord-cadre' ? 'montant estimé ou maximum de l’accord-cadre' : 'montant estimé du lot' });

  const share = required(family.partMainOeuvre, date, `${family.id}.partMainOeuvre`);
  const part = over.partMainOeuvre ?? share.valeur;
  trace.push({ etape: 'Part de main-d’œuvre', valeur: pct(part), ...(over.partMainOeuvre !== undefined ? { source: 'valeur propre au lot' } : describeValue(ref, share)) });

  const costValue = required(p.coutHoraire, date, 'coutHoraire');
  const cost = over.coutHoraire ?? costValue.valeur;
  trace.push({ etape: 'Coût horaire moyen chargé', valeur: `${formatNumber(cost)}\u00A0€/h`, ...(over.coutHoraire !== undefined ? { source: 'valeur propre au lot' } : describeValue(ref, costValue)) });

  const worked = (lot.montantHT * part) / cost;
  trace.push({ etape: 'Heures de travail estimées', calcul: `${formatAmount(lot.montantHT)} × ${pct(part)} ÷ ${formatNumber(cost)}\u00A0€/h`, valeur: hours(worked) });

  const rateValue = required(family.tauxInsertion, date, `${family.id}.tauxInsertion`);
  const familyRate = over.tauxInsertion ?? rateValue.valeur;
  trace.push({ etape: 'Taux d’insertion', valeur: pct(familyRate), ...(over.tauxInsertion !== undefined ? { source: 'valeur propre au lot' } : describeValue(ref, rateValue)) });

  let rate = familyRate;
  const profile = p.profilsTerritoire.find((x) => x.id === input.territoire.profil)!;
  if (profile.coefficientTaux !== 1 && over.tauxInsertion === undefined) {
    rate = familyRate * profile.coefficientTaux;
    trace.push({ etape: `Ajustement du territoire (${profile.libelle})`, calcul: `${pct(familyRate)} × ${formatNumber(profile.coefficientTaux)}`, valeur: pct(rate), source: profile.note, statut: profile.statut });
  }

  let floor: number | null = null;
  const publics: string[] = [];
  const gup = input.territoire.gestionUrbaineProximite || lot.gestionUrbaineProximite === true;
  if (gup) {
    const v = required(p.planchers.gestionUrbaineProximite, date, 'planchers.gestionUrbaineProximite');
    floor = v.valeur;
  } else if ((input.territoire.anru || input.territoire.qpv) && (family.nature === 'travaux' || family.id === 'prestations-intellectuelles')) {
    floor = required(p.planchers.qpvAnru, date, 'planchers.qpvAnru').valeur;
  }
  if (input.territoire.qpv || input.territoire.anru || gup) publics.push('habitants des quartiers prioritaires de la politique de la ville (QPV)');
  if (floor !== null && family.calculable) {
    const source = describeValue(ref, required(gup ? p.planchers.gestionUrbaineProximite : p.planchers.qpvAnru, date, 'plancher'));
    if (rate < floor) {
      trace.push({ etape: gup ? 'Plancher de la gestion urbaine de proximité' : 'Plancher QPV / ANRU', calcul: `${pct(rate)} porté à ${pct(floor)}`, valeur: pct(floor), ...source });
      rate = floor;
    } else {
      trace.push({ etape: gup ? 'Plancher de la gestion urbaine de proximité' : 'Plancher QPV / ANRU', calcul: `${pct(rate)} ≥ ${pct(floor)}`, valeur: 'respecté', ...source });
    }
  }

  const base = {
    numero: String(lot.numero),
    intitule: lot.intitule,
    famille: { id: family.id, libelle: family.libelle, deduiteDe: from, ...(lot.cpv ? { cpv: lot.cpv } : {}) },
    parametres: { partMainOeuvre: part, tauxInsertion: rate, coutHoraire: cost, tauxFamille: familyRate, coefficientTerritoire: profile.coefficientTaux, plancher: floor },
    publicsPrioritaires: publics,
  };

  const otherLevers = (l: Lever[]) => l.filter((x) => x.code !== 'condition-execution').map((x) => `${x.libelle} (${x.article})`);

  if (!family.calculable) {
    const l = levers(ref, lot, family, false, false);
    trace.push({ etape: 'Heures d’insertion', valeur: 'non calculées', source: 'famille sans calcul d’heures' });
    return {
      ...base,
      clause: false,
      heures: null,
      heuresNonArrondies: null,
      heuresParMilleEuros: null,
      heuresParTranche: null,
      sansClause: { motif: `${family.libelle} : la main-d’œuvre d’exécution est trop faible pour exprimer la clause en heures.`, autresLeviers: otherLevers(l) },
      leviers: l,
      penalite: null,
      avertissements: warnings,
      trace,
    };
  }

  const raw = worked * rate;
  trace.push({ etape: 'Heures d’insertion avant arrondi', calcul: `${hours(worked)} × ${pct(rate)}`, valeur: hours(raw) });
  const step = p.arrondi.pasHeures;
  const rounded = Math.round(raw / step) * step;
  trace.push({ etape: 'Heures d’insertion arrondies', calcul: `au multiple de ${step}\u00A0h le plus proche`, valeur: hours(rounded), statut: p.arrondi.statut, ...(p.arrondi.note ? { source: p.arrondi.note } : {}) });
  const perK = raw / (lot.montantHT / 1000);

  // Thresholds under which a clause would be inoperative.
  const minAmount = required(p.seuils.montantMinimalHT, date, 'seuils.montantMinimalHT');
  const minDuration = required(p.seuils.dureeMinimaleMois, date, 'seuils.dureeMinimaleMois');
  const minHours = required(p.seuils.heuresMinimales, date, 'seuils.heuresMinimales');
  let motif: string | null = null;
  if (lot.montantHT < minAmount.valeur) motif = `Montant (${formatAmount(lot.montantHT)} HT) inférieur au seuil de ${formatAmount(minAmount.valeur)} HT retenu pour une clause d’insertion.`;
  else if (lot.dureeMois < minDuration.valeur) motif = `Durée (${formatNumber(lot.dureeMois)} mois) inférieure à la durée minimale de ${formatNumber(minDuration.valeur)} mois pour intégrer une personne.`;
  else if (rounded < minHours.valeur) motif = `Volume calculé (${hours(raw)}) inférieur au minimum de ${hours(minHours.valeur)} : la clause serait inopérante.`;

  let tranche: LotResult['heuresParTranche'] = null;
  if (lot.formeMarche === 'accord-cadre') {
    const t = required(p.accordCadre.trancheHT, date, 'accordCadre.trancheHT').valeur;
    const perTranche = Math.max(1, Math.round((t * part * rate) / cost));
    tranche = { trancheHT: t, heures: perTranche, texte: `${formatNumber(perTranche)}\u00A0heures d’insertion par tranche de ${formatAmount(t)} HT commandés` };
    trace.push({ etape: 'Accord-cadre : heures par tranche commandée', calcul: `${formatAmount(t)} × ${pct(part)} × ${pct(rate)} ÷ ${formatNumber(cost)}\u00A0€/h`, valeur: `${formatNumber(perTranche)}\u00A0h`, ...describeValue(ref, required(p.accordCadre.trancheHT, date, 'tranche')) });
  }

  const withClause = motif === null;
  const l = levers(ref, lot, family, withClause, mandatory);
  if (withClause) {
    const band = p.plausibilite;
    if (perK < band.heuresParMilleEurosMin || perK > band.heuresParMilleEurosMax) {
      warnings.push(
        `Ratio de ${formatNumber(round2(perK))}\u00A0h par millier d’euros HT, hors de la fourchette observée dans les consultations publiées (${formatNumber(band.heuresParMilleEurosMin)} à ${formatNumber(band.heuresParMilleEurosMax)}) : vérifiez les paramètres.`,
      );
    }
    if (lot.dureeMois < p.dureeCourteMois) {
      warnings.push(`Durée très courte (${formatNumber(lot.dureeMois)} mois) : ${hours(rounded)} à réaliser sur une période brève ; vérifiez que des candidats peuvent être mobilisés à temps.`);
    }
    const fte = rounded / lot.dureeMois / p.equivalentTempsPleinHeuresMois;
    if (fte > p.etpMensuelsMax) {
      warnings.push(`Environ ${formatNumber(round2(fte))} équivalents temps plein d’insertion chaque mois : vérifiez que le public éligible est disponible sur le territoire.`);
    }
  } else if (mandatory) {
    warnings.push('Le marché atteint le seuil européen : l’absence de condition d’exécution sociale sur ce lot doit être motivée.');
  }

  const penaltyValue = required(p.penalite.parHeure, date, 'penalite.parHeure');
  return {
    ...base,
    clause: withClause,
    heures: withClause ? rounded : null,
    heuresNonArrondies: round2(raw),
    heuresParMilleEuros: round2(perK),
    heuresParTranche: withClause ? tranche : null,
    sansClause: withClause ? null : { motif: motif!, autresLeviers: otherLevers(l) },
    leviers: l,
    penalite: withClause
      ? {
          parHeure: penaltyValue.valeur,
          source: [penaltyValue.note, sourceText(ref, penaltyValue.source)].filter(Boolean).join(' — '),
          regles: p.penalite.regles.map((r) => r.texte),
        }
      : null,
    avertissements: warnings,
    trace,
  };
}

/** Sizes every lot of a market. `today` is the default reference date (injected for tests). */
export function sizeMarket(ref: Reference, input: SizingInput, today: Date): SizingResult {
  const date = iso(input.dateReference ?? today);
  const total = input.lots.reduce((sum, lot) => sum + lot.montantHT, 0);
  const ob = obligation(ref, input, total, date);
  const lots = input.lots.map((lot) => sizeLot(ref, input, lot, date, ob.obligatoire));
  const withClause = lots.filter((l) => l.clause);
  const hoursTotal = withClause.reduce((s, l) => s + (l.heures ?? 0), 0);
  const rawTotal = round2(withClause.reduce((s, l) => s + (l.heuresNonArrondies ?? 0), 0));
  const territory = assessTerritory(input.territoire);
  const warnings: string[] = [];
  if (territory.coordinateurRegional) warnings.push(territory.motif);
  if (ob.obligatoire) warnings.push(ob.motif);
  return {
    referentiel: { version: ref.version, dateReference: date },
    nature: input.nature,
    lots,
    total: {
      montantHT: total,
      heures: hoursTotal,
      heuresNonArrondies: rawTotal,
      heuresParMilleEuros: total > 0 ? round2(rawTotal / (total / 1000)) : 0,
      lotsAvecClause: withClause.length,
      lotsSansClause: lots.length - withClause.length,
    },
    territoire: territory,
    obligation: ob,
    avertissements: warnings,
  };
}
