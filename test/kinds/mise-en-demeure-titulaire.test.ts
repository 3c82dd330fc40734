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
    expect(t).to.contain('en réalisant les heures d’insertion restantes au plus tard au terme du marché, le 30 juin 2028.');
    const earlier = await text(withValue(base, 'dateLimiteRattrapage', '2028-05-31'));
    expect(earlier).to.contain('au plus tard le 31 mai 2028, le marché prenant fin le 30 juin 2028.');
    expect(t).to.contain('un plan de rattrapage précisant les recrutements prévus');
    expect(t).to.contain('Conformément à l’article 9.11 du CCAP, les heures réalisées sont appréciées au terme du marché : les heures qui ne seraient pas réalisées à cette date donneraient lieu, après procédure contradictoire, à une pénalité de 35,00 € par heure d’insertion non réalisée. En l’état du décompte, elle s’élèverait à 928 heures × 35,00 € = 32 480,00 €.');
    expect(t).not.to.contain('sera appliquée');
    expect(t).to.contain('Copie : Mme Sophie LENOIR, Maison de l’emploi et de la formation de Haute-Somme.');
  });

  it('after the market’s end, announces the penalty of the CCAP after the contradictory procedure, capped', async () => {
    let after = withValue(withValue(base, 'courrier.date', '2028-07-20'), 'heures.dateArrete', '2028-06-30');
    after = withValue(withValue(after, 'dateLimiteRattrapage', undefined), 'plafondPenalite', 20000);
    const t = await text(after);
    expect(t).to.contain('Objet : marché 2027-TRV-004 – heures d’insertion non réalisées : pénalité envisagée et invitation à présenter vos observations (article 9.11 du CCAP)');
    expect(t).to.contain('soit 39,7 % de l’objectif : 928 heures n’ont pas été réalisées.');
    expect(t).to.contain('Le marché a pris fin le 30 juin 2028. En application de l’article 9.11 du CCAP, nous envisageons de vous appliquer une pénalité de 35,00 € par heure d’insertion non réalisée, dans la limite de 20 000,00 €, soit 928 heures × 35,00 € = 32 480,00 €, ramenés au plafond de 20 000,00 € fixé par le CCAP.');
    expect(t).to.contain('vous disposez d’un délai de quinze jours à compter de la réception du présent courrier pour présenter vos observations');
    expect(t).not.to.match(/plan de rattrapage|mettons en demeure|candidats/);
    const late = (await generator.generate('mise-en-demeure-titulaire', withValue(after, 'dateLimiteRattrapage', '2028-08-31'), { format: 'docx' }).catch((e: unknown) => e)) as NonConformingDocumentError;
    expect(late.errors.map((e) => e.type)).to.deep.equal(['any.unknown']);
  });

  it('keeps the catch-up date inside the execution period', async () => {
    const error = (await generator.generate('mise-en-demeure-titulaire', withValue(base, 'dateLimiteRattrapage', '2028-09-30'), { format: 'docx' }).catch((e: unknown) => e)) as NonConformingDocumentError;
    expect(error.errors).to.deep.equal([
      { path: 'dateLimiteRattrapage', type: 'date.max', message: '« Date limite de rattrapage » doit tomber pendant l’exécution du marché, au plus tard le 30\u00A0juin\u00A02028.' },
    ]);
    const missing = (await generator.generate('mise-en-demeure-titulaire', withValue(base, 'dateLimiteRattrapage', undefined), { format: 'docx' }).catch((e: unknown) => e)) as NonConformingDocumentError;
    expect(missing.errors.map((e) => e.path)).to.deep.equal(['dateLimiteRattrapage']);
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
