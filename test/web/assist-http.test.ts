/**
 * What the forms propose and look up, and the documents produced in the background, through plain
 * HTTP as a browser without script sends them: a civility proposed from the title typed (shown
 * pre-selected and marked, never used in a downloaded document before the user has seen it), the
 * search of communes by name or postal code (/api/v1/communes), and the page that follows a
 * document produced in the background (/lots/:id) up to its download link.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { Generator } from '../../src/generator.js';
import { createApp } from '../../src/server/app.js';
import { bootstrap } from '../../src/store/bootstrap.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { fixture, withValue } from '../support/documents.js';
import { binary } from '../support/http.js';
import { plain, visibleText, withFields } from '../support/html.js';

type Data = Record<string, any>;
const text = (html: string) => plain(visibleText(html));

/** The avenant's example whose structure's representative has no civility (« Directrice générale »). */
function withoutCivility(): Data {
  const data = structuredClone(fixture('avenant')) as Data;
  delete data.structurePorteuse.representant.civilite;
  return data;
}

describe('web: proposals, communes and background production (HTTP)', function () {
  this.timeout(60_000);
  const generator = new Generator();
  const app = createApp(generator);
  after(() => generator.close());

  const post = (kind: string, fields: Record<string, string>) => withFields(request(app).post(`/formulaires/${kind}`), fields);

  describe('civility proposed from the title', () => {
    it('brings the form back with « Madame » pre-selected and marked, and produces nothing yet', async () => {
      const res = await post('avenant', { donnees: JSON.stringify(withoutCivility()), format: 'txt', mode: 'final' }).expect(200);
      expect(res.headers['content-type']).to.match(/^text\/html/);
      expect(res.text).to.match(/<select id="champ-structurePorteuse-representant-civilite" name="structurePorteuse.representant.civilite" aria-describedby="champ-structurePorteuse-representant-civilite-propose">.*<option value="Mme" selected>Madame<\/option>/);
      const shown = text(res.text);
      expect(shown).to.contain('Valeurs proposées à vérifier');
      expect(shown).to.contain('rien n’a encore été produit');
      expect(shown).to.contain('Proposé d’après la qualité « Directrice générale » : vérifiez ou changez ce choix.');
      expect(shown).to.match(/Structure porteuse de la clause – Représentant légal – Civilité : Madame, proposé d’après la qualité « Directrice générale »\./);
      // French typography, and no internal path on the page.
      expect(res.text).to.contain('«\u00A0Directrice générale\u00A0»');
      expect(shown).not.to.contain('structurePorteuse.representant');
      // The organisation's gender is proposed from its name, without stopping the generation.
      expect(res.text).to.match(/name="donneurOrdre.genre" aria-describedby="champ-donneurOrdre-genre-aide champ-donneurOrdre-genre-propose">.*<option value="feminin" selected>/);
      expect(shown).to.contain('Proposé d’après le nom « Communauté de communes Somme Santerre Est »');
    });

    it('produces the document once the civility is sent, as the form that came back sends it', async () => {
      const res = await post('avenant', { donnees: JSON.stringify(withoutCivility()), 'structurePorteuse.representant.civilite': 'Mme', format: 'txt', mode: 'final' }).expect(200);
      expect(res.headers['content-type']).to.match(/^text\/plain/);
      expect(plain(res.text)).to.contain('habilitée');
    });

    it('uses the proposal in the preview, which shows it beside the form', async () => {
      const res = await post('avenant', { donnees: JSON.stringify(withoutCivility()), _action: 'apercu', format: 'pdf', mode: 'final' }).expect(200);
      expect(text(res.text)).to.contain('Aperçu du projet');
      expect(text(res.text)).to.contain('Proposé d’après la qualité « Directrice générale »');
      expect(text(res.text)).not.to.contain('Valeurs proposées à vérifier');
      expect(res.text).to.match(/<option value="Mme" selected>Madame<\/option>/);
      expect(plain(res.text)).to.contain('Mme Claire DUMONT');
    });

    it('proposes nothing for a title that tells nothing (« Maire »): the document is produced as before', async () => {
      const data = withValue(withoutCivility(), 'structurePorteuse.representant.qualite', 'Maire') as Data;
      const res = await post('avenant', { donnees: JSON.stringify(data), format: 'txt', mode: 'final' }).expect(200);
      expect(res.headers['content-type']).to.match(/^text\/plain/);
    });

    it('says what to correct at the same time as the proposal', async () => {
      const data = withoutCivility();
      delete data.motif;
      const res = await post('avenant', { donnees: JSON.stringify(data), format: 'txt', mode: 'final' });
      expect(res.status).to.be.within(400, 422);
      expect(text(res.text)).to.contain('Proposé d’après la qualité « Directrice générale »');
      expect(res.text).to.match(/<option value="Mme" selected>Madame<\/option>/);
    });
  });

  describe('communes and their INSEE codes', () => {
    it('finds a commune by its name, accents and case aside, and by its postal code', async () => {
      const byName = await request(app).get('/api/v1/communes').query({ q: 'PERONNE' }).expect(200);
      expect(byName.body[0]).to.deep.equal({ codeInsee: '80620', nom: 'Péronne', codesPostaux: ['80200'], departement: '80' });
      const byPostalCode = await request(app).get('/api/v1/communes').query({ q: '80200' }).expect(200);
      expect(byPostalCode.body.map((c: { codeInsee: string }) => c.codeInsee)).to.include('80620');
      expect(byPostalCode.body.length).to.be.at.most(20);
      const many = await request(app).get('/api/v1/communes').query({ q: 'saint' }).expect(200);
      expect(many.body).to.have.length(20);
    });

    it('includes the overseas communes', async () => {
      const reunion = await request(app).get('/api/v1/communes').query({ q: 'saint-denis' }).expect(200);
      expect(reunion.body[0]).to.deep.include({ codeInsee: '97411', departement: '974' });
      const mayotte = await request(app).get('/api/v1/communes').query({ q: 'Mamoudzou' }).expect(200);
      expect(mayotte.body[0]).to.deep.include({ codeInsee: '97611', departement: '976' });
      const guadeloupe = await request(app).get('/api/v1/communes').query({ q: '97100' }).expect(200);
      expect(guadeloupe.body[0]).to.deep.include({ nom: 'Basse-Terre', departement: '971' });
    });

    it('refuses a search without text, in French', async () => {
      const res = await request(app).get('/api/v1/communes').expect(400);
      expect(res.body.errors[0].message).to.contain('code postal');
    });

    it('puts a search beside each INSEE code of the sizing form; the code typed is still accepted without script', async () => {
      const page = await request(app).get('/dimensionnement').expect(200);
      expect(page.text).to.match(/<input type="text" id="champ-territoire-communesInsee-0" name="territoire.communesInsee.0"/);
      expect(page.text).to.contain('<label for="champ-territoire-communesInsee-0-commune">Chercher la commune (nom ou code postal)</label>');
      expect(page.text).to.match(/<div class="recherche-commune" hidden>/);
    });
  });

  describe('a document produced in the background', () => {
    let dir: string;
    let store: Store;
    let withStore: ReturnType<typeof createApp>;
    let cookie: string;
    let csrf: string;
    const generator2 = new Generator();

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'web-lots-'));
      store = await openStore('sqlite', { dataDir: dir });
      const key = (await bootstrap(store, { organisation: 'Maison de l’emploi et de la formation de Haute-Somme' })).printedKey!;
      withStore = createApp(generator2, { store, webBackgroundItems: 200 });
      const signed = await request(withStore).post('/connexion').type('form').send({ cle: key }).expect(303);
      cookie = String(signed.headers['set-cookie']).split(';')[0]!;
      csrf = /name="_csrf" value="([^"]+)"/.exec((await request(withStore).get('/formulaires/avenant').set('Cookie', cookie)).text)![1]!;
    });

    after(async () => {
      await generator2.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const postSigned = (kind: string, fields: Record<string, string>) =>
      withFields(request(withStore).post(`/formulaires/${kind}`).set('Cookie', cookie).field('_csrf', csrf), fields);

    async function finished(id: string): Promise<void> {
      for (let i = 0; i < 200; i++) {
        const job = await store.getJob(id);
        if (job && (job.statut === 'termine' || job.statut === 'echec')) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('job not finished');
    }

    it('offers « Produire en arrière-plan » on the forms', async () => {
      const page = await request(withStore).get('/formulaires/avenant').set('Cookie', cookie).expect(200);
      expect(page.text).to.contain('<input type="checkbox" id="champ-arriere-plan" name="_arrierePlan" value="oui" aria-describedby="champ-arriere-plan-aide">');
      expect(page.text).to.contain('<label for="champ-arriere-plan">Produire en arrière-plan</label>');
    });

    it('follows the job on its page, then links to the document taken out of the ZIP', async () => {
      const res = await postSigned('avenant', { donnees: JSON.stringify(fixture('avenant')), format: 'txt', mode: 'final', _arrierePlan: 'oui' }).expect(303);
      const location = String(res.headers.location);
      expect(location).to.match(/^\/lots\/[^/]+$/);
      const id = location.split('/').pop()!;
      const first = await request(withStore).get(location).set('Cookie', cookie).expect(200);
      const shown = text(first.text);
      expect(shown).to.contain('Production en arrière-plan');
      expect(shown).to.match(/Documents produits : [01] sur 1/);
      expect(shown).to.match(/État : (En attente|En cours|Terminé)/);
      if (!shown.includes('Terminé')) {
        expect(first.text).to.contain('aria-busy="true"');
        expect(first.text).to.contain('<noscript><meta http-equiv="refresh" content="3"></noscript>');
        expect(shown).to.contain('Rafraîchir');
      }
      expect(first.text).to.contain('role="status"');
      await finished(id);
      const done = await request(withStore).get(location).set('Cookie', cookie).expect(200);
      expect(text(done.text)).to.contain('Documents produits : 1 sur 1');
      expect(text(done.text)).to.contain('État : Terminé');
      expect(done.text).not.to.contain('aria-busy');
      expect(done.text).not.to.contain('http-equiv="refresh"');
      expect(done.text).to.contain(`<a class="telecharger" href="/lots/${id}/document" download>Télécharger le document (TXT)</a>`);
      const status = await request(withStore).get(`/lots/${id}/etat`).set('Cookie', cookie).expect(200);
      expect(status.body).to.deep.include({ statut: 'Terminé', faits: 1, total: 1, progression: '1 sur 1', termine: true });
      const file = await request(withStore).get(`/lots/${id}/document`).set('Cookie', cookie).buffer(true).parse(binary).expect(200);
      expect(String(file.headers['content-disposition'])).to.contain('avenant.txt');
      expect(plain((file.body as Buffer).toString('utf8'))).to.contain('Avenant n° 1');
      // The API's own view of the job, with the same session.
      const api = await request(withStore).get(`/api/v1/jobs/${id}`).set('Cookie', cookie).expect(200);
      expect(api.body).to.deep.include({ statut: 'termine', faits: 1, total: 1 });
    });

    it('produces a large input in the background without being asked (a bilan of many follow-up rows)', async () => {
      const bilan = structuredClone(fixture('bilan-annuel')) as Data;
      const rows = bilan.donnees?.suivi as Data[] | undefined;
      expect(rows, 'the example has follow-up rows').to.be.an('array').that.is.not.empty;
      while (bilan.donnees.suivi.length < 250) bilan.donnees.suivi.push(...rows!.map((r) => ({ ...r })));
      const res = await postSigned('bilan-annuel', { format: 'txt', mode: 'draft' }).attach('donnees', Buffer.from(JSON.stringify(bilan)), { filename: 'bilan.json', contentType: 'application/json' }).expect(303);
      const id = String(res.headers.location).split('/').pop()!;
      await finished(id);
      const done = await request(withStore).get(`/lots/${id}`).set('Cookie', cookie).expect(200);
      expect(text(done.text)).to.contain('État : Terminé');
      expect(done.text).to.contain('Télécharger le document (TXT)');
    });

    it('brings a form whose data is to correct back to the form, not to a job', async () => {
      const data = structuredClone(fixture('avenant')) as Data;
      delete data.motif;
      const res = await postSigned('avenant', { donnees: JSON.stringify(data), format: 'txt', mode: 'final', _arrierePlan: 'oui' });
      expect(res.status).to.be.within(400, 422);
      expect(text(res.text)).to.contain('« Objet et motif de l’avenant » est obligatoire');
    });

    it('hides another organisation’s job, and asks a visitor to sign in', async () => {
      await request(withStore).get('/lots/inconnu').set('Cookie', cookie).expect(404);
      const anonymous = await request(withStore).get('/lots/inconnu').expect(303);
      expect(anonymous.headers.location).to.equal('/connexion');
    });
  });
});
