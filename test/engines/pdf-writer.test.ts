import { expect } from 'chai';
import { decodePDFRawStream, PDFCrossRefStream, PDFDocument, PDFName, PDFNumber, type PDFObject, PDFRawStream, PDFRef, StandardFonts } from 'pdf-lib';
import { CopiedStream, CrossReference, OBJECTS_PER_STREAM, writePdf } from '../../src/engines/pdf/writer.js';

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
    // Enough pages for several object streams (a page dictionary each, its contents a stream apart).
    for (let i = 0; i < OBJECTS_PER_STREAM + 10; i++) pdf.addPage([595, 842]).drawText(`Page ${i + 1} – « texte »`, { x: 50, y: 780, size: 12, font });
    pdf.setTitle('Écrit par zlib');
    const ours = await writePdf(pdf);
    const theirs = await pdf.save({ useObjectStreams: true, addDefaultPage: false, updateFieldAppearances: false });

    expect(await objectsOf(ours)).to.deep.equal(await objectsOf(theirs));
    const text = Buffer.from(ours).toString('latin1');
    expect(text.match(/\/Type \/ObjStm/g)).to.have.length.greaterThan(1);
    expect(text).to.match(/\/Type \/XRef/).and.to.match(/\/Filter \/FlateDecode/);
    expect(ours.length).to.be.within(theirs.length * 0.9, theirs.length * 1.1);
    const back = await PDFDocument.load(ours);
    expect(back.getPageCount()).to.equal(OBJECTS_PER_STREAM + 10);
    expect(back.getTitle()).to.equal('Écrit par zlib');
    // The same document written twice: the same bytes.
    expect(Buffer.from(await writePdf(pdf)).equals(Buffer.from(ours))).to.equal(true);
  });

  it('writes a raw stream as pdf-lib does, its contents copied at once', async () => {
    const context = (await PDFDocument.create()).context;
    const contents = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 256));
    const stream = PDFRawStream.of(context.obj({ Filter: 'FlateDecode', Length: 1 }), contents);
    const theirs = new Uint8Array(stream.sizeInBytes());
    stream.copyBytesInto(theirs, 0);
    const copied = new CopiedStream(stream);
    const ours = new Uint8Array(copied.sizeInBytes() + 4);
    expect(copied.copyBytesInto(ours, 2)).to.equal(theirs.length);
    expect(Buffer.from(ours.subarray(2, 2 + theirs.length)).equals(Buffer.from(theirs))).to.equal(true);
    expect(Buffer.from(theirs).toString('latin1')).to.match(/^<<\n\/Filter \/FlateDecode\n\/Length 5000\n>>\nstream\n/).and.match(/\nendstream$/);
  });

  it('writes the cross-reference stream pdf-lib writes: widths, subsections and entries', async () => {
    const context = (await PDFDocument.create()).context;
    const ours = new CrossReference();
    const theirs = PDFCrossRefStream.create(context.obj({}), false);
    // Gaps in the numbering (several subsections), offsets needing one to four bytes, compressed entries.
    const entries: [number, number, number | PDFRef][] = [
      [1, 0, 15],
      [2, 0, 300],
      [3, 0, 70_000],
      [7, 0, PDFRef.of(9)],
      [8, 1, PDFRef.of(9)],
      [9, 0, 20_000_000],
      [12, 0, 2_000_000_000],
    ];
    for (const [number, index, target] of entries) {
      if (target instanceof PDFRef) {
        ours.compressed(PDFRef.of(number), target, index);
        theirs.addCompressedEntry(PDFRef.of(number), target, index);
      } else {
        ours.uncompressed(PDFRef.of(number), target);
        theirs.addUncompressedEntry(PDFRef.of(number), target);
      }
    }
    theirs.updateDict();
    const written = ours.stream(context.obj({ Size: 13 }));
    expect(written.dict.get(PDFName.of('Type'))).to.equal(PDFName.of('XRef'));
    expect(written.dict.get(PDFName.of('W'))!.toString()).to.equal(theirs.dict.get(PDFName.of('W'))!.toString());
    expect(written.dict.get(PDFName.of('Index'))!.toString()).to.equal('[ 0 4 7 3 12 1 ]');
    expect(written.dict.get(PDFName.of('Index'))!.toString()).to.equal(theirs.dict.get(PDFName.of('Index'))!.toString());
    const contents = Buffer.from(decodePDFRawStream(written).decode());
    expect(contents.equals(Buffer.from(theirs.getUnencodedContents()))).to.equal(true);
    written.updateDict();
    expect((written.dict.get(PDFName.of('Length')) as PDFNumber).asNumber()).to.equal(written.getContents().length);
  });
});
