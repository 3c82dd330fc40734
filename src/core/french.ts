/**
 * French formatting shared by every document kind: dates, amounts, numbers in words, roman
 * numerals, durations and typography (non-breaking spaces, apostrophes, guillemets).
 * Pure functions; in draft mode any value may be a "[à compléter : …]" marker, which every
 * formatter passes through unchanged.
 */
import writtenNumber from 'written-number';
import { isMarker } from './markers.js';

/** U+00A0 no-break space: before ":" and inside « ». */
export const NBSP = '\u00A0';
/** U+202F narrow no-break space: before ";", "!", "?" and as thousands separator. */
export const NNBSP = '\u202F';

const dateFormat = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const amountFormat = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
const numberFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });

/** "25 novembre 2026", "1er mars 2027". Dates are calendar dates: read and printed in UTC. */
export function formatDate(value: Date | string): string {
  if (isMarker(value)) return value as string;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not a date: ${String(value)}`);
  const text = dateFormat.format(date).replace(/ /g, NBSP);
  return date.getUTCDate() === 1 ? text.replace(/^1(?=\u00A0)/, '1er') : text;
}

/** "1 234 567,89 €" with narrow no-break spaces as group separator and a no-break space before €. */
export function formatAmount(value: number | string): string {
  if (isMarker(value)) return value as string;
  return amountFormat.format(Number(value));
}

/** "1 234,5" */
export function formatNumber(value: number | string): string {
  if (isMarker(value)) return value as string;
  return numberFormat.format(Number(value));
}

/** 1 → "un", 21 → "vingt et un", 80 → "quatre-vingts". */
/** A size in bytes as a French reader says it: "32 Ko", "20 Mo", "1,5 Go" (1 Ko = 1 024 octets). */
export function formatSize(bytes: number): string {
  const units = ['octets', 'Ko', 'Mo', 'Go'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${formatNumber(Math.round(value * 10) / 10)}\u00A0${units[unit]}`;
}

export function numberInWords(value: number, options: { feminine?: boolean } = {}): string {
  const words = writtenNumber(value, { lang: 'fr' });
  return options.feminine && /(^|[ -])un$/.test(words) ? `${words}e` : words;
}

/** 1 → "premier", 2 → "deuxième", 21 → "vingt et unième": the rank of an alinéa or a lot. */
export function ordinal(value: number, options: { feminine?: boolean } = {}): string {
  if (value === 1) return options.feminine ? 'première' : 'premier';
  const words = numberInWords(value);
  if (/cinq$/.test(words)) return `${words}uième`;
  if (/neuf$/.test(words)) return `${words.slice(0, -1)}vième`;
  return `${words.replace(/vingts$/, 'vingt').replace(/e$/, '')}ième`;
}

