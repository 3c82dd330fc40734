/**
 * The first start: a store with no key gets a facilitator organisation and a key with every scope,
 * so that a newcomer can use the service at once. The key is DOCS_ADMIN_KEY when set (then kept in
 * step on every start), otherwise a new one returned to be printed once. Replicas starting together
 * on an empty database should share DOCS_ADMIN_KEY: the key is then created once, whichever starts first.
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
  const find = () => store.findOrganisation('facilitateur', options.organisation);
  // Created by another replica at the same moment: the store's unique name refuses this one.
  let organisation = await find();
  if (!organisation) {
    try {
      organisation = await store.createOrganisation({ nom: options.organisation, type: 'facilitateur' });
    } catch (error) {
      organisation = await find();
      if (!organisation) throw error;
    }
  }
  let created;
  try {
    created = await store.createKey({ organisationId: organisation.id, nom: 'Clé d’administration', scopes: [...SCOPES], secret: options.adminKey });
  } catch (error) {
    // Replicas starting together with the same DOCS_ADMIN_KEY: another one stored it first.
    if (options.adminKey && (await store.findKeyBySecret(options.adminKey))) return {};
    throw error;
  }
  const { key, secret } = created;
  await store.audit({ organisationId: organisation.id, cleId: null, action: 'cle.creee', cible: key.id, details: { nom: key.nom, origine: options.adminKey ? 'DOCS_ADMIN_KEY' : 'premier démarrage' } });
  return { printedKey: options.adminKey ? undefined : secret, organisationId: organisation.id };
}
