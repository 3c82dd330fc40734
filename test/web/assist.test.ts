/**
 * formulaire.js on the new helps, in headless Chromium: the civility pre-selected from the title
 * typed (never over the user's choice, as src/core/gender.ts reads titles), the search of communes
 * that fills an INSEE code, a form sent once, and the page of a document produced in the background
 * that follows its progress up to its download link.
 */
import { expect } from 'chai';
import type { Page } from 'puppeteer-core';
import { civilityFromTitle } from '../../src/core/gender.js';
import { startWebService, type WebService } from '../support/browser.js';

describe('web: proposals, communes and background production in Chromium', function () {
  this.timeout(60_000);
  let web: WebService;
  let page: Page;

  before(async () => {
    web = await startWebService('assist');
    page = web.page;
    await web.signIn();
  });

  after(() => web?.close());

  const civility = () => page.$eval('#champ-structurePorteuse-representant-civilite', (el) => (el as HTMLSelectElement).value);
  const note = () => page.$eval('#champ-structurePorteuse-representant-civilite-propose', (el) => el.textContent ?? '').catch(() => '');
  async function typeTitle(title: string): Promise<void> {
    await page.$eval('#champ-structurePorteuse-representant-qualite', (el) => {
      (el as HTMLInputElement).value = '';
    });
    await page.type('#champ-structurePorteuse-representant-qualite', title);
  }

  it('pre-selects the civility from the title typed, marked as proposed, and leaves a choice of the user alone', async () => {
    await page.goto(`${web.base}/formulaires/avenant`);
    await typeTitle('Directrice générale');
    expect(await civility()).to.equal('Mme');
    expect((await note()).replace(/[\u00A0\u202F]/g, ' ')).to.equal('Proposé d’après la qualité « Directrice générale » : vérifiez ou changez ce choix.');
    const described = await page.$eval('#champ-structurePorteuse-representant-civilite', (el) => el.getAttribute('aria-describedby'));
    expect(described).to.contain('champ-structurePorteuse-representant-civilite-propose');
    await typeTitle('Président');
    expect(await civility()).to.equal('M.');
    await typeTitle('Maire');
    expect(await civility()).to.equal('');
    expect(await note()).to.equal('');
    // The user's own choice is kept, whatever the title says.
    await page.select('#champ-structurePorteuse-representant-civilite', 'Mme');
    await typeTitle('Directeur');
    expect(await civility()).to.equal('Mme');
    expect(await note()).to.equal('');
  });

  it('reads titles as the server does', async () => {
    const titles = ['Directrice générale', 'Secrétaire générale', 'Secrétaire général', 'Vice-présidente', 'Maire adjointe', 'Adjoint au maire', 'Chargée de mission', 'Maire', 'Responsable du service emploi', 'Cheffe de projet', 'Première adjointe'];
    await page.goto(`${web.base}/formulaires/avenant`);
    for (const title of titles) {
      await page.select('#champ-structurePorteuse-representant-civilite', '');
      await page.$eval('#champ-structurePorteuse-representant-civilite', (el) => el.removeAttribute('data-propose'));
      await typeTitle(title);
      expect(await civility(), title).to.equal(civilityFromTitle(title) ?? '');
    }
  });

  it('fills an INSEE code from a commune searched by name or postal code', async () => {
    await page.goto(`${web.base}/dimensionnement`);
    const widget = await page.$('.recherche-commune');
    expect(await widget!.evaluate((el) => (el as HTMLElement).hidden)).to.equal(false);
    await page.type('#champ-territoire-communesInsee-0-commune', 'peronne');
    await page.click('.recherche-commune .commune-chercher');
    await page.waitForSelector('.commune-choix');
    const status = await page.$eval('.commune-etat', (el) => el.textContent ?? '');
    expect(status).to.match(/^3 communes trouvées/);
    const first = await page.$eval('.commune-choix', (el) => el.textContent ?? '');
    expect(first).to.contain('Péronne (80)');
    await page.click('.commune-choix');
    expect(await page.$eval('#champ-territoire-communesInsee-0', (el) => (el as HTMLInputElement).value)).to.equal('80620');
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal('champ-territoire-communesInsee-0');
    // By postal code, overseas, and Entrée searches rather than sending the form.
    await page.$eval('#champ-territoire-communesInsee-0-commune', (el) => {
      (el as HTMLInputElement).value = '';
    });
    await page.type('#champ-territoire-communesInsee-0-commune', '97600');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.commune-choix');
    expect(page.url()).to.equal(`${web.base}/dimensionnement`);
    expect(await page.$eval('.commune-choix', (el) => el.textContent ?? '')).to.contain('Mamoudzou (976)');
  });

  it('sends a form once, and follows a document produced in the background up to its link', async () => {
    await page.goto(`${web.base}/formulaires/avenant?exemple=1`);
    await page.click('#champ-arriere-plan');
    await page.select('#champ-format', 'txt');
    const navigation = page.waitForNavigation();
    await page.click('#bouton-generer');
    // A second press while it is sent does nothing: the buttons are disabled.
    const disabled = await page.$eval('#bouton-generer', (el) => (el as HTMLButtonElement).disabled).catch(() => true);
    expect(disabled).to.equal(true);
    await navigation;
    expect(page.url()).to.match(/\/lots\/[^/]+$/);
    await page.waitForSelector('a.telecharger', { timeout: 30_000 });
    const shown = (await page.$eval('main', (el) => el.textContent ?? '')).replace(/[\s\u00A0\u202F]+/g, ' ');
    expect(shown).to.contain('Documents produits : 1 sur 1');
    expect(shown).to.contain('État : Terminé');
    expect(await page.$('[aria-busy="true"]')).to.equal(null);
  });
});
