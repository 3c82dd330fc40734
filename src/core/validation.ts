/**
 * Validation of a document's input against its kind's joi schema, in the two modes:
 *  - final: every required value must be present and no value may be a placeholder left over from
 *    the model ("XXXXX", "Nom du Donneur d'Ordre", "???"…): missing ones give a 422 listing them all;
 *  - draft: missing or placeholder values are allowed and come back as markers placed where the
 *    value would be, naming the field by its labels: "[à compléter : Signature – Date de signature]"
 *    (the `missing` list keeps the fields' paths, for programs).
 * In both modes a value of the wrong type or format, or an unknown field, gives a 400 listing every
 * problem at once. Messages are French and name the field by its label.
 */
import type Joi from 'joi';
import { FieldError, IncompleteDocumentError, InvalidInputError } from './errors.js';
import { checkStructure } from './input-guard.js';
import { describeSchema, markerAt, type SchemaDescription } from './field-names.js';

export type Mode = 'final' | 'draft';
export const MODES: readonly Mode[] = ['final', 'draft'];

export interface ValidationResult<T> {
  /** The converted value (dates as Date, defaults applied); in draft mode missing leaves hold markers. */
  value: T;
  /** Draft mode: the fields shown as "[à compléter]" markers. Empty in final mode. */
  missing: FieldError[];
}

/** Error types meaning "this value is not there yet" rather than "this value is wrong". */
const INCOMPLETE_TYPES = new Set(['any.required', 'any.placeholder', 'array.min', 'array.includesRequiredUnknowns', 'object.missing']);

/** Incomplete values that have a place of their own, where a draft shows a marker. */
const MARKED_TYPES = new Set(['any.required', 'any.placeholder']);

