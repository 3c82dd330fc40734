/**
 * A facilitator's day, in a real headless Chromium against the service with its store: sign in,
 * fill a convention typed the French way and save its draft, leave and resume it, preview it and
 * complete what the preview lists, generate the final PDF and find it with its hash on the dossier's
 * page, generate an avenant from the dossier typing only its own fields (two changes added with
 * « Ajouter »), send a bilan a wrong CSV and see the form come back with the line and column and the
 * good file kept, size a lot and hand it to an avis motivé. Each step asserts what the page shows.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { BrowserContext, CDPSession, Page } from 'puppeteer-core';
import { startWebService, type WebService } from '../support/browser.js';
import { docxParagraphs, pdfPages } from '../support/documents.js';
import { plain } from '../support/html.js';

/** Spaces of every kind folded to one plain space. */
const folded = (text: string | null | undefined) => (text ?? '').replace(/[\s\u00A0\u202F]+/g, ' ').trim();

describe('web: a facilitator’s day, in headless Chromium', function () {
  this.timeout(60_000);
  let web: WebService;
  let dir: string;
  let base = '';
  let browser: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let key: string;
  let dossierUrl = '';
  const buyer = 'Ville de Roye';

  before(async () => {
    web = await startWebService('scenario');
    ({ dir, base, page, key } = web);
    browser = web.context;
    cdp = await page.createCDPSession();
  });

  after(() => web?.close());

  // --- helpers -------------------------------------------------------------------------------

  const text = (selector: string) => page.$eval(selector, (el) => (el as HTMLElement).innerText).then(folded);
  const valueOf = (selector: string) => page.$eval(selector, (el) => (el as HTMLInputElement).value).then(folded);
  const shown = async () => folded(await page.evaluate(() => document.querySelector('main')!.innerText));

  /** Types into a field as a user does, replacing what it held. */
  async function fill(selector: string, value: string): Promise<void> {
    await page.$eval(selector, (el) => {
      (el as HTMLInputElement).value = '';
    });
    await page.type(selector, value);
  }

  /** A date input set to an ISO day (what the browser's date picker gives). */
  async function setDate(selector: string, day: string): Promise<void> {
    await page.$eval(
      selector,
      (el, d) => {
        (el as HTMLInputElement).value = d;
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      },
      day,
    );
  }

  /** Clicks and waits for the page that follows; its status. */
  async function navigate(click: Promise<unknown> | (() => Promise<unknown>)): Promise<number | undefined> {
    const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), typeof click === 'function' ? click() : click]);
    return response?.status();
  }

  /** Clicks the link whose text contains `label` and waits for its page. */
  async function follow(label: string): Promise<void> {
    const links = await page.$$('main a');
    for (const link of links) {
      const t = folded(await link.evaluate((a) => a.textContent));
      if (t.includes(label)) {
        await navigate(link.click());
        return;
      }
    }
    throw new Error(`No link « ${label} » on ${page.url()}`);
  }

  /** The file that `click` downloads, once Chromium has finished writing it. */
  async function download(click: () => Promise<unknown>): Promise<{ name: string; bytes: Buffer }> {
    const into = mkdtempSync(join(dir, 'telechargement-'));
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: into, ...(browser.id ? { browserContextId: browser.id } : {}) });
    await click();
    let last = '';
    for (let i = 0; i < 200; i++) {
      const names = readdirSync(into);
      const done = names.filter((f) => !f.endsWith('.crdownload') && !f.startsWith('.'));
      if (done.length > 0 && !names.some((f) => f.endsWith('.crdownload') || f.startsWith('.'))) {
        const path = join(into, done[0]!);
        const seen = `${path}:${statSync(path).size}`;
        if (statSync(path).size > 0 && seen === last) return { name: done[0]!, bytes: readFileSync(path) };
        last = seen;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Nothing downloaded from ${page.url()}`);
  }

  // --- the day -------------------------------------------------------------------------------

  it('a. signs in with the access key on the sign-in page', async () => {
    await page.goto(`${base}/dossiers`);
    expect(page.url(), 'sent to the sign-in page').to.equal(`${base}/connexion`);
    expect(await text('h1')).to.equal('Connexion');
    await page.type('#cle', key);
    await navigate(page.click('main button[type=submit]'));
    expect(page.url()).to.equal(`${base}/`);
    expect(await text('header')).to.contain('Maison de l’emploi et de la formation de Haute-Somme').and.to.contain('Se déconnecter');
    expect(await shown()).to.contain('Vos dossiers').and.to.contain('Aucun dossier pour le moment.');
  });

  it('b. fills the convention typed the French way and saves its draft: the dossier’s page shows it', async () => {
    await follow('Nouvelle convention');
    expect(await text('h1')).to.equal('Convention de partenariat');
    // Started from the example, then the buyer's own values: a new buyer, a yearly contribution typed
    // « 12 500 », no signature date yet.
    await follow('Pré-remplir avec l’exemple');
    await fill('#champ-reference', 'CP-2027-003');
    await fill('#champ-donneurOrdre-nom', buyer);
    await fill('#champ-donneurOrdre-siret', '21800689700019');
    await fill('#champ-donneurOrdre-adresse-commune', 'Roye');
    await fill('#champ-options-contributionAnnuelle', '12 500');
    await fill('#champ-options-reunionsComitePilotageParAn', '3');
    await fill('#champ-durees-dureeInitialeMois', '24');
    await setDate('#champ-signature-date', '');
    await navigate(page.click('button[name=_action][value=brouillon]'));
    expect(page.url()).to.match(/\/dossiers\/[\w-]+$/);
    dossierUrl = page.url();
    expect(await text('h1')).to.equal(`${buyer} – CP-2027-003`);
    const main = await shown();
    expect(main).to.contain('État de la convention : Brouillon');
    expect(main).to.contain(`Donneur d’ordre ${buyer}`);
    expect(main).to.contain('Durée initiale 24 mois');
    expect(main).to.contain('Date de signature à compléter');
    expect(main).to.contain('Aucun document conservé pour ce dossier.');
  });

  it('c. leaves for the list, comes back and resumes the convention: the values typed are there', async () => {
    await page.click('.navigation a[href="/dossiers"]').then(() => page.waitForSelector('table.liste'));
    const row = await text('table.liste tbody tr');
    expect(row).to.contain(`${buyer} – CP-2027-003`).and.to.contain('Brouillon');
    await follow(`${buyer} – CP-2027-003`);
    expect(page.url()).to.equal(dossierUrl);
    await follow('Reprendre la convention');
    expect(await text('.dossier-courant')).to.contain(`Dossier : ${buyer} – CP-2027-003`);
    expect(await valueOf('#champ-donneurOrdre-nom')).to.equal(buyer);
    expect(await valueOf('#champ-options-contributionAnnuelle'), 'the amount as typed, French digits').to.equal('12 500');
    expect(await valueOf('#champ-options-reunionsComitePilotageParAn')).to.equal('3');
    expect(await valueOf('#champ-durees-dureeInitialeMois')).to.equal('24');
    expect(await valueOf('#champ-signature-date')).to.equal('');
    expect(await valueOf('#champ-structurePorteuse-nom')).to.equal('Maison de l\'emploi et de la formation de Haute-Somme');
  });

  it('d. previews the draft: the document’s text, and the fields to complete linked to their inputs', async () => {
    const status = await navigate(page.click('button[name=_action][value=apercu]'));
    expect(status, await shown()).to.equal(200);
    expect(await text('#titre-apercu')).to.equal('Aperçu du projet');
    const doc = await page.$eval('.apercu iframe', (el) => (el as HTMLIFrameElement).srcdoc);
    expect(folded(doc)).to.contain(buyer).and.to.contain('Article I – Objet de la convention');
    expect(folded(doc)).to.contain('12 500');
    expect(await text('.apercu')).to.contain('1 champ à compléter');
    const missing = await page.$$eval('.manquants a', (as) => as.map((a) => ({ href: a.getAttribute('href'), text: (a as HTMLElement).innerText })));
    expect(missing.map((m) => ({ href: m.href, text: folded(m.text) }))).to.deep.equal([
      { href: '#champ-signature-date', text: '[à compléter : Signature – Date de signature] Signature : « Date de signature » est obligatoire.' },
    ]);
    // The link leads to the input, highlighted.
    await page.click('.manquants a');
    expect(await page.evaluate(() => location.hash)).to.equal('#champ-signature-date');
    expect(await page.$eval('#champ-signature-date', (el) => el.getAttribute('aria-invalid'))).to.equal('true');
  });

  it('e. completes the date, generates the final PDF, and finds it with its hash on the dossier’s page', async () => {
    await setDate('#champ-signature-date', '2027-01-15');
    await page.click('input[name=mode][value=final]');
    await page.select('#champ-format', 'pdf');
    const pdf = await download(() => page.click('#bouton-generer'));
    expect(pdf.name).to.equal('convention-partenariat-ville-de-roye-2027-01-15.pdf');
    const pages = (await pdfPages(pdf.bytes)).join('\n');
    expect(plain(pages)).to.contain(buyer).and.to.contain('12 500');
    expect(pages).to.not.contain('PROJET');
    await page.goto(dossierUrl);
    expect(await shown()).to.contain('État de la convention : Signée');
    const row = await text('table.liste tbody tr');
    expect(row).to.contain('Convention de partenariat').and.to.contain('Définitive');
    const sha = createHash('sha256').update(pdf.bytes).digest('hex');
    const hashes = await page.$$eval('table.liste tbody tr code', (codes) => codes.map((c) => c.getAttribute('title')));
    expect(hashes, 'the PDF’s SHA-256 is listed').to.include(sha);
    expect(row).to.contain(`${sha.slice(0, 12)}… (PDF)`);
  });

  it('f. generates an avenant from the dossier, typing only its own fields: the buyer comes from the dossier', async () => {
    await follow('Générer : Avenant à la convention de partenariat');
    expect(await text('h1')).to.equal('Avenant à la convention de partenariat');
    expect(await valueOf('#champ-donneurOrdre-nom'), 'the parties come from the dossier').to.equal(buyer);
    expect(await valueOf('#champ-convention-reference')).to.equal('CP-2027-003');
    await fill('#champ-numero', '1');
    await page.type('#champ-motif', 'Le présent avenant porte de quinze à dix jours le délai de l’avis motivé.');
    await page.select('#champ-modifications-0-type', 'remplace-mots');
    await page.type('#champ-modifications-0-article', 'IV');
    await page.type('#champ-modifications-0-alinea', '2');
    await page.type('#champ-modifications-0-mots', 'quinze jours');
    await page.type('#champ-modifications-0-texte', 'dix jours');
    // A second change, added in place with « Ajouter ».
    const url = page.url();
    await page.click('button[name=_ajouter][value=modifications]');
    await page.waitForSelector('#champ-modifications-1-article');
    expect(page.url(), 'no page load').to.equal(url);
    const legends = await page.$$eval('[data-liste="modifications"] > fieldset > legend', (ls) => ls.map((l) => l.textContent));
    expect(legends).to.deep.equal(['Modification 1', 'Modification 2']);
    expect(await valueOf('#champ-modifications-1-article'), 'the new item is blank').to.equal('');
    await page.select('#champ-modifications-1-type', 'complete');
    await page.type('#champ-modifications-1-article', 'VII');
    await page.type('#champ-modifications-1-texte', 'Les bilans peuvent être communiqués aux financeurs, sans identifier les personnes.');
    await page.type('#champ-signature-lieu', 'Roye');
    await setDate('#champ-signature-date', '2027-10-12');
    await page.click('input[name=mode][value=final]');
    await page.select('#champ-format', 'docx');
    const docx = await download(() => page.click('#bouton-generer'));
    expect(docx.name).to.match(/\.docx$/);
    const paragraphs = plain(docxParagraphs(docx.bytes).join('\n'));
    expect(paragraphs).to.contain(buyer);
    expect(paragraphs).to.contain('CP-2027-003');
    expect(paragraphs).to.contain('dix jours').and.to.contain('Les bilans peuvent être communiqués aux financeurs');
    await page.goto(dossierUrl);
    expect(await text('table.liste tbody tr')).to.contain('Avenant à la convention de partenariat').and.to.contain('Définitive');
  });

  it('g. sends a bilan a wrong CSV: the form comes back with the line and column, what was typed and the good file kept', async () => {
    await follow('Générer : Bilan intermédiaire d’un marché');
    expect(await text('h1')).to.equal('Bilan intermédiaire d’un marché');
    const marches = join(dir, 'marches.csv');
    const suivi = join(dir, 'suivi.csv');
    writeFileSync(marches, 'reference;acheteur;titulaire;lot;objectif_heures;date_debut;date_fin\n2027-TRV-004-L1;Ville de Roye;Bâtiments du Santerre SAS;Lot 1 Gros œuvre;1540;2027-05-01;2028-06-30\n');
    const header = 'marche;personne;mois;heures;heures_formation;modalite;contrat;categorie;sexe;tranche_age;residence_qpv;sortie;sortie_6_mois\n';
    writeFileSync(suivi, `${header}2027-TRV-004-L1;P0001;2027-05;seize;0;embauche-directe;cdi;siae;F;50-plus;oui;;\n`);
    await page.type('#champ-marche', '2027-TRV-004-L1');
    expect(await valueOf('#champ-signataire-prenom'), 'the facilitator’s contact from the dossier').to.equal('Sophie');
    await page.type('#champ-commentaire', 'Le titulaire a recruté ses premières personnes en mai.');
    const input = await page.$('input#champ-donnees');
    await input!.uploadFile(marches, suivi);
    const status = await navigate(page.click('#bouton-generer'));
    expect(status).to.equal(400);
    expect(await text('#resume-erreurs')).to.contain('suivi.csv, ligne 2, colonne « heures » : « Heures travaillées » doit être un nombre.');
    expect(await page.evaluate(() => document.activeElement?.id), 'the summary has the focus').to.equal('resume-erreurs');
    expect(await page.$eval('#resume-erreurs a', (a) => a.getAttribute('href')), 'linked to the file input').to.equal('#champ-donnees');
    expect(await text('#champ-donnees-erreur')).to.contain('suivi.csv, ligne 2, colonne « heures »');
    expect(await page.$eval('#champ-donnees', (el) => el.getAttribute('aria-invalid'))).to.equal('true');
    // What was typed is there, and so is the good file, said beside the file input.
    expect(await valueOf('#champ-marche')).to.equal('2027-TRV-004-L1');
    expect(await valueOf('#champ-signataire-prenom')).to.equal('Sophie');
    expect(await valueOf('#champ-commentaire')).to.equal('Le titulaire a recruté ses premières personnes en mai.');
    expect(await text('#champ-donnees-conserves')).to.contain('Données de suivi conservées (« marches.csv ») : 1 marché.');
    const hidden = await page.$eval('form[action="/formulaires/bilan-marche"] input[type=hidden][name=donnees]', (el) => (el as HTMLInputElement).value);
    expect(JSON.parse(hidden).donnees.marches[0].titulaire).to.equal('Bâtiments du Santerre SAS');
    // Only the corrected file is sent again: the draft uses the market kept.
    writeFileSync(suivi, `${header}2027-TRV-004-L1;P0001;2027-05;16;0;embauche-directe;cdi;siae;F;50-plus;oui;;\n`);
    await (await page.$('input#champ-donnees'))!.uploadFile(suivi);
    await page.click('input[name=mode][value=draft]');
    await page.select('#champ-format', 'txt');
    const txt = await download(() => page.click('#bouton-generer'));
    const bilan = plain(txt.bytes.toString('utf8'));
    expect(bilan).to.contain('Marché 2027-TRV-004-L1 – Lot 1 Gros œuvre');
    expect(bilan).to.contain('Titulaire : Bâtiments du Santerre SAS');
  });

  it('h. sizes a lot step by step and hands it to the avis motivé, which shows the sized hours', async () => {
    await page.goto(`${base}/dimensionnement`);
    expect(await text('h1')).to.equal('Dimensionner les heures d’insertion');
    await page.select('#champ-nature', 'travaux');
    await page.type('#champ-lots-0-numero', '1');
    await page.type('#champ-lots-0-intitule', 'Gros œuvre – maçonnerie');
    await page.select('#champ-lots-0-famille', 'gros-oeuvre');
    await page.type('#champ-lots-0-montantHT', '1 200 000');
    await page.type('#champ-lots-0-dureeMois', '12');
    await page.type('#champ-lots-0-parametres-tauxInsertion', '5 %');
    await navigate(page.click('#bouton-calculer'));
    await page.waitForSelector('#titre-resultat');
    const heading = await text('.resultat h3');
    const hours = /: ([\d  ]+) h$/.exec(heading)?.[1];
    expect(heading, 'the lot’s hours').to.match(/^Lot 1 : Gros œuvre – maçonnerie : [\d ]+ h$/);
    expect(await text('#titre-resultat')).to.equal(`Résultat : ${hours} h d’insertion`);
    const steps = await page.$$eval('.resultat table tbody tr', (rows) => rows.map((r) => (r as HTMLElement).innerText));
    expect(steps.length, 'the calculation step by step').to.be.greaterThan(2);
    expect(folded(steps.join('\n'))).to.contain('1 200 000,00 €').and.to.contain('5 %');
    // Handed to the avis motivé of the dossier.
    const dossierId = dossierUrl.split('/').pop()!;
    await page.select('#dossier-avis', dossierId);
    await navigate(page.click('form[action="/formulaires/avis-motive"] button[type=submit]'));
    expect(await text('h1')).to.equal('Avis motivé sur un projet d’achat');
    expect(await text('.dossier-courant')).to.contain(`${buyer} – CP-2027-003`);
    expect(await valueOf('#champ-projet-lots-0-intitule')).to.equal('Gros œuvre – maçonnerie');
    expect(await valueOf('#champ-projet-lots-0-montantHT')).to.equal('1 200 000');
    expect(await valueOf('#champ-projet-lots-0-parametres-tauxInsertion')).to.equal('5 %');
    expect(await valueOf('#champ-donneurOrdre-nom'), 'the buyer from the dossier').to.equal(buyer);
    await navigate(page.click('button[name=_action][value=apercu]'));
    const doc = folded(await page.$eval('.apercu iframe', (el) => (el as HTMLIFrameElement).srcdoc));
    expect(doc, 'the avis motivé prints the sized hours').to.contain(`${folded(hours)} heures`);
  });
});
