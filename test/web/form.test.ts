import { browserContext } from '../support/browser.js';
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page } from 'puppeteer-core';
import { Generator } from '../../src/generator.js';
import { createApp } from '../../src/server/app.js';
import { listKinds } from '../../src/core/registry.js';
import { docxParagraphs, fixture, pdfPages } from '../support/documents.js';

/** Waits for a finished download in `dir` (Chromium writes *.crdownload first). */
/** The downloaded file, once Chromium has finished writing it (no partial file, a size that holds). */
async function downloaded(dir: string, attempts = 100): Promise<string> {
  let last = '';
  for (let i = 0; i < attempts; i++) {
    const names = readdirSync(dir);
    const done = names.filter((f) => !f.endsWith('.crdownload') && !f.startsWith('.'));
    if (done.length > 0 && !names.some((f) => f.endsWith('.crdownload') || f.startsWith('.'))) {
      const path = join(dir, done[0]!);
      const seen = `${path}:${statSync(path).size}`;
      if (statSync(path).size > 0 && seen === last) return path;
      last = seen;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`No download in ${dir}`);
}

describe('web form, driven in headless Chromium', () => {
  const generator = new Generator();
  let server: Server;
  let base = '';
  let browser: BrowserContext;

  before(async () => {
    server = createApp(generator).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await browserContext();
  });

  after(async () => {
    await browser?.close();
    server?.close();
    await generator.close();
  });

  async function pageDownloadingTo(): Promise<{ page: Page; dir: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'telechargements-'));
    const page = await browser.newPage();
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir, ...(browser.id ? { browserContextId: browser.id } : {}) });
    return { page, dir };
  }

  it('fills the example, submits, and downloads a signature-ready PDF', async () => {
    const { page, dir } = await pageDownloadingTo();
    await page.goto(`${base}/formulaires/convention?exemple=1`);
    await page.select('#champ-format', 'pdf');
    await page.click('#bouton-generer');
    const file = await downloaded(dir);
    expect(file).to.match(/convention-partenariat-communaute-de-communes-somme-santerre-2026-12-01\.pdf$/);
    const pdf = readFileSync(file);
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
    expect((await pdfPages(pdf)).join(' ')).to.contain('Article I – Objet de la convention');
    await page.close();
  });

  for (const kind of listKinds()) {
    it(`gives from the pre-filled form of « ${kind.title} » the same DOCX as the API`, async () => {
      const { page, dir } = await pageDownloadingTo();
      await page.goto(`${base}/formulaires/${kind.id}?exemple=1`);
      await page.select('#champ-format', 'docx');
      await page.click('#bouton-generer');
      const file = await downloaded(dir);
      const fromForm = docxParagraphs(readFileSync(file));
      const fromApi = docxParagraphs((await generator.generate(kind.id, fixture(kind.id), { format: 'docx' })).bytes);
      expect(fromForm).to.deep.equal(fromApi);
      await page.close();
    });
  }

  it('shows each error beside its field and keeps what was typed', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/formulaires/convention`);
    await page.type('#champ-donneurOrdre-nom', 'Ville de Péronne');
    await page.type('#champ-donneurOrdre-siret', '123');
    const [response] = await Promise.all([page.waitForNavigation(), page.click('#bouton-generer')]);
    expect(response?.status()).to.equal(400);
    const text = (selector: string) => page.$eval(selector, (el) => el.textContent?.trim());
    expect(await text('#resume-erreurs h2')).to.equal('Données invalides');
    expect(await text('#champ-donneurOrdre-siret-erreur')).to.equal(
      '« SIRET » n’est pas un numéro SIRET valide : 14 chiffres dont le dernier est une clé de contrôle.',
    );
    expect(await text('#champ-donneurOrdre-representant-nom-erreur')).to.equal('« Nom » est obligatoire.');
    expect(await page.$eval('#champ-donneurOrdre-nom', (el) => (el as HTMLInputElement).value)).to.equal('Ville de Péronne');
    expect(await page.$eval('#champ-donneurOrdre-siret', (el) => el.getAttribute('aria-invalid'))).to.equal('true');
    await page.close();
  });

  it('lists missing fields (422) until the form is complete', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/formulaires/convention`);
    await page.type('#champ-donneurOrdre-nom', 'Ville de Péronne');
    const [response] = await Promise.all([page.waitForNavigation(), page.click('#bouton-generer')]);
    expect(response?.status()).to.equal(422);
    const summary = await page.$$eval('#resume-erreurs li', (items) => items.map((li) => li.textContent));
    expect(summary).to.include('Signature\u00A0: «\u00A0Lieu de signature\u00A0» est obligatoire.');
    expect(await page.evaluate(() => document.activeElement?.id), 'the summary has the focus').to.equal('resume-erreurs');
    await page.close();
  });

  it('produces a DOCX draft from a partly filled form', async () => {
    const { page, dir } = await pageDownloadingTo();
    await page.goto(`${base}/formulaires/convention`);
    await page.type('#champ-donneurOrdre-nom', 'Ville de Péronne');
    await page.click('input[name=mode][value=draft]');
    await page.select('#champ-format', 'docx');
    await page.click('#bouton-generer');
    const file = await downloaded(dir);
    expect(file).to.match(/projet-convention-partenariat-ville-de-peronne-date-a-completer\.docx$/);
    const text = docxParagraphs(readFileSync(file)).join('\n');
    expect(text).to.contain('Ville de Péronne');
    expect(text).to.contain('[à compléter : Structure porteuse de la clause – Nom]');
    await page.close();
  });

  it('adds and removes list items in place with JavaScript, renumbering the fields', async () => {
    const { page, dir } = await pageDownloadingTo();
    await page.goto(`${base}/formulaires/mise-en-demeure-partenaire`);
    const legends = () => page.$$eval('[data-liste="manquements"] > fieldset > legend', (ls) => ls.map((l) => l.textContent));
    await page.type('#champ-manquements-0-engagement', 'Engagement retiré');
    const url = page.url();
    await page.click('button[name=_ajouter][value=manquements]');
    expect(page.url(), 'no page load').to.equal(url);
    expect(await legends()).to.deep.equal(['Manquement 1', 'Manquement 2']);
    expect(await page.$eval('#champ-manquements-1-engagement', (el) => [(el as HTMLInputElement).name, (el as HTMLInputElement).value])).to.deep.equal(['manquements.1.engagement', '']);
    expect(await page.$eval('label[for=champ-manquements-1-engagement]', (el) => el.textContent)).to.contain('Engagement non respecté');
    await page.type('#champ-manquements-1-engagement', 'Engagement gardé');
    await page.click('button[name=_retirer][value="manquements.0"]');
    expect(await legends()).to.deep.equal(['Manquement 1']);
    expect(await page.$eval('#champ-manquements-0-engagement', (el) => [(el as HTMLInputElement).name, (el as HTMLInputElement).value])).to.deep.equal(['manquements.0.engagement', 'Engagement gardé']);
    expect(await page.$eval('[data-liste="manquements"] button[name=_retirer]', (el) => [(el as HTMLButtonElement).value, el.textContent])).to.deep.equal(['manquements.0', 'Retirer\u00A0: Manquement 1']);
    // The renumbered form is what the server reads.
    await page.click('input[name=mode][value=draft]');
    await page.select('#champ-format', 'txt');
    await page.click('#bouton-generer');
    const text = readFileSync(await downloaded(dir), 'utf8');
    expect(text).to.contain('Engagement gardé');
    expect(text).not.to.contain('Engagement retiré');
    await page.close();
  });
});
