import { expect } from 'chai';
import { DOMParser } from '@xmldom/xmldom';
import PizZip from 'pizzip';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TemplateError } from '../../src/core/errors.js';
import { listKinds } from '../../src/core/registry.js';
import { renderDocx } from '../../src/engines/docx/index.js';
import { prepareImages } from '../../src/engines/docx/images.js';
import { compile } from '../../src/engines/docx/template.js';
import { validate } from '../../src/core/validation.js';
import { partToHtml } from '../../src/engines/html/header-footer.js';
import { Generator } from '../../src/generator.js';
import { docxPart, fixture } from '../support/documents.js';

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';

/** A minimal DOCX whose body is `bodyXml`, to test how the engine treats a template. */
function tinyTemplate(bodyXml: string): string {
  const zip = new PizZip();
  zip.file('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>');
  zip.file('_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>');
  zip.file('word/document.xml', `<?xml version="1.0" encoding="UTF-8"?><w:document ${W}><w:body>${bodyXml}</w:body></w:document>`);
  const path = join(mkdtempSync(join(tmpdir(), 'tpl-')), 'tiny.docx');
  writeFileSync(path, zip.generate({ type: 'nodebuffer' }));
  return path;
}

const vm = { document: { titre: 'T', sujet: 'S', auteur: 'A', reference: 'R-1', motsCles: ['k'] }, signataires: [], brouillon: false };
const now = new Date('2026-11-25T10:00:00Z');

function wellFormed(xml: string, name: string): void {
  const errors: string[] = [];
  new DOMParser({ onError: (level, message) => { if (level !== 'warning') errors.push(`${name}: ${message}`); } }).parseFromString(xml, 'text/xml');
  expect(errors, name).to.deep.equal([]);
}

describe('DOCX engine', () => {
  const generator = new Generator();
  after(() => generator.close());

  it('fills every registered kind’s template from its example with no unknown tag', async () => {
    for (const kind of listKinds()) {
      const doc = await generator.generate(kind.id, fixture(kind.id), { format: 'docx' });
      expect(doc.bytes.subarray(0, 2).toString()).to.equal('PK');
    }
  });

  it('refuses a template that uses a tag the view model does not provide', () => {
    const path = tinyTemplate('<w:p><w:r><w:t>Bonjour {{inconnu.nom}}</w:t></w:r></w:p>');
    expect(() => renderDocx(path, vm, { now })).to.throw(TemplateError, /inconnu\.nom/);
  });

  it('reports every malformed tag of a template', () => {
    const path = tinyTemplate('<w:p><w:r><w:t>{{#ouvert}} et {{ferme</w:t></w:r></w:p>');
    try {
      renderDocx(path, vm, { now });
      expect.fail('expected a TemplateError');
    } catch (error) {
      expect(error).to.be.instanceOf(TemplateError);
      const details = (error as TemplateError).details.map((d) => d.explanation);
      expect(details.length).to.be.greaterThanOrEqual(2);
      expect(details.join(' ')).to.match(/ferme/).and.to.match(/ouvert/);
    }
  });

  it('writes well-formed XML in every part, with document properties', async () => {
    const doc = await generator.generate('convention', fixture('convention'), { format: 'docx', now });
    const zip = new PizZip(doc.bytes);
    for (const name of Object.keys(zip.files).filter((n) => /\.(xml|rels)$/.test(n))) wellFormed(zip.file(name)!.asText(), name);
    const core = docxPart(doc.bytes, 'docProps/core.xml');
    expect(core).to.contain('<dc:title>Convention de partenariat – Communauté de communes Somme Santerre Est et Maison de l’emploi et de la formation de Haute-Somme</dc:title>');
    expect(core).to.contain('<dc:creator>Maison de l’emploi et de la formation de Haute-Somme</dc:creator>');
    expect(core).to.contain('<dc:identifier>CP-2026-014</dc:identifier>');
    expect(core).to.contain('<cp:keywords>convention de partenariat, clause sociale, insertion, commande publique, CP-2026-014</cp:keywords>');
    expect(core).to.contain('<dcterms:created xsi:type="dcterms:W3CDTF">2026-11-25T10:00:00Z</dcterms:created>');
    expect(docxPart(doc.bytes, 'docProps/custom.xml')).to.contain('name="Reference"><vt:lpwstr>CP-2026-014</vt:lpwstr>');
    const types = docxPart(doc.bytes, '[Content_Types].xml');
    expect(types).to.contain('PartName="/docProps/custom.xml"');
    expect(docxPart(doc.bytes, '_rels/.rels')).to.contain('Target="docProps/custom.xml"');
  });

  it('uses real Word styles, a signature table, a header and a footer with page numbers', async () => {
    const doc = await generator.generate('convention', fixture('convention'), { format: 'docx' });
    const body = docxPart(doc.bytes, 'word/document.xml');
    for (const style of ['Title', 'Subtitle', 'Heading1', 'Heading2', 'ListBullet', 'SignatureBlock', 'SignatureZone']) {
      expect(body, style).to.contain(`<w:pStyle w:val="${style}"/>`);
    }
    expect(body).to.contain('<w:tblStyle w:val="SignatureTable"/>');
    expect(body).to.contain('<w:headerReference w:type="default"');
    const styles = docxPart(doc.bytes, 'word/styles.xml');
    expect(styles).to.contain('<w:name w:val="heading 1"/>').and.to.contain('<w:name w:val="List Bullet"/>');
    const footer = docxPart(doc.bytes, 'word/footer1.xml');
    expect(footer).to.match(/w:instr=" PAGE /).and.to.match(/w:instr=" NUMPAGES /);
    expect(partToHtml(footer)).to.equal(
      'Communauté de communes Somme Santerre Est / Maison de l’emploi et de la formation de Haute-Somme – Page {{page}} sur {{pages}}',
    );
    expect(partToHtml(docxPart(doc.bytes, 'word/header1.xml'))).to.equal('Convention de partenariat – Réf. CP-2026-014');
  });

  it('marks every header of a draft with a PROJET watermark', async () => {
    const doc = await generator.generate('convention', fixture('convention'), { format: 'docx', mode: 'draft' });
    const header = docxPart(doc.bytes, 'word/header1.xml');
    wellFormed(header, 'header1.xml');
    expect(header).to.match(/<v:shape id="PowerPlusWaterMarkObject0"[^>]*type="#_x0000_t136"/);
    expect(header).to.contain('<v:textpath style="font-family:&quot;Liberation Sans&quot;;font-size:1pt" string="PROJET"/>');
    expect(header).to.contain('xmlns:v="urn:schemas-microsoft-com:vml"');
  });
});

