/**
 * The shape checks that every piece of data passes before anything walks it recursively: nesting
 * depth, fields per object, and keys that could reach an object's prototype. The walk is iterative,
 * so that data nested thousands of levels deep is refused with a 400 rather than overflowing the
 * stack. Nothing here knows a document: it guards the JSON bodies, the uploaded JSON files, the form
 * field names and the spreadsheet headers alike.
 */
import { InvalidInputError } from './errors.js';

/** Keys that would reach or replace an object's prototype once assigned: refused everywhere. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

export interface StructureLimits {
  /** Deepest nesting of objects and lists (a document's data is at most 6 levels deep). */
  depth: number;
  /** Most fields in one object (the largest section of a document has about 40). */
  keysPerObject: number;
}

/** Far above what any document's data needs, far below what would hurt the service. */
export const STRUCTURE_LIMITS: StructureLimits = { depth: 32, keysPerObject: 1000 };

function where(path: string[]): string {
  return path.length === 0 ? 'à la racine des données' : `dans « ${path.slice(0, 3).join('.')}${path.length > 3 ? '…' : ''} »`;
}

export function forbiddenKeyError(key: string, path: string): InvalidInputError {
  return new InvalidInputError('Nom de champ refusé.', [
    { path, type: 'field.forbidden', message: `Le nom de champ « ${key} » n’est pas accepté.` },
  ]);
}

/**
 * Throws a 400 when `value` is nested deeper than `limits.depth`, has an object with more than
 * `limits.keysPerObject` fields, or uses a forbidden key. Lists may be long: their length is the
 * schemas' business.
 */
export function checkStructure(value: unknown, limits: StructureLimits = STRUCTURE_LIMITS): void {
  // Paths are only built when an error is reported: each entry points to its parent.
  interface Entry { node: unknown; depth: number; key: string; parent?: Entry }
  const pathOf = (entry: Entry): string[] => {
    const out: string[] = [];
    for (let e: Entry | undefined = entry; e?.parent; e = e.parent) out.unshift(e.key);
    return out;
  };
  const stack: Entry[] = [{ node: value, depth: 0, key: '' }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const { node, depth } = entry;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= limits.depth) {
      const path = pathOf(entry);
      throw new InvalidInputError('Données trop imbriquées.', [
        {
          path: path.slice(0, 3).join('.'),
          type: 'data.depth',
          message: `Les données sont imbriquées sur plus de ${limits.depth} niveaux ${where(path.slice(0, 1))} : ce n’est pas la forme attendue.`,
        },
      ]);
    }
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) {
        const item: unknown = node[i];
        if (item !== null && typeof item === 'object') stack.push({ node: item, depth: depth + 1, key: String(i), parent: entry });
      }
      continue;
    }
    const keys = Object.keys(node);
    if (keys.length > limits.keysPerObject) {
      const path = pathOf(entry);
      throw new InvalidInputError('Trop de champs.', [
        {
          path: path.join('.'),
          type: 'data.tooManyFields',
          message: `Un objet des données compte ${keys.length} champs ${where(path)}, au-delà des ${limits.keysPerObject} acceptés.`,
        },
      ]);
    }
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      if (FORBIDDEN_KEYS.has(key)) throw forbiddenKeyError(key, [...pathOf(entry), key].join('.'));
      const item = (node as Record<string, unknown>)[key];
      if (item !== null && typeof item === 'object') stack.push({ node: item, depth: depth + 1, key, parent: entry });
    }
  }
}

/** JSON.parse, then the structure checks: the one way the service reads JSON text it did not write. */
export function parseJson(text: string, label: string, path: string, limits: StructureLimits = STRUCTURE_LIMITS): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${label} n’est pas un JSON valide.`, [{ path, type: 'json.syntax', message: `${label} n’est pas un JSON valide${jsonErrorPlace(text, error)}.` }]);
  }
  checkStructure(value, limits);
  return value;
}

/** " (ligne 3, colonne 12)" from V8's "… at position 57 …" message, or "" when it gives none. */
function jsonErrorPlace(text: string, error: unknown): string {
  const match = /position (\d+)/.exec(String((error as Error | undefined)?.message ?? ''));
  if (!match) return text.trim() === '' ? ' : le texte est vide' : '';
  const position = Number(match[1]);
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return ` : erreur de syntaxe ligne ${line}, colonne ${column}`;
}

/** Objects whose keys are all indexes ("lots.0", "lots.1") become lists, in index order. */
function listsFromIndexes(node: unknown): unknown {
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node as Record<string, unknown>).map(([k, v]) => [k, listsFromIndexes(v)] as const);
  if (entries.length > 0 && entries.every(([k]) => /^\d{1,4}$/.test(k))) {
    return entries.sort((a, b) => Number(a[0]) - Number(b[0])).map(([, v]) => v);
  }
  return Object.fromEntries(entries);
}

/**
 * Fields named by dotted paths, as a form or a spreadsheet's header gives them, as one nested
 * value: {"a.b": "x", "a.c": "y", "l.0": "z"} → {a: {b: "x", c: "y"}, l: ["z"]}; a repeated field
 * keeps its last value; forbidden or malformed names are refused.
 */
export function nestFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(fields)) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    const path = name.split('.');
    const forbidden = path.find((segment) => FORBIDDEN_KEYS.has(segment));
    if (forbidden) throw forbiddenKeyError(forbidden, name);
    if (path.some((segment) => segment === '') || path.length > STRUCTURE_LIMITS.depth) {
      const shown = name.length > 80 ? `${name.slice(0, 80)}…` : name;
      throw new InvalidInputError('Nom de champ invalide.', [{ path: shown, type: 'field.name', message: `Le nom de champ « ${shown} » n’est pas valide.` }]);
    }
    let node = out;
    path.forEach((segment, i) => {
      if (i === path.length - 1) {
        node[segment] = value;
      } else {
        if (node[segment] === null || typeof node[segment] !== 'object') node[segment] = {};
        node = node[segment] as Record<string, unknown>;
      }
    });
  }
  return listsFromIndexes(out) as Record<string, unknown>;
}
