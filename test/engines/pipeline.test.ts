import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import PizZip from 'pizzip';
import { PDFDocument, PDFSignature, StandardFonts } from 'pdf-lib';
import { BusyError, type InvalidInputError, NotFoundError, TemplateError } from '../../src/core/errors.js';
import type { BaseViewModel, DocumentKind } from '../../src/core/kind.js';
import { DocImage } from '../../src/core/image.js';
import { fromRoot } from '../../src/core/paths.js';
import { listKinds } from '../../src/core/registry.js';
import { validate } from '../../src/core/validation.js';
import { clearTemplateCache, fillDocx, packageDocx } from '../../src/engines/docx/index.js';
import { DRAFT_MARK } from '../../src/engines/draft.js';
import { docxToHtml } from '../../src/engines/html/index.js';
import { clearPreparedHtml, fillHtml, prepareHtml, unprepared } from '../../src/engines/html/prepared.js';
import type { PdfPrinter, PrintedPdf, PrinterStats, PrintRequest } from '../../src/engines/pdf/printer.js';
import { FORMAT_IDS, getFormat, listFormats, registerFormat } from '../../src/formats/index.js';
import { Generator } from '../../src/generator.js';
import { docxPart, fixture, pdfPages } from '../support/documents.js';

const NOW = new Date('2026-11-25T10:00:00Z');
const examples = () => listKinds().map((kind) => ({ kind, input: JSON.parse(readFileSync(kind.example, 'utf8')) as Record<string, unknown> }));

/**
 * A printer that is not Chromium: one page per request with a line of text, an anchor per
 * anchor of the HTML at a known place. The generator and the finishing must work with it alone.
 */
class FakePrinter implements PdfPrinter {
  readonly requests: PrintRequest[] = [];
  warmed = false;
  drained = false;
  closed = false;

