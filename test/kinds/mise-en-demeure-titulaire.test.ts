import { expect } from 'chai';
import { NonConformingDocumentError } from '../../src/core/errors.js';
import { Generator } from '../../src/generator.js';
import { documentText, fixture, withValue } from '../support/documents.js';


describe('formal notice to a contract holder', () => {
  const generator = new Generator();
  const base = fixture('mise-en-demeure-titulaire');
  after(() => generator.close());

  const text = (data: Record<string, unknown>, mode = 'final') => documentText(generator, 'mise-en-demeure-titulaire', data, mode);

  it('states the market, the CCAP article, hours due, done and missing, the catch-up date and the penalty computed', async () => {
    const t = await text(base);
    expect(t).to.contain('Lettre recommandée avec demande d’avis de réception');
    expect(t).to.contain('Objet : marché 2027-TRV-004 – mise en demeure de respecter l’engagement d’insertion professionnelle (article 9 du CCAP)');
    expect(t).to.contain('vous engage à réaliser 1 540 heures d’insertion professionnelle');
    expect(t).to.contain('Au 31 janvier 2028, d’après les états et justificatifs transmis au facilitateur (Maison de l’emploi et de la formation de Haute-Somme), 612 heures ont été réalisées, soit 39,7 % de l’objectif : 928 heures restent à réaliser.');
    expect(t).to.contain('au plus tard le 30 juin 2028');
    expect(t).to.contain('soit, en l’état du décompte, 928 heures × 35,00 € = 32 480,00 €.');
    expect(t).to.contain('vous êtes invité à présenter vos observations sur ce manquement et sur le montant de la pénalité envisagée dans un délai de quinze jours');
    expect(t).to.contain('Copie : Mme Sophie LENOIR, Maison de l’emploi et de la formation de Haute-Somme.');
  });

  it('refuses a final notice when the hours are reached or the catch-up date is past', async () => {
    const wrong = withValue(withValue(base, 'heures.realisees', 1540), 'dateLimiteRattrapage', '2028-02-01');
    const error = (await generator.generate('mise-en-demeure-titulaire', wrong, { format: 'docx' }).catch((e: unknown) => e)) as NonConformingDocumentError;
    expect(error).to.be.instanceOf(NonConformingDocumentError);
    expect(error.errors.map((e) => e.path)).to.deep.equal(['heures.realisees', 'dateLimiteRattrapage']);
  });

  it('requires the CCAP penalty amount', async () => {
    const error = await generator.generate('mise-en-demeure-titulaire', withValue(base, 'penaliteParHeure', undefined), { format: 'docx' }).catch((e: unknown) => e);
    expect((error as { errors: { path: string }[] }).errors.map((e) => e.path)).to.deep.equal(['penaliteParHeure']);
  });
});
