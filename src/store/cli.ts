/**
 * Access keys from the command line, on the store of the settings (DATA_DIR…):
 *
 *   npm run keys -- list [--organisation <id>]
 *   npm run keys -- create --nom "Service marchés" [--scopes generate,read,manage] [--organisation <id>]
 *   npm run keys -- revoke <id>
 *   npm run keys -- organisations
 *
 * Without --organisation, the first facilitator organisation (the one created at the first start).
 */
import { parseArgs } from 'node:util';
import { settings } from '../config.js';
import { bootstrap } from './bootstrap.js';
import { openStore } from './index.js';
import { SCOPES, type Scope, type Store } from './types.js';

async function defaultOrganisation(store: Store): Promise<string> {
  const facilitators = (await store.listOrganisations()).filter((o) => o.type === 'facilitateur');
  if (facilitators.length === 0) throw new Error('Aucune organisation : démarrez le service une première fois.');
  return facilitators.sort((a, b) => a.creeLe.localeCompare(b.creeLe))[0]!.id;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { nom: { type: 'string' }, scopes: { type: 'string' }, organisation: { type: 'string' } },
  });
  const [command, argument] = positionals;
  const config = settings().store;
  const store = await openStore(config.strategy, { dataDir: config.dataDir, url: config.url, poolMax: config.poolMax });
  try {
    const first = await bootstrap(store, { adminKey: config.adminKey, organisation: config.adminOrganisation });
    if (first.printedKey) console.log(`Première clé d’accès (tous les droits), à conserver : elle ne sera plus affichée.\n\n  ${first.printedKey}\n`);
    switch (command) {
      case 'organisations':
        for (const o of await store.listOrganisations()) console.log(`${o.id}  ${o.type.padEnd(12)}  ${o.nom}`);
        break;
      case 'list': {
        const organisationId = values.organisation ?? (await defaultOrganisation(store));
        for (const k of await store.listKeys(organisationId)) {
          console.log(`${k.id}  ${k.prefixe}…  ${k.scopes.join(',').padEnd(22)}  ${k.revoqueeLe ? `révoquée le ${k.revoqueeLe}` : 'active'}  ${k.nom}`);
        }
        break;
      }
      case 'create': {
        if (!values.nom) throw new Error('Indiquez le nom de la clé : --nom "Service marchés".');
        const scopes = (values.scopes ?? 'generate,read').split(',').map((s) => s.trim()) as Scope[];
        const unknown = scopes.filter((s) => !SCOPES.includes(s));
        if (unknown.length > 0) throw new Error(`Droits inconnus : ${unknown.join(', ')} (droits possibles : ${SCOPES.join(', ')}).`);
        const organisationId = values.organisation ?? (await defaultOrganisation(store));
        if (!(await store.getOrganisation(organisationId))) throw new Error(`Organisation inconnue : ${organisationId}.`);
        const { key, secret } = await store.createKey({ organisationId, nom: values.nom, scopes });
        await store.audit({ organisationId, cleId: null, action: 'cle.creee', cible: key.id, details: { nom: key.nom, origine: 'ligne de commande' } });
        console.log(`Clé « ${key.nom} » créée (${key.id}), droits : ${scopes.join(', ')}.\nConservez-la, elle ne sera plus affichée :\n\n  ${secret}\n`);
        break;
      }
      case 'revoke': {
        if (!argument) throw new Error('Indiquez l’identifiant de la clé à révoquer.');
        const key = await store.getKey(argument);
        if (!key || !(await store.revokeKey(argument))) throw new Error(`Aucune clé active ${argument}.`);
        await store.audit({ organisationId: key.organisationId, cleId: null, action: 'cle.revoquee', cible: key.id, details: { origine: 'ligne de commande' } });
        console.log(`Clé « ${key.nom} » révoquée.`);
        break;
      }
      default:
        console.log('Commandes : organisations | list [--organisation ID] | create --nom NOM [--scopes generate,read,manage] [--organisation ID] | revoke ID');
        process.exitCode = command ? 2 : 0;
    }
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