  async print(request: PrintRequest): Promise<PrintedPdf> {
    if (this.closed) throw new BusyError('Imprimante fermée.');
    this.requests.push(request);
    const document = await PDFDocument.create();
    const font = await document.embedFont(StandardFonts.Helvetica);
    const page = document.addPage([595, 842]);
    page.drawText('Imprimé sans Chromium', { x: 50, y: 780, size: 12, font });
    const names = [...request.html.matchAll(/data-pdf-anchor="([^"]*)"/g)].map((m) => m[1]!);
    return { document, anchors: names.map((name, i) => ({ name, page: 0, rect: [60, 100 + 120 * i, 260, 180 + 120 * i] })) };
  }
  async warm(): Promise<void> {
    this.warmed = true;
  }
  ready(): boolean {
    return this.warmed && !this.closed;
  }
  stats(): PrinterStats {
    return { pages: 1, busy: 0, queued: 0, renders: this.requests.length, failures: 0, timeouts: 0, restarts: 0, launches: 0, memoryBytes: 0 };
  }
  async drain(): Promise<void> {
    this.drained = true;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

describe('Engine pipeline', () => {
  it('a compiled template renders again as a fresh one: every kind, both modes, alternating data', async function () {
    this.timeout(60_000);
    const generator = new Generator({ printer: new FakePrinter() });
    for (const { kind, input } of examples()) {
      // Very different data one after the other: the example, an empty draft (every field a
      // marker), the example as a draft, the example again.
      const cases = [
        { input, mode: 'final' },
        { input: {}, mode: 'draft' },
        { input, mode: 'draft' },
        { input, mode: 'final' },
      ];
      clearTemplateCache();
      const reused = [];
      for (const c of cases) reused.push((await generator.generate(kind, c.input, { format: 'docx', mode: c.mode, now: NOW })).bytes);
      for (const [i, c] of cases.entries()) {
        clearTemplateCache();
        const fresh = (await generator.generate(kind, c.input, { format: 'docx', mode: c.mode, now: NOW })).bytes;
        expect(reused[i]!.equals(fresh), `${kind.id}, case ${i + 1} (${c.mode})`).to.equal(true);
      }
      expect(reused[0]!.equals(reused[3]!), kind.id).to.equal(true);
      expect(reused[0]!.equals(reused[2]!), kind.id).to.equal(false);
    }
  });

  describe('the HTML prepared once per template and filled per render', () => {
    /** Free text made hard: markup characters, quotes, braces, a line break (a field the schema refuses keeps its value). */
    const roughen = (kind: DocumentKind<unknown, BaseViewModel>, input: Record<string, unknown>): Record<string, unknown> => {
      const rough = (v: unknown): unknown =>
        typeof v === 'string' && /\p{L} \p{L}/u.test(v) ? `${v} & <b>« cité »</b> "guillemets" {{balise}} {x}\nseconde ligne` : Array.isArray(v) ? v.map(rough) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rough(x)])) : v;
      const out = rough(input) as Record<string, unknown>;
      try {
        validate(kind.schema, out, 'draft');
      } catch (error) {
        for (const e of (error as InvalidInputError).errors ?? []) {
          const keys = e.path.split('.');
          let from: unknown = input;
          let to: unknown = out;
          for (const k of keys.slice(0, -1)) {
            from = (from as Record<string, unknown>)[k];
            to = (to as Record<string, unknown>)[k];
          }
          (to as Record<string, unknown>)[keys.at(-1)!] = (from as Record<string, unknown>)[keys.at(-1)!];
        }
      }
      return out;
    };

    it('gives the very characters mammoth gives of the filled DOCX: every kind, its example, an empty draft, rough text', async function () {
      this.timeout(60_000);
      clearPreparedHtml();
      let rough = 0;
      for (const { kind, input } of examples()) {
        const roughInput = roughen(kind, input);
        const cases: { input: Record<string, unknown>; mode: 'final' | 'draft' }[] = [
          { input, mode: 'final' },
          { input, mode: 'draft' },
          { input: {}, mode: 'draft' },
          { input: roughInput, mode: 'draft' },
        ];
        const prepared = await prepareHtml(kind.template);
        expect(prepared, `${kind.id}: ${unprepared.get(kind.template)}`).not.to.equal(undefined);
        for (const c of cases) {
          const { value, missing } = validate(kind.schema, c.input, c.mode);
          const viewModel = kind.buildViewModel(value, { mode: c.mode, missing, warnings: [], now: NOW });
          const converted = await docxToHtml(fillDocx(kind.template, viewModel, { now: NOW }));
          const filled = fillHtml(kind.template, prepared!, viewModel);
          for (const part of ['body', 'header', 'footer'] as const) {
            const [a, b] = [filled[part], converted[part]];
            let at = 0;
            while (at < a.length && a[at] === b[at]) at++;
            // Where they part, for a readable failure.
            expect(a.slice(Math.max(0, at - 120), at + 120), `${kind.id} ${c.mode} ${part}, at character ${at}`).to.equal(b.slice(Math.max(0, at - 120), at + 120));
            expect(a, `${kind.id} ${c.mode} ${part}`).to.equal(b);
          }
          if (c.input === roughInput && converted.body.includes('&amp; &lt;b&gt;') && converted.body.includes('<br />seconde ligne')) rough++;
        }
      }
      // The rough text reached the documents (and a line break became <br />).
      expect(rough).to.be.greaterThan(5);
    });

    it('refuses a tag the view model lacks, as the DOCX engine does', async () => {
      const kind = listKinds().find((k) => k.id === 'convention')!;
      const prepared = (await prepareHtml(kind.template))!;
      const { value, missing } = validate(kind.schema, fixture('convention'), 'final');
      const viewModel = kind.buildViewModel(value, { mode: 'final', missing, warnings: [], now: NOW }) as unknown as Record<string, unknown>;
      const lacking = { ...viewModel, donneurOrdre: { ...(viewModel.donneurOrdre as object), sujet: undefined } };
      expect(() => fillHtml(kind.template, prepared, lacking)).to.throw(TemplateError, 'donneurOrdre.sujet');
    });

    it('prints a PDF without filling a DOCX', async () => {
      const generator = new Generator({ printer: new FakePrinter() });
      const doc = await generator.generate('convention', fixture('convention'), { format: 'pdf', now: NOW });
      expect(doc.timings).to.include.keys('html', 'print');
      expect(doc.timings).not.to.have.property('docx');
    });
  });

  it('reads the filled package as it is in memory: the same HTML as from the DOCX file', async () => {
    for (const { kind, input } of examples()) {
      const { value, missing } = validate(kind.schema, input, 'draft');
      const viewModel = kind.buildViewModel(value, { mode: 'draft', missing, warnings: [], now: NOW });
      const filled = fillDocx(kind.template, viewModel, { now: NOW });
      const fromFile = await docxToHtml(packageDocx(filled));
      const fromMemory = await docxToHtml(filled);
      expect(fromMemory, kind.id).to.deep.equal(fromFile);
      expect(fromMemory.footer, kind.id).to.contain('{{page}}');
    }
  });

  it('gets charts from the kinds as SVG, and rasterises them in the DOCX engine', async () => {
    const generator = new Generator({ printer: new FakePrinter() });
    for (const id of ['bilan-marche', 'bilan-annuel']) {
      const kind = listKinds().find((k) => k.id === id)!;
      const { value, missing } = validate(kind.schema, fixture(id), 'final');
      const viewModel = kind.buildViewModel(value, { mode: 'final', missing, warnings: [], now: NOW });
      const images: DocImage[] = [];
      const walk = (v: unknown): void => {
        if (v instanceof DocImage) images.push(v);
        else if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object') Object.values(v).forEach(walk);
      };
      walk(viewModel);
      expect(images.length, id).to.be.greaterThan(0);
      for (const image of images) expect('svg' in image.source && image.source.svg.startsWith('<svg'), id).to.equal(true);
      const docx = (await generator.generate(id, fixture(id), { format: 'docx', now: NOW })).bytes;
      const media = Object.keys(new PizZip(docx).files).filter((name) => name.startsWith('word/media/'));
      expect(media.length, id).to.equal(images.length);
      for (const name of media) expect(new PizZip(docx).file(name)!.asNodeBuffer().subarray(1, 4).toString(), name).to.equal('PNG');
    }
  });

