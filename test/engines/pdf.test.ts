import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, type PDFObject, PDFRef, PDFSignature } from 'pdf-lib';
import { BusyError, RenderUnavailableError } from '../../src/core/errors.js';
import { ANCHOR_URI_PREFIX } from '../../src/engines/pdf/chromium/anchors.js';
import { checkChromiumVersion, ChromiumPrinter, chromiumPdfOptions, MIN_CHROMIUM_MAJOR } from '../../src/engines/pdf/chromium/index.js';
import { collectsAfter } from '../../src/engines/pdf/chromium/printer.js';
import type { PrintedPdf, PrintRequest } from '../../src/engines/pdf/printer.js';
import { marginBoxesCss } from '../../src/engines/pdf/margins.js';
import { writePdf } from '../../src/engines/pdf/writer.js';
import { finalizePdf } from '../../src/engines/pdf/finalize.js';
import type { Signatory } from '../../src/core/kind.js';
import { Generator } from '../../src/generator.js';
import { fixture, pdfPages, withValue } from '../support/documents.js';
import { bodyWords } from '../support/parity.js';

const HEADER = 'Convention de partenariat – Réf. CP-2026-014';

/** The text of each page of a printed (not yet finished) PDF. */
async function printedPages(printed: PrintedPdf): Promise<string[]> {
  return pdfPages(Buffer.from(await printed.document.save()));
}

/** A small document: `paragraphs` paragraphs, page tokens in the footer. */
function smallRequest(text: string, paragraphs = 1): PrintRequest {
  const body = Array.from({ length: paragraphs }, (_, i) => `<p>${text} ${i + 1}</p>`).join('');
  return { html: `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><style>@page { size: A4; margin: 20mm; } ${marginBoxesCss('', 'Page {{page}} sur {{pages}}')}</style></head><body>${body}</body></html>` };
}

/** A document that takes seconds to print (hundreds of pages of table). */
function slowRequest(): PrintRequest {
  const rows = Array.from({ length: 6000 }, (_, i) => `<tr><td>Ligne ${i}</td><td>${'texte '.repeat(20)}</td></tr>`).join('');
  return { html: `<!DOCTYPE html><html><body><table>${rows}</table></body></html>` };
}

