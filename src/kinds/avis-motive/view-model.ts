/**
 * View model of the avis motivé: per lot, whether a clause is advisable and with which lever, the
 * hours proposed with the calculation of the sizing rules (or why no clause), the eligible
 * publics, the obligation of the EU thresholds, and the dates of referral and of the opinion.
 */
import { opinionDeadline } from '../../calendar/schedule.js';
import type { FieldError } from '../../core/errors.js';
import { formatAmount, formatDate, formatDays, formatNumber, paragraphs, typography } from '../../core/french.js';
import type { BaseViewModel, BuildContext } from '../../core/kind.js';
import { isMarker } from '../../core/markers.js';
import { sizeMarket, type SizingResult } from '../../sizing/compute.js';
import { reference } from '../../sizing/index.js';
import type { SizingInput } from '../../sizing/schema.js';
import { isoDay, partyView, letterSignature, signatoryOf, type PartyView } from '../_shared/parties.js';
import { unconfirmedValues, valueStatus } from '../_shared/reference-values.js';
import { FACILITATOR, RESERVATION_LABELS, type AvisMotiveInput, type Reservation } from './schema.js';

/** Each reservation's beneficiaries and legal basis (the wording follows the basis). */
const RESERVATION_TEXTS: Record<Reservation, { beneficiaires: string }> = {
  siae: {
    beneficiaires: 'aux structures d’insertion par l’activité économique mentionnées à l’article L. 5132-4 du code du travail et aux structures équivalentes, en application des articles L. 2113-13 et R. 2113-7 du code de la commande publique',
  },
  'ea-esat': {
    beneficiaires: 'aux entreprises adaptées, aux établissements et services d’aide par le travail et aux structures équivalentes, en application des articles L. 2113-12 et R. 2113-7 du code de la commande publique',
  },
  'siae-ea': {
    beneficiaires: 'conjointement aux structures d’insertion par l’activité économique, aux entreprises adaptées, aux établissements et services d’aide par le travail et aux structures équivalentes, en application des articles L. 2113-12 à L. 2113-14 et R. 2113-7 du code de la commande publique',
  },
};

function reservationText(reservation: Reservation): string {
  return typography(
    `La structure porteuse de la clause recommande de réserver ce lot ${RESERVATION_TEXTS[reservation].beneficiaires}. ` +
      'La réservation doit figurer dans l’avis d’appel à la concurrence ; aucune heure d’insertion n’est alors fixée, l’insertion résultant de l’exécution du lot par ces structures.',
  );
}

interface LotOpinion {
  numero: string;
  intitule: string;
  famille: string;
  montant: string;
  avecClause: boolean;
  /** Neither hours nor a reservation: why, and the other levers. */
  sansClause: boolean;
  /** "oui", "non" or "lot réservé", for the summary table. */
  clause: string;
  reservation: { texte: string } | '';
  avecCalcul: boolean;
  heures: string;
  tranche: string;
  levier: string;
  leviersComplementaires: string;
  motif: string;
  autresLeviers: string;
  etapes: { etape: string; calcul: string; valeur: string }[];
  avertissements: string[];
}

export interface AvisMotiveViewModel extends BaseViewModel {
  structure: PartyView;
  donneurOrdre: { nom: string; service: string };
  projet: { intitule: string; reference: string; nature: string; lieu: string; publication: string };
  dates: { saisine: string; echeance: string; avis: string; dansLeDelai: boolean; delai: string };
  lots: LotOpinion[];
  calcule: boolean;
  synthese: string;
  obligation: { texte: string; obligatoire: boolean };
  territoire: string;
  publicsQpv: boolean;
  observations: string[];
  avecObservations: boolean;
  lieu: string;
  signature: { nomComplet: string; qualite: string; organisation: string };
  dateIso: string;
}

function plural(n: number, one: string, many: string): string {
  return `${formatNumber(n)} ${n > 1 ? many : one}`;
}