/** The rendered parts of a compiled docxtemplater, by name. */
function renderedParts(doc: ReturnType<typeof compile>, data: unknown): Map<string, Buffer> {
  doc.render(data);
  const zip = doc.getZip();
  return new Map(Object.keys(zip.files).filter((name) => !zip.files[name]!.dir).map((name) => [name, Buffer.from(zip.file(name)!.asUint8Array())]));
}

describe('native UTF-8 encoding of the rendered parts (utf8.ts)', () => {
  it('gives the very bytes of docxtemplater’s own encoder: every kind, its example and an empty draft', () => {
    for (const kind of listKinds()) {
      const bytes = readFileSync(kind.template);
      for (const [input, mode] of [[fixture(kind.id), 'final'], [fixture(kind.id), 'draft'], [{}, 'draft']] as const) {
        const { value, missing } = validate(kind.schema, input, mode);
        const { prepared } = prepareImages(kind.buildViewModel(value, { mode, missing, warnings: [], now }));
        const native = renderedParts(compile(kind.template, bytes), prepared);
        const own = renderedParts(compile(kind.template, bytes, { nativeUtf8: false }), prepared);
        expect([...native.keys()], kind.id).to.deep.equal([...own.keys()]);
        for (const [name, part] of own) expect(native.get(name)!.equals(part), `${kind.id} ${mode} ${name}`).to.equal(true);
      }
    }
  });

  it('leaves text with a lone surrogate to docxtemplater, and encodes pairs as it does', () => {
    const path = tinyTemplate('<w:p><w:r><w:t>{{a}} {{b}} {{c}}</w:t></w:r></w:p>');
    const data = { a: 'Cœur 🌿 à l’été', b: 'seul \ud800 ici', c: '<&>' };
    const native = renderedParts(compile(path, readFileSync(path)), data);
    const own = renderedParts(compile(path, readFileSync(path), { nativeUtf8: false }), data);
    for (const [name, part] of own) expect(native.get(name)!.equals(part), name).to.equal(true);
    expect(own.get('word/document.xml')!.toString('utf8')).to.contain('Cœur 🌿 à l’été').and.to.contain('&lt;&amp;&gt;');
    // The lone surrogate as docxtemplater writes it (Buffer would have written U+FFFD).
    expect(native.get('word/document.xml')!.includes(Buffer.from([0xed, 0xa0, 0x80]))).to.equal(true);
  });
});

describe('header and footer reading', () => {
  it('turns simple and complex PAGE/NUMPAGES fields into the neutral page tokens', () => {
    const simple = `<w:ftr ${W}><w:p><w:r><w:t>Page </w:t></w:r><w:fldSimple w:instr=" PAGE "><w:r><w:t>3</w:t></w:r></w:fldSimple><w:r><w:t xml:space="preserve"> / </w:t></w:r><w:fldSimple w:instr="NUMPAGES \\* MERGEFORMAT"><w:r><w:t>9</w:t></w:r></w:fldSimple></w:p></w:ftr>`;
    expect(partToHtml(simple)).to.equal('Page {{page}} / {{pages}}');
    const complex = `<w:ftr ${W}><w:p><w:r><w:t xml:space="preserve">Page </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p><w:p><w:r><w:t>Réf. A&amp;B</w:t></w:r></w:p></w:ftr>`;
    expect(partToHtml(complex)).to.equal('Page {{page}}<br>Réf. A&amp;B');
  });
});
