/**
 * A document started from a dossier: the dossier's values under the user's input (the input wins),
 * and the list of fields where the input departs from the dossier (a lot's hours, a signatory), so
 * that a contradiction inside the dossier is flagged rather than silently printed.
 */
import type Joi from 'joi';
import type { FieldError } from './errors.js';

type Data = Record<string, unknown>;

const isObject = (v: unknown): v is Data => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Deep merge: objects merge key by key, anything else (arrays included) from the input replaces the base. */
export function mergeUnder(base: unknown, input: unknown): unknown {
  if (input === undefined) return base;
  if (!isObject(base) || !isObject(input)) return input;
  const out: Data = { ...base };
  for (const [k, v] of Object.entries(input)) out[k] = mergeUnder(base[k], v);
  return out;
}

function leaves(value: unknown, path: string[] = [], out = new Map<string, unknown>()): Map<string, unknown> {
  if (isObject(value)) for (const [k, v] of Object.entries(value)) leaves(v, [...path, k], out);
  else if (value !== undefined && value !== null) out.set(path.join('.'), value);
  return out;
}

const same = (a: unknown, b: unknown) =>
  typeof a === 'string' && typeof b === 'string' ? a.trim().replace(/\s+/g, ' ') === b.trim().replace(/\s+/g, ' ') : JSON.stringify(a) === JSON.stringify(b);

function labelOf(schema: Joi.ObjectSchema, path: string): string {
  try {
    const label = schema.extract(path).describe().flags as { label?: string } | undefined;
    if (label?.label) return label.label;
  } catch {
    // Paths inside arrays are not extracted: fall back to the key.
  }
  return path.split('.').pop() ?? path;
}

/** The fields given in the input with another value than the dossier's. */
export function departures(base: unknown, input: unknown, schema: Joi.ObjectSchema): FieldError[] {
  const fromDossier = leaves(base);
  const given = leaves(input);
  const out: FieldError[] = [];
  for (const [path, value] of given) {
    if (!fromDossier.has(path)) continue;
    const expected = fromDossier.get(path);
    if (same(value, expected)) continue;
    out.push({
      path,
      type: 'dossier.ecart',
      message: `« ${labelOf(schema, path)} » vaut « ${String(value)} » alors que le dossier indique « ${String(expected)} ».`,
    });
  }
  return out;
}
