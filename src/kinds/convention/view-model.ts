/**
 * View model of the partnership convention: everything the template prints, computed once and
 * shared by every output format (article numbers, cross-references, formatted dates, durations
 * in words, agreements, conditions).
 */
import {
  familyName,
  formatAmount,
  formatDate,
  formatDays,
  formatMonths,
  fullName,
  initials,
  numberInWords,
  paragraphs,
  typography,
  withDe,
} from '../../core/french.js';
import { numberArticles } from '../../core/numbering.js';
import type { BaseViewModel, BuildContext, Signatory } from '../../core/kind.js';
import type { Contact, ConventionInput } from './schema.js';
import { originals, partyView, signatoryOf, type Party, type PartyView } from '../_shared/parties.js';

/** The articles in the order of the template; optional ones carry their condition. */
export function articlePlan(input: ConventionInput) {
  return [
    ['objet', true],
    ['modalites', true],
    ['engagementsStructure', true],
    ['engagementsDonneurOrdre', true],
    ['duree', true],
    ['revision', true],
    ['confidentialite', true],
    ['communication', true],
    ['pilotage', true],
    ['financement', true],
    ['donnees', true],
    ['annexes', true],
    ['litiges', input.options.articleLitiges],
  ] as const;
}

interface ConventionPartyView extends PartyView {
  presentation: string[];
}

interface SignatureView {
  organisation: string;
  qualite: string;
  nomComplet: string;
  delegation: boolean;
}

export interface ConventionViewModel extends BaseViewModel {
  art: Record<string, string>;
  donneurOrdre: ConventionPartyView;
  structurePorteuse: ConventionPartyView & { territoire: string };
  multiTerritoires: boolean;
  coordinateur: { nomComplet: string; fonction: string; organisme: string; telephone: string; email: string } | false;
  litiges: { juridiction: string } | false;
  interlocuteurs: { donneurOrdre: string; structurePorteuse: string };
  pilotage: { reunions: string };
  financement: { gratuit: boolean; montant: string; modalites: string };
  donnees: { responsable: boolean; sousTraitant: boolean; contact: string; conservation: string };
  annexes: { texte: string; fin: string }[];
  entreeEnVigueur: string;
  durees: {
    initiale: string;
    reconduction: boolean;
    periode: string;
    reconductionsMax: string;
    dureeMax: string;
    preavis: string;
    preavisResiliation: string;
    miseEnDemeure: string;
    avisMotive: string;
  };
  signature: { lieu: string; date: string; exemplaires: string; donneurOrdre: SignatureView; structurePorteuse: SignatureView };
  /** ISO date of signature, for file names. */
  dateIso: string;
}

function signatureView(party: PartyView): SignatureView {
  return { organisation: party.nom, qualite: party.signataire.qualite, nomComplet: party.signataire.nomComplet, delegation: party.delegation };
}

/** "Mme Anne MARTIN, responsable de la commande publique (03 22 …, courriel)". */
function contactText(c: Contact): string {
  return `${fullName({ civilite: c.civilite, prenom: c.prenom, nom: familyName(c.nom) })}, ${typography(c.fonction)} (téléphone\u00A0: ${c.telephone}, courriel\u00A0: ${c.email})`;
}

/** The annexes the convention lists, the data-processing one when the facilitator processes for the buyer. */
function annexList(input: ConventionInput): { texte: string; fin: string }[] {
  const items = [
    'le programme annuel de partenariat, arrêté par le comité de pilotage',
    'le modèle de fiche descriptive du projet d’achat',
    'le modèle de bilan intermédiaire par marché et de bilan annuel',
    ...(input.options.donneesPersonnelles.role === 'sous-traitant' ? ['les clauses relatives au traitement des données personnelles pour le compte du donneur d’ordre'] : []),
  ];
  return items.map((texte, i) => ({ texte: `Annexe ${i + 1}\u00A0: ${texte}`, fin: i === items.length - 1 ? '.' : '\u202F;' }));
}

function isoDate(value: Date | string): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : 'date-a-completer';
}

