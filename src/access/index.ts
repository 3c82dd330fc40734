/**
 * Who asks and what they may see. A key belongs to an organisation and carries scopes; a buyer sees
 * its own dossiers and documents, a facilitator those of the buyers it works with and its own. A
 * resource outside that circle does not exist for the caller (404, never 403: no leak of existence).
 */
import { ForbiddenError, NotFoundError } from '../core/errors.js';
import type { ApiKey, Organisation, Scope, Store } from '../store/types.js';

export interface Principal {
  key: ApiKey;
  organisation: Organisation;
  /** Organisations whose dossiers and documents this key sees. */
  visibles: string[];
}

const SCOPE_LABELS: Record<Scope, string> = { generate: 'générer des documents', read: 'consulter les documents et dossiers', manage: 'gérer les clés et lire le journal' };

export async function principalOf(store: Store, key: ApiKey): Promise<Principal | undefined> {
  const organisation = await store.getOrganisation(key.organisationId);
  if (!organisation) return undefined;
  const visibles = organisation.type === 'facilitateur' ? [organisation.id, ...(await store.buyersOf(organisation.id))] : [organisation.id];
  return { key, organisation, visibles };
}

export function requireScope(principal: Principal, scope: Scope): void {
  if (!principal.key.scopes.includes(scope)) {
    throw new ForbiddenError(`Cette clé ne permet pas de ${SCOPE_LABELS[scope]}.`, [
      { path: 'scope', type: 'scope.missing', message: `La clé « ${principal.key.nom} » n’a pas le droit « ${scope} » (${SCOPE_LABELS[scope]}).` },
    ]);
  }
}

export function canSee(principal: Principal, ownerId: string | null | undefined): boolean {
  return typeof ownerId === 'string' && principal.visibles.includes(ownerId);
}

/** The resource if the caller may see it, else the same 404 as for a resource that does not exist. */
export function visibleOr404<T>(principal: Principal, resource: T | undefined, ownerOf: (r: T) => string | null, what: string): T {
  if (resource === undefined || !canSee(principal, ownerOf(resource))) throw new NotFoundError(`${what} introuvable.`);
  return resource;
}
