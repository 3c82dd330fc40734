/**
 * « Aperçu »: the document's HTML draft embedded in its form page, the fields left to complete
 * highlighted and listed as links to their inputs, nothing downloaded.
 */
import { expect } from 'chai';
import request from 'supertest';
import { Generator } from '../../src/generator.js';
import { createApp } from '../../src/server/app.js';
import { fixture } from '../support/documents.js';
import { decodeEntities, plain, visibleText, withFields } from '../support/html.js';

describe('web: the preview in the form page', () => {
  const generator = new Generator();
  const app = createApp(generator);
  after(() => generator.close());
  const post = (kind: string, fields: [string, string][]) => withFields(request(app).post(`/formulaires/${kind}`), fields);
  const srcdoc = (html: string) => decodeEntities(/<iframe title="Aperçu du document" srcdoc="([^"]*)" sandbox><\/iframe>/.exec(html)![1]!);

  it('offers « Aperçu » beside « Générer le document » on every form', async () => {
    for (const kind of ['convention', 'avenant', 'bilan-annuel']) {
      const res = await request(app).get(`/formulaires/${kind}`).expect(200);
      expect(res.text).to.contain('<button type="submit" name="_action" value="apercu" class="secondaire">Aperçu</button>');
      expect(res.text).to.contain('<p class="etat-envoi aide" role="status"></p>');
    }
  });

  it('shows the draft’s HTML in the page, with each field to complete linked to its input', async () => {
    const res = await post('convention', [
      ['donneurOrdre.nom', 'Ville de Péronne'],
      ['_action', 'apercu'],
      ['format', 'pdf'],
      ['mode', 'final'],
    ]).expect(200);
    expect(res.headers['content-type']).to.contain('text/html');
    expect(res.headers['content-disposition'], 'nothing downloaded').to.equal(undefined);
    expect(res.headers['content-security-policy']).to.contain("style-src 'self' 'unsafe-inline'").and.to.contain("script-src 'self'");
    const shown = plain(visibleText(res.text));
    expect(shown).to.contain('Aperçu du projet');
    const doc = srcdoc(res.text);
    expect(doc).to.contain('<html').and.to.contain('Ville de Péronne');
    expect(doc).to.contain('[à compléter');
    const section = /<section class="apercu"[\s\S]*?<\/section>/.exec(res.text)![0];
    const entries = [...section.matchAll(/<li><a href="#([^"]+)"><code>([^<]+)<\/code> ([^<]+)<\/a><\/li>/g)].map((m) => ({ id: m[1]!, marker: plain(m[2]!), text: plain(m[3]!) }));
    expect(entries.length).to.be.greaterThan(10);
    expect(plain(visibleText(section))).to.contain(`${entries.length} champs à compléter :`);
    const date = entries.find((e) => e.id === 'champ-signature-date')!;
    expect(date).to.deep.equal({ id: 'champ-signature-date', marker: '[à compléter : Signature – Date de signature]', text: 'Signature : « Date de signature » est obligatoire.' });
    // Each marker listed is one the document shows, and each link leads to an input of the form.
    for (const e of entries) expect(res.text.indexOf(`id="${e.id}"`, res.text.indexOf('<form method="post"')), e.id).to.be.greaterThan(0);
    expect(plain(doc)).to.contain('[à compléter : Signature – Date de signature]');
    // …and each marker the document shows is listed, under the same French name.
    const listed = new Set(entries.map((e) => e.marker));
    const shownMarkers = [...new Set(plain(doc).match(/\[à compléter : [^\]]*\]/g) ?? [])];
    expect(shownMarkers.length).to.be.greaterThan(10);
    for (const m of shownMarkers) expect(listed.has(m), m).to.equal(true);
    // The missing fields are highlighted, what was typed is kept, and the draft version is chosen.
    expect(res.text).to.match(/id="champ-signature-date" name="signature.date" value=""[^>]*aria-invalid="true"/);
    expect(res.text).to.contain('name="donneurOrdre.nom" value="Ville de Péronne"');
    expect(res.text).to.contain('<input type="radio" name="mode" value="draft" checked>');
  });

  it('says when nothing is left to complete', async () => {
    const res = await post('non-reconduction', [['donnees', JSON.stringify(fixture('non-reconduction'))], ['_action', 'apercu']]).expect(200);
    expect(plain(visibleText(res.text))).to.contain('Aucun champ à compléter : le document peut être produit en version définitive.');
    expect(srcdoc(res.text)).to.contain('Communauté de communes Somme Santerre Est');
  });

  it('shows a value of the wrong type beside its field rather than a preview', async () => {
    const res = await post('convention', [['donneurOrdre.siret', '123'], ['_action', 'apercu']]).expect(400);
    expect(res.text).not.to.contain('<section class="apercu"');
    expect(plain(visibleText(res.text))).to.contain('« SIRET » n’est pas un numéro SIRET valide');
  });
});