export function buildConventionViewModel(input: ConventionInput, context: BuildContext): ConventionViewModel {
  const donneurOrdre = { ...partyView(input.donneurOrdre), presentation: paragraphs(input.donneurOrdre.presentation) };
  const structurePorteuse = {
    ...partyView(input.structurePorteuse),
    presentation: paragraphs(input.structurePorteuse.presentation),
    territoire: typography(input.structurePorteuse.territoire),
  };
  const d = input.durees;
  const coord = input.options.coordinateurRegional;
  const signatureDate = input.signature.date as Date | string;
  const year = signatureDate instanceof Date ? signatureDate.getUTCFullYear() : context.now.getUTCFullYear();

  const reference =
    input.reference ??
    `CP-${year}-${initials(input.donneurOrdre.nom) || 'DO'}-${initials(input.structurePorteuse.nom) || 'SP'}`;

  const used = new Set<string>();
  const signatories: [Party, PartyView][] = [
    [input.donneurOrdre, donneurOrdre],
    [input.structurePorteuse, structurePorteuse],
  ];
  const signataires: Signatory[] = signatories.map(([party, view]) => signatoryOf(party, view, used));

  const exemplaires = input.signature.nombreExemplaires;
  return {
    document: {
      titre: `Convention de partenariat – ${donneurOrdre.nom} et ${structurePorteuse.nom}`,
      sujet: 'Développement des achats socialement responsables : clauses sociales d’insertion dans la commande publique',
      auteur: structurePorteuse.nom,
      reference,
      motsCles: ['convention de partenariat', 'clause sociale', 'insertion', 'commande publique', reference],
    },
    brouillon: context.mode === 'draft',
    signataires,
    art: numberArticles(articlePlan(input)),
    donneurOrdre,
    structurePorteuse,
    multiTerritoires: input.options.marchesMultiTerritoires,
    coordinateur:
      input.options.marchesMultiTerritoires && coord
        ? {
            nomComplet: fullName({ civilite: coord.civilite, prenom: coord.prenom, nom: familyName(coord.nom) }),
            fonction: typography(coord.fonction),
            organisme: typography(coord.organisme),
            telephone: coord.telephone,
            email: coord.email,
          }
        : false,
    litiges: input.options.articleLitiges ? { juridiction: typography(input.options.juridiction) } : false,
    interlocuteurs: { donneurOrdre: contactText(input.interlocuteurs.donneurOrdre), structurePorteuse: contactText(input.interlocuteurs.structurePorteuse) },
    pilotage: { reunions: input.options.reunionsComitePilotageParAn === 1 ? 'une fois' : `${numberInWords(input.options.reunionsComitePilotageParAn, { feminine: true })} fois` },
    financement: {
      gratuit: input.options.contributionAnnuelle === undefined,
      montant: input.options.contributionAnnuelle !== undefined ? formatAmount(input.options.contributionAnnuelle) : '',
      modalites: typography(input.options.modalitesContribution ?? 'en une fois, sur présentation du bilan annuel, par mandat administratif'),
    },
    donnees: {
      responsable: input.options.donneesPersonnelles.role === 'responsable',
      sousTraitant: input.options.donneesPersonnelles.role === 'sous-traitant',
      contact: input.options.donneesPersonnelles.contact,
      conservation: `${numberInWords(input.options.donneesPersonnelles.conservationAns)} an${input.options.donneesPersonnelles.conservationAns > 1 ? 's' : ''}`,
    },
    annexes: annexList(input),
    entreeEnVigueur: d.dateEntreeEnVigueur ? `le ${formatDate(d.dateEntreeEnVigueur)}` : 'à la date de sa signature',
    durees: {
      initiale: withDe(formatMonths(d.dureeInitialeMois)),
      reconduction: d.reconductionTacite,
      periode: withDe(formatMonths(d.dureeInitialeMois)),
      reconductionsMax: `${numberInWords(d.reconductionsMax, { feminine: true })} reconduction${d.reconductionsMax > 1 ? 's' : ''}`,
      dureeMax: formatMonths(d.dureeInitialeMois * (d.reconductionsMax + 1)),
      preavis: formatMonths(d.preavisNonReconductionMois),
      preavisResiliation: withDe(formatMonths(d.preavisResiliationMois)),
      miseEnDemeure: withDe(formatMonths(d.delaiMiseEnDemeureMois)),
      avisMotive: withDe(formatDays(d.delaiAvisMotiveJours)),
    },
    signature: {
      lieu: typography(input.signature.lieu),
      date: formatDate(signatureDate),
      exemplaires: originals(exemplaires),
      donneurOrdre: signatureView(donneurOrdre),
      structurePorteuse: signatureView(structurePorteuse),
    },
    dateIso: isoDate(signatureDate),
  };
}
