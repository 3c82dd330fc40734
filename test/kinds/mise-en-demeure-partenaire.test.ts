import { expect } from 'chai';
import { Generator } from '../../src/generator.js';
import { documentText, fixture, withValue } from '../support/documents.js';


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
    expect(t).to.contain('les attributaires du marché de voirie 2027-VRD-002 ne nous ont pas été communiqués.');
    expect(t).to.contain('nous vous mettons en demeure d’exécuter correctement ces engagements dans un délai de deux mois à compter de la réception du présent courrier.');
    expect(t).to.contain('Cette résiliation n’ouvrira droit à aucune indemnité.');
    expect(t).to.contain('Pour Maison de l’emploi et de la formation de Haute-Somme\nDirectrice générale\nSignature\nMme Claire DUMONT');
  });

  it('computes the end of the cure period from the receipt, extended past a weekend', async () => {
    expect(await text(base)).to.contain('Pour un courrier reçu le 7 octobre 2027, ce délai expire le 7 décembre 2027.');
    const leap = await text(withValue(base, 'dateReception', '2027-12-31'));
    // 31 December + 2 months: the last day of February of a leap year.
    expect(leap).to.contain('ce délai expire le 29 février 2028.');
    // 3 June 2028 is a Saturday and 5 June 2028 is Whit Monday: the delay runs to Tuesday 6 June.
    const saturday = await text(withValue(base, 'dateReception', '2028-04-03'));
    expect(saturday).to.contain('ce délai expire le 3 juin 2028, prorogé au 6 juin 2028 (le 3 juin 2028 étant un samedi).');
  });

  it('states the delay "from receipt" when the receipt date is unknown', async () => {
    const t = await text(withValue(base, 'dateReception', undefined));
    expect(t).to.contain('à compter de la réception du présent courrier');
    expect(t).not.to.contain('ce délai expire');
  });
});
