/** The web form without JavaScript: plain HTTP form posts, as a browser without script sends them. */
import { expect } from 'chai';
import request from 'supertest';
import { Generator } from '../../src/generator.js';
import { createApp } from '../../src/server/app.js';
import { fixture } from '../support/documents.js';
import { plain, visibleText, withFields } from '../support/html.js';

describe('web form, plain HTTP posts', () => {
  const generator = new Generator();
  const app = createApp(generator);
  after(() => generator.close());

  const post = (kind: string, fields: Record<string, string>) => withFields(request(app).post(`/formulaires/${kind}`), fields);

  describe('French numbers', () => {
    it('reads « 1 200 000 » and « 5 % » typed in the form into the stored values', async () => {
      const data = fixture('clause-dce');
      const res = await post('clause-dce', {
        donnees: JSON.stringify(data),
        'lots.0.dimensionnement.montantHT': '1\u202F200\u202F000',
        'options.plafondPenalitePourcent': '5 %',
        'options.penaliteParHeure': '42,50',
        format: 'txt',
        mode: 'final',
      }).expect(200);
      const text = res.text.replace(/[\u00A0\u202F]/g, ' ');
      expect(text).to.contain('1 200 000,00 €');
      expect(text).not.to.contain('1 850 000');
      expect(text).to.match(/\b5 % du montant/);
      expect(text).to.contain('42,50 €');
    });

    it('names the field by its label when the text is not a number, and keeps what was typed', async () => {
      const res = await post('clause-dce', {
        donnees: JSON.stringify(fixture('clause-dce')),
        'options.plafondPenalitePourcent': 'cinq pour cent',
        format: 'txt',
      }).expect(400);
      expect(visibleText(res.text)).to.contain('« Plafond de la pénalité d’insertion (% du montant HT du lot) » doit être un nombre.');
      expect(res.text).to.match(/id="champ-options-plafondPenalitePourcent" name="options.plafondPenalitePourcent" value="cinq pour cent" inputmode="decimal"/);
    });

    it('shows numbers with French separators and defaults as placeholders', async () => {
      const res = await request(app).get('/formulaires/clause-dce?exemple=1').expect(200);
      expect(res.text).to.match(/name="lots.0.dimensionnement.montantHT" value="1\u202F850\u202F000" inputmode="decimal"/);
      expect(res.text).to.match(/name="options.plafondPenalitePourcent" value="" inputmode="decimal" placeholder="Par défaut : 10"|name="options.plafondPenalitePourcent" value="[^"]*"/);
      const empty = await request(app).get('/formulaires/clause-dce').expect(200);
      expect(empty.text).to.contain('name="options.delaiObservationsJours" value="" inputmode="numeric" placeholder="Par défaut\u00A0: 15"');
      expect(visibleText(empty.text)).to.contain('Condition d’exécution');
      expect(empty.text).to.contain('<option value="condition-execution">Condition d’exécution</option>');
    });
  });

  describe('error summary', () => {
    it('lists the errors in the order of the form, by section and label, each linked to its input', async () => {
      const res = await post('convention', {
        'signature.lieu': '',
        'structurePorteuse.adresse.codePostal': '1',
        'donneurOrdre.nom': 'Ville de Péronne',
        'donneurOrdre.siret': '123',
        'donneurOrdre.adresse.codePostal': '1',
        format: 'txt',
      }).expect(400);
      const summary = /<div class="resume-erreurs"([^>]*)>([\s\S]*?)<\/div>/.exec(res.text)!;
      expect(summary[1]).to.contain('tabindex="-1"').and.to.contain('id="resume-erreurs"').and.to.contain('autofocus');
      const entries = [...summary[2]!.matchAll(/<li><a href="#([^"]+)">([^<]+)<\/a><\/li>/g)].map((m) => ({ id: m[1]!, text: plain(m[2]!) }));
      expect(summary[2]).to.contain('Donneur d’ordre\u00A0: «\u00A0SIRET\u00A0» n’est pas', 'French typography');
      expect(entries.length).to.be.greaterThan(10);
      // Every link leads to an element of the page, and in the order the page shows them.
      const positions = entries.map((e) => res.text.indexOf(`id="${e.id}"`, res.text.indexOf('<form')));
      expect(positions.every((p) => p > 0), 'every link has its target').to.equal(true);
      expect(positions).to.deep.equal([...positions].sort((a, b) => a - b));
      expect(entries[0]).to.deep.equal({ id: 'champ-donneurOrdre-siret', text: 'Donneur d’ordre : « SIRET » n’est pas un numéro SIRET valide : 14 chiffres dont le dernier est une clé de contrôle.' });
      const postCodes = entries.filter((e) => e.text.includes('« Code postal »'));
      expect(postCodes.map((e) => [e.id, e.text])).to.deep.equal([
        ['champ-donneurOrdre-adresse-codePostal', 'Donneur d’ordre – Adresse du siège : « Code postal » n’a pas le format attendu : cinq chiffres, par exemple 80200.'],
        ['champ-structurePorteuse-adresse-codePostal', 'Structure porteuse de la clause – Adresse du siège : « Code postal » n’a pas le format attendu : cinq chiffres, par exemple 80200.'],
      ]);
      expect(entries.at(-1)).to.deep.equal({ id: 'champ-signature-date', text: 'Signature : « Date de signature » est obligatoire.' });
      expect(visibleText(res.text), 'no dotted path on the page').not.to.match(/\b[a-z]+[A-Za-z]*\.[a-z][A-Za-z]*\b/);
      expect(res.text, 'no inline script').not.to.match(/<script(?![^>]*\bsrc=)/);
      expect(res.text).to.contain('<script src="/static/formulaire.js" defer></script>');
    });

    it('names the field of a list item by its item, and the fields without section under « Document »', async () => {
      const data = fixture('clause-dce') as { lots: Record<string, unknown>[] };
      const res = await post('clause-dce', {
        donnees: JSON.stringify(data),
        reference: 'Référence bien trop longue pour tenir en tête de chaque page du document',
        'lots.0.intitule': 'Gros œuvre '.repeat(30),
        format: 'txt',
      }).expect(400);
      const items = [...res.text.matchAll(/<li><a href="#([^"]+)">([^<]+)<\/a><\/li>/g)].map((m) => [m[1], plain(m[2]!)]);
      expect(items).to.deep.equal([
        ['champ-reference', 'Document : « Référence du document » ne doit pas dépasser 60 caractères.'],
        ['champ-lots-0-intitule', 'Lot 1 : « Intitulé du lot » ne doit pas dépasser 300 caractères.'],
      ]);
    });
  });

  describe('lists without JavaScript', () => {
    const value = (html: string, name: string) => new RegExp(`name="${name.replace(/\./g, '\\.')}" value="([^"]*)"`).exec(html)?.[1];
    const legends = (html: string) => [...html.matchAll(/<legend>(Manquement \d+)<\/legend>/g)].map((m) => m[1]);

    it('shows one item to fill, with « Retirer » and « Ajouter » buttons', async () => {
      const res = await request(app).get('/formulaires/mise-en-demeure-partenaire').expect(200);
      expect(legends(res.text)).to.deep.equal(['Manquement 1']);
      expect(res.text).to.contain('<button type="submit" name="_retirer" value="manquements.0" class="secondaire">Retirer\u00A0: Manquement 1</button>');
      expect(res.text).to.contain('<button type="submit" name="_ajouter" value="manquements" class="secondaire">Ajouter\u00A0: Manquement</button>');
      // Entrée in a field generates the document: the first button of the form is « Générer ».
      expect(/<button[^>]*>([^<]*)<\/button>/.exec(res.text.slice(res.text.indexOf('<form method="post" action="/formulaires')))![1]).to.equal('Générer le document');
    });

    it('adds an item and keeps what was typed, without generating anything', async () => {
      const res = await post('mise-en-demeure-partenaire', {
        expediteur: 'donneurOrdre',
        'donneurOrdre.nom': 'Ville de Péronne',
        'manquements.0.article': 'III',
        'manquements.0.engagement': 'Transmettre les états mensuels',
        'manquements.0.faits': 'Aucun état depuis mars.',
        _ajouter: 'manquements',
        format: 'pdf',
      })
        .expect(200)
        .expect('content-type', /text\/html/);
      expect(legends(res.text)).to.deep.equal(['Manquement 1', 'Manquement 2']);
      expect(value(res.text, 'manquements.0.article')).to.equal('III');
      expect(value(res.text, 'manquements.1.article')).to.equal('');
      expect(value(res.text, 'donneurOrdre.nom')).to.equal('Ville de Péronne');
      expect(res.text).to.contain('<option value="donneurOrdre" selected>Le donneur d’ordre</option>');
      expect(res.text).not.to.contain('resume-erreurs');
    });

    it('removes an item, the next ones taking its place', async () => {
      const res = await post('mise-en-demeure-partenaire', {
        'manquements.0.article': 'III',
        'manquements.1.article': 'IV',
        'manquements.2.article': 'V',
        _retirer: 'manquements.1',
      }).expect(200);
      expect(legends(res.text)).to.deep.equal(['Manquement 1', 'Manquement 2']);
      expect([value(res.text, 'manquements.0.article'), value(res.text, 'manquements.1.article')]).to.deep.equal(['III', 'V']);
      expect(res.text).not.to.contain('name="manquements.2.article"');
    });

    it('adds and removes values of a list of values', async () => {
      const added = await post('clause-dce', { 'territoire.communesInsee.0': '80620', _ajouter: 'territoire.communesInsee' }).expect(200);
      expect(value(added.text, 'territoire.communesInsee.0')).to.equal('80620');
      expect(value(added.text, 'territoire.communesInsee.1')).to.equal('');
      const removed = await post('clause-dce', { 'territoire.communesInsee.0': '80620', 'territoire.communesInsee.1': '80001', _retirer: 'territoire.communesInsee.0' }).expect(200);
      expect(value(removed.text, 'territoire.communesInsee.0')).to.equal('80001');
      expect(removed.text).not.to.contain('name="territoire.communesInsee.1"');
    });

    it('keeps the data sent as a file (the follow-up records of a bilan) when the form comes back', async () => {
      const data = fixture('bilan-marche') as { donnees: { suivi: unknown[] } };
      const res = await post('bilan-marche', { donnees: JSON.stringify(data), _ajouter: 'planAction.actions' }).expect(200);
      const hidden = /<input type="hidden" name="donnees" value="([^"]*)">/.exec(res.text)![1]!.replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&amp;/g, '&').replace(/&#x2F;/g, '/').replace(/&#x3D;/g, '=').replace(/&#x60;/g, '`');
      expect((JSON.parse(hidden) as typeof data).donnees.suivi).to.have.length(data.donnees.suivi.length);
      expect(res.text).to.contain('name="planAction.actions.3.action"');
      expect(res.text).not.to.contain('name="planAction.actions.4.action"');
    });

    it('ignores a button naming something that is not a list of the form', async () => {
      const res = await post('mise-en-demeure-partenaire', { 'manquements.0.article': 'III', _ajouter: 'donneurOrdre.nom', _retirer: '__proto__.0' }).expect(200);
      expect(legends(res.text)).to.deep.equal(['Manquement 1']);
      expect(value(res.text, 'manquements.0.article')).to.equal('III');
    });
  });
});
