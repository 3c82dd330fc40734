/**
 * The parties of the partnership convention and of every document that follows from it (avenant,
 * letters): their schema, their printed form (agreements, full names, address line) and the
 * signatories. Shared by the kinds; no kind-specific wording here.
 */
import Joi from 'joi';
import { address, choices, count, date, email, longText, person, phone, siret, text, type Address, type Person } from '../../core/fields.js';
import { capitalize, familyName, formatDate, fullName, guessGender, numberInWords, slug, typography, withArticle } from '../../core/french.js';
import { isMarker } from '../../core/markers.js';
import type { Signatory } from '../../core/kind.js';

export const GENRES = ['masculin', 'feminin'] as const;
export const GENRE_LABELS: Record<(typeof GENRES)[number], string> = {
  masculin: 'Masculin (« représenté »)',
  feminin: 'Féminin (« représentée »)',
};

export interface Party {
  nom: string;
  genre?: (typeof GENRES)[number];
  formeJuridique?: string;
  adresse: Address;
  siret?: string;
  telephone?: string;
  email?: string;
  representant: Person;
  signataire?: Person;
  presentation?: string;
  territoire?: string;
  habilitation?: string;
}

export interface PartyOptions {
  /** The document states by which act the signatory may sign: required (true), or offered ('optional'). */
  habilitation?: boolean | 'optional';
  /** The convention's preamble presents each party. */
  presentation?: boolean;
  /** The facilitator's territory of intervention. */
  territory?: boolean;
}

export const partySchema = (label: string, options: PartyOptions = {}) =>
  Joi.object({
    nom: text('Nom', 200).required(),
    genre: Joi.string()
      .valid(...GENRES)
      .label('Genre grammatical du nom')
      .meta(choices(GENRE_LABELS))
      .description('Accorde « représenté » ou « représentée ». Déduit du nom quand il est absent (« Communauté… » : féminin).'),
    formeJuridique: text('Forme juridique', 200).description('Par exemple : établissement public de coopération intercommunale, association loi 1901.'),
    adresse: address('Adresse du siège').required(),
    siret: siret(),
    telephone: phone('Téléphone (en-tête des courriers)'),
    email: email('Adresse électronique (en-tête des courriers)'),
    representant: person('Représentant légal').required(),
    signataire: person('Signataire par délégation').description(
      'À remplir seulement si le document est signé par une autre personne que le représentant légal, par délégation.',
    ),
    // Required in the convention; elsewhere accepted and unused, so that a party of the convention's
    // data can be pasted as it is into the documents that follow it.
    presentation: options.presentation
      ? longText('Présentation (préambule)').required().description('Un paragraphe par ligne.')
      : longText('Présentation (préambule)').meta({ hidden: true }),
    territoire: options.territory ? text('Territoire d’intervention', 500).required() : text('Territoire d’intervention', 500).meta({ hidden: true }),
    habilitation: options.habilitation
      ? (options.habilitation === true ? text('Acte qui habilite le signataire', 300).required() : text('Acte qui habilite le signataire', 300)).description(
          'Par exemple : la délibération du conseil communautaire n° 2026-081 du 18 septembre 2026, ou la décision de délégation du 2 janvier 2026.',
        )
      : text('Acte qui habilite le signataire', 300).meta({ hidden: true }),
  }).label(label);

export interface PersonView {
  nomComplet: string;
  qualite: string;
}

export interface PartyView {
  nom: string;
  /** "la Maison de l’emploi…", in the middle of a sentence. */
  avecArticle: string;
  /** "La Maison de l’emploi…", starting a sentence. */
  sujet: string;
  formeJuridique: string;
  adresse: string;
  adresseLignes: string[];
  siret: string;
  telephone: string;
  email: string;
  represente: string;
  denomme: string;
  /** "e" for a feminine name: the agreement of past participles (« saisie »). */
  accord: string;
  representant: PersonView;
  delegation: boolean;
  signataire: PersonView;
  /** "habilitée à signer … par la délibération …", or "" when the act is not given. */
  habilitation: string;
}

export function personView(p: Person): PersonView {
  return { nomComplet: fullName({ civilite: p.civilite, prenom: p.prenom, nom: familyName(p.nom) }), qualite: typography(p.qualite) };
}

