import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import PizZip from 'pizzip';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';
import '../../src/kinds/index.js';
import { listKinds } from '../../src/core/registry.js';
import { PRODUCER } from '../../src/engines/pdf/index.js';
import { FORMAT_IDS } from '../../src/formats/index.js';
import { Generator, type GeneratedDocument } from '../../src/generator.js';
import { docxPart, pdfPages } from '../support/documents.js';

/**
 * The same input, template and generation date give the same bytes, in every format: a stored
 * SHA-256 then proves that a document was not altered, by generating it again.
 */
const NOW = new Date('2026-11-25T10:00:00Z');
/** Two seconds later: the same wording, only the properties carry the difference. */
const LATER = new Date('2026-11-25T10:00:02Z');

const text = (value: unknown) => (value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : undefined);

/** The structure ids of a tagged PDF: of the elements, of the /IDTree, and those cited by /Headers. */
function structureIds(pdf: PDFDocument): { elements: string[]; tree: string[]; headers: string[] } {
  const elements: string[] = [];
  const headers: string[] = [];
  const attributeDicts = (value: unknown): PDFDict[] =>
    value instanceof PDFDict ? [value] : value instanceof PDFArray ? value.asArray().map((v) => pdf.context.lookup(v)).filter((v): v is PDFDict => v instanceof PDFDict) : [];
  const visit = (dict: PDFDict) => {
    const id = text(dict.lookup(PDFName.of('ID')));
    if (id !== undefined && dict.has(PDFName.of('S'))) elements.push(id);
    for (const attributes of attributeDicts(dict.lookup(PDFName.of('A')))) {
      const cited = attributes.lookup(PDFName.of('Headers'));
      if (cited instanceof PDFArray) headers.push(...cited.asArray().map((h) => text(h)!));
    }
  };
  for (const [, object] of pdf.context.enumerateIndirectObjects()) if (object instanceof PDFDict) visit(object);
  const root = pdf.catalog.lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict);
  const names = root?.lookupMaybe(PDFName.of('IDTree'), PDFDict)?.lookupMaybe(PDFName.of('Names'), PDFArray);
  const tree = names ? names.asArray().filter((_, i) => i % 2 === 0).map((n) => text(n)!) : [];
  return { elements, tree, headers };
}

