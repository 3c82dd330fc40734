/**
 * The sizing on screen: a purchase project typed lot by lot, its result step by step with the
 * sources, and its hand-over to the avis motivé's and the DCE clause's forms, which then give the
 * same hours. Plain HTTP posts, as a browser without script sends them.
 */
import { expect } from 'chai';
import request from 'supertest';
import { formatNumber } from '../../src/core/french.js';
import { Generator } from '../../src/generator.js';
import { createApp } from '../../src/server/app.js';
import { dimensionner } from '../../src/sizing/index.js';
import { fixture } from '../support/documents.js';
import { decodeEntities, formFields, plain, visibleText, withFields } from '../support/html.js';

type Data = Record<string, any>;

describe('web: the sizing on screen', () => {
  const generator = new Generator();
  const app = createApp(generator);
  after(() => generator.close());
  const text = (html: string) => plain(visibleText(html));
  const post = (path: string, fields: [string, string][]) => withFields(request(app).post(path), fields);
  const project = fixture('dimensionnement') as Data;

  it('offers a form of the project lot by lot, labelled in French', async () => {
    const res = await request(app).get('/dimensionnement').expect(200);
    const shown = text(res.text);
    expect(shown).to.contain('Dimensionner les heures d’insertion');
    expect(res.text).to.contain('<label for="champ-nature">Nature du marché <abbr title="obligatoire">*</abbr></label>');
    expect(res.text).to.contain('<legend>Lot 1</legend>');
    expect(res.text).to.contain('<label for="champ-lots-0-montantHT">Montant HT (€) <abbr title="obligatoire">*</abbr></label>');
    expect(res.text).to.contain('<button type="submit" name="_ajouter" value="lots" class="secondaire">Ajouter\u00A0: Lot</button>');
    const example = await request(app).get('/dimensionnement?exemple=1').expect(200);
    expect(example.text).to.match(/name="lots.0.montantHT" value="1\u202F850\u202F000" inputmode="decimal"/);
  });

  it('adds a lot without script, keeping what was typed', async () => {
    const res = await post('/dimensionnement', [['nature', 'travaux'], ['lots.0.intitule', 'Gros œuvre'], ['_ajouter', 'lots']]).expect(200);
    expect(res.text).to.contain('<legend>Lot 2</legend>');
    expect(res.text).to.contain('name="lots.0.intitule" value="Gros œuvre"');
    expect(res.text).not.to.contain('Résultat');
  });

  it('shows the result step by step with its sources, the fields typed the French way', async () => {
    const expected = dimensionner(project);
    const res = await post('/dimensionnement', [['donnees', JSON.stringify(project)], ['lots.0.montantHT', '1\u202F850\u202F000']]).expect(200);
    const shown = text(res.text);
    expect(shown).to.contain(`Résultat : ${plain(formatNumber(expected.total.heures))} h d’insertion`);
    const lot1 = expected.lots[0]!;
    expect(shown).to.contain(`Lot 1 : Gros œuvre – maçonnerie : ${plain(formatNumber(lot1.heures!))} h`);
    expect(shown).to.contain('Heures de travail estimées 1 850 000,00 € × 50 % ÷ 30 €/h 30 833,33 h');
    // Each source is quoted, and linked when it has an address.
    expect(shown).to.contain('Maison de l’emploi et de la formation Sud 77');
    expect(decodeEntities(res.text)).to.contain('<a href="http://www.mefsud77.fr/?page_id=28">consulter la source');
    // A lot under the thresholds says why it has no clause.
    const without = expected.lots.find((l) => !l.clause);
    if (without) expect(shown).to.contain(`Lot ${without.numero} : ${without.intitule} : pas de clause`);
    // Headings in order.
    const headings = [...res.text.matchAll(/<h([1-6])/g)].map((m) => Number(m[1]));
    headings.slice(1).forEach((h, i) => expect(h - headings[i]!, 'heading levels').to.be.at.most(1));
    expect(res.text).to.contain('Reprendre dans un avis motivé').and.to.contain('Reprendre dans une clause DCE');
  });

  it('lists the errors by lot and label, each linked to its field, and keeps what was typed', async () => {
    const page = await request(app).get('/dimensionnement?exemple=1').expect(200);
    const fields = formFields(page.text, '/dimensionnement').map(([n, v]): [string, string] => [n, n === 'lots.1.montantHT' ? 'beaucoup' : v]);
    const res = await post('/dimensionnement', fields).expect(400);
    const summary = [...res.text.matchAll(/<li><a href="#([^"]+)">([^<]+)<\/a><\/li>/g)].map((m) => [m[1], plain(m[2]!)]);
    expect(summary).to.deep.equal([['champ-lots-1-montantHT', 'Lot 2 : « Montant HT (€) » doit être un nombre.']]);
    expect(res.text).to.contain('name="lots.1.montantHT" value="beaucoup"');
  });

  it('sends the result to the avis motivé’s form, which gives the same hours', async () => {
    const sized = await post('/dimensionnement', [['donnees', JSON.stringify(project)]]).expect(200);
    const handOver = formFields(sized.text, '/formulaires/avis-motive');
    expect(handOver.map(([n]) => n)).to.include.members(['donnees', '_action']);
    const form = await post('/formulaires/avis-motive', handOver).expect(200);
    expect(form.text).to.match(/name="projet.lots.0.montantHT" value="1850000"|name="projet.lots.0.montantHT" value="1\u202F850\u202F000"/);
    expect(form.text).to.contain('<option value="travaux" selected>');
    expect(form.text).to.contain('name="projet.lots.4.intitule" value="Voirie et réseaux : accord-cadre à bons de commande"');
    expect(form.text).not.to.contain('resume-erreurs');
    // Completed with what the avis motivé asks besides, it prints the sized hours.
    const avis = fixture('avis-motive') as Data;
    const rest = { structurePorteuse: avis.structurePorteuse, donneurOrdre: avis.donneurOrdre, avis: avis.avis, valeursReferenceRetenues: true, projet: { intitule: avis.projet.intitule, lieuExecution: avis.projet.lieuExecution, dateSaisine: avis.projet.dateSaisine } };
    const fields = formFields(form.text, '/formulaires/avis-motive').filter(([n]) => n !== 'donnees' && n !== 'format');
    const doc = await post('/formulaires/avis-motive', [['donnees', JSON.stringify(rest)], ...fields, ['format', 'txt'], ['mode', 'final']]);
    expect(doc.status, doc.text.slice(0, 1500)).to.equal(200);
    const expected = dimensionner(project);
    for (const lot of expected.lots.filter((l) => l.clause)) expect(plain(doc.text)).to.contain(`${plain(formatNumber(lot.heures!))} heures`);
  });

  it('sends the result to the DCE clause’s form, each lot with its sizing data or the reason for no clause', async () => {
    const sized = await post('/dimensionnement', [['donnees', JSON.stringify(project)]]).expect(200);
    const form = await post('/formulaires/clause-dce', formFields(sized.text, '/formulaires/clause-dce')).expect(200);
    expect(form.text).to.contain('name="lots.0.dimensionnement.famille"');
    expect(form.text).to.contain('<option value="gros-oeuvre" selected>');
    const expected = dimensionner(project);
    const without = expected.lots.findIndex((l) => !l.clause);
    if (without >= 0) expect(form.text).to.contain(`name="lots.${without}.motifSansClause" value="`);
  });
});
