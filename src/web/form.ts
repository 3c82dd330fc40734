/**
 * The web form of a kind, derived from its joi schema: one fieldset per object (a section per
 * party, the options, the signature...), one input per field with its French label, its help text
 * and, after a refused submission, its error message. Adding a kind needs no form code.
 */
import type Joi from 'joi';
import type { FieldError } from '../core/errors.js';
import { joinNames, listItemName } from '../core/field-names.js';
import { typography } from '../core/french.js';

interface Description {
  type?: string;
  items?: Description[];
  flags?: { label?: string; description?: string; presence?: string; default?: unknown; only?: boolean };
  keys?: Record<string, Description>;
  allow?: unknown[];
  rules?: { name: string; args?: { limit?: number } }[];
  metas?: Record<string, unknown>[];
  whens?: unknown[];
}

export interface FormOption {
  value: string;
  label: string;
  selected: boolean;
}

export interface FormField {
  id: string;
  /** A checkbox whose default is "yes" sends "false" when unticked (a hidden field before it). */
  falseWhenUnticked: boolean;
  name: string;
  label: string;
  help: string;
  required: boolean;
  conditional: boolean;
  value: string;
  checked: boolean;
  error: string;
  errorId: string;
  describedBy: string;
  input: boolean;
  inputType: string;
  /** "decimal" or "numeric" for a number typed as text (« 1 200 000 », « 5 % »). */
  inputMode: string;
  /** The value used when the field is left empty: « Par défaut : 15 ». */
  placeholder: string;
  textarea: boolean;
  checkbox: boolean;
  select: boolean;
  options: FormOption[];
  min: string;
  max: string;
  /** For an item of a list of values: the value of its « Retirer » button (« communesInsee.1 »). */
  remove: string;
  removeLabel: string;
  /** A value the server proposed (see proposals.ts): « Proposé d’après la qualité « Directrice générale » ». */
  proposed: string;
  proposedId: string;
  /** An INSEE code of a commune: the page offers a search of communes by name or postal code beside it. */
  commune: boolean;
}

export interface FormSection {
  id: string;
  /** The dotted path of the object or list (empty for the top level). */
  path: string;
  /** A list, whose items are sections of their own (« Lot 1 »). */
  list: boolean;
  /** For a list: the text of its « Ajouter » button (« Ajouter : Lot »). */
  addLabel: string;
  /** For an item of a list of objects: the value of its « Retirer » button (« lots.1 »). */
  remove: string;
  removeLabel: string;
  legend: string;
  help: string;
  error: string;
  fields: FormField[];
  sections: FormSection[];
}

const meta = (desc: Description, key: string): unknown => desc.metas?.find((m) => key in m)?.[key];

function ruleLimit(desc: Description, name: string): string {
  const limit = desc.rules?.find((r) => r.name === name)?.args?.limit;
  return typeof limit === 'number' ? String(limit) : '';
}

function valueAt(values: Record<string, unknown>, path: string[]): unknown {
  let node: unknown = values;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** Numbers as a French user reads and types them back: « 1 200 000 », « 0,35 ». */
const numberFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 10 });

function asInputValue(value: unknown, type: string, isNumber = false, percentKind?: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  // A rate is shown as it is typed: « 5 % » (stored 0.05 as a fraction, or 5 as points).
  if (isNumber && typeof value === 'number' && (percentKind === 'fraction' || percentKind === 'points')) {
    return `${numberFormat.format(percentKind === 'fraction' ? Number((value * 100).toPrecision(12)) : value)}\u00A0%`;
  }
  if (isNumber && typeof value === 'number') return numberFormat.format(value);
  if (type === 'date' && typeof value === 'string') return value.slice(0, 10);
  return String(value);
}