/** Texts left over from the model or typed as "to be completed": never acceptable in a final document. */
const PLACEHOLDER_PATTERNS: RegExp[] = [
  /x{4,}/i,
  /\?{2,}/,
  /_{3,}/,
  /\.{4,}|…{2,}/,
  /^\s*(\.{3}|…)\s*$/,
  /\[\s*à\s+compl[ée]ter/i,
  /^\s*(à|a)\s+compl[ée]ter\s*$/i,
  /^\s*(tbd|todo|n\/a|lorem ipsum.*|adresse|coordonn[ée]es|nom|pr[ée]nom|nom du donneur d[’']o(r)?dre|nom structure porteuse( de la)? clause|structure porteuse de la clause)\s*$/i,
];

export function isPlaceholder(text: string): boolean {
  return PLACEHOLDER_PATTERNS.some((p) => p.test(text));
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function pathOf(segments: (string | number)[]): string {
  return segments.map(String).join('.');
}

/** What clean() collects while it walks the data. */
interface CleanContext {
  placeholders: FieldError[];
  /** Values that can never be written into a document (broken Unicode): a 400. */
  invalid: FieldError[];
  describe: (path: (string | number)[]) => Description | undefined;
}

/** Characters that XML 1.0 forbids, pasted from word processors: replaced by a space. */
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/**
 * A text as it can be written into a document: forbidden control characters become spaces, then
 * trimmed. Returns undefined for a text that holds half of a UTF-16 pair (a lone surrogate), which
 * no document can carry and no replacement can guess.
 */
export function documentText(value: string): string | undefined {
  if (!value.isWellFormed()) return undefined;
  return value.replace(XML_FORBIDDEN, ' ').trim();
}

/** The French message for a text refused by documentText(). */
export function brokenTextMessage(label: string): string {
  return `« ${label} » contient un caractère invalide (un demi-caractère Unicode isolé) : retapez ou recollez ce texte.`;
}

/**
 * Removes empty strings, objects and lists (an empty form field means "not filled") and, where the
 * schema expects a text, placeholders left from the model, which are collected. A placeholder where
 * a number, a date or a section is expected stays, for joi to refuse as a value of the wrong type.
 * The data's shape has been checked (checkStructure), so the recursion is bounded.
 */
function clean(value: unknown, path: (string | number)[], ctx: CleanContext): unknown {
  if (typeof value === 'string') {
    const trimmed = documentText(value);
    if (trimmed === undefined) {
      const label = ctx.describe(path)?.flags?.label;
      ctx.invalid.push({ path: pathOf(path), type: 'string.unicode', message: brokenTextMessage(typeof label === 'string' ? label : String(path[path.length - 1] ?? '')) });
      return undefined;
    }
    if (trimmed === '') return undefined;
    if (isPlaceholder(trimmed) && ctx.describe(path)?.type === 'string') {
      ctx.placeholders.push({
        path: pathOf(path),
        type: 'any.placeholder',
        message: `La valeur « ${trimmed} » est un texte à remplacer du modèle : indiquez la valeur réelle.`,
      });
      return undefined;
    }
    return trimmed;
  }
  if (value instanceof Date) return value;
  if (Array.isArray(value)) {
    const items = value.map((item, i) => clean(item, [...path, i], ctx)).filter((item) => item !== undefined);
    // A list left with nothing filled (blank rows of a form) is not there at all.
    return path.length > 0 && items.length === 0 ? undefined : items;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const cleaned = clean(item, [...path, key], ctx);
      if (cleaned !== undefined) out[key] = cleaned;
    }
    // An object left with nothing filled (an optional section of a form) is not there at all.
    return path.length > 0 && Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}

/** A limit is a number or a reference to another field (joi Reference, with its key). */
function limitText(limit: unknown): string {
  if (limit !== null && typeof limit === 'object' && 'key' in limit) return `la valeur du champ « ${String((limit as { key: unknown }).key)} »`;
  return String(limit);
}

function quote(label: unknown): string {
  return `« ${String(label)} »`;
}

/** The French message of one joi error: names the field by its label and says what is expected. */
export function frenchMessage(detail: Joi.ValidationErrorItem): string {
  const ctx = detail.context ?? {};
  const field = quote(ctx.label ?? ctx.key ?? pathOf(detail.path));
  switch (detail.type) {
    case 'any.required':
      return `${field} est obligatoire.`;
    case 'any.only': {
      const valids = (ctx.valids as unknown[] | undefined)?.map((v) => String(v)).join(', ');
      return `${field} doit valoir l’une des valeurs suivantes : ${valids}.`;
    }
    case 'string.base':
      return `${field} doit être un texte.`;
    case 'string.email':
      return `${field} n’est pas une adresse électronique valide.`;
    case 'string.max':
      return `${field} ne doit pas dépasser ${ctx.limit} caractères.`;
    case 'string.min':
      return `${field} doit compter au moins ${ctx.limit} caractères.`;
    case 'string.pattern.name':
      return `${field} n’a pas le format attendu : ${ctx.name}.`;
    case 'string.pattern.base':
      return `${field} n’a pas le format attendu.`;
    case 'number.base':
      return `${field} doit être un nombre.`;
    case 'number.integer':
      return `${field} doit être un nombre entier.`;
    case 'number.min':
      return `${field} doit être supérieur ou égal à ${ctx.limit}.`;
    case 'number.max':
      return `${field} doit être inférieur ou égal à ${ctx.limit}.`;
    case 'number.less':
      return `${field} doit être inférieur à ${limitText(ctx.limit)}.`;
    case 'number.greater':
      return `${field} doit être supérieur à ${limitText(ctx.limit)}.`;
    case 'number.unsafe':
    case 'number.infinity':
      return `${field} est hors des limites acceptées.`;
    case 'boolean.base':
      return `${field} doit valoir true (oui) ou false (non).`;
    case 'date.base':
    case 'date.format':
      return `${field} doit être une date au format AAAA-MM-JJ.`;
    case 'date.calendar':
      return `${field} : le ${String(ctx.typed)} n’existe pas dans le calendrier.`;
    case 'date.min':
      return `${field} ne peut pas être antérieure à ${String(ctx.limit)}.`;
    case 'date.max':
      return `${field} ne peut pas être postérieure à ${String(ctx.limit)}.`;
    case 'object.base':
      return `${field} doit être un objet JSON (des champs entre accolades).`;
    case 'array.base':
      return `${field} doit être une liste.`;
    case 'array.min':
      return Number(ctx.limit) === 1 ? `${field} doit compter au moins un élément.` : `${field} doit compter au moins ${String(ctx.limit)} éléments.`;
    case 'array.max':
      return `${field} ne peut pas contenir plus de ${ctx.limit} éléments.`;
    case 'object.missing': {
      const peers = (ctx.peers as unknown[] | undefined)?.map(String).join(', ');
      return `${field} : indiquez au moins l’un des champs suivants : ${peers}.`;
    }
    case 'any.unknown':
      return `${field} n’est pas attendu avec les autres choix de cette section.`;
    case 'object.xor': {
      const peers = (ctx.peers as unknown[] | undefined)?.map(String).join(', ');
      return `${field} : indiquez un seul des champs suivants, pas plusieurs : ${peers}.`;
    }
    case 'array.unique':
      return `${field} contient un doublon${ctx.path ? ` : même « ${String(ctx.path)} » qu’un élément précédent` : ''}.`;
    case 'alternatives.types':
    case 'alternatives.match':
      return `${field} n’a pas un type accepté (texte ou nombre attendu).`;
    case 'object.unknown':
      return `Le champ « ${String(ctx.key)} » n’est pas attendu ici.`;
    case 'marche.inconnu':
      return `${field} : ${String(ctx.count)} ligne(s) de suivi citent un marché absent de la liste des marchés : ${String(ctx.list)}.`;
    case 'preavis.duree':
      return `${field} : le préavis de non-reconduction (${String(ctx.preavis)} mois) doit être plus court que la durée de la convention (${String(ctx.duree)} mois).`;
    case 'cpv.division':
      return `${field} : la division ${String(ctx.division)} n’existe pas dans la nomenclature CPV.`;
    case 'ponderation.somme':
      return `${field} : les pondérations des sous-critères totalisent ${String(ctx.total)} % au lieu de 100 %.`;
    case 'siret.invalid':
      return `${field} n’est pas un numéro SIRET valide : 14 chiffres dont le dernier est une clé de contrôle.`;
    default:
      return `${field} n’est pas valide.`;
  }
}

function toFieldError(detail: Joi.ValidationErrorItem, description: Description): FieldError {
  const error: FieldError = { path: pathOf(detail.path), message: frenchMessage(detail), type: detail.type };
  if (detail.type === 'object.unknown') {
    // Say which fields are expected at that level, as a hint for the typo.
    const parent = describeAt(description, detail.path.slice(0, -1));
    const keys = parent?.keys ? Object.keys(parent.keys) : [];
    if (keys.length > 0) error.message += ` Champs attendus : ${keys.join(', ')}.`;
  }
  return error;
}

type Description = SchemaDescription;

/** The description of the field at `path` (list items described by their first item schema). */
function describeAt(description: Description, path: (string | number)[]): Description | undefined {
  let node: Description | undefined = description;
  for (const segment of path) {
    if (!node) return undefined;
    node = node.type === 'array' ? node.items?.[0] : node.keys?.[String(segment)];
  }
  return node;
}

function setAt(target: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let node: Record<string, unknown> = target;
  path.forEach((segment, i) => {
    const key = String(segment);
    if (i === path.length - 1) {
      node[key] = value;
      return;
    }
    if (node[key] === null || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  });
}

const JOI_OPTIONS: Joi.ValidationOptions = { abortEarly: false, convert: true, errors: { wrap: { label: false } } };

/**
 * Validates `input` against `schema` in the given mode; throws InvalidInputError (400) or
 * IncompleteDocumentError (422) listing every problem, or returns the converted value.
 */
export function validate<T>(schema: Joi.ObjectSchema, input: unknown, mode: Mode): ValidationResult<T> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidInputError('Les données doivent être un objet JSON.', [
      { path: '', type: 'object.base', message: 'Les données doivent être un objet JSON (des champs entre accolades).' },
    ]);
  }
  checkStructure(input);
  const description = describeSchema(schema);
  const ctx: CleanContext = { placeholders: [], invalid: [], describe: (path) => describeAt(description, path) };
  const data = clean(input, [], ctx) as Record<string, unknown>;
  const placeholders = ctx.placeholders;

  // Materialise missing objects (and lists) so that joi reports each missing leaf by its own path (the form
  // and the 422 list every field to fill, the draft shows a marker per field); each round goes one
  // level deeper, so this ends after the schema's depth.
  let result = schema.validate(data, JOI_OPTIONS);
  for (let round = 0; round < 16; round++) {
    const missingContainers = (result.error?.details ?? [])
      .filter((d) => d.type === 'any.required')
      .map((d) => ({ path: d.path, type: describeAt(description, d.path)?.type }))
      .filter((d) => d.type === 'object' || d.type === 'array');
    if (missingContainers.length === 0) break;
    for (const d of missingContainers) setAt(data, d.path, d.type === 'array' ? [] : {});
    result = schema.validate(data, JOI_OPTIONS);
  }

  const details = result.error?.details ?? [];
  // A broken text removed by clean() is also reported "required" by joi: keep the first message.
  const brokenPaths = new Set(ctx.invalid.map((e) => e.path));
  const invalid = [
    ...ctx.invalid,
    ...details.filter((d) => !INCOMPLETE_TYPES.has(d.type)).map((d) => toFieldError(d, description)),
  ];
  // A placeholder removed by clean() is also reported "required" by joi: keep the placeholder message.
  const placeholderPaths = new Set([...placeholders.map((p) => p.path), ...brokenPaths]);
  const incomplete = [
    ...placeholders,
    ...details
      .filter((d) => INCOMPLETE_TYPES.has(d.type) && !placeholderPaths.has(pathOf(d.path)))
      .map((d) => toFieldError(d, description)),
  ];
  const byPath = (a: FieldError, b: FieldError) => a.path.localeCompare(b.path);

  if (invalid.length > 0) {
    const all = [...invalid, ...(mode === 'final' ? incomplete : [])].sort(byPath);
    throw new InvalidInputError(`${plural(all.length, 'champ est invalide', 'champs sont invalides')}.`, all);
  }
  if (mode === 'final' && incomplete.length > 0) {
    incomplete.sort(byPath);
    throw new IncompleteDocumentError(
      `Le document ne peut pas être finalisé : ${plural(incomplete.length, 'champ est à compléter', 'champs sont à compléter')}. ` +
        'Complétez-les, ou demandez un projet, où ils seront signalés à compléter.',
      incomplete,
    );
  }

  const value = result.value as Record<string, unknown>;
  for (const error of incomplete.filter((e) => MARKED_TYPES.has(e.type))) {
    const path = error.path.split('.');
    setAt(value, path, markerAt(description, path));
  }
  return { value: value as T, missing: incomplete.sort(byPath) };
}

function plural(n: number, singular: string, pluralText: string): string {
  return `${n} ${n > 1 ? pluralText : singular}`;
}

export type { Json };