const until = async (condition: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('PDF', () => {
  /** One Chromium for the tests that need no option of their own. */
  const printer = new ChromiumPrinter({ pages: 2 });
  const generator = new Generator({ printer });
  const data = fixture('convention');
  after(() => printer.close());

  describe('PDF engine', () => {
    let pdf: Buffer;
    let docx: Buffer;

    before(async () => {
      pdf = (await generator.generate('convention', data, { format: 'pdf' })).bytes;
      docx = (await generator.generate('convention', data, { format: 'docx' })).bytes;
    });

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

    it('prints markup typed in a value of the footer as text, the page intact', async () => {
      const hostile = withValue(data, 'donneurOrdre.nom', 'Mairie </style><h1>Injecté</h1> "x" \\ {{page}}');
      const pages = await pdfPages((await generator.generate('convention', hostile, { format: 'pdf' })).bytes);
      const first = pages[0]!.split('\n').map((l) => l.replace(/[\u00A0\u202F]/g, ' ').trim());
      expect(first.some((line) => line.startsWith('Mairie </style><h1>Injecté</h1> « x » \\ {{page}} / Maison de l’emploi') && line.endsWith(`Page 1 sur ${pages.length}`))).to.equal(true);
      expect(first).not.to.include('Injecté');
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
      // The links Chromium printed to find the zones are gone.
      const annots = doc.getPages().flatMap((page) => {
        const list = page.node.Annots();
        return list ? list.asArray().map((ref) => String(doc.context.lookup(ref))) : [];
      });
      expect(annots.join(' ')).not.to.contain(ANCHOR_URI_PREFIX);
      expect(annots.join(' ')).not.to.contain('/Link');
    });

    it('tags each signature field in the structure tree, in a Form element where its zone is read', async () => {
      const doc = await PDFDocument.load(pdf, { updateMetadata: false });
      const root = doc.catalog.lookup(PDFName.of('StructTreeRoot'), PDFDict);
      const nums = root.lookup(PDFName.of('ParentTree'), PDFDict).lookup(PDFName.of('Nums'), PDFArray);
      const parentOf = new Map<number, PDFObject>();
      for (let i = 0; i + 1 < nums.size(); i += 2) parentOf.set(nums.lookup(i, PDFNumber).asNumber(), nums.get(i + 1));
      const keys = [...parentOf.keys()];
      expect(keys, 'the parent tree is sorted').to.deep.equal([...keys].sort((a, b) => a - b));
      const next = root.lookup(PDFName.of('ParentTreeNextKey'), PDFNumber).asNumber();
      for (const field of doc.getForm().getFields()) {
        const widget = field.acroField.getWidgets()[0]!;
        const key = widget.dict.lookup(PDFName.of('StructParent'), PDFNumber).asNumber();
        expect(key).to.be.below(next);
        const form = doc.context.lookup(parentOf.get(key), PDFDict);
        expect(form.lookup(PDFName.of('S'))).to.equal(PDFName.of('Form'));
        const objr = form.lookup(PDFName.of('K'), PDFArray).lookup(0, PDFDict);
        expect(objr.lookup(PDFName.of('Type'))).to.equal(PDFName.of('OBJR'));
        const widgetRef = doc.getPages().at(-1)!.node.Annots()!.asArray().find((ref) => doc.context.lookup(ref) === widget.dict);
        expect(widgetRef).to.be.instanceOf(PDFRef);
        expect(objr.get(PDFName.of('Obj'))).to.equal(widgetRef);
        // Under the element of the signature zone (the zone's text, then the field), itself in the document's tree.
        const zone = doc.context.lookup(form.get(PDFName.of('P')), PDFDict);
        expect(zone.lookup(PDFName.of('S'))).to.equal(PDFName.of('Span'));
        expect(zone.lookup(PDFName.of('K'), PDFArray).asArray()).to.include(parentOf.get(key));
        expect(zone.get(PDFName.of('P'))).to.be.instanceOf(PDFRef);
      }
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
      expect(pages.join(' ').replace(/\s+/g, ' ')).to.contain('[à compléter : Structure porteuse de la clause – Territoire d’intervention]');
      const doc = await PDFDocument.load(draft.bytes);
      expect(doc.getForm().getFields()).to.have.length(0);
    });

    it('gives the print request of a PDF, and times each stage', async () => {
      const request = await generator.printRequest('convention', data);
      expect(request.html).to.contain('<!DOCTYPE html>').and.to.contain('Article I – Objet de la convention');
      expect(request.html).to.contain('data-pdf-anchor="Signature_Bernard_LEFEVRE"');
      expect(request.html).to.contain(`@top-center { content: "${HEADER}";`);
      expect(request.html).to.contain(' – Page " counter(page) " sur " counter(pages);');
      expect(request.html).not.to.match(/\{\{pages?\}\}|pageNumber|totalPages|urn:/);
      const doc = await generator.generate('convention', data, { format: 'pdf' });
      expect(Object.keys(doc.timings!)).to.include.members(['validation', 'viewModel', 'html', 'print', 'finishing', 'total']);
      expect(Object.values(doc.timings!).every((ms) => typeof ms === 'number' && ms >= 0)).to.equal(true);
    });
  });

  describe('Chromium printer', () => {
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
    after(() => {
      // Chromium may keep a connection it opened ahead (and never used): not a request.
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('is warm and ready once started, with its pages open', async () => {
      await printer.warm();
      expect(printer.ready()).to.equal(true);
      const stats = printer.stats();
      expect(stats.pages).to.equal(2);
      expect(stats.launches).to.equal(1);
      expect(stats.memoryBytes).to.be.greaterThan(10 * 1024 * 1024);
    });

    it('runs no page script and lets no request out', async () => {
      const html = `<html><head><link rel="stylesheet" href="${url}/style.css"></head><body><p id="p">avant</p><img src="${url}/image.png"><script>document.getElementById('p').textContent = 'script exécuté'; fetch('${url}/fetch');</script><iframe src="${url}/frame"></iframe></body></html>`;
      const printed = await printer.print({ html });
      const text = (await printedPages(printed)).join(' ');
      expect(text).to.contain('avant').and.not.to.contain('script exécuté');
      expect(requests).to.equal(0);
    });

    it('does not reuse a page its document navigated away from', async function () {
      this.timeout(20_000);
      const single = new ChromiumPrinter({ pages: 1 });
      try {
        await single.warm();
        // A refresh after a second: the print is done by then, and the page then navigates away while idle.
        const refresh = `<html><head><meta http-equiv="refresh" content="1;url=${url}/ailleurs"></head><body><p>Redirigé</p></body></html>`;
        expect((await printedPages(await single.print({ html: refresh }))).join(' ')).to.contain('Redirigé');
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const next = await single.print(smallRequest('Suivant'));
        expect((await printedPages(next)).join(' ')).to.contain('Suivant 1');
        expect(single.stats().pagesOpened).to.equal(2);
        // A page that stayed on its document is kept.
        await single.print(smallRequest('Encore'));
        expect(single.stats().pagesOpened).to.equal(2);
        expect(requests).to.equal(0);
      } finally {
        await single.close();
      }
    });

    it('numbers the pages in the margin boxes (escaped braces stay text), and reports the anchors without their links', async () => {
      const margins = marginBoxesCss('En-tête &#123;&#123;page}} « "cité" » \\ fin', 'Page {{page}} sur {{pages}}');
      const html = `<!DOCTYPE html><html><head><style>@page { size: A4; margin: 20mm; } ${margins} .zone { height: 30mm; width: 60mm; border: 1px solid; }</style></head><body>
        <p>Première page</p><div style="break-after: page"></div>
        <p>Seconde page</p><div class="zone" data-pdf-anchor="Zone « B »"></div><p><a class="lien" data-pdf-anchor="Lien_C">ici</a></p></body></html>`;
      const printed = await printer.print({ html });
      const pages = await printedPages(printed);
      expect(pages).to.have.length(2);
      expect(pages[0]).to.contain('Page 1 sur 2').and.to.contain('En-tête {{page}} « "cité" » \\ fin');
      expect(pages[1]).to.contain('Page 2 sur 2');
      expect(printed.anchors.map((a) => [a.name, a.page])).to.deep.equal([['Zone « B »', 1], ['Lien_C', 1]]);
      const [zone] = printed.anchors;
      const [x1, y1, x2, y2] = zone!.rect;
      // 60 mm by 30 mm (plus the border), in points.
      expect(x2 - x1).to.be.closeTo((60 * 72) / 25.4, 3);
      expect(y2 - y1).to.be.closeTo((30 * 72) / 25.4, 3);
      const annots = printed.document.getPages().flatMap((page) => page.node.Annots()?.asArray() ?? []);
      expect(annots).to.have.length(0);
      // Nothing of the links is left in the file: no annotation, no link in the structure tree.
      const written = await PDFDocument.load(await writePdf(printed.document), { updateMetadata: false });
      const objects = written.context.enumerateIndirectObjects().map(([, object]) => object.toString()).join('\n');
      expect(objects).not.to.include('x-pdf-anchor').and.not.to.include('/OBJR').and.not.to.match(/\/S \/Link\b/);
      expect(objects).to.match(/\/S \/Span\b/).and.to.include('/StructTreeRoot');
    });

    it('tags a signature field at the end of the document when the printer gives no element for its zone', async () => {
      const html = `<!DOCTYPE html><html lang="fr"><head><style>@page { size: A4; margin: 20mm; } .zone { height: 30mm; width: 60mm; }</style></head><body>
        <h1>Titre</h1><p>Texte</p><div class="zone" data-pdf-anchor="Signature_A"></div></body></html>`;
      const printed = await printer.print({ html });
      expect(printed.anchors[0]!.element).to.be.instanceOf(PDFRef);
      const anchors = printed.anchors.map(({ element: _element, ...anchor }) => anchor);
      const signatory = { champ: 'Signature_A', nom: 'A', qualite: 'Maire', organisation: 'Commune', role: 'donneurOrdre' } as unknown as Signatory;
      const bytes = await finalizePdf({ ...printed, anchors }, { properties: { titre: 'T', sujet: 'S', auteur: 'A', reference: 'R', motsCles: ['m'] }, signatories: [signatory], signatureFields: true, now: new Date('2027-01-15T09:00:00Z'), producer: 'P', source: html });
      const doc = await PDFDocument.load(bytes, { updateMetadata: false });
      const root = doc.catalog.lookup(PDFName.of('StructTreeRoot'), PDFDict);
      const widget = doc.getForm().getFields()[0]!.acroField.getWidgets()[0]!;
      const key = widget.dict.lookup(PDFName.of('StructParent'), PDFNumber).asNumber();
      const nums = root.lookup(PDFName.of('ParentTree'), PDFDict).lookup(PDFName.of('Nums'), PDFArray).asArray();
      const formRef = nums[nums.findIndex((n) => n instanceof PDFNumber && n.asNumber() === key) + 1];
      const form = doc.context.lookup(formRef, PDFDict);
      expect(form.lookup(PDFName.of('S'))).to.equal(PDFName.of('Form'));
      const top = root.get(PDFName.of('K'));
      expect(form.get(PDFName.of('P'))).to.equal(top instanceof PDFArray ? top.get(0) : top);
      const kids = doc.context.lookup(form.get(PDFName.of('P')), PDFDict).lookup(PDFName.of('K'), PDFArray).asArray();
      expect(kids.at(-1)).to.equal(formRef);
    });

    it('prints with Chromium’s options and no header or footer template (the margins are the HTML’s)', () => {
      const options = chromiumPdfOptions();
      expect(options).to.include({ format: 'A4', preferCSSPageSize: true, printBackground: true, displayHeaderFooter: false, tagged: true, outline: true });
      expect(options).not.to.have.any.keys('headerTemplate', 'footerTemplate');
    });

    it('refuses at once, with BusyError, a print beyond the queue, and prints the others', async () => {
      const small = new ChromiumPrinter({ pages: 1, queue: 2 });
      try {
        await small.warm();
        let firstDone = false;
        const accepted = [0, 1, 2].map((i) => small.print(smallRequest(`Document ${i}`, 40)));
        void accepted[0]!.then(() => (firstDone = true));
        expect(small.stats()).to.include({ busy: 1, queued: 2 });
        const refused = await small.print(smallRequest('De trop')).catch((e: unknown) => e);
        expect(refused).to.be.instanceOf(BusyError);
        expect((refused as BusyError).transient).to.equal(true);
        expect((refused as BusyError).errors[0]!.type).to.equal('queue.full');
        expect(firstDone, 'refused before the first print ended').to.equal(false);
        const printed = await Promise.all(accepted);
        for (const [i, doc] of printed.entries()) expect((await printedPages(doc)).join(' ')).to.contain(`Document ${i} 1`);
        expect(small.stats()).to.include({ busy: 0, queued: 0, renders: 3 });
      } finally {
        await small.close();
      }
    });

    it('gives up a render after its time limit, discards its page, and keeps serving', async function () {
      this.timeout(20_000);
      const limited = new ChromiumPrinter({ pages: 1, timeoutMs: 1000 });
      try {
        await limited.warm();
        expect(limited.stats().pagesOpened).to.equal(1);
        const error = await limited.print(slowRequest()).catch((e: unknown) => e);
        expect(error).to.be.instanceOf(RenderUnavailableError);
        expect((error as RenderUnavailableError).message).to.equal('Le rendu PDF a dépassé le délai de 1 s.');
        expect(limited.stats()).to.include({ timeouts: 1, failures: 1, pages: 0 });
        const printed = await limited.print(smallRequest('Après le délai'));
        expect((await printedPages(printed)).join(' ')).to.contain('Après le délai 1');
        // A new page was opened: the one that timed out was not reused.
        expect(limited.stats()).to.include({ pagesOpened: 2, pages: 1, renders: 1 });
      } finally {
        await limited.close();
      }
    });

    it('when Chromium is killed during a burst, fails only the renders running and prints the waiting ones in a new Chromium', async function () {
      this.timeout(60_000);
      const crashing = new ChromiumPrinter({ pages: 2 });
      try {
        await crashing.warm();
        const request = await generator.printRequest('convention', data);
        const burst = Array.from({ length: 8 }, () => crashing.print(request));
        await until(() => crashing.stats().busy === 2);
        const waiting = crashing.stats().queued;
        expect(waiting).to.equal(6);
        process.kill((await crashing.pid())!, 'SIGKILL');
        const results = await Promise.allSettled(burst);
        const failed = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as unknown);
        const printed = results.filter((r): r is PromiseFulfilledResult<PrintedPdf> => r.status === 'fulfilled').map((r) => r.value);
        expect(failed.length, 'only the renders running can fail').to.be.at.most(2);
        for (const error of failed) {
          expect(error).to.be.instanceOf(RenderUnavailableError);
          expect((error as RenderUnavailableError).transient).to.equal(true);
        }
        expect(printed.length, 'every waiting render printed').to.be.at.least(waiting);
        for (const doc of printed) {
          expect(doc.document.getPageCount()).to.be.greaterThan(2);
          expect(doc.anchors.map((a) => a.name)).to.deep.equal(['Signature_Bernard_LEFEVRE', 'Signature_Claire_DUMONT']);
        }
        expect((await printedPages(printed[0]!)).join(' ')).to.contain('Article I – Objet de la convention');
        expect(crashing.stats()).to.include({ launches: 2, restarts: 1 });
        expect(crashing.ready()).to.equal(true);
      } finally {
        await crashing.close();
      }
    });

    it('replaces Chromium after N renders, between renders, every render printed', async function () {
      this.timeout(60_000);
      const renewed = new ChromiumPrinter({ pages: 2, maxRenders: 3 });
      try {
        await renewed.warm();
        const pids = new Set<number>();
        const notePid = async () => {
          const pid = await renewed.pid();
          if (pid !== undefined) pids.add(pid);
        };
        await notePid();
        const texts: string[] = [];
        for (let round = 0; round < 5; round++) {
          // Two at a time: a replacement can fall while a render runs in the old browser.
          const printed = await Promise.all([0, 1].map((i) => renewed.print(smallRequest(`Tour ${round}.${i}`))));
          for (const doc of printed) texts.push((await printedPages(doc)).join(' '));
          await notePid();
        }
        expect(texts).to.have.length(10);
        texts.forEach((text, k) => expect(text).to.contain(`Tour ${Math.floor(k / 2)}.${k % 2} 1`));
        const stats = renewed.stats();
        expect(stats).to.include({ renders: 10, failures: 0 });
        // A browser is replaced once it has done 3 renders; one running meanwhile finishes in it,
        // so each did 3 or 4: at least 2 replacements for 10 renders.
        expect(stats.restarts).to.be.at.least(2);
        expect(stats.launches).to.equal(stats.restarts + 1);
        expect(pids.size).to.be.at.least(2);
      } finally {
        await renewed.close();
      }
    });

    it('renews a page after N renders, in the same browser, every render printed', async function () {
      this.timeout(60_000);
      const renewing = new ChromiumPrinter({ pages: 1, pageMaxRenders: 2, maxRenders: 0 });
      try {
        await renewing.warm();
        const pid = await renewing.pid();
        const texts: string[] = [];
        for (let i = 0; i < 5; i++) texts.push((await printedPages(await renewing.print(smallRequest(`Page ${i}`)))).join(' '));
        texts.forEach((text, i) => expect(text).to.contain(`Page ${i} 1`));
        const stats = renewing.stats();
        expect(stats).to.include({ renders: 5, failures: 0, restarts: 0, launches: 1 });
        // The page of the warm start, then a fresh one after the 2nd and the 4th render.
        expect(stats.pagesOpened).to.equal(3);
        expect(stats.pages).to.equal(1);
        expect(await renewing.pid()).to.equal(pid);
      } finally {
        await renewing.close();
      }
    });

    it('collects a page\'s garbage every N renders, and after its 5th render too when N is 10 or more', () => {
      const when = (every: number) => Array.from({ length: 60 }, (_, i) => i + 1).filter((used) => collectsAfter(used, every));
      expect(when(20)).to.deep.equal([5, 20, 40, 60]);
      expect(when(25)).to.deep.equal([5, 25, 50]);
      expect(when(10).slice(0, 3)).to.deep.equal([5, 10, 20]);
      // Below 10, N itself comes early enough: no second collection a render or two later.
      expect(when(6).slice(0, 3)).to.deep.equal([6, 12, 18]);
      expect(when(3).slice(0, 3)).to.deep.equal([3, 6, 9]);
      expect(when(1)).to.have.length(60);
      expect(when(0)).to.deep.equal([]);
    });

    it('collects a page\'s garbage every N renders, the same page printing on, renders waiting for it', async function () {
      this.timeout(60_000);
      const collecting = new ChromiumPrinter({ pages: 1, pageGcRenders: 2, pageMaxRenders: 0, maxRenders: 0 });
      try {
        await collecting.warm();
        // Sent together: the 3rd and 5th renders wait for the page collecting its garbage.
        const printed = await Promise.all([0, 1, 2, 3, 4].map((i) => collecting.print(smallRequest(`Page ${i}`))));
        const texts = await Promise.all(printed.map(async (pdf) => (await printedPages(pdf)).join(' ')));
        texts.forEach((text, i) => expect(text).to.contain(`Page ${i} 1`));
        const stats = collecting.stats();
        expect(stats).to.include({ renders: 5, failures: 0, restarts: 0, launches: 1, pagesOpened: 1, pages: 1 });
        // After the 2nd and the 4th render.
        expect(stats.collections).to.equal(2);
      } finally {
        await collecting.close();
      }
    });

    it('replaces Chromium when its memory is above the limit, every render printed', async function () {
      this.timeout(60_000);
      const heavy = new ChromiumPrinter({ pages: 1, maxMemoryMb: 1, memoryCheckMs: 0, maxRenders: 0 });
      try {
        await heavy.warm();
        const first = await heavy.print(smallRequest('Premier'));
        await until(() => heavy.stats().restarts === 1);
        const second = await heavy.print(smallRequest('Second'));
        expect((await printedPages(first)).join(' ')).to.contain('Premier 1');
        expect((await printedPages(second)).join(' ')).to.contain('Second 1');
        expect(heavy.stats().launches).to.be.at.least(2);
        expect(heavy.stats().failures).to.equal(0);
      } finally {
        await heavy.close();
      }
    });

    it('drains: the renders asked before are printed, later ones refused', async function () {
      this.timeout(30_000);
      const draining = new ChromiumPrinter({ pages: 1 });
      try {
        await draining.warm();
        const order: string[] = [];
        const asked = [0, 1, 2].map((i) =>
          draining.print(smallRequest(`Avant l’arrêt ${i}`, 30)).then((doc) => {
            order.push(`print ${i}`);
            return doc;
          }),
        );
        const drained = draining.drain().then(() => order.push('drained'));
        const refused = await draining.print(smallRequest('Après')).catch((e: unknown) => e);
        expect(refused).to.be.instanceOf(RenderUnavailableError);
        expect(draining.ready()).to.equal(false);
        await drained;
        expect(order).to.deep.equal(['print 0', 'print 1', 'print 2', 'drained']);
        const printed = await Promise.all(asked);
        for (const [i, doc] of printed.entries()) expect((await printedPages(doc)).join(' ')).to.contain(`Avant l’arrêt ${i} 1`);
      } finally {
        await draining.close();
      }
    });

    it('refuses a Chromium too old to print the margin boxes, by its version', () => {
      expect(() => checkChromiumVersion('HeadlessChrome/156.0.8078.114')).not.to.throw();
      expect(() => checkChromiumVersion(`Chrome/${MIN_CHROMIUM_MAJOR}.0.0.0`)).not.to.throw();
      expect(() => checkChromiumVersion('HeadlessChrome/120.0.6099.224')).to.throw(/Chromium 131 or later is needed .*HeadlessChrome\/120/);
      expect(() => checkChromiumVersion('unknown')).to.throw(/or later is needed/);
    });

    it('says the engine is unavailable (transient) when Chromium cannot start', async () => {
      const broken = new ChromiumPrinter({ executablePath: '/nonexistent/chromium' });
      try {
        const error = await broken.warm().catch((e: unknown) => e);
        expect(error).to.be.instanceOf(RenderUnavailableError);
        expect((error as RenderUnavailableError).message).to.equal('Le moteur PDF n’a pas pu démarrer ; réessayez dans un moment.');
        expect((error as RenderUnavailableError).transient).to.equal(true);
        expect(broken.ready()).to.equal(false);
        const again = await broken.print(smallRequest('x')).catch((e: unknown) => e);
        expect(again).to.be.instanceOf(RenderUnavailableError);
      } finally {
        await broken.close();
      }
    });
  });
});
