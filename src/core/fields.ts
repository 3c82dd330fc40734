/**
 * Reusable joi building blocks with French labels: the vocabulary shared by every document kind
 * (parties, people, addresses, contacts). Required-ness is explicit (`.required()`); a label is
 * set on every field because it names the field in error messages, in the web form and, as
 * "title", in the published JSON Schema.
 */
import Joi from 'joi';

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
export function noticeShorterThanDuration(value: { dureeInitialeMois?: number; preavisNonReconductionMois?: number }, helpers: Joi.CustomHelpers) {
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

/** A natural person acting for an organisation: civility, names and title ("qualité"). */
export const person = (label: string) =>
  Joi.object({
    civilite: Joi.string().valid(...CIVILITES).label('Civilité'),
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
