/**
 * View model of the partnership convention: everything the template prints, computed once and
 * shared by every output format (article numbers, cross-references, formatted dates, durations
 * in words, agreements, conditions).
 */
import {
  familyName,
  formatDate,
  formatDays,
  formatMonths,
  fullName,
  guessGender,
  initials,
  numberInWords,
  paragraphs,
  slug,
  typography,
  withDe,
} from '../../core/french.js';
import { isMarker } from '../../core/markers.js';
import { numberArticles } from '../../core/numbering.js';
import type { BaseViewModel, BuildContext, Signatory } from '../../core/kind.js';
import type { Person } from '../../core/fields.js';
import type { ConventionInput, Party } from './schema.js';

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
    ['litiges', input.options.articleLitiges],
  ] as const;
}

interface PersonView {
  nomComplet: string;
  qualite: string;
}

interface PartyView {
  nom: string;
  formeJuridique: string;
  adresse: string;
  siret: string;
  represente: string;
  denomme: string;
  representant: PersonView;
  delegation: boolean;
  signataire: PersonView;
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
  donneurOrdre: PartyView;
  structurePorteuse: PartyView & { territoire: string };
  multiTerritoires: boolean;
  coordinateur: { nomComplet: string; fonction: string; organisme: string; telephone: string; email: string } | false;
  litiges: { juridiction: string } | false;
  entreeEnVigueur: string;
  durees: { initiale: string; reconduction: boolean; periode: string; preavis: string; miseEnDemeure: string; avisMotive: string };
  signature: { lieu: string; date: string; exemplaires: string; donneurOrdre: SignatureView; structurePorteuse: SignatureView };
  /** ISO date of signature, for file names. */
  dateIso: string;
}

function personView(p: Person): PersonView {
  return { nomComplet: fullName({ civilite: p.civilite, prenom: p.prenom, nom: familyName(p.nom) }), qualite: typography(p.qualite) };
}

function addressLine(party: Party): string {
  const a = party.adresse;
  return typography([a.ligne1, a.ligne2, `${a.codePostal} ${a.commune}`].filter(Boolean).join(', '));
}

function partyView(party: Party): PartyView {
  const feminine = (party.genre ?? (isMarker(party.nom) ? 'masculin' : guessGender(party.nom))) === 'feminin';
  const representant = personView(party.representant);
  return {
    nom: typography(party.nom),
    formeJuridique: party.formeJuridique ? typography(party.formeJuridique) : '',
    adresse: addressLine(party),
    siret: party.siret ? party.siret.replace(/^(\d{3})(\d{3})(\d{3})(\d{5})$/, '$1 $2 $3 $4').replace(/ /g, '\u00A0') : '',
    represente: feminine ? 'représentée' : 'représenté',
    denomme: feminine ? 'dénommée' : 'dénommé',
    representant,
    delegation: Boolean(party.signataire),
    signataire: party.signataire ? personView(party.signataire) : representant,
    presentation: paragraphs(party.presentation),
  };
}

function signatureView(party: PartyView): SignatureView {
  return { organisation: party.nom, qualite: party.signataire.qualite, nomComplet: party.signataire.nomComplet, delegation: party.delegation };
}

/** PDF form field name of a signatory: "Signature_Anne_MARTIN" (ASCII, no dots). */
function fieldName(person: Person, used: Set<string>): string {
  const given = slug(person.prenom)
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('_');
  const base = `Signature_${given}_${slug(person.nom).replace(/-/g, '_').toUpperCase()}`;
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
  used.add(name);
  return name;
}

function isoDate(value: Date | string): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : 'date-a-completer';
}

export function buildConventionViewModel(input: ConventionInput, context: BuildContext): ConventionViewModel {
  const donneurOrdre = partyView(input.donneurOrdre);
  const structurePorteuse = { ...partyView(input.structurePorteuse), territoire: typography(input.structurePorteuse.territoire) };
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
  const signataires: Signatory[] = signatories.map(([party, view]) => ({
    champ: fieldName(party.signataire ?? party.representant, used),
    nom: view.signataire.nomComplet,
    qualite: view.signataire.qualite,
    organisation: view.nom,
  }));

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
    litiges: input.options.articleLitiges ? { juridiction: typography(input.options.juridiction ?? '') } : false,
    entreeEnVigueur: d.dateEntreeEnVigueur ? `le ${formatDate(d.dateEntreeEnVigueur)}` : 'à la date de sa signature',
    durees: {
      initiale: withDe(formatMonths(d.dureeInitialeMois)),
      reconduction: d.reconductionTacite,
      periode: withDe(formatMonths(d.dureeInitialeMois)),
      preavis: formatMonths(d.preavisNonReconductionMois),
      miseEnDemeure: withDe(formatMonths(d.delaiMiseEnDemeureMois)),
      avisMotive: withDe(formatDays(d.delaiAvisMotiveJours)),
    },
    signature: {
      lieu: typography(input.signature.lieu),
      date: formatDate(signatureDate),
      exemplaires: `${numberInWords(exemplaires)} exemplaire${exemplaires > 1 ? 's' : ''} origina${exemplaires > 1 ? 'ux' : 'l'}`,
      donneurOrdre: signatureView(donneurOrdre),
      structurePorteuse: signatureView(structurePorteuse),
    },
    dateIso: isoDate(signatureDate),
  };
}
