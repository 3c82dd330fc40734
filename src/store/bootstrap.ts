/**
 * The first start: a store with no key gets a facilitator organisation and a key with every scope,
 * so that a newcomer can use the service at once. The key is DOCS_ADMIN_KEY when set (then kept in
 * step on every start), otherwise a new one returned to be printed once.
 */
import { SCOPES, type Store } from './types.js';

export interface BootstrapResult {
  /** The new secret, to print once; undefined when nothing was created or the key came from the setting. */
  printedKey?: string;
  organisationId?: string;
}

export async function bootstrap(store: Store, options: { adminKey?: string; organisation: string }): Promise<BootstrapResult> {
  if (options.adminKey && (await store.findKeyBySecret(options.adminKey))) return {};
  const noKey = (await store.countKeys()) === 0;
  if (!noKey && !options.adminKey) return {};
  const organisation =
    (await store.findOrganisation('facilitateur', options.organisation)) ?? (await store.createOrganisation({ nom: options.organisation, type: 'facilitateur' }));
  const { key, secret } = await store.createKey({ organisationId: organisation.id, nom: 'Clé d’administration', scopes: [...SCOPES], secret: options.adminKey });
  await store.audit({ organisationId: organisation.id, cleId: null, action: 'cle.creee', cible: key.id, details: { nom: key.nom, origine: options.adminKey ? 'DOCS_ADMIN_KEY' : 'premier démarrage' } });
  return { printedKey: options.adminKey ? undefined : secret, organisationId: organisation.id };
}