  it('lists the formats from their registry', () => {
    expect(listFormats().map((f) => f.id)).to.deep.equal(['docx', 'html', 'pdf', 'md', 'txt']);
    expect(FORMAT_IDS).to.deep.equal(listFormats().map((f) => f.id));
    expect(listFormats().map((f) => f.label)).to.deep.equal(['Word (DOCX)', 'HTML (aperçu)', 'PDF', 'Markdown', 'Texte brut']);
    expect(getFormat('pdf')).to.include({ contentType: 'application/pdf', extension: 'pdf' });
    expect(() => getFormat('odt')).to.throw(NotFoundError, 'Format inconnu : « odt ».');
    expect(() => registerFormat({ ...getFormat('pdf') })).to.throw('already registered');
  });

  it('takes the draft mark from one place, in every format', async () => {
    const generator = new Generator({ printer: new FakePrinter() });
    const data = fixture('convention');
    const draft = (format: string) => generator.generate('convention', data, { format, mode: 'draft', now: NOW });
    expect(docxPart((await draft('docx')).bytes, 'word/header1.xml')).to.contain(`string="${DRAFT_MARK}"`);
    expect((await draft('html')).bytes.toString()).to.contain(`<div class="filigrane" aria-hidden="true">${DRAFT_MARK}</div>`);
    expect((await draft('md')).bytes.toString()).to.match(new RegExp(`^${DRAFT_MARK} – document provisoire\\n`));
    expect((await draft('txt')).bytes.toString()).to.match(new RegExp(`^${DRAFT_MARK} – document provisoire\\n`));
    const request = await generator.printRequest('convention', data, { mode: 'draft' });
    expect(request.html).to.contain(`<div class="filigrane" aria-hidden="true">${DRAFT_MARK}</div>`);
  });

  describe('a PDF printer other than Chromium, plugged into the Generator', () => {
    const printer = new FakePrinter();
    const generator = new Generator({ printer });
    const data = fixture('convention');

    it('prints what printRequest says, and the finishing places the signature fields at its anchors', async () => {
      const doc = await generator.generate('convention', data, { format: 'pdf', now: NOW });
      expect(doc.contentType).to.equal('application/pdf');
      expect(printer.requests).to.have.length(1);
      expect(await generator.printRequest('convention', data, { now: NOW })).to.deep.equal(printer.requests[0]);
      const request = printer.requests[0]!;
      expect(request.html).to.contain('Page " counter(page) " sur " counter(pages)');
      expect(request.html).to.contain('Article I – Objet de la convention');

      const pdf = await PDFDocument.load(doc.bytes, { updateMetadata: false });
      expect((await pdfPages(doc.bytes)).join(' ')).to.contain('Imprimé sans Chromium');
      expect(pdf.getTitle()).to.match(/^Convention de partenariat – /);
      expect(pdf.getCreationDate()?.toISOString()).to.equal(NOW.toISOString());
      const fields = pdf.getForm().getFields();
      expect(fields.map((f) => f.getName())).to.deep.equal(['Signature_Bernard_LEFEVRE', 'Signature_Claire_DUMONT']);
      expect(fields.every((f) => f instanceof PDFSignature)).to.equal(true);
      const rects = fields.map((f) => f.acroField.getWidgets()[0]!.getRectangle());
      expect(rects).to.deep.equal([
        { x: 60, y: 100, width: 200, height: 80 },
        { x: 60, y: 220, width: 200, height: 80 },
      ]);
      expect(Object.keys(doc.timings!)).to.include.members(['validation', 'viewModel', 'html', 'print', 'finishing', 'total']);
    });

    it('the same input and date give the same bytes with this printer too', async () => {
      const a = await generator.generate('convention', data, { format: 'pdf', now: NOW });
      const b = await generator.generate('convention', data, { format: 'pdf', now: NOW });
      expect(a.bytes.equals(b.bytes)).to.equal(true);
    });

    it('passes on the printer’s refusals and its state', async () => {
      await generator.warm();
      expect(generator.ready()).to.equal(true);
      expect(generator.stats().renders).to.equal(printer.requests.length);
      await generator.drain();
      expect(printer.drained).to.equal(true);
      await generator.close();
      expect(generator.ready()).to.equal(false);
      const error = await generator.generate('convention', data, { format: 'pdf' }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(BusyError);
    });
  });

  it('keeps Chromium’s ways inside its implementation', () => {
    const chromiumFolder = fromRoot('src', 'engines', 'pdf', 'chromium');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) {
          if (path !== chromiumFolder) walk(path);
        } else if (name.endsWith('.ts')) files.push(path);
      }
    };
    walk(fromRoot('src'));
    expect(files.length).to.be.greaterThan(50);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text, relative(fromRoot(), file)).not.to.match(/pageNumber|totalPages|urn:x-pdf-anchor|puppeteer|Subtype.*Link/);
    }
  });
});