const domId = (path: string) => `champ-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;

function field(path: string[], desc: Description, values: Record<string, unknown>, errors: Map<string, string>, sectionRequired: boolean, label?: string): FormField {
  const name = path.join('.');
  const id = domId(name);
  const value = valueAt(values, path);
  const fallback = desc.flags?.default;
  const error = errors.get(name) ?? '';
  const help = desc.flags?.description ?? '';
  const checkbox = desc.type === 'boolean';
  const select = desc.flags?.only === true && Array.isArray(desc.allow);
  const labels = (meta(desc, 'choices') ?? {}) as Record<string, string>;
  const choiceLabel = (code: unknown) => typography(labels[String(code)] ?? String(code));
  const textarea = meta(desc, 'widget') === 'textarea';
  // Numbers are typed as text: a number input refuses « 1 200 000 » and « 5 % ».
  const inputType = desc.type === 'date' ? 'date' : String(meta(desc, 'inputType') ?? 'text');
  const integer = desc.rules?.some((r) => r.name === 'integer') === true;
  const inputMode = desc.type === 'number' ? (integer ? 'numeric' : 'decimal') : '';
  const isNumber = desc.type === 'number';
  const percentKind = meta(desc, 'percent');
  const current = asInputValue(value ?? (checkbox ? fallback : undefined), inputType, isNumber, percentKind);
  const shownDefault = !checkbox && !select && fallback !== undefined && fallback !== null && typeof fallback !== 'object' ? asInputValue(fallback, inputType, isNumber, percentKind) : '';
  const describedBy = [help ? `${id}-aide` : '', error ? `${id}-erreur` : ''].filter(Boolean).join(' ');
  return {
    id,
    falseWhenUnticked: checkbox && fallback === true,
    name,
    label: label ?? desc.flags?.label ?? name,
    help,
    // A field is marked required only when its whole section is: the fields of an optional section
    // (a delegated signatory) are required only once that section is filled.
    required: sectionRequired && desc.flags?.presence === 'required',
    conditional: Boolean(desc.whens),
    value: current,
    checked: checkbox && (current === 'true' || current === 'on'),
    error,
    errorId: `${id}-erreur`,
    describedBy,
    input: !checkbox && !select && !textarea,
    inputType,
    inputMode,
    placeholder: shownDefault ? typography(`Par défaut : ${shownDefault}`) : '',
    textarea,
    checkbox,
    select,
    options: select
      ? [
          { value: '', label: fallback === undefined ? '—' : typography(`— (par défaut : ${choiceLabel(fallback)})`), selected: current === '' },
          ...(desc.allow ?? []).map((v) => ({ value: String(v), label: choiceLabel(v), selected: String(v) === current })),
        ]
      : [],
    min: inputType === 'date' ? ruleLimit(desc, 'min') : '',
    max: inputType === 'date' ? ruleLimit(desc, 'max') : '',
    remove: '',
    removeLabel: '',
    proposed: '',
    proposedId: `${id}-propose`,
    commune: meta(desc, 'commune') === true,
  };
}

function section(path: string[], desc: Description, values: Record<string, unknown>, errors: Map<string, string>, required: boolean): FormSection {
  const fields: FormField[] = [];
  const sections: FormSection[] = [];
  for (const [key, child] of Object.entries(desc.keys ?? {})) {
    if (meta(child, 'hidden') === true) continue;
    const childRequired = required && child.flags?.presence === 'required';
    if (child.type === 'object') sections.push(section([...path, key], child, values, errors, childRequired));
    else if (child.type === 'array') sections.push(list([...path, key], child, values, errors, childRequired));
    else fields.push(field([...path, key], child, values, errors, required));
  }
  const name = path.join('.');
  return {
    id: domId(name || 'racine'),
    path: name,
    list: false,
    addLabel: '',
    remove: '',
    removeLabel: '',
    legend: desc.flags?.label ?? name,
    help: desc.flags?.description ?? '',
    error: name ? errors.get(name) ?? '' : '',
    fields,
    sections,
  };
}

/**
 * A list: the items already given (at least one to fill), each with a « Retirer » button, and an
 * « Ajouter » button; without script these buttons send the form back to the server, which shows
 * it again with one item more or less (see listAction). Blank items are dropped when the form is
 * read. Lists of objects give one fieldset per item.
 */
function list(path: string[], desc: Description, values: Record<string, unknown>, errors: Map<string, string>, required: boolean): FormSection {
  const item = desc.items?.[0] ?? { type: 'string' };
  const current = valueAt(values, path);
  const given = Array.isArray(current) ? current.length : 0;
  const count = Math.max(given, 1);
  const name = path.join('.');
  const itemLabel = item.flags?.label ?? desc.flags?.label ?? name;
  const out: FormSection = {
    id: domId(name),
    path: name,
    list: true,
    addLabel: typography(`Ajouter : ${itemLabel}`),
    remove: '',
    removeLabel: '',
    legend: desc.flags?.label ?? name,
    help: [desc.flags?.description, 'Les éléments laissés vides sont ignorés.'].filter(Boolean).join(' '),
    error: errors.get(name) ?? '',
    fields: [],
    sections: [],
  };
  for (let i = 0; i < count; i++) {
    const itemPath = [...path, String(i)];
    if (item.type === 'object') {
      const sub = section(itemPath, item, values, errors, required && i < Math.max(given, 1));
      const legend = listItemName(itemLabel, i);
      out.sections.push({ ...sub, legend, remove: itemPath.join('.'), removeLabel: typography(`Retirer : ${legend}`) });
    } else {
      const label = listItemName(itemLabel, i);
      out.fields.push({ ...field(itemPath, item, values, errors, false, label), remove: itemPath.join('.'), removeLabel: typography(`Retirer : ${label}`) });
    }
  }
  return out;
}

export interface FormModel {
  /** One section for the top-level fields (e.g. the document reference), then one per object. */
  sections: FormSection[];
  /** Errors in form order, for the summary at the top of the page (`path`: the error's own). */
  summary: { href: string; message: string; path: string }[];
}

/** A place of the form an error can point at: a field or a section, with the legends above it. */
interface Place {
  path: string;
  id: string;
  /** « Donneur d’ordre », « Représentant légal »: the legends above it. */
  trail: string[];
  /** The field's own label; empty for a section. */
  label: string;
}

/** Every field and section of the form, in the order the page shows them. */
function places(sections: FormSection[], trail: string[] = []): Place[] {
  return sections.flatMap((s) => {
    const here = [...trail, s.legend];
    return [
      { path: s.path, id: s.id, trail: here, label: '' },
      ...s.fields.map((f) => ({ path: f.name, id: f.id, trail: here, label: f.label })),
      ...places(s.sections, s.list ? trail : here),
    ];
  });
}

/**
 * The summary line of an error: where it is (sections, then the field's label unless the message
 * already quotes it, named as the core names fields: see fieldName()) and what to correct.
 * « Donneur d’ordre – Adresse du siège – Code postal : … »
 */
function summaryLine(place: Place | undefined, message: string): string {
  if (!place) return typography(message);
  const where = place.label && !message.includes(`« ${place.label} »`) ? [...place.trail, place.label] : place.trail;
  return typography(`${joinNames(where)} : ${message}`);
}

/** The place of an error's path: its field or section, else the nearest enclosing one shown. */
function placeOf(path: string, byPath: Map<string, { place: Place; index: number }>): { place: Place; index: number } | undefined {
  for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const found = byPath.get(p);
    if (found) return found;
  }
  return undefined;
}

/** Marks the fields whose value was proposed, and names the note in their aria-describedby. */
function markProposed(sections: FormSection[], notes: Map<string, string>): void {
  const walk = (s: FormSection) => {
    for (const f of s.fields) {
      const note = notes.get(f.name);
      if (!note) continue;
      f.proposed = typography(note);
      f.describedBy = [f.describedBy, f.proposedId].filter(Boolean).join(' ');
    }
    s.sections.forEach(walk);
  };
  sections.forEach(walk);
}

/**
 * The form of a schema, filled with `values` and the `errors` of a refused submission; `proposed`:
 * the note beside each field whose value the server proposed, by the field's path.
 */
export function formModel(schema: Joi.ObjectSchema, values: Record<string, unknown> = {}, errors: FieldError[] = [], proposed?: Map<string, string>): FormModel {
  const byPath = new Map<string, string>();
  for (const e of errors) byPath.set(e.path, byPath.has(e.path) ? `${byPath.get(e.path)} ${e.message}` : e.message);
  const root = section([], schema.describe() as Description, values, byPath, true);
  if (proposed && proposed.size > 0) markProposed([root], proposed);
  const general: FormSection = { ...root, id: 'champ-document', legend: 'Document', help: '', sections: [] };
  const sections = [...(general.fields.length > 0 ? [general] : []), ...root.sections];
  const placesByPath = new Map<string, { place: Place; index: number }>();
  places(sections).forEach((place, index) => {
    if (place.path && !placesByPath.has(place.path)) placesByPath.set(place.path, { place, index });
  });
  // What the form does not show (data sent as a file) is read from the upload field, first of the form.
  const hidden = new Set(hiddenKeys(schema));
  const upload: Place = { path: '', id: 'champ-donnees', trail: ['Données déjà préparées'], label: '' };
  const located = errors.map((e, order) => {
    const found = placeOf(e.path, placesByPath) ?? (hidden.has(e.path.split('.')[0]!) ? { place: upload, index: -1 } : undefined);
    return { e, order, place: found?.place, index: found?.index ?? -2 };
  });
  located.sort((a, b) => a.index - b.index || a.order - b.order);
  return {
    sections,
    summary: located.map(({ e, place }) => ({ href: `#${place?.id ?? 'champ-document'}`, message: summaryLine(place, e.message), path: e.path })),
  };
}

