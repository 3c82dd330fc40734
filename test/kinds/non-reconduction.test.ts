import { expect } from 'chai';
import { NonConformingDocumentError } from '../../src/core/errors.js';
import { Generator } from '../../src/generator.js';
import { estimatedReceipt } from '../../src/kinds/non-reconduction/view-model.js';
import { documentText, fixture, withValue } from '../support/documents.js';

const plain = (text: string) => text.replace(/[\u00A0\u202F]/g, ' ');

describe('non-renewal notice', () => {
  const generator = new Generator();
  const base = fixture('non-reconduction');
  after(() => generator.close());

  const text = (data: Record<string, unknown>, mode = 'final') => documentText(generator, 'non-reconduction', data, mode);

  it('states the convention, the end of the current period and the latest date, from the calendar', async () => {
    const t = await text(base);
    expect(t).to.contain('Lettre recommandée avec demande d’avis de réception');
    expect(t).to.contain('Objet : non-reconduction de la convention de partenariat du 1er décembre 2026 (réf. CP-2026-014)');
    expect(t).to.contain('notre décision de ne pas reconduire la convention, qui prendra fin le 30 novembre 2028.');
    expect(t).to.contain('La période en cours a commencé le 1er décembre 2027.');
    expect(t).to.contain('Cette notification doit être reçue au plus tard le 30 août 2028');
    expect(t).to.contain('cette non-reconduction ne met pas fin au suivi des marchés en cours de passation et d’exécution : nous vous demandons d’en assurer le suivi jusqu’à leur terme.');
    expect(t).not.to.match(/réception est attendue|Règle de calcul/);
    expect(t).to.contain('Pour la Communauté de communes Somme Santerre Est\nPrésident\nSignature\nM. Bernard LEFÈVRE');
  });

  it('heads the letter with the sender’s contacts and the references, and never expects a receipt on a holiday', async () => {
    const t = await text(base);
    expect(t).to.contain('80200 Péronne\nTéléphone : 03 22 84 10 00\nCourriel : accueil@cc-sommesanterre.example.fr\nN/Réf. : DG-2028-097\nAffaire suivie par : Mme Anne MARTIN');
    expect(t).not.to.contain('V/Réf.');
    expect(await text(withValue(base, 'courrier.votreReference', 'MEF-2028-12'))).to.contain('V/Réf. : MEF-2028-12');
    // Posted on Friday 5 May 2028: three days later is Monday 8 May, a public holiday; received on Tuesday 9.
    const input = { courrier: { date: new Date('2028-05-05') }, delaiAcheminementJours: 3, convention: { alsaceMoselle: false } };
    expect(estimatedReceipt(input as unknown as Parameters<typeof estimatedReceipt>[0])).to.equal('2028-05-09');
  });

  it('works several periods after signature', async () => {
    const t = await text(withValue(withValue(base, 'convention.reconductionsMax', undefined), 'courrier.date', '2030-05-02'));
    expect(t).to.contain('La période en cours a commencé le 1er décembre 2029.');
    expect(t).to.contain('qui prendra fin le 30 novembre 2030.');
    expect(t).to.contain('au plus tard le 30 août 2030');
  });

  it('refuses a notice in the last period the capped renewals allow, or after the end', async () => {
    const last = withValue(base, 'courrier.date', '2030-05-02');
    const error = (await generator.generate('non-reconduction', last, { format: 'docx' }).catch((e: unknown) => e)) as NonConformingDocumentError;
    expect(error).to.be.instanceOf(NonConformingDocumentError);
    expect(error.errors.map((e) => ({ ...e, message: plain(e.message) }))).to.deep.equal([
      {
        path: 'convention.reconductionsMax',
        type: 'convention.derniereReconduction',
        message: 'La période en cours est la dernière que la convention permet (3 reconductions au plus) : la convention prend fin le 30 novembre 2030 sans qu’une non-reconduction soit à notifier.',
      },
    ]);
    const ended = (await generator.generate('non-reconduction', withValue(base, 'courrier.date', '2031-01-06'), { format: 'docx' }).catch((e: unknown) => e)) as NonConformingDocumentError;
    expect(ended.errors.map((e) => e.type)).to.deep.equal(['convention.terminee']);
  });

  it('refuses a final notice already out of time, stating the next possible date', async () => {
    const late = withValue(base, 'courrier.date', '2027-08-29');
    const error = (await generator.generate('non-reconduction', late, { format: 'pdf' }).catch((e: unknown) => e)) as NonConformingDocumentError;
    expect(error).to.be.instanceOf(NonConformingDocumentError);
    expect(error.errors.map((e) => ({ ...e, message: plain(e.message) }))).to.deep.equal([
      {
        path: 'courrier.date',
        type: 'delai.depasse',
        message:
          'La date limite de notification pour la période en cours était le 30 août 2027 : une notification reçue le 1er septembre 2027 ne prend effet qu’au terme de la période suivante, le 30 novembre 2028 (notification à recevoir au plus tard le 30 août 2028).',
      },
    ]);
    const draft = await text(late, 'draft');
    expect(draft).to.contain('Attention : La date limite de notification pour la période en cours était le 30 août 2027');
    expect(draft).to.contain('qui prendra fin le 30 novembre 2028.');
  });

  it('lets only the buyer stop the follow-up of markets in progress', async () => {
    const stop = await text(withValue(base, 'suiviMarches', 'arrete'));
    expect(stop).to.contain('le donneur d’ordre vous informe que le suivi des marchés en cours');
    const wrong = withValue(withValue(base, 'suiviMarches', 'arrete'), 'expediteur', 'structurePorteuse');
    const error = (await generator.generate('non-reconduction', wrong, { format: 'docx' }).catch((e: unknown) => e)) as NonConformingDocumentError;
    expect(error.errors.map((e) => e.path)).to.deep.equal(['suiviMarches']);
  });

  it('is sent by the facilitator to the buyer when it is the sender', async () => {
    const t = await text(withValue(base, 'expediteur', 'structurePorteuse'));
    expect(t).to.contain('Monsieur le Président,');
    expect(t).to.contain('Pour la Maison de l’emploi et de la formation de Haute-Somme\nDirectrice générale');
  });
});
