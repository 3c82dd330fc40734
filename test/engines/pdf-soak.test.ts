/**
 * A thousand PDFs in a row from one Chromium (never replaced here): neither Chromium's processes
 * nor this process keep memory from one render to the next. Memory is sampled after 100 renders
 * and at the end, each time after a settle step (garbage collection in Chromium's pages and in
 * this process, a memory pressure notification, a pause), and must not grow by more than 5 %:
 * Chromium's private memory (its PSS, also shown, moves with the other processes mapping the same
 * libraries, e.g. other Chromiums running on the machine) and this process's heap.
 *
 * Growth only: both shrink between render 100 and the end (Chromium's renderer keeps releasing
 * memory for minutes, -2 % to -9 % measured on 2 cores, this process's heap -1 % to -7 %), so a
 * bound below would test Chromium's pace of reclaiming, not a leak.
 */
import { expect } from 'chai';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ChromiumPrinter, processTreeMemory } from '../../src/engines/pdf/chromium/index.js';
import { marginBoxesCss } from '../../src/engines/pdf/margins.js';
import type { PrintRequest } from '../../src/engines/pdf/printer.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const RENDERS = 1000;
const FIRST_SAMPLE = 100;
const MIB = 1024 * 1024;

function request(i: number): PrintRequest {
  return {
    html: `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><style>@page { size: A4; margin: 20mm; } ${marginBoxesCss('Attestation', 'Page {{page}} sur {{pages}}')}</style></head><body><h1>Attestation n° ${i}</h1><p>La structure atteste que ${i} heures d’insertion ont été réalisées.</p><p><a data-pdf-anchor="Signature_${i}">Signature</a></p></body></html>`,
  };
}

describe('PDF printer over a thousand renders', function () {
  this.timeout(300_000);
  const printer = new ChromiumPrinter({ maxRenders: 0, maxMemoryMb: 0 });
  after(() => printer.close());

  async function sample(): Promise<{ chromium: number; pss: number; heap: number; rss: number }> {
    // Two rounds: Chromium frees part of its memory some time after a pressure notification.
    for (let round = 0; round < 2; round++) {
      await printer.settle();
      for (let i = 0; i < 3; i++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
    const pss = await printer.measureMemory();
    const chromium = (await processTreeMemory((await printer.pid())!)).private;
    const { heapUsed, rss } = process.memoryUsage();
    return { chromium, pss, heap: heapUsed, rss };
  }

  it(`prints ${RENDERS} small PDFs with steady memory, in Chromium and in this process`, async () => {
    await printer.warm();
    const pages = printer.options.pages;
    const started = Date.now();
    let first: Awaited<ReturnType<typeof sample>> | undefined;
    let anchors = 0;
    for (let done = 0; done < RENDERS; ) {
      const batch = Math.min(pages, RENDERS - done);
      const printed = await Promise.all(Array.from({ length: batch }, (_, k) => printer.print(request(done + k))));
      for (const [k, doc] of printed.entries()) {
        if (doc.document.getPageCount() !== 1 || doc.anchors[0]?.name !== `Signature_${done + k}`) throw new Error(`render ${done + k} is wrong`);
        anchors++;
      }
      done += batch;
      if (done === FIRST_SAMPLE) first = await sample();
    }
    const last = await sample();
    const seconds = (Date.now() - started) / 1000;
    const mib = (n: number) => `${(n / MIB).toFixed(1)} MiB`;
    console.log(
      `      ${RENDERS} PDFs in ${seconds.toFixed(1)} s; Chromium private ${mib(first!.chromium)} → ${mib(last.chromium)} ` +
        `(PSS ${mib(first!.pss)} → ${mib(last.pss)}), ` +
        `heap ${mib(first!.heap)} → ${mib(last.heap)}, RSS ${mib(first!.rss)} → ${mib(last.rss)}`,
    );
    expect(anchors).to.equal(RENDERS);
    expect(printer.stats()).to.include({ renders: RENDERS, failures: 0, launches: 1, restarts: 0 });
    expect(last.chromium / first!.chromium, 'Chromium private memory, end / after 100').to.be.at.most(1.05);
    expect(last.heap / first!.heap, 'heap of this process, end / after 100').to.be.at.most(1.05);
  });
});