/** The top-level keys of a schema that the form does not show (sent as files or JSON instead). */
export function hiddenKeys(schema: Joi.ObjectSchema): string[] {
  const desc = schema.describe() as Description;
  return Object.entries(desc.keys ?? {})
    .filter(([, child]) => meta(child, 'hidden') === true)
    .map(([key]) => key);
}

/** The lists of a form model: their paths, and whether their items are objects. */
function lists(sections: FormSection[]): Map<string, boolean> {
  const out = new Map<string, boolean>();
  const walk = (s: FormSection) => {
    if (s.list) out.set(s.path, s.fields.length === 0);
    s.sections.forEach(walk);
  };
  sections.forEach(walk);
  return out;
}

/**
 * The « Ajouter » (`_ajouter=<list path>`) or « Retirer » (`_retirer=<list path>.<index>`) button of
 * a form sent without script: the values with one more blank item at the end of that list, or
 * without that item. Undefined when the path is not a list of the form (nothing to do).
 */
export function listAction(schema: Joi.ObjectSchema, values: Record<string, unknown>, action: { add?: unknown; remove?: unknown }): Record<string, unknown> | undefined {
  const known = lists(formModel(schema, values).sections);
  const copy = structuredClone(values);
  const listAt = (path: string, create: boolean): unknown[] | undefined => {
    const segments = path.split('.');
    let node: Record<string, unknown> | unknown[] = copy;
    for (const [i, segment] of segments.entries()) {
      const container = node as Record<string, unknown>;
      let next = container[segment];
      if (next === undefined || next === null || next === '') {
        if (!create) return undefined;
        next = i === segments.length - 1 ? [] : {};
        container[segment] = next;
      }
      if (typeof next !== 'object') return undefined;
      node = next as Record<string, unknown>;
    }
    return Array.isArray(node) ? node : undefined;
  };
  if (typeof action.add === 'string' && known.has(action.add)) {
    const list = listAt(action.add, true);
    if (!list) return undefined;
    // The blank item the form shows for an empty list is filled in first: add one after it.
    if (list.length === 0) list.push(known.get(action.add) ? {} : '');
    list.push(known.get(action.add) ? {} : '');
    return copy;
  }
  if (typeof action.remove === 'string') {
    const match = /^(.+)\.(\d{1,4})$/.exec(action.remove);
    if (!match || !known.has(match[1]!)) return undefined;
    const list = listAt(match[1]!, false);
    if (!list || Number(match[2]) >= list.length) return undefined;
    list.splice(Number(match[2]), 1);
    return copy;
  }
  return undefined;
}

