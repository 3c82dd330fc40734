/**
 * The registry of document kinds. Each kind's folder registers itself (src/kinds/<id>/index.ts);
 * src/kinds/index.ts imports them all. Nothing else lists the kinds.
 */
import type { BaseViewModel, DocumentKind } from './kind.js';
import { NotFoundError } from './errors.js';

const kinds = new Map<string, DocumentKind<any, BaseViewModel>>();

export function registerKind<I, V extends BaseViewModel>(kind: DocumentKind<I, V>): DocumentKind<I, V> {
  if (!/^[a-z][a-z0-9-]*$/.test(kind.id)) throw new Error(`Invalid kind id "${kind.id}"`);
  if (kinds.has(kind.id)) throw new Error(`Kind "${kind.id}" is already registered`);
  kinds.set(kind.id, kind as unknown as DocumentKind<any, BaseViewModel>);
  return kind;
}

export function getKind(id: string): DocumentKind<any, BaseViewModel> {
  const kind = kinds.get(id);
  if (!kind) {
    throw new NotFoundError(`Type de document inconnu : « ${id} ».`, [
      { path: 'kind', type: 'any.only', message: `Types de document disponibles : ${[...kinds.keys()].join(', ')}.` },
    ]);
  }
  return kind;
}

export function listKinds(): DocumentKind<any, BaseViewModel>[] {
  return [...kinds.values()];
}