/** Roman numeral of 1..3999: the numbering of articles. */
export function romanNumeral(value: number): string {
  if (!Number.isInteger(value) || value < 1 || value > 3999) throw new RangeError(`No roman numeral for ${value}`);
  const table: [number, string][] = [
    [1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'],
    [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I'],
  ];
  let rest = value;
  let out = '';
  for (const [n, symbol] of table) {
    while (rest >= n) {
      out += symbol;
      rest -= n;
    }
  }
  return out;
}

/** 12 → "un an", 24 → "deux ans", 18 → "dix-huit mois", 3 → "trois mois". */
export function formatMonths(months: number): string {
  if (months % 12 === 0) {
    const years = months / 12;
    return `${numberInWords(years)} an${years > 1 ? 's' : ''}`;
  }
  return `${numberInWords(months)} mois`;
}

/** 15 → "quinze jours", 1 → "un jour". */
export function formatDays(days: number): string {
  return `${numberInWords(days)} jour${days > 1 ? 's' : ''}`;
}

/** "d’un an", "de trois mois": the French elision of "de" before a vowel. */
export function withDe(phrase: string): string {
  return /^(?!huit|onze)[aeiouyéèêàâîôûh]/i.test(phrase) ? `d’${phrase}` : `de ${phrase}`;
}

/**
 * French typography for free text typed by users: typographic apostrophe, no-break spaces before
 * high punctuation and inside guillemets, "<<"/">>" and straight quotes turned into « ». URLs and
 * times ("12:30") are left alone because only an existing space before ":" is replaced.
 */
export function typography(text: string): string {
  if (isMarker(text)) return text;
  return text
    .replace(/(\p{L})'(?=\p{L})/gu, '$1’')
    .replace(/<<\s*/g, `«${NBSP}`)
    .replace(/\s*>>/g, `${NBSP}»`)
    .replace(/(^|[\s(])"(\S[^"]*?\S|\S)"(?=$|[\s.,;:!?)])/gu, `$1«${NBSP}$2${NBSP}»`)
    .replace(/«[ \u00A0\u202F]*/g, `«${NBSP}`)
    .replace(/[ \u00A0\u202F]*»/g, `${NBSP}»`)
    .replace(/[ \u00A0\u202F]+:/g, `${NBSP}:`)
    .replace(/[ \u00A0\u202F]*([;!?])(?=\s|$)/g, `${NNBSP}$1`)
    .replace(/(\d)[ \u00A0](?=(%|€)(\s|$|[.,;)]))/g, `$1${NBSP}`)
    // Article numbers and numbers stay with what announces them: "L. 2112-2", "n° 3".
    .replace(/(^|[^\p{L}])([LRD]\.|n°|art\.) (?=\d)/gu, `$1$2${NBSP}`);
}

/** Splits a text typed in a textarea into paragraphs (blank line or line break separated), each typographed. */
export function paragraphs(text: string | undefined): string[] {
  if (!text) return [];
  if (isMarker(text)) return [text];
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map(typography);
}

/** "Mme Anne Martin": civility, first name and name, without empty parts. */
export function fullName(person: { civilite?: string; prenom?: string; nom: string }): string {
  return [person.civilite, person.prenom, person.nom].filter((p) => p && p.length > 0).join(' ');
}

/** ASCII slug for file names: "Communauté de communes" → "communaute-de-communes". */
export function slug(text: string, maxLength = 60): string {
  const s = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (s.length <= maxLength) return s || 'document';
  const cut = s.slice(0, maxLength + 1);
  const lastDash = cut.lastIndexOf('-');
  return (lastDash > maxLength / 2 ? cut.slice(0, lastDash) : s.slice(0, maxLength)).replace(/-+$/, '');
}

const FEMININE_HEADS = new Set(
  (
    'communauté commune ville métropole eurométropole région agglomération association maison mission société ' +
    'direction université collectivité caisse chambre agence préfecture fédération union régie structure ' +
    'entreprise école académie cité fondation mutuelle coopérative mairie sem spl sempl'
  ).split(' '),
);

/**
 * Grammatical gender of an organisation's name, for agreements such as "représentée": an explicit
 * article decides ("La …", "Le …"), otherwise the head noun ("Communauté de communes …": feminine).
 */
export function guessGender(name: string): 'masculin' | 'feminin' {
  const words = name.trim().toLowerCase().split(/[\s’']+/);
  if (words[0] === 'la') return 'feminin';
  if (words[0] === 'le' || words[0] === 'les') return 'masculin';
  const head = words[0] === 'l' ? words[1] : words[0];
  return head && FEMININE_HEADS.has(head) ? 'feminin' : 'masculin';
}

/** Heads of organisation names that take the masculine article. */
const MASCULINE_HEADS = new Set(
  (
    'département conseil syndicat centre établissement office groupement plie pôle service comité institut ministère ' +
    'gip geiq territoire pays bailleur réseau cabinet secrétariat etablissement'
  ).split(' '),
);

/**
 * An organisation's name with the article French puts before it: "la Communauté de communes…",
 * "l’Agglomération…", "le PLIE du Santerre". A name that already starts with an article, or whose
 * head is not a common noun ("Péronne Habitat", "Bâtiments du Santerre SAS"), is left as it is.
 */
export function withArticle(name: string, gender?: 'masculin' | 'feminin'): string {
  if (isMarker(name)) return name;
  const words = name.trim().toLowerCase().split(/[\s’']+/);
  const head = words[0] ?? '';
  if (['la', 'le', 'les', 'l'].includes(head)) return name;
  if (!FEMININE_HEADS.has(head) && !MASCULINE_HEADS.has(head)) return name;
  if (/^[aeiouyéèêâîôûh]/i.test(name.trim())) return `l’${name.trim()}`;
  return `${(gender ?? guessGender(name)) === 'feminin' ? 'la' : 'le'} ${name.trim()}`;
}

/** The first letter in capital: "La Communauté de communes…" at the start of a sentence. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Upper-cases a family name, as French administrative documents print it ("Anne MARTIN"). */
export function familyName(name: string): string {
  return isMarker(name) ? name : name.toLocaleUpperCase('fr-FR');
}

/** Initials of the significant words of a name: "Communauté de communes des Trois Vallées" → "CCTV". */
export function initials(name: string, max = 6): string {
  const stop = new Set(['de', 'des', 'du', 'la', 'le', 'les', 'l', 'd', 'et', 'en', 'à', 'au', 'aux', 'pour']);
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[\s’'\-]+/)
    .filter((w) => w.length > 0 && !stop.has(w.toLowerCase()))
    .map((w) => w[0]!.toUpperCase())
    .join('')
    .replace(/[^A-Z0-9]/g, '')
    .slice(0, max);
}