/**
 * The values of a form as they are worth keeping: empty fields, blank list items and sections left
 * empty removed (a draft saved as one works keeps what was typed, and nothing else).
 */
export function pruneEmpty(value: unknown): unknown {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (Array.isArray(value)) {
    const items = value.map(pruneEmpty).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pruneEmpty(v)] as const).filter(([, v]) => v !== undefined));
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value;
}

/** Every field of a form model by name, with the value the page shows. */
function shownValues(sections: FormSection[], out = new Map<string, string>()): Map<string, string> {
  for (const s of sections) {
    for (const f of s.fields) out.set(f.name, f.value);
    shownValues(s.sections, out);
  }
  return out;
}

const sameText = (a: string, b: string) => a.replace(/[\s\u00A0\u202F]+/g, ' ').trim() === b.replace(/[\s\u00A0\u202F]+/g, ' ').trim();

/**
 * A form started from a dossier sends back the dossier's values as the page showed them (« 12 »,
 * « 1 200 000 », « true »): those are left out of the input, the dossier's own values being merged
 * under it, so that only what the user changed or added is the input (and no false departure from
 * the dossier is flagged). A list is left out only when none of its fields changed.
 */
export function withoutUnchanged(schema: Joi.ObjectSchema, base: Record<string, unknown>, input: Record<string, unknown>): Record<string, unknown> {
  const shown = shownValues(formModel(schema, base).sections);
  const unchanged = (value: unknown, path: string): boolean => {
    if (Array.isArray(value)) {
      const before = valueAt(base, path.split('.'));
      return Array.isArray(before) && before.length === value.length && value.every((v, i) => unchanged(v, `${path}.${i}`));
    }
    if (value !== null && typeof value === 'object') return Object.entries(value).every(([k, v]) => unchanged(v, `${path}.${k}`));
    const before = shown.get(path);
    return before !== undefined && before !== '' && sameText(before, String(value));
  };
  const strip = (value: Record<string, unknown>, prefix: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (Array.isArray(v)) {
        if (!unchanged(v, path)) out[key] = v;
      } else if (v !== null && typeof v === 'object') {
        const inner = strip(v as Record<string, unknown>, path);
        if (Object.keys(inner).length > 0) out[key] = inner;
      } else if (!unchanged(v, path)) {
        out[key] = v;
      }
    }
    return out;
  };
  return strip(input, '');
}
