/**
 * Accessibility of the main pages, checked by axe-core in headless Chromium (WCAG 2.x A and AA
 * rules, and axe's best practices): no violation of impact « serious » or « critical » on the
 * dossier list, a dossier's page, the convention's form with errors, the form with a preview, the
 * sizing page with a result and with communes found, the calendar, the sign-in page, an error
 * page, a form whose civility was proposed, and the page of a document produced in the background.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AxePuppeteer } from '@axe-core/puppeteer';
import { expect } from 'chai';
import type { Page } from 'puppeteer-core';
import request from 'supertest';
import { startWebService, type WebService } from '../support/browser.js';
import { fixture } from '../support/documents.js';

describe('web: accessibility of the pages (axe-core)', function () {
  this.timeout(60_000);
  let web: WebService;
  let dir: string;
  let base = '';
  let page: Page;
  let dossierId = '';

  before(async () => {
    web = await startWebService('a11y');
    ({ dir, base, page } = web);
    const { app, store, key } = web;
    // A dossier whose convention is signed: its page lists a document, its calendar has periods.
    const res = await request(app).post('/api/v1/documents/convention?dossier=nouveau&format=html').set('Authorization', `Bearer ${key}`).send(fixture('convention'));
    expect(res.status).to.equal(200);
    dossierId = (await store.listDossiers((await store.listOrganisations()).map((o) => o.id)))[0]!.id;
    // The sign-in page is checked before signing in.
    await page.goto(`${base}/connexion`);
    await expectAccessible('la page de connexion');
    await page.type('#cle', 'csk_inconnue');
    await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
    await expectAccessible('la page de connexion avec une erreur');
    await page.$eval('#cle', (el) => {
      (el as HTMLInputElement).value = '';
    });
    await page.type('#cle', key);
    await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
  });

  after(() => web?.close());

  /** The page as it is now: no serious or critical violation, each listed with its targets. */
  async function expectAccessible(what: string): Promise<void> {
    // The preview's frame holds the generated document, sandboxed without script: axe cannot run
    // there (its frame-by-frame run would wait for it forever), so it runs in the page alone.
    const results = await new AxePuppeteer(page as never).setLegacyMode(true).disableFrame('.apercu iframe').analyze();
    expect(results.passes.length, 'axe ran its rules').to.be.greaterThan(10);
    if (process.env.AXE_DEBUG) console.log(what, results.violations.map((v) => `${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    const report = serious.map((v) => `${v.id} (${v.impact}) : ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`).join('\n');
    expect(serious, `${what} (${page.url()}) :\n${report}`).to.deep.equal([]);
  }

  it('the dossier list', async () => {
    await page.goto(`${base}/dossiers`);
    await page.waitForSelector('table.liste');
    await expectAccessible('la liste des dossiers');
  });

  it('a dossier’s page', async () => {
    await page.goto(`${base}/dossiers/${dossierId}`);
    await page.waitForSelector('table.liste');
    await expectAccessible('la page d’un dossier');
  });

  it('the convention’s form with errors', async () => {
    await page.goto(`${base}/formulaires/convention`);
    await page.type('#champ-donneurOrdre-nom', 'Ville de Péronne');
    await page.type('#champ-donneurOrdre-siret', '123');
    await Promise.all([page.waitForNavigation(), page.click('#bouton-generer')]);
    await page.waitForSelector('#resume-erreurs');
    await expectAccessible('le formulaire de la convention avec des erreurs');
  });

  it('the form with a preview', async () => {
    await page.goto(`${base}/formulaires/convention?exemple=1`);
    await page.$eval('#champ-signature-lieu', (el) => {
      (el as HTMLInputElement).value = '';
    });
    await Promise.all([page.waitForNavigation(), page.click('button[name=_action][value=apercu]')]);
    await page.waitForSelector('#titre-apercu');
    await expectAccessible('le formulaire avec un aperçu');
  });

  it('a bilan’s form whose follow-up file was refused, the other one kept', async () => {
    const marches = join(dir, 'marches.csv');
    const suivi = join(dir, 'suivi.csv');
    writeFileSync(marches, 'reference;acheteur;titulaire;lot;objectif_heures;date_debut;date_fin\n2027-TRV-004-L1;Ville de Roye;Bâtiments SAS;Lot 1;1540;2027-05-01;2028-06-30\n');
    writeFileSync(suivi, 'marche;personne;mois;heures;modalite;contrat;categorie;sexe;tranche_age\n2027-TRV-004-L1;P1;2027-05;seize;embauche-directe;cdi;siae;F;50-plus\n');
    await page.goto(`${base}/formulaires/bilan-marche`);
    await (await page.$('input#champ-donnees'))!.uploadFile(marches, suivi);
    await Promise.all([page.waitForNavigation(), page.click('#bouton-generer')]);
    await page.waitForSelector('#champ-donnees-erreur');
    await page.waitForSelector('#champ-donnees-conserves');
    await expectAccessible('le formulaire d’un bilan avec un fichier refusé');
  });

  it('the sizing page with a result', async () => {
    await page.goto(`${base}/dimensionnement?exemple=1`);
    await Promise.all([page.waitForNavigation(), page.click('#bouton-calculer')]);
    await page.waitForSelector('#titre-resultat');
    await expectAccessible('la page de dimensionnement avec un résultat');
  });

  it('a form whose civility was proposed, to check before generating', async () => {
    await page.goto(`${base}/formulaires/avenant?exemple=1`);
    await page.$eval('#champ-structurePorteuse-representant-civilite', (el) => {
      (el as HTMLSelectElement).value = '';
    });
    await Promise.all([page.waitForNavigation(), page.click('#bouton-generer')]);
    await page.waitForSelector('#propositions');
    await page.waitForSelector('#champ-structurePorteuse-representant-civilite-propose');
    await expectAccessible('le formulaire avec une civilité proposée');
  });

  it('the sizing page with communes found beside an INSEE code', async () => {
    await page.goto(`${base}/dimensionnement`);
    await page.type('#champ-territoire-communesInsee-0-commune', 'Péronne');
    await page.click('.recherche-commune .commune-chercher');
    await page.waitForSelector('.commune-choix');
    await expectAccessible('la recherche de communes du dimensionnement');
  });

  it('the page of a document produced in the background, in progress and done', async () => {
    await page.goto(`${base}/formulaires/avenant?exemple=1`);
    await page.click('#champ-arriere-plan');
    await Promise.all([page.waitForNavigation(), page.click('#bouton-generer')]);
    await page.waitForSelector('[data-lot]');
    expect(page.url()).to.match(/\/lots\/[^/]+$/);
    await expectAccessible('la page d’une production en arrière-plan');
    await page.waitForSelector('a.telecharger', { timeout: 60_000 });
    await expectAccessible('la page d’une production terminée');
  });

  it('the calendar page', async () => {
    await page.goto(`${base}/dossiers/${dossierId}/calendrier`);
    await page.waitForSelector('h1');
    await expectAccessible('le calendrier de la convention');
  });

  it('an error page', async () => {
    const res = await page.goto(`${base}/dossiers/inconnu`);
    expect(res?.status()).to.equal(404);
    await expectAccessible('une page d’erreur');
  });
});
