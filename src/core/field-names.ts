/**
 * How a field is named to a reader: by the French labels of its schema, sections first, then the
 * field — « Donneur d’ordre – Représentant légal – Nom », « Lot 2 – Heures d’insertion décidées » —
 * never by its dotted path (paths are for programs: the API's error and `missing` lists keep them).
 * The draft markers, the web form's legends and its error summary all name fields this way.
 */
import type Joi from 'joi';
import { typography } from './french.js';
import { marker } from './markers.js';

/** What this module (and the web form) reads of a joi description. */
export interface SchemaDescription {
  type?: string;
  keys?: Record<string, SchemaDescription>;
  items?: SchemaDescription[];
  flags?: Record<string, unknown>;
  matches?: { schema?: SchemaDescription; then?: SchemaDescription; otherwise?: SchemaDescription }[];
  whens?: { then?: SchemaDescription; otherwise?: SchemaDescription }[];
}

/** Between the sections and the field of a name: a spaced en dash, as in « PROJET – document provisoire ». */
export const NAME_SEPARATOR = ' – ';

/** A schema's description, computed once: describing a large schema costs more than validating with it. */
const descriptions = new WeakMap<Joi.Schema, SchemaDescription>();
export function describeSchema(schema: Joi.Schema): SchemaDescription {
  let description = descriptions.get(schema);
  if (!description) {
    description = schema.describe() as SchemaDescription;
    descriptions.set(schema, description);
  }
  return description;
}

/** An item of a list, by its label and its position (from 0): « Lot 2 », « Code INSEE 1 ». */
export function listItemName(itemLabel: string, index: number): string {
  return `${itemLabel} ${index + 1}`;
}

/** The label of a description, if it has one. */
export function labelOf(description: SchemaDescription | undefined): string | undefined {
  const label = description?.flags?.label;
  return typeof label === 'string' && label.trim() !== '' ? label : undefined;
}

/** A key without a label, said in words rather than as an identifier: "dateSignature" → "date signature". */
function keyInWords(key: string): string {
  return key.replace(/([a-zà-ÿ0-9])([A-Z])/g, '$1 $2').replace(/[_.]+/g, ' ').toLowerCase();
}

/** The description of `key` under an object (or one of its alternatives and conditional branches). */
function childOf(node: SchemaDescription, key: string, depth = 0): SchemaDescription | undefined {
  const own = node.keys?.[key];
  if (own || depth > 4) return own;
  const branches = [
    ...(node.matches ?? []).flatMap((m) => [m.schema, m.then, m.otherwise]),
    ...(node.whens ?? []).flatMap((w) => [w.then, w.otherwise]),
  ];
  for (const branch of branches) {
    const found = branch ? childOf(branch, key, depth + 1) : undefined;
    if (found) return found;
  }
  return undefined;
}

/**
 * The names that lead to the field at `path`: the labels of its sections, then its own. An item of a
 * list of sections takes the place of the list (« Lot 2 », as its legend in the form); an item of a
 * list of values follows it (« Communes (codes INSEE) – Code INSEE 2 »). A path that leaves the
 * schema stops at the last field it names.
 */
export function fieldTrail(schema: Joi.Schema | SchemaDescription, path: string | readonly (string | number)[]): string[] {
  const description = isSchema(schema) ? describeSchema(schema) : schema;
  const segments = typeof path === 'string' ? (path === '' ? [] : path.split('.')) : path.map(String);
  const trail: string[] = [];
  let node = description;
  for (const segment of segments) {
    if (node.type === 'array') {
      const item = node.items?.[0];
      const index = Number(segment);
      if (!item || !/^\d+$/.test(segment)) break;
      const name = listItemName(labelOf(item) ?? labelOf(node) ?? keyInWords(segment), index);
      if (item.type === 'object' && trail.length > 0) trail.pop();
      trail.push(name);
      node = item;
      continue;
    }
    const child = childOf(node, segment);
    if (!child) break;
    trail.push(labelOf(child) ?? keyInWords(segment));
    node = child;
  }
  return trail.map((name) => typography(name));
}

/** Joins names with the separator: « Signature – Date de signature ». */
export function joinNames(names: readonly string[]): string {
  return names.join(NAME_SEPARATOR);
}

/** The name of the field at `path` of a schema, for a reader: « Signature – Date de signature ». */
export function fieldName(schema: Joi.Schema | SchemaDescription, path: string | readonly (string | number)[]): string {
  const trail = fieldTrail(schema, path);
  return trail.length > 0 ? joinNames(trail) : 'Document';
}

/** The draft marker of the field at `path`: « [à compléter : Signature – Date de signature] ». */
export function markerAt(schema: Joi.Schema | SchemaDescription, path: string | readonly (string | number)[]): string {
  return marker(fieldName(schema, path));
}

function isSchema(value: Joi.Schema | SchemaDescription): value is Joi.Schema {
  return typeof (value as Joi.Schema).describe === 'function';
}
