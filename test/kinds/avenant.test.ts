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
    expect(t).to.contain('représentée par M. Bernard LEFÈVRE, Président, ci-après dénommée « le donneur d’ordre »');
    expect(t).to.contain('Par une délibération du 21 septembre 2027 (n° 2027-094), le conseil communautaire a autorisé la signature du présent avenant.');
  });

  it('numbers its articles and quotes the new wording of each article changed', async () => {
    const t = await text(base);
    expect(t).to.contain('Article 1er\nL’article IV de la convention (« Engagements du donneur d’ordre ») est remplacé par les stipulations suivantes :\n« Le donneur d’ordre sollicite');
    expect(t).to.contain('avis motivé au plus tard dans un délai de dix jours suivant la saisine. »\nArticle 2');
    expect(t).to.contain('Article 3\nToutes les autres stipulations de la convention de partenariat du 1er décembre 2026 demeurent inchangées');
    expect(t).to.contain('Article 4\nLe présent avenant prend effet le 1er novembre 2027.');
    expect(t).to.contain('Fait à Péronne, le 12 octobre 2027, en deux exemplaires originaux.');
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