describe('Reproducible generation', () => {
  const kinds = listKinds();
  const examples = new Map(kinds.map((kind) => [kind.id, JSON.parse(readFileSync(kind.example, 'utf8')) as unknown]));
  const generator = new Generator();
  /** The first generation of each kind and format at NOW, by the shared generator. */
  const reference = new Map<string, GeneratedDocument>();
  after(() => generator.close());

  const generate = (g: Generator, kindId: string, format: string, now = NOW) => g.generate(kindId, examples.get(kindId), { format, now });

  async function referenceOf(kindId: string, format: string): Promise<GeneratedDocument> {
    const key = `${kindId}.${format}`;
    let doc = reference.get(key);
    if (!doc) {
      doc = await generate(generator, kindId, format);
      reference.set(key, doc);
    }
    return doc;
  }

  it('covers every registered kind', () => {
    expect(kinds.length).to.be.greaterThan(0);
    expect(FORMAT_IDS).to.include.members(['docx', 'pdf', 'html', 'md', 'txt']);
  });

  for (const format of FORMAT_IDS) {
    it(`${format}: two generations with the same date are byte-identical, for every kind`, async () => {
      // The kinds at once: PDF renders share Chromium's pages and interleave.
      await Promise.all(
        kinds.map(async (kind) => {
          const first = await referenceOf(kind.id, format);
          const second = await generate(generator, kind.id, format);
          expect(second.bytes.equals(first.bytes), `${kind.id}.${format}`).to.equal(true);
          expect(second.sha256).to.equal(first.sha256);
          expect(second.sha256).to.equal(createHash('sha256').update(second.bytes).digest('hex'));
        }),
      );
    });
  }

  it('drafts too: the PROJET watermark and markers add nothing that varies', async () => {
    // DOCX of every kind; PDF of the first and last kinds (a convention, a bilan with tables and
    // charts): the PDF of a draft only lacks the signature fields.
    const cases = [...kinds.map((kind) => [kind.id, 'docx']), [kinds[0]!.id, 'pdf'], [kinds.at(-1)!.id, 'pdf']] as const;
    await Promise.all(
      cases.map(async ([kindId, format]) => {
        const options = { format, mode: 'draft', now: NOW };
        const a = await generator.generate(kindId, examples.get(kindId), options);
        const b = await generator.generate(kindId, examples.get(kindId), options);
        expect(a.bytes.equals(b.bytes), `${kindId}.${format} (draft)`).to.equal(true);
      }),
    );
  });

  it('docx: another generation date gives other bytes, the date being in the core properties', async () => {
    await Promise.all(
      kinds.map(async (kind) => {
        const first = await referenceOf(kind.id, 'docx');
        const later = await generate(generator, kind.id, 'docx', LATER);
        expect(later.bytes.equals(first.bytes), kind.id).to.equal(false);
        const core = docxPart(later.bytes, 'docProps/core.xml');
        expect(core).to.contain('<dcterms:created xsi:type="dcterms:W3CDTF">2026-11-25T10:00:02Z</dcterms:created>');
        expect(core).to.contain('<dcterms:modified xsi:type="dcterms:W3CDTF">2026-11-25T10:00:02Z</dcterms:modified>');
      }),
    );
  });

  it('pdf: another generation date gives other bytes, the date being in the properties', async () => {
    await Promise.all(
      kinds.map(async (kind) => {
        const first = await referenceOf(kind.id, 'pdf');
        const later = await generate(generator, kind.id, 'pdf', LATER);
        expect(later.bytes.equals(first.bytes), kind.id).to.equal(false);
        const a = await PDFDocument.load(first.bytes, { updateMetadata: false });
        const b = await PDFDocument.load(later.bytes, { updateMetadata: false });
        expect(a.getCreationDate()?.toISOString()).to.equal(NOW.toISOString());
        expect(a.getModificationDate()?.toISOString()).to.equal(NOW.toISOString());
        expect(b.getCreationDate()?.toISOString()).to.equal(LATER.toISOString());
        expect(b.getModificationDate()?.toISOString()).to.equal(LATER.toISOString());
        // The file identifier follows the content.
        const ids = [a, b].map((doc) => doc.context.lookup(doc.context.trailerInfo.ID, PDFArray));
        for (const id of ids) {
          expect(id.size()).to.equal(2);
          expect(id.lookup(0, PDFHexString).asString()).to.match(/^[0-9A-F]{32}$/).and.to.equal(id.lookup(1, PDFHexString).asString());
        }
        expect(ids[0]!.lookup(0, PDFHexString).asString()).not.to.equal(ids[1]!.lookup(0, PDFHexString).asString());
      }),
    );
  });

  it('a second Generator, with its own Chromium in another time zone, gives the same bytes', async () => {
    // DOCX and PDF of every kind, and every format of one kind: the HTML, Markdown and text
    // stages hold no state of the generator. The references are made first, so that the second
    // generator renders in another order than the first.
    const cases = [
      ...kinds.flatMap((kind) => ['docx', 'pdf'].map((format) => [kind.id, format] as const)),
      ...FORMAT_IDS.filter((format) => format !== 'docx' && format !== 'pdf').map((format) => [kinds[0]!.id, format] as const),
    ];
    const expected = await Promise.all(cases.map(([kindId, format]) => referenceOf(kindId, format)));
    const zone = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati'; // UTC+14: another day than in UTC at 10:00.
    const other = new Generator();
    try {
      const docs = await Promise.all([...cases].reverse().map(([kindId, format]) => generate(other, kindId, format)));
      docs.reverse().forEach((doc, i) => {
        const [kindId, format] = cases[i]!;
        expect(doc.bytes.equals(expected[i]!.bytes), `${kindId}.${format}`).to.equal(true);
      });
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
      await other.close();
    }
  });

  it('writes the DOCX package with fixed entry dates and order', async () => {
    const doc = await referenceOf('convention', 'docx');
    const zip = new PizZip(doc.bytes);
    const names = Object.keys(zip.files);
    expect(names.slice(0, 2)).to.deep.equal(['[Content_Types].xml', '_rels/.rels']);
    const rest = names.slice(2);
    expect(rest).to.deep.equal([...rest].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    for (const name of names) {
      const date = zip.files[name]!.date;
      expect([date.getFullYear(), date.getMonth(), date.getDate(), date.getHours(), date.getMinutes()], name).to.deep.equal([1980, 0, 1, 0, 0]);
    }
  });

  it('keeps the normalised PDF readable, with consistent table header ids and its own properties', async () => {
    let tables = 0;
    for (const kind of kinds) {
      const doc = await referenceOf(kind.id, 'pdf');
      const pdf = await PDFDocument.load(doc.bytes, { updateMetadata: false });
      expect(pdf.getProducer()).to.equal(PRODUCER);
      expect(pdf.getCreator()).to.equal(PRODUCER);
      const ids = structureIds(pdf);
      if (ids.elements.length > 0 && tables++ === 0) {
        // A PDF whose structure was renumbered still reads (pdf.test.ts reads another one).
        const pages = await pdfPages(doc.bytes);
        expect(pages.join(' ').trim().length, kind.id).to.be.greaterThan(100);
      }
      // Renumbered from 1, each element in the name tree (sorted), every cited header existing.
      const sorted = [...ids.elements].sort();
      expect(sorted, kind.id).to.deep.equal(sorted.map((_, i) => `node${String(i + 1).padStart(8, '0')}`));
      expect(ids.tree, kind.id).to.deep.equal(sorted);
      expect(ids.elements, kind.id).to.include.members([...new Set(ids.headers)]);
    }
    expect(tables, 'kinds whose PDF has table header ids').to.be.greaterThan(0);
  });
});