/** `signed`: the document the habilitation is for ("la présente convention", "le présent avenant"). */
export function partyView(party: Party, signed = 'la présente convention'): PartyView {
  const feminine = (party.genre ?? (isMarker(party.nom) ? 'masculin' : guessGender(party.nom))) === 'feminin';
  const representant = personView(party.representant);
  const a = party.adresse;
  const lines = [a.ligne1, a.ligne2, `${a.codePostal} ${a.commune}`].filter(Boolean).map((l) => typography(String(l)));
  const nom = typography(party.nom);
  const avecArticle = withArticle(nom, feminine ? 'feminin' : 'masculin');
  return {
    nom,
    avecArticle,
    sujet: capitalize(avecArticle),
    formeJuridique: party.formeJuridique ? typography(party.formeJuridique) : '',
    adresse: lines.join(', '),
    adresseLignes: lines,
    siret: party.siret ? party.siret.replace(/^(\d{3})(\d{3})(\d{3})(\d{5})$/, '$1 $2 $3 $4').replace(/ /g, '\u00A0') : '',
    telephone: party.telephone ?? '',
    email: party.email ?? '',
    represente: feminine ? 'représentée' : 'représenté',
    denomme: feminine ? 'dénommée' : 'dénommé',
    accord: feminine ? 'e' : '',
    representant,
    delegation: Boolean(party.signataire),
    signataire: party.signataire ? personView(party.signataire) : representant,
    habilitation: party.habilitation
      ? `${(party.signataire ?? party.representant).civilite === 'Mme' ? 'habilitée' : 'habilité'} à signer ${signed} par ${typography(party.habilitation)}`
      : '',
  };
}

/** PDF form field name of a signatory: "Signature_Anne_MARTIN" (ASCII, no dots), unique in `used`. */
export function fieldName(person: Person, used: Set<string>): string {
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

/** The signatory of a party: its delegate if any, else its legal representative. */
export function signatoryOf(party: Party, view: PartyView, used: Set<string>): Signatory {
  return { champ: fieldName(party.signataire ?? party.representant, used), nom: view.signataire.nomComplet, qualite: view.signataire.qualite, organisation: view.nom };
}

/** The signature block of a letter: "Pour la Maison de l’emploi…", the quality (and the delegation), the name. */
export function letterSignature(signatory: Signatory, sender: PartyView): { nomComplet: string; qualite: string; organisation: string } {
  return { nomComplet: signatory.nom, qualite: sender.delegation ? `${signatory.qualite}, par délégation` : signatory.qualite, organisation: sender.avecArticle };
}

/** "Madame la Directrice générale", "Monsieur le Président": how a letter addresses a person. */
export function salutation(p: Person): string {
  const quality = isMarker(p.qualite) ? p.qualite : typography(p.qualite);
  const vowel = /^[aeiouyéèêàâîôûh]/i.test(quality);
  if (p.civilite === 'Mme') return `Madame ${vowel ? 'l’' : 'la '}${quality}`;
  if (p.civilite === 'M.') return `Monsieur ${vowel ? 'l’' : 'le '}${quality}`;
  return `Madame, Monsieur`;
}

export interface Letter {
  lieu: string;
  date: Date;
  reference?: string;
  votreReference?: string;
  affaireSuiviePar?: string;
}

export const letterSchema = () =>
  Joi.object({
    lieu: text('Lieu d’envoi', 100).required(),
    date: date('Date du courrier').required(),
    reference: text('Notre référence (N/Réf.)', 60),
    votreReference: text('Votre référence (V/Réf.)', 60),
    affaireSuiviePar: text('Affaire suivie par', 300).description('Nom, fonction, téléphone et courriel de la personne qui suit le dossier.'),
  })
    .label('Courrier')
    .required();

export interface LetterView {
  lieu: string;
  date: string;
  reference: string;
  votreReference: string;
  affaireSuiviePar: string;
}

/** The place, date and references of a letter, as its heading prints them. */
export function letterView(letter: Letter): LetterView {
  return {
    lieu: typography(letter.lieu),
    date: formatDate(letter.date),
    reference: letter.reference ?? '',
    votreReference: letter.votreReference ?? '',
    affaireSuiviePar: letter.affaireSuiviePar ? typography(letter.affaireSuiviePar) : '',
  };
}

export function isoDay(value: Date | string): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : 'date-a-completer';
}

/** Place, date and number of originals of a document signed by the parties. */
export const signingSchema = () =>
  Joi.object({
    lieu: text('Lieu de signature', 100).required(),
    date: date('Date de signature').required(),
    nombreExemplaires: count('Nombre d’exemplaires originaux', 1, 10).default(2),
  })
    .label('Signature')
    .required();

/** "deux exemplaires originaux", "un exemplaire original". */
export function originals(copies: number): string {
  return `${numberInWords(copies)} exemplaire${copies > 1 ? 's' : ''} origina${copies > 1 ? 'ux' : 'l'}`;
}