/** The check and the view model of one generation share one sizing of its input. */
const sizedInputs = new WeakMap<AvisMotiveInput, { now: number; result: SizingResult | undefined }>();

function sizeProject(input: AvisMotiveInput, now: Date): SizingResult | undefined {
  const known = sizedInputs.get(input);
  if (known?.now === now.getTime()) return known.result;
  const result = computeProjectSizing(input, now);
  sizedInputs.set(input, { now: now.getTime(), result });
  return result;
}

/** The project sized by the rules, once every lot gives its sizing data. */
function computeProjectSizing(input: AvisMotiveInput, now: Date): SizingResult | undefined {
  const p = input.projet;
  const lots = Array.isArray(p.lots) ? p.lots : [];
  const complete =
    lots.length > 0 &&
    lots.every((l) => !isMarker(l.montantHT) && !isMarker(l.dureeMois) && (l.famille !== undefined ? !isMarker(l.famille) : l.cpv !== undefined && !isMarker(l.cpv))) &&
    !isMarker(p.nature);
  if (!complete) return undefined;
  return sizeMarket(
    reference(),
    {
      nature: p.nature,
      dateReference: p.dateReference,
      dateLancement: p.dateLancement instanceof Date ? p.dateLancement : p.datePublicationPrevue instanceof Date ? p.datePublicationPrevue : undefined,
      typeAcheteur: p.typeAcheteur,
      defenseOuSecurite: p.defenseOuSecurite,
      territoire: input.territoire,
      lots: lots.map((l) => ({ ...l, numero: String(l.numero) })),
    } as SizingInput,
    p.dateSaisine instanceof Date ? p.dateSaisine : now,
  );
}

/** A final opinion whose hours rest on reference values still to validate needs the facilitator's word. */
export function checkAvisMotive(input: AvisMotiveInput, context: { now: Date }): FieldError[] {
  const reserved = (i: number) => Boolean(input.projet?.lots?.[i]?.reservation);
  const lots = (sizeProject(input, context.now)?.lots ?? []).flatMap((result, i) => (result.clause && !reserved(i) ? [{ result, path: `projet.lots.${i}` }] : []));
  return unconfirmedValues(lots, input.valeursReferenceRetenues === true, FACILITATOR, 'Valeurs de référence retenues par la structure porteuse de la clause');
}

