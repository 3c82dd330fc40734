import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PDFDocument, PDFSignature } from 'pdf-lib';
import { RenderUnavailableError } from '../../src/core/errors.js';
import { ChromiumPool, defaultChromiumOptions } from '../../src/engines/pdf/browser.js';
import { Generator } from '../../src/generator.js';
import { fixture, pdfPages, withValue } from '../support/documents.js';
import { bodyWords } from '../support/parity.js';

const HEADER = 'Convention de partenariat – Réf. CP-2026-014';

describe('PDF engine', () => {
  const generator = new Generator();
  const data = fixture('convention');
  let pdf: Buffer;
  let docx: Buffer;

  before(async () => {
    pdf = (await generator.generate('convention', data, { format: 'pdf' })).bytes;
    docx = (await generator.generate('convention', data, { format: 'docx' })).bytes;
  });
  after(() => generator.close());

  it('says word for word what the DOCX says', async () => {
    const { docxWords, pdfWords, pages } = await bodyWords(docx, pdf);
    expect(pages.length).to.be.greaterThan(2);
    expect(docxWords.length).to.be.greaterThan(1500);
    expect(pdfWords).to.deep.equal(docxWords);
  });

  it('prints the DOCX header and footer, with page numbers, on every page', async () => {
    const pages = await pdfPages(pdf);
    pages.forEach((page, i) => {
      const lines = page.split('\n').map((l) => l.replace(/[\u00A0\u202F]/g, ' ').trim());
      expect(lines, `page ${i + 1}`).to.include(HEADER);
      expect(lines, `page ${i + 1}`).to.include(
        `Communauté de communes Somme Santerre Est / Maison de l’emploi et de la formation de Haute-Somme – Page ${i + 1} sur ${pages.length}`,
      );
    });
  });

  it('has one empty signature field per signatory, over its signature zone on the last page', async () => {
    const doc = await PDFDocument.load(pdf);
    const fields = doc.getForm().getFields();
    expect(fields.map((f) => f.getName())).to.deep.equal(['Signature_Bernard_LEFEVRE', 'Signature_Claire_DUMONT']);
    expect(fields.every((f) => f instanceof PDFSignature)).to.equal(true);
    const last = doc.getPages().at(-1)!;
    for (const field of fields) {
      const widget = field.acroField.getWidgets()[0]!;
      const rect = widget.getRectangle();
      expect(rect.width).to.be.greaterThan(100);
      expect(rect.height).to.be.greaterThan(50);
      expect(widget.P()).to.equal(last.ref);
    }
    // The zone links used to place the fields are gone.
    const uris = doc.getPages().flatMap((page) => {
      const annots = page.node.Annots();
      return annots ? annots.asArray().map((ref) => String(doc.context.lookup(ref))) : [];
    });
    expect(uris.join(' ')).not.to.contain('urn:signature:');
  });

  it('carries the document properties', async () => {
    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    expect(doc.getTitle()).to.equal('Convention de partenariat – Communauté de communes Somme Santerre Est et Maison de l’emploi et de la formation de Haute-Somme');
    expect(doc.getAuthor()).to.equal('Maison de l’emploi et de la formation de Haute-Somme');
    expect(doc.getSubject()).to.contain('clauses sociales d’insertion');
    expect(doc.getKeywords()).to.contain('CP-2026-014');
  });

  it('embeds its fonts', async () => {
    const doc = await PDFDocument.load(pdf);
    const fonts = [...doc.context.enumerateIndirectObjects()]
      .map(([, obj]) => obj)
      .filter((obj) => String(obj).includes('/Type /FontDescriptor'))
      .map((obj) => String(obj));
    expect(fonts.length).to.be.greaterThan(0);
    expect(fonts.every((f) => /\/FontFile[23]? /.test(f))).to.equal(true);
    expect(fonts.join(' ')).to.contain('LiberationSans');
  });

  it('marks every page of a draft PROJET, shows the markers and has no signature field', async () => {
    const draftData = withValue(data, 'structurePorteuse.territoire', undefined);
    const draft = await generator.generate('convention', draftData, { format: 'pdf', mode: 'draft' });
    const pages = await pdfPages(draft.bytes);
    pages.forEach((page, i) => expect(page, `page ${i + 1}`).to.contain('PROJET'));
    expect(pages.join(' ').replace(/\s+/g, ' ')).to.contain('[à compléter : structurePorteuse.territoire]');
    const doc = await PDFDocument.load(draft.bytes);
    expect(doc.getForm().getFields()).to.have.length(0);
  });
});

describe('Chromium pool', () => {
  let server: Server;
  let requests = 0;
  let url = '';

  before(async () => {
    server = createServer((_req, res) => {
      requests++;
      res.end('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('runs no page script and lets no request out', async () => {
    const pool = new ChromiumPool(defaultChromiumOptions());
    try {
      const html = `<html><head><link rel="stylesheet" href="${url}/style.css"></head><body><p id="p">avant</p><img src="${url}/image.png"><script>document.getElementById('p').textContent = 'script exécuté'; fetch('${url}/fetch');</script><iframe src="${url}/frame"></iframe></body></html>`;
      const content = await pool.withPage(async (page) => {
        await page.setContent(html, { waitUntil: 'load' });
        await page.pdf({ format: 'A4' });
        return page.content();
      });
      expect(content).to.contain('<p id="p">avant</p>');
      expect(requests).to.equal(0);
    } finally {
      await pool.close();
    }
  });

  it('reuses one browser, and launches a new one when it has died', async () => {
    const generator = new Generator();
    try {
      const data = fixture('convention');
      await generator.generate('convention', data, { format: 'pdf' });
      await generator.generate('convention', data, { format: 'pdf' });
      expect(generator.pool.launches).to.equal(1);
      const pid = await generator.pool.pid();
      expect(pid).to.be.a('number');
      process.kill(pid!, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const again = await generator.generate('convention', data, { format: 'pdf' });
      expect(again.bytes.subarray(0, 5).toString()).to.equal('%PDF-');
      expect(generator.pool.launches).to.equal(2);
    } finally {
      await generator.close();
    }
  });

  it('gives up a render after its timeout, and keeps serving', async () => {
    const pool = new ChromiumPool({ ...defaultChromiumOptions(), timeoutMs: 1000 });
    try {
      const error = await pool.withPage(() => new Promise<never>(() => undefined)).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RenderUnavailableError);
      expect((error as RenderUnavailableError).message).to.equal('Le rendu PDF a dépassé le délai de 1 s.');
      const title = await pool.withPage(async (page) => {
        await page.setContent('<title>ok</title>');
        return page.title();
      });
      expect(title).to.equal('ok');
    } finally {
      await pool.close();
    }
  });

  it('answers 503-type errors when Chromium cannot start', async () => {
    const pool = new ChromiumPool({ ...defaultChromiumOptions(), executablePath: '/nonexistent/chromium' });
    const error = await pool.withPage(async () => 1).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RenderUnavailableError);
    expect((error as RenderUnavailableError).status).to.equal(503);
    await pool.close();
  });
});

