import { expect } from 'chai';
import { Generator } from '../../src/generator.js';
import { documentText, fixture } from '../support/documents.js';


describe('formal notice between partners', () => {
  const generator = new Generator();
  const base = fixture('mise-en-demeure-partenaire');
  after(() => generator.close());

  const text = (data: Record<string, unknown>, mode = 'final') => documentText(generator, 'mise-en-demeure-partenaire', data, mode);

  it('carries the mentions of a formal notice: LRAR, subject, breached articles and facts, delay, consequence, signature', async () => {
    const t = await text(base);
    expect(t).to.contain('Lettre recommandée avec demande d’avis de réception');
    expect(t).to.contain('Objet : mise en demeure d’exécuter les engagements de la convention de partenariat du 1er décembre 2026 (réf. CP-2026-014)');
    expect(t).to.contain('Article IV de la convention : communiquer le nom et les coordonnées des attributaires');
    expect(t).to.contain('les attributaires du marché de voirie 2027-VRD-007 ne nous ont pas été communiqués.');
    expect(t).to.contain('nous vous mettons en demeure d’exécuter correctement ces engagements dans un délai de deux mois à compter de la réception du présent courrier, l’avis de réception faisant foi.');
    expect(t).to.contain('Cette résiliation n’ouvrira droit à aucune indemnité.');
    expect(t).to.contain('Pour la Maison de l’emploi et de la formation de Haute-Somme\nDirectrice générale\nSignature\nMme Claire DUMONT');
  });

  it('never assumes a receipt date: the delay runs from the receipt, the acknowledgment being proof', async () => {
    const t = await text(base);
    expect(t).to.contain('à compter de la réception du présent courrier, l’avis de réception faisant foi');
    expect(t).not.to.match(/reçu le|expire le|Règle de calcul/);
  });
});
