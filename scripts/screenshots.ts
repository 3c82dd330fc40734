/**
 * `npm run screenshots`: PNGs of the main web pages, for a look at them without running the
 * service. The app is started in this process with a temporary data folder, filled with the
 * example data (fixtures/): a signed convention and its avenant, and a second dossier left as a
 * draft. A headless Chromium (Debian's, as the service's) signs in with the first key and captures,
 * full page at 1280 px wide, into output/: the dossier list, a dossier's page, its calendar, the
 * convention's form with errors, a form with its preview, and the sizing page with a result.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Page } from 'puppeteer-core';
import { fromRoot } from '../src/core/paths.js';
import { chromiumOptionsFromEnv } from '../src/engines/pdf/chromium/index.js';
import { CHROMIUM_ARGS } from '../src/engines/pdf/chromium/launch.js';
import { Generator } from '../src/generator.js';
import { createApp } from '../src/server/app.js';
import { createLogger } from '../src/server/log.js';
import { bootstrap } from '../src/store/bootstrap.js';
import { openStore } from '../src/store/index.js';

const fixture = (name: string) => JSON.parse(readFileSync(fromRoot('fixtures', `${name}.json`), 'utf8')) as Record<string, unknown>;

async function main(): Promise<void> {
  const out = fromRoot('output');
  mkdirSync(out, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'captures-'));
  const generator = new Generator();
  const store = await openStore('sqlite', { dataDir });
  const key = (await bootstrap(store, { organisation: 'Maison de l’emploi et de la formation de Haute-Somme' })).printedKey!;
  const app = createApp(generator, { store, logger: createLogger('silent') });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const api = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res;
  };
  const browser = await puppeteer.launch({ executablePath: chromiumOptionsFromEnv().executablePath, headless: true, args: [...CHROMIUM_ARGS.filter((a) => !a.startsWith('--proxy')), '--lang=fr-FR'] });
  try {
    // The example data: a signed convention with its avenant, and a draft for another buyer.
    await api('/api/v1/documents/convention?dossier=nouveau&format=pdf', fixture('convention'));
    const dossier = (await store.listDossiers((await store.listOrganisations()).map((o) => o.id)))[0]!.id;
    await api(`/api/v1/documents/avenant?dossier=${dossier}&format=docx`, fixture('avenant'));
    await api('/api/v1/dossiers', { convention: { donneurOrdre: { nom: 'Ville de Roye' }, reference: 'CP-2027-003', durees: { dureeInitialeMois: 24 } } });

    const page = await browser.newPage();
    page.setDefaultTimeout(30_000);
    await page.setViewport({ width: 1280, height: 900 });
    const shoot = async (name: string) => {
      await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
      console.log(`output/${name}.png`);
    };
    const go = (path: string) => page.goto(`${base}${path}`, { waitUntil: 'load' });
    const submit = (selector: string, p: Page = page) => Promise.all([p.waitForNavigation({ waitUntil: 'load' }), p.click(selector)]);

    await go('/connexion');
    await shoot('connexion');
    await page.type('#cle', key);
    await submit('main button[type=submit]');

    await go('/dossiers');
    await shoot('dossiers');
    await go(`/dossiers/${dossier}`);
    await shoot('dossier');
    await go(`/dossiers/${dossier}/calendrier`);
    await shoot('calendrier');

    await go('/formulaires/convention');
    await page.type('#champ-donneurOrdre-nom', 'Ville de Péronne');
    await page.type('#champ-donneurOrdre-siret', '123');
    await page.type('#champ-options-contributionAnnuelle', '12 500');
    await submit('#bouton-generer');
    await shoot('formulaire-erreurs');

    await go('/formulaires/convention?exemple=1');
    await page.$eval('#champ-signature-date', (el) => {
      (el as HTMLInputElement).value = '';
    });
    await submit('button[name=_action][value=apercu]');
    await shoot('apercu');

    await go('/dimensionnement?exemple=1');
    await submit('#bouton-calculer');
    await shoot('dimensionnement');
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
    await generator.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
