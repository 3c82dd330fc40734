import { expect } from 'chai';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, type PDFObject, PDFRawStream, PDFRef, PDFString, decodePDFRawStream } from 'pdf-lib';
import { PDFVerbatim, readPdf, resolved } from '../../src/engines/pdf/reader.js';
import { writePdf } from '../../src/engines/pdf/writer.js';

/** Each object of a file as text, streams by their decoded contents (as pdf-lib reads them all). */
async function objectsOf(bytes: Uint8Array): Promise<string[]> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  const text = (object: PDFObject) => (object instanceof PDFRawStream ? `${object.dict.toString()} ${Buffer.from(decodePDFRawStream(object).decode()).toString('latin1')}` : object.toString());
  return pdf.context.enumerateIndirectObjects().map(([ref, object]) => `${ref.toString()} ${text(object)}`);
}

interface Sample {
  bytes: Uint8Array;
  plain: PDFRef;
  withString: PDFRef;
  withEndobjText: PDFRef;
  withEndobjName: PDFRef;
  font: PDFRef;
  stream: PDFRef;
  attributes: PDFRef;
  /** Outline items (no /Type, /Title first): one titled in hex, one with a literal string. */
  hexItem: PDFRef;
  literalItem: PDFRef;
  /** The information dictionary, /Title first in hex too. */
  info: PDFRef;
}

/**
 * A small tagged file written without object streams (each object in the file as `N 0 obj … endobj`,
 * as a printer writes it): structure elements with and without literal strings, a font, a stream
 * whose dictionary starts with a kept type.
 */
async function sample(): Promise<Sample> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const page = pdf.addPage([595, 842]);
  const { context } = pdf;
  const root = context.register(context.obj({ Type: 'StructTreeRoot' }));
  const attributes = context.register(context.obj({ O: 'Table', Headers: [PDFString.of('node00000001')] }));
  const plain = context.register(context.obj({ Type: 'StructElem', S: 'P', P: root, Pg: page.ref, K: 0 }));
  const withString = context.register(context.obj({ Type: 'StructElem', S: 'Figure', P: root, Alt: PDFString.of('Logo (rond)'), K: 1 }));
  const withEndobjText = context.register(context.obj({ Type: 'StructElem', S: 'Figure', P: root, Alt: PDFString.of('x endobj 1 0 obj <<>> y'), K: 2 }));
  const cell = context.register(context.obj({ Type: 'StructElem', S: 'TD', P: root, A: attributes, K: 3 }));
  const font = context.register(context.obj({ Type: 'Font', Subtype: 'Type1', BaseFont: 'Helvetica' }));
  const withEndobjName = context.register(context.obj({ Type: 'Font', Subtype: 'Type1', BaseFont: 'ABCDEF+Xendobj', FirstChar: 32 }));
  const stream = context.register(context.flateStream('BT ET endobj', { Type: 'StructElem' }));
  (context.lookup(root) as PDFDict).set(PDFName.of('K'), context.obj([plain, withString, withEndobjText, cell]));
  pdf.catalog.set(PDFName.of('StructTreeRoot'), root);
  const outlines = context.register(context.obj({ Type: 'Outlines', Count: 2 }));
  const hexItem = context.register(context.obj({ Title: PDFHexString.fromText('Préambule'), Parent: outlines, Dest: [page.ref, 'XYZ', 57, 700, 0], SE: plain }));
  const literalItem = context.register(context.obj({ Title: PDFString.of('Article I (objet)'), Parent: outlines, Prev: hexItem, Dest: [page.ref, 'XYZ', 57, 600, 0] }));
  (context.lookup(hexItem) as PDFDict).set(PDFName.of('Next'), literalItem);
  (context.lookup(outlines) as PDFDict).set(PDFName.of('First'), hexItem);
  (context.lookup(outlines) as PDFDict).set(PDFName.of('Last'), literalItem);
  pdf.catalog.set(PDFName.of('Outlines'), outlines);
  const info = context.register(context.obj({ Title: PDFHexString.fromText('Convention'), Author: PDFHexString.fromText('Ville') }));
  context.trailerInfo.Info = info;
  const bytes = await pdf.save({ useObjectStreams: false });
  return { bytes, plain, withString, withEndobjText, withEndobjName, font, stream, attributes, hexItem, literalItem, info };
}

