/**
 * The web form of a kind, derived from its joi schema: one fieldset per object (a section per
 * party, the options, the signature...), one input per field with its French label, its help text
 * and, after a refused submission, its error message. Adding a kind needs no form code.
 */
import type Joi from 'joi';
import type { FieldError } from '../core/errors.js';

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
  textarea: boolean;
  checkbox: boolean;
  select: boolean;
  options: FormOption[];
  min: string;
  max: string;
}

export interface FormSection {
  id: string;
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

function asInputValue(value: unknown, type: string): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
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
  const textarea = meta(desc, 'widget') === 'textarea';
  const inputType = desc.type === 'date' ? 'date' : desc.type === 'number' ? 'number' : String(meta(desc, 'inputType') ?? 'text');
  const current = asInputValue(value ?? (checkbox ? fallback : undefined), inputType);
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
    textarea,
    checkbox,
    select,
    options: select
      ? [{ value: '', label: '—', selected: current === '' }, ...(desc.allow ?? []).map((v) => ({ value: String(v), label: String(v), selected: String(v) === current }))]
      : [],
    min: ruleLimit(desc, 'min'),
    max: ruleLimit(desc, 'max'),
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
    legend: desc.flags?.label ?? name,
    help: desc.flags?.description ?? '',
    error: name ? errors.get(name) ?? '' : '',
    fields,
    sections,
  };
}

/**
 * A list: the items already given plus blank ones to fill (a form without script cannot add
 * rows); blank items are dropped when the form is read. Lists of objects give one fieldset per item.
 */
function list(path: string[], desc: Description, values: Record<string, unknown>, errors: Map<string, string>, required: boolean): FormSection {
  const item = desc.items?.[0] ?? { type: 'string' };
  const current = valueAt(values, path);
  const given = Array.isArray(current) ? current.length : 0;
  const count = given + (item.type === 'object' ? 1 : 2);
  const name = path.join('.');
  const itemLabel = item.flags?.label ?? desc.flags?.label ?? name;
  const out: FormSection = {
    id: domId(name),
    legend: desc.flags?.label ?? name,
    help: [desc.flags?.description, 'Les lignes laissées vides sont ignorées.'].filter(Boolean).join(' '),
    error: errors.get(name) ?? '',
    fields: [],
    sections: [],
  };
  for (let i = 0; i < count; i++) {
    const itemPath = [...path, String(i)];
    if (item.type === 'object') {
      const sub = section(itemPath, item, values, errors, required && i < Math.max(given, 1));
      out.sections.push({ ...sub, legend: `${itemLabel} ${i + 1}` });
    } else {
      out.fields.push(field(itemPath, item, values, errors, false, `${itemLabel} ${i + 1}`));
    }
  }
  return out;
}

export interface FormModel {
  /** One section for the top-level fields (e.g. the document reference), then one per object. */
  sections: FormSection[];
  /** Errors in form order, for the summary at the top of the page. */
  summary: { href: string; message: string }[];
}

/** The form of a schema, filled with `values` and the `errors` of a refused submission. */
export function formModel(schema: Joi.ObjectSchema, values: Record<string, unknown> = {}, errors: FieldError[] = []): FormModel {
  const byPath = new Map<string, string>();
  for (const e of errors) byPath.set(e.path, byPath.has(e.path) ? `${byPath.get(e.path)} ${e.message}` : e.message);
  const root = section([], schema.describe() as Description, values, byPath, true);
  const general: FormSection = { ...root, id: 'champ-document', legend: 'Document', help: '', sections: [] };
  return {
    sections: [...(general.fields.length > 0 ? [general] : []), ...root.sections],
    summary: errors.map((e) => ({ href: `#${domId(e.path || 'racine')}`, message: e.path ? `${e.path} : ${e.message}` : e.message })),
  };
}

/** The top-level keys of a schema that the form does not show (sent as files or JSON instead). */
export function hiddenKeys(schema: Joi.ObjectSchema): string[] {
  const desc = schema.describe() as Description;
  return Object.entries(desc.keys ?? {})
    .filter(([, child]) => meta(child, 'hidden') === true)
    .map(([key]) => key);
}