export function buildAvisMotiveViewModel(input: AvisMotiveInput, context: BuildContext): AvisMotiveViewModel {
  const structure = partyView(input.structurePorteuse);
  const signatory = signatoryOf(input.structurePorteuse, structure, new Set());
  const p = input.projet;
  const lots = Array.isArray(p.lots) ? p.lots : [];
  const sizing = sizeProject(input, context.now);
  const confirmed = input.valeursReferenceRetenues === true;
  const opinions: LotOpinion[] = (sizing?.lots ?? []).map((r, i) => {
    const recommended = r.leviers.filter((l) => l.recommande);
    const main = recommended[0];
    const reservation = lots[i]!.reservation;
    const lot = { numero: r.numero, intitule: typography(lots[i]!.intitule), famille: r.famille.libelle, montant: formatAmount(lots[i]!.montantHT) };
    // A lot proposed for reservation carries no hours: neither the computed ones nor their calculation.
    if (reservation) {
      return {
        ...lot,
        avecClause: false,
        sansClause: false,
        clause: 'lot réservé',
        reservation: { texte: reservationText(reservation) },
        avecCalcul: false,
        heures: '',
        tranche: '',
        levier: RESERVATION_LABELS[reservation],
        leviersComplementaires: '',
        motif: '',
        autresLeviers: '',
        etapes: [],
        avertissements: [],
      };
    }
    return {
      ...lot,
      avecClause: r.clause,
      sansClause: !r.clause,
      clause: r.clause ? 'oui' : 'non',
      reservation: '',
      avecCalcul: true,
      heures: r.heures !== null ? formatNumber(r.heures) : '',
      tranche: r.heuresParTranche?.texte ?? '',
      levier: main ? `${main.libelle} (${main.article})${main.obligatoire ? ', obligatoire' : ''}` : '',
      leviersComplementaires: recommended.slice(1).map((l) => `${l.libelle} (${l.article})`).join(' ; '),
      motif: r.sansClause?.motif ?? '',
      autresLeviers: r.sansClause?.autresLeviers.join(' ; ') ?? '',
      etapes: r.trace.map((s) => ({ etape: s.etape, calcul: s.calcul ?? '', valeur: `${s.valeur}${valueStatus(s, confirmed, FACILITATOR)}` })),
      avertissements: r.avertissements,
    };
  });

  const referral = p.dateSaisine instanceof Date ? isoDay(p.dateSaisine) : undefined;
  const deadline = referral ? opinionDeadline({ delaiAvisMotiveJours: input.delaiAvisJours, alsaceMoselle: false }, referral) : undefined;
  const issued = input.avis.date instanceof Date ? isoDay(input.avis.date) : undefined;
  const withClause = opinions.filter((o) => o.avecClause);
  const reservedLots = opinions.filter((o) => o.reservation !== '');
  // Hours of the lots proposed for reservation are not part of the proposal.
  const hours = (sizing?.lots ?? []).reduce((sum, r, i) => sum + (r.clause && !lots[i]!.reservation ? (r.heures ?? 0) : 0), 0);
  return {
    document: {
      titre: `Avis motivé – ${typography(p.intitule)}`,
      sujet: `Avis de la structure porteuse de la clause sur le projet d’achat de ${typography(input.donneurOrdre.nom)}`,
      auteur: structure.nom,
      reference: p.reference ? `Avis ${p.reference}` : `Avis du ${isoDay(input.avis.date)}`,
      motsCles: ['avis motivé', 'clause sociale', 'projet d’achat', 'heures d’insertion'],
    },
    brouillon: context.mode === 'draft',
    signataires: [signatory],
    structure,
    donneurOrdre: { nom: typography(input.donneurOrdre.nom), service: input.donneurOrdre.service ? typography(input.donneurOrdre.service) : '' },
    projet: {
      intitule: typography(p.intitule),
      reference: p.reference ?? '',
      nature: p.nature,
      lieu: typography(p.lieuExecution),
      publication: p.datePublicationPrevue ? formatDate(p.datePublicationPrevue) : '',
    },
    dates: {
      saisine: formatDate(p.dateSaisine),
      echeance: deadline ? deadline.echeanceProrogee.texte : formatDate(p.dateSaisine),
      avis: formatDate(input.avis.date),
      dansLeDelai: !deadline || !issued || issued <= deadline.echeanceProrogee.date,
      delai: formatDays(input.delaiAvisJours),
    },
    lots: opinions,
    calcule: sizing !== undefined,
    synthese: sizing
      ? `Sur ${plural(opinions.length, 'lot', 'lots')}, ${plural(withClause.length, 'lot peut', 'lots peuvent')} porter une clause d’insertion, pour un total de ${plural(hours, 'heure', 'heures')} d’insertion` +
        (reservedLots.length > 0 ? ` ; ${reservedLots.length === 1 ? `le lot ${reservedLots[0]!.numero} est proposé` : `les lots ${reservedLots.map((o) => o.numero).join(', ')} sont proposés`} en lot réservé.` : '.')
      : '',
    obligation: { texte: sizing?.obligation.motif ?? '', obligatoire: sizing?.obligation.obligatoire ?? false },
    territoire: sizing?.territoire.motif ?? '',
    publicsQpv: input.territoire.qpv || input.territoire.anru || input.territoire.gestionUrbaineProximite,
    observations: paragraphs(input.observations),
    avecObservations: paragraphs(input.observations).length > 0,
    lieu: typography(input.avis.lieu),
    signature: letterSignature(signatory, structure),
    dateIso: isoDay(input.avis.date),
  };
}
