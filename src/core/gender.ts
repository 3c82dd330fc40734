/**
 * The grammatical gender a form may propose: the civility of a person from the title (« qualité »,
 * « fonction ») typed for them, and the masculine or feminine of a civility. Pure functions: what
 * they return is a proposal that the user sees before it is used (see src/web/proposals.ts).
 *
 * The title's words are read up to its first preposition (« Directrice générale des services » is
 * read « directrice générale »); the first word that tells a gender decides: a known word
 * (« maire », « secrétaire », « responsable », « chef » tell none), else its ending (« -trice »,
 * « -euse », « -ière », « -ienne », « -ante », « -ente », « -ée », « -ale », « -ointe » are
 * feminine; « -teur », « -eur », « -ier », « -ien », « -ant », « -ent », « -é », « -al »,
 * « -oint » masculine). « Secrétaire générale » is feminine by its adjective, « Maire » alone
 * tells nothing. public/formulaire.js proposes the same in the browser: keep both in step.
 */

export type Civility = 'M.' | 'Mme';
export type Gender = 'masculin' | 'feminin';

/** Words after which the title names something else (« chargée de mission », « adjoint au maire »). */
const STOP_WORDS = new Set(['de', 'du', 'des', 'd', 'à', 'a', 'au', 'aux', 'en', 'pour', 'par', 'sur', 'chez', 'et', 'ou', 'dans', 'auprès']);

/** Words of either gender, or that tell none, whatever their ending. */
const NEUTRAL_WORDS = new Set(
  (
    'maire secrétaire ministre responsable membre juge architecte comptable gestionnaire notaire chef vice sous co ' +
    'interim intérim dgs dga drh daf'
  ).split(' '),
);

const FEMININE_WORDS = new Set(['la', 'cheffe', 'madame', 'mme', 'première', 'élue', 'docteure', 'professeure', 'ingénieure', 'autrice']);
const MASCULINE_WORDS = new Set(['le', 'monsieur', 'premier', 'élu']);

const FEMININE_ENDINGS = ['trice', 'euse', 'ière', 'ère', 'ienne', 'enne', 'ante', 'ente', 'ée', 'ale', 'ointe', 'ive', 'elle', 'eure'];
const MASCULINE_ENDINGS = ['teur', 'eur', 'ier', 'ien', 'ant', 'ent', 'é', 'al', 'oint', 'if', 'el'];

function wordGender(word: string): Gender | undefined {
  if (FEMININE_WORDS.has(word)) return 'feminin';
  if (MASCULINE_WORDS.has(word)) return 'masculin';
  if (word.length < 3 || NEUTRAL_WORDS.has(word)) return undefined;
  if (FEMININE_ENDINGS.some((e) => word.endsWith(e))) return 'feminin';
  if (MASCULINE_ENDINGS.some((e) => word.endsWith(e))) return 'masculin';
  return undefined;
}

/** The words of a title that may tell its gender, lower case, hyphenated words split (« vice-présidente »). */
function titleWords(title: string): string[] {
  const words = title
    .normalize('NFC')
    .toLowerCase()
    .replace(/[’']/g, ' ')
    .split(/[\s\u00A0\u202F,;:()./]+/)
    .filter(Boolean);
  const kept: string[] = [];
  for (const word of words) {
    if (STOP_WORDS.has(word)) break;
    kept.push(...word.split('-').filter(Boolean));
  }
  return kept;
}

/** The gender a title tells (« Directrice générale »: feminine), or undefined when it tells none (« Maire »). */
export function genderFromTitle(title: string | undefined | null): Gender | undefined {
  if (typeof title !== 'string' || title.trim() === '' || title.includes('{{')) return undefined;
  for (const word of titleWords(title)) {
    const gender = wordGender(word);
    if (gender) return gender;
  }
  return undefined;
}

/** The civility a title proposes: « Présidente » → « Mme », « Directeur » → « M. », « Maire » → none. */
export function civilityFromTitle(title: string | undefined | null): Civility | undefined {
  const gender = genderFromTitle(title);
  return gender === 'feminin' ? 'Mme' : gender === 'masculin' ? 'M.' : undefined;
}

/** The grammatical gender of a civility: « Mme » → feminine, « M. » → masculine. */
export function genderFromCivility(civility: string | undefined | null): Gender | undefined {
  if (civility === 'Mme') return 'feminin';
  if (civility === 'M.') return 'masculin';
  return undefined;
}
