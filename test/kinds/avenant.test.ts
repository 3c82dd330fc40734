import { NonConformingDocumentError } from '../../src/core/errors.js';
import { expect } from 'chai';
import { Generator } from '../../src/generator.js';
import { documentText, fixture, withValue } from '../support/documents.js';


describe('avenant', () => {
  const generator = new Generator();
  const base = fixture('avenant');
  after(() => generator.close());

  const text = (data: Record<string, unknown>, mode = 'final') => documentText(generator, 'avenant', data, mode);

  it('is titled after the convention and names the parties with their current representatives', async () => {
    const t = await text(base);
    expect(t).to.contain('Avenant n° 1\nà la convention de partenariat du 1er décembre 2026 (réf. CP-2026-014)');
    expect(t).to.contain('représentée par M. Bernard LEFÈVRE, Président, habilité à signer le présent avenant par la délibération du conseil communautaire n° 2027-094 du 21 septembre 2027, ci-après dénommée « le donneur d’ordre »');
    expect(t).to.contain('Par une délibération du 21 septembre 2027 (n° 2027-094), le conseil communautaire a autorisé la signature du présent avenant.');
  });

  it('cites the convention’s revision article as its basis', async () => {
    const t = await text(base);
    expect(t).to.contain('Son article VI prévoit qu’elle peut être modifiée par voie d’avenant, sur proposition de l’une ou l’autre des parties ; le présent avenant est conclu sur ce fondement.');
  });

  it('changes words inside an alinéa, adds an alinéa, and numbers its articles', async () => {
    const t = await text(base);
    expect(t).to.contain('Article 1er\nAu deuxième alinéa de l’article IV de la convention (« Engagements du donneur d’ordre »), les mots « quinze jours » sont remplacés par les mots « dix jours ».\nArticle 2');
    expect(t).to.contain('Article 2\nL’article VII de la convention (« Confidentialité ») est complété par un alinéa ainsi rédigé :\n« Par dérogation au premier alinéa');
    expect(t).to.contain('Article 3\nToutes les autres stipulations de la convention de partenariat du 1er décembre 2026 demeurent inchangées');
    expect(t).to.contain('Article 4\nLe présent avenant prend effet le 1er novembre 2027.');
    expect(t).to.contain('Fait à Péronne, le 12 octobre 2027, en deux exemplaires originaux.');
  });

  it('replaces or inserts at the level of an alinéa', async () => {
    const t = await text(
      withValue(base, 'modifications', [
        { type: 'remplace', article: 'V', alinea: 3, texte: 'Nouvelle rédaction.' },
        { type: 'complete', article: 'III', alinea: 1, texte: 'Premier ajout.\nSecond ajout.' },
        { type: 'supprime', article: 'VIII', alinea: 1 },
      ]),
    );
    expect(t).to.contain('Article 1er\nLe troisième alinéa de l’article V de la convention est remplacé par les stipulations suivantes :\n« Nouvelle rédaction. »');
    expect(t).to.contain('Article 2\nAprès le premier alinéa de l’article III de la convention, sont insérés les alinéas ainsi rédigés :\n« Premier ajout.\nSecond ajout. »');
    expect(t).to.contain('Article 3\nLe premier alinéa de l’article VIII de la convention est supprimé.');
  });

  it('refuses in final mode to replace a whole article by fewer alinéas than it has', async () => {
    const partial = withValue(base, 'modifications', [{ type: 'remplace', article: 'IV', alineasActuels: 12, texte: 'Premier alinéa.\nSecond alinéa.' }]);
    const error = (await generator.generate('avenant', partial, { format: 'docx' }).catch((e: unknown) => e)) as NonConformingDocumentError;
    expect(error).to.be.instanceOf(NonConformingDocumentError);
    expect(error.errors).to.deep.equal([
      {
        path: 'modifications.0.texte',
        type: 'avenant.alineasSupprimes',
        message: 'L’article IV compte 12 alinéas et sa nouvelle rédaction n’en compte que 2 : les autres seraient supprimés. Modifiez seulement l’alinéa ou les mots concernés, ou reprenez tout l’article.',
      },
    ]);
    const whole = withValue(partial, 'modifications.0.alineasActuels', 2);
    expect(await text(whole)).to.contain('L’article IV de la convention est remplacé par les stipulations suivantes :');
  });

  it('deletes an article without new wording, and refuses wording for a deletion', async () => {
    const deletion = withValue(base, 'modifications', [{ type: 'supprime', article: 'VIII', objet: 'Communication' }]);
    const t = await text(deletion);
    expect(t).to.contain('Article 1er\nL’article VIII de la convention (« Communication ») est supprimé.\nArticle 2\nToutes les autres stipulations');
    const wrong = withValue(base, 'modifications', [{ type: 'supprime', article: 'VIII', texte: 'x' }, { type: 'remplace', article: 'IV' }]);
    const error = await generator.generate('avenant', wrong, { format: 'docx' }).catch((e: unknown) => e);
    expect((error as { errors: { path: string }[] }).errors.map((e) => e.path)).to.deep.equal(['modifications.0.texte', 'modifications.1.texte']);
  });

  it('accepts the parties of the convention’s own data as they are', async () => {
    const convention = fixture('convention');
    const data = withValue(withValue(base, 'donneurOrdre', convention.donneurOrdre), 'structurePorteuse', convention.structurePorteuse);
    const t = await text(data);
    expect(t).to.contain('représentée par M. Bernard LEFÈVRE, Président');
  });

  it('has a signature field for each party', async () => {
    const { PDFDocument } = await import('pdf-lib');
    const pdf = (await generator.generate('avenant', base, { format: 'pdf' })).bytes;
    const fields = (await PDFDocument.load(pdf)).getForm().getFields().map((f) => f.getName());
    expect(fields).to.deep.equal(['Signature_Bernard_LEFEVRE', 'Signature_Claire_DUMONT']);
  });
});