describe('PDF reader (objects the finishing does not read kept as bytes)', () => {
  it('keeps as bytes the dictionaries of the named types that hide nothing, and parses the others', async () => {
    const s = await sample();
    const pdf = await readPdf(s.bytes, { verbatimTypes: ['StructElem', 'Font'] });
    const at = (ref: PDFRef) => pdf.context.lookup(ref);
    expect(at(s.plain)).to.be.instanceOf(PDFVerbatim);
    expect(at(s.font)).to.be.instanceOf(PDFVerbatim);
    expect(String(at(s.plain))).to.match(/^<<\s*\/Type \/StructElem/).and.not.include('endobj');
    // A literal string could hide an "endobj": parsed, its text whole.
    expect(at(s.withString)).to.be.instanceOf(PDFDict);
    expect(at(s.withEndobjText)).to.be.instanceOf(PDFDict);
    expect((at(s.withEndobjText) as PDFDict).lookup(PDFName.of('Alt'), PDFString).decodeText()).to.equal('x endobj 1 0 obj <<>> y');
    // So could a name: the dictionary does not end before it, so it is parsed, whole.
    expect(at(s.withEndobjName)).to.be.instanceOf(PDFDict);
    expect((at(s.withEndobjName) as PDFDict).lookup(PDFName.of('FirstChar'), PDFNumber).asNumber()).to.equal(32);
    // A stream is parsed as a stream, whatever its dictionary's type; another type is parsed.
    expect(at(s.stream)).to.be.instanceOf(PDFRawStream);
    expect(at(s.attributes)).to.be.instanceOf(PDFDict);
    expect(pdf.getPageCount()).to.equal(1);
  });

  it('keeps as bytes the dictionaries of the named first keys (outline items), never the information dictionary', async () => {
    const s = await sample();
    const pdf = await readPdf(s.bytes, { verbatimFirstKeys: ['Title'] });
    const at = (ref: PDFRef) => pdf.context.lookup(ref);
    expect(at(s.hexItem)).to.be.instanceOf(PDFVerbatim);
    expect(String(at(s.hexItem))).to.match(/^<<\s*\/Title <FEFF/);
    // A literal string could hide an "endobj": parsed.
    expect(at(s.literalItem)).to.be.instanceOf(PDFDict);
    // pdf-lib reads the information dictionary itself (document properties): parsed, like the catalog.
    expect(at(s.info)).to.be.instanceOf(PDFDict);
    expect(pdf.getTitle()).to.equal('Convention');
    pdf.setTitle('Convention de partenariat');
    const back = await PDFDocument.load(await writePdf(pdf), { updateMetadata: false });
    expect(back.getTitle()).to.equal('Convention de partenariat');
    expect(back.context.lookup(s.hexItem, PDFDict).lookup(PDFName.of('Title'), PDFHexString).decodeText()).to.equal('Préambule');
  });

  it('writes the same objects as a full parse does', async () => {
    const s = await sample();
    const kept = await writePdf(await readPdf(s.bytes, { verbatimTypes: ['StructElem', 'Font'], verbatimFirstKeys: ['Title'] }));
    const full = await writePdf(await readPdf(s.bytes));
    expect(await objectsOf(kept)).to.deep.equal(await objectsOf(full));
    expect(Buffer.from(kept).toString('latin1')).to.include('/Type /ObjStm');
  });

  it('without kept types, reads what PDFDocument.load reads: plain objects, object streams, bytes between objects', async () => {
    const s = await sample();
    const listed = (pdf: PDFDocument) => pdf.context.enumerateIndirectObjects().map(([ref, o]) => `${ref} ${o}`);
    const inStreams = await writePdf(await PDFDocument.load(s.bytes, { updateMetadata: false }));
    // Junk between two objects (pdf-lib skips it until the next object header), and a comment in a header.
    const text = Buffer.from(s.bytes).toString('latin1');
    const second = text.indexOf(' 0 obj', text.indexOf(' 0 obj') + 1);
    const lineStart = text.lastIndexOf('\n', second) + 1;
    const junk = Buffer.from(`${text.slice(0, lineStart)}12 junk ) ]\n${text.slice(lineStart, second)} %c\n0 obj${text.slice(second + ' 0 obj'.length)}`, 'latin1');
    for (const bytes of [s.bytes, inStreams, junk]) {
      const theirs = listed(await PDFDocument.load(bytes, { updateMetadata: false }));
      expect(listed(await readPdf(bytes))).to.deep.equal(theirs);
      expect(theirs.length).to.be.greaterThan(10);
    }
    expect(Buffer.from(inStreams).toString('latin1')).to.include('/Type /ObjStm');
  });

  it('parses a kept object when resolved, and writes the changes made to it', async () => {
    const s = await sample();
    const pdf = await readPdf(s.bytes, { verbatimTypes: ['StructElem'] });
    const element = resolved(pdf.context, s.plain);
    expect(element).to.be.instanceOf(PDFDict);
    expect(pdf.context.lookup(s.plain)).to.equal(element);
    (element as PDFDict).set(PDFName.of('ID'), PDFString.of('node00000042'));
    const back = await PDFDocument.load(await writePdf(pdf), { updateMetadata: false });
    const written = back.context.lookup(s.plain, PDFDict);
    expect(written.lookup(PDFName.of('ID'), PDFString).decodeText()).to.equal('node00000042');
    expect(written.lookup(PDFName.of('K'), PDFNumber).asNumber()).to.equal(0);
    // The structure tree still reaches every element.
    const root = back.catalog.lookup(PDFName.of('StructTreeRoot'), PDFDict);
    expect(root.lookup(PDFName.of('K'), PDFArray).size()).to.equal(4);
  });
});
