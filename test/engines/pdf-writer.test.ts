import { expect } from 'chai';
import { decodePDFRawStream, PDFDocument, type PDFObject, PDFRawStream, StandardFonts } from 'pdf-lib';
import { writePdf } from '../../src/engines/pdf/writer.js';

/** Each object of a file as text, streams by their decoded contents. */
async function objectsOf(bytes: Uint8Array): Promise<string[]> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  const text = (object: PDFObject) => (object instanceof PDFRawStream ? `${object.dict.toString()} ${Buffer.from(decodePDFRawStream(object).decode()).toString('latin1')}` : object.toString());
  return pdf.context.enumerateIndirectObjects().map(([ref, object]) => `${ref.toString()} ${text(object)}`);
}

describe('PDF writer (object streams compressed by zlib)', () => {
  it('writes the objects pdf-lib writes, in compressed object streams, for any reader', async () => {
    const pdf = await PDFDocument.create({ updateMetadata: false });
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    // Enough pages for several object streams (50 objects each).
    for (let i = 0; i < 60; i++) pdf.addPage([595, 842]).drawText(`Page ${i + 1} – « texte »`, { x: 50, y: 780, size: 12, font });
    pdf.setTitle('Écrit par zlib');
    const ours = await writePdf(pdf);
    const theirs = await pdf.save({ useObjectStreams: true, addDefaultPage: false, updateFieldAppearances: false });

    expect(await objectsOf(ours)).to.deep.equal(await objectsOf(theirs));
    const text = Buffer.from(ours).toString('latin1');
    expect(text.match(/\/Type \/ObjStm/g)).to.have.length.greaterThan(1);
    expect(text).to.match(/\/Type \/XRef/).and.to.match(/\/Filter \/FlateDecode/);
    expect(ours.length).to.be.within(theirs.length * 0.9, theirs.length * 1.1);
    const back = await PDFDocument.load(ours);
    expect(back.getPageCount()).to.equal(60);
    expect(back.getTitle()).to.equal('Écrit par zlib');
    // The same document written twice: the same bytes.
    expect(Buffer.from(await writePdf(pdf)).equals(Buffer.from(ours))).to.equal(true);
  });
});
