/**
 * Reusable joi building blocks with French labels: the vocabulary shared by every document kind
 * (parties, people, addresses, contacts). Required-ness is explicit (`.required()`); a label is
 * set on every field because it names the field in error messages, in the web form and, as
 * "title", in the published JSON Schema.
 */
import BaseJoi from 'joi';

/**
 * How a field stores a percentage: `fraction` stores « 5 % » as 0.05 (a rate from 0 to 1),
 * `points` as 5 (a number of percent). Given with `.meta(percent('fraction'))`; a number field
 * without it refuses a « % » sign.
 */
export type PercentKind = 'fraction' | 'points';
export const percent = (kind: PercentKind) => ({ percent: kind });

const SPACES = '[\\s\\u00A0\\u202F]';
const FRENCH_NUMBER = new RegExp(`^([+-]?)(\\d{1,3}(?:${SPACES}\\d{3})+|\\d*)(?:[.,](\\d+))?(?:${SPACES}*(%|€|h))?$`);

/**
 * A number as a French user types it: « 1 200 000 », « 1 200 000,50 », « 12,5 », « 0,05 »,
 * « 5 % », « 35 h », « 1 200 € » (thousands separated by spaces, no-break or narrow no-break
 * spaces, decimal comma or point). « 5 % » gives 0.05 for a `fraction` field and 5 for a `points`
 * field; a percent sign is refused elsewhere. Undefined when the text is not such a number.
 */
export function parseFrenchNumber(text: string, percentKind?: PercentKind): number | undefined {
  const match = FRENCH_NUMBER.exec(text.trim());
  if (!match) return undefined;
  const [, sign, whole = '', decimals, unit] = match;
  if (whole === '' && decimals === undefined) return undefined;
  if (unit === '%' && !percentKind) return undefined;
  const value = Number(`${sign}${whole.replace(new RegExp(SPACES, 'g'), '') || '0'}.${decimals ?? '0'}`);
  return unit === '%' && percentKind === 'fraction' ? Number((value / 100).toPrecision(12)) : value;
}

const percentOf = (schema: BaseJoi.Schema): PercentKind | undefined =>
  ((schema.$_terms.metas ?? []) as Record<string, unknown>[]).find((m) => 'percent' in m)?.percent as PercentKind | undefined;

/**
 * joi whose numbers also read French text (see parseFrenchNumber), for the web form and the JSON
 * API alike. Schemas build their number fields from it.
 */
export const Joi = BaseJoi.extend((joi: BaseJoi.Root) => ({
  type: 'number',
  base: joi.number(),
  coerce: {
    from: 'string',
    method(value: string, helpers: BaseJoi.CustomHelpers) {
      const parsed = parseFrenchNumber(value, percentOf(helpers.schema));
      // Not French: joi's own reading of numbers, then its error naming the field.
      return parsed === undefined ? { value } : { value: parsed };
    },
  },
})) as typeof BaseJoi;

/**
 * SIRET: 14 digits whose Luhn sum is a multiple of 10. La Poste's establishments (SIREN 356000000)
 * are numbered past what the Luhn key allows: for them a digit sum multiple of 5 is also valid.
 */
export function isValidSiret(value: string): boolean {
  if (!/^\d{14}$/.test(value)) return false;
  if (value.startsWith('356000000') && [...value].reduce((sum, d) => sum + Number(d), 0) % 5 === 0) return true;
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let digit = Number(value[13 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * Object-level rule: the non-renewal notice must be shorter than the duration, defaults included
 * (joi does not check a default value against the field's own rules).
 */
export function noticeShorterThanDuration(value: { dureeInitialeMois?: number; preavisNonReconductionMois?: number }, helpers: BaseJoi.CustomHelpers) {
  const { dureeInitialeMois: d, preavisNonReconductionMois: p } = value;
  return typeof d === 'number' && typeof p === 'number' && p >= d ? helpers.error('preavis.duree', { preavis: p, duree: d }) : value;
}

export const text = (label: string, max = 300) => Joi.string().trim().max(max).label(label);

/** A multi-line text typed in a textarea; paragraphs are separated by line breaks. */
export const longText = (label: string, max = 5000) =>
  Joi.string().trim().max(max).label(label).meta({ widget: 'textarea' });

export const siret = (label = 'SIRET') =>
  Joi.string()
    .replace(/[\s.]/g, '')
    .label(label)
    .custom((value: string, helpers) => (isValidSiret(value) ? value : helpers.error('siret.invalid')))
    .meta({ example: '13002526500013' });

export const email = (label = 'Adresse électronique') =>
  Joi.string().trim().email({ tlds: false }).max(254).label(label).meta({ inputType: 'email' });

export const phone = (label = 'Téléphone') =>
  Joi.string()
    .trim()
    .pattern(/^(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}$/, 'un numéro français à dix chiffres, par exemple 03 22 84 00 00')
    .label(label)
    .meta({ inputType: 'tel' });

/**
 * A calendar date "yyyy-mm-dd". JavaScript would read 30 February as 2 March: a day that does not
 * exist in the calendar is refused.
 */
export const date = (label: string) =>
  Joi.date()
    .iso()
    .custom((value: Date, helpers) => {
      const original = helpers.original as unknown;
      const typed = typeof original === 'string' ? /^(\d{4}-\d{2}-\d{2})/.exec(original)?.[1] : undefined;
      return typed && typed !== value.toISOString().slice(0, 10) ? helpers.error('date.calendar', { typed }) : value;
    })
    .label(label)
    .meta({ inputType: 'date' });

export const count = (label: string, min: number, max: number) => Joi.number().integer().min(min).max(max).label(label);

export const flag = (label: string) => Joi.boolean().label(label).meta({ widget: 'checkbox' });

export const CIVILITES = ['M.', 'Mme'] as const;

/**
 * The French label of each code of a closed list, shown in the web form's drop-downs (the value
 * sent stays the code). A schema gives it with `.meta(choices(LABELS))`.
 */
export type ChoiceLabels<T extends string> = Record<T, string>;
export const choices = <T extends string>(labels: ChoiceLabels<T>) => ({ choices: labels as Record<string, string> });

export const CIVILITE_LABELS: ChoiceLabels<(typeof CIVILITES)[number]> = { 'M.': 'Monsieur', Mme: 'Madame' };

/** A civility: "M." or "Mme", shown as "Monsieur" / "Madame". */
export const civility = (label = 'Civilité') => Joi.string().valid(...CIVILITES).label(label).meta(choices(CIVILITE_LABELS));

/** A natural person acting for an organisation: civility, names and title ("qualité"). */
export const person = (label: string) =>
  Joi.object({
    civilite: civility(),
    prenom: text('Prénom', 100).required(),
    nom: text('Nom', 100).required(),
    qualite: text('Qualité (fonction)', 200).required(),
  }).label(label);

export const address = (label = 'Adresse') =>
  Joi.object({
    ligne1: text('Adresse (numéro et voie)', 200).required(),
    ligne2: text('Complément d’adresse', 200),
    codePostal: Joi.string()
      .trim()
      .pattern(/^(?:0[1-9]|[1-8]\d|9[0-8])\d{3}$/, 'cinq chiffres, par exemple 80200')
      .label('Code postal')
      .required(),
    commune: text('Commune', 100).required(),
  }).label(label);

export interface Person {
  civilite?: (typeof CIVILITES)[number];
  prenom: string;
  nom: string;
  qualite: string;
}

export interface Address {
  ligne1: string;
  ligne2?: string;
  codePostal: string;
  commune: string;
}
