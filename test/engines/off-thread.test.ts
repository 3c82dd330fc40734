/**
 * Large inputs rendered in a worker thread: the same document as in the service's own thread, the
 * event loop free meanwhile, errors as typed as ever, and small inputs left where they are.
 */
import { expect } from 'chai';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { InvalidInputError } from '../../src/core/errors.js';
import type { PdfPrinter, PrintedPdf, PrinterStats, PrintRequest } from '../../src/engines/pdf/printer.js';
import { countItems, Generator, type OffThread, type OffThreadJob } from '../../src/generator.js';
import { runTask } from '../../src/workers/index.js';
import { docxText, fixture, pdfPages } from '../support/documents.js';

const NOW = new Date('2027-01-15T09:00:00Z');

/** Prints one page per request with the first words of its HTML's text, and keeps the requests. */
class RecordingPrinter implements PdfPrinter {
  readonly requests: PrintRequest[] = [];
  async print(request: PrintRequest): Promise<PrintedPdf> {
    this.requests.push(request);
    const document = await PDFDocument.create();
    const font = await document.embedFont(StandardFonts.Helvetica);
    const text = request.html.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
    document.addPage([595, 842]).drawText(text.slice(0, 60).replace(/[^\x20-\x7e]/g, '?'), { x: 40, y: 800, size: 10, font });
    return { document, anchors: [] };
  }
  warm = async () => undefined;
  ready = () => true;
  stats = (): PrinterStats => ({ pages: 1, busy: 0, queued: 0, renders: this.requests.length, failures: 0, timeouts: 0, restarts: 0, launches: 1, memoryBytes: 0 });
  drain = async () => undefined;
  close = async () => undefined;
}

/** An annual bilan with `rows` follow-up rows. */
function largeBilan(rows: number): Record<string, unknown> {
  const bilan = fixture('bilan-annuel');
  const donnees = bilan.donnees as { suivi: Record<string, unknown>[] };
  const base = donnees.suivi;
  donnees.suivi = Array.from({ length: rows }, (_, i) => ({ ...base[i % base.length], personne: `P${String(i % 400).padStart(5, '0')}` }));
  return bilan;
}

describe('render off the main thread', () => {
  const jobs: OffThreadJob[] = [];
  const offThread: OffThread = {
    minItems: 1000,
    run: (job) => {
      jobs.push(job);
      return runTask('render', job, 'document');
    },
  };
  const inThreadPrinter = new RecordingPrinter();
  const offThreadPrinter = new RecordingPrinter();
  const inThread = new Generator({ printer: inThreadPrinter });
  const offloading = new Generator({ printer: offThreadPrinter, offThread });
  const bilan = largeBilan(5000);

  beforeEach(() => {
    jobs.length = 0;
  });

  it('counts the items of an input’s lists, and stops counting at the limit', () => {
    expect(countItems({ a: [1, 2, { b: [3, 4, 5] }], c: { d: [6] } }, 100)).to.equal(7);
    expect(countItems(bilan, 1000)).to.be.at.least(1000);
    expect(countItems({ a: [[1, 2, 3], [4, 5, 6]] }, 2)).to.equal(2);
    expect(countItems(fixture('convention'), 1000)).to.be.below(1000);
  });

  it('gives the same DOCX, byte for byte, as a render in the service’s thread', async function () {
    this.timeout(60_000);
    const here = await inThread.generate('bilan-annuel', bilan, { format: 'docx', now: NOW });
    const there = await offloading.generate('bilan-annuel', bilan, { format: 'docx', now: NOW });
    expect(jobs).to.have.length(1);
    expect(Buffer.isBuffer(there.bytes)).to.equal(true);
    expect(there.sha256).to.equal(here.sha256);
    expect(there.bytes.equals(here.bytes)).to.equal(true);
    expect(there.fileName).to.equal(here.fileName).and.to.match(/\.docx$/);
    expect(docxText(there.bytes)).to.contain('Bilan annuel');
  });

  it('stops at the print request in the worker and prints here: the same request and PDF as a render in this thread', async function () {
    this.timeout(60_000);
    const here = await inThread.generate('bilan-annuel', bilan, { format: 'pdf', now: NOW });
    const there = await offloading.generate('bilan-annuel', bilan, { format: 'pdf', now: NOW });
    expect(jobs).to.have.length(1);
    expect(offThreadPrinter.requests.at(-1)).to.deep.equal(inThreadPrinter.requests.at(-1));
    expect(there.sha256).to.equal(here.sha256);
    expect(there.contentType).to.equal('application/pdf');
    const pdf = await PDFDocument.load(there.bytes, { updateMetadata: false });
    expect(pdf.getTitle()).to.match(/^Bilan annuel/);
    expect((await pdfPages(there.bytes)).join(' ')).to.match(/\S/);
    expect(there.timings).to.include.keys('validation', 'viewModel', 'html', 'print', 'finishing', 'total');
  });

  it('leaves the event loop free while it renders', async function () {
    this.timeout(60_000);
    const turnedDuring = async (generator: Generator) => {
      let turned = false;
      const rendering = generator.generate('bilan-annuel', bilan, { format: 'docx', now: NOW }).then(() => turned);
      setImmediate(() => (turned = true));
      return rendering;
    };
    // In this thread, the render holds the event loop to its end: the immediate waits for it.
    expect(await turnedDuring(inThread)).to.equal(false);
    // In a worker, the immediate runs before the document is ready.
    expect(await turnedDuring(offloading)).to.equal(true);
  });

  it('brings back a refusal as typed as in this thread, naming the field', async function () {
    this.timeout(60_000);
    const bad = largeBilan(2000);
    ((bad.donnees as { suivi: Record<string, unknown>[] }).suivi[1500]!).heures = 'beaucoup';
    const error = await offloading.generate('bilan-annuel', bad, { format: 'pdf', now: NOW }).catch((e: unknown) => e);
    expect(jobs).to.have.length(1);
    expect(error).to.be.instanceOf(InvalidInputError);
    expect((error as InvalidInputError).errors.map((e) => e.path)).to.include('donnees.suivi.1500.heures');
  });

  it('renders small inputs in this thread', async () => {
    const doc = await offloading.generate('convention', fixture('convention'), { format: 'docx', now: NOW });
    expect(jobs).to.have.length(0);
    expect(docxText(doc.bytes)).to.contain('CONVENTION DE PARTENARIAT');
  });
});
