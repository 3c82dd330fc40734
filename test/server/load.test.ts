/**
 * Load and faults through HTTP, on localhost, bounded in count and time: a burst of mixed requests
 * three times what the PDF engine accepts gets only 200 or 429 (with Retry-After), never a 5xx nor a
 * hang; Chromium killed during a burst: only renders already running may fail (503, to retry), the
 * others succeed, and the service serves again at once.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { expect } from 'chai';
import { ChromiumPrinter } from '../../src/engines/pdf/chromium/index.js';
import { Generator } from '../../src/generator.js';
import { createApp } from '../../src/server/app.js';
import { fixture } from '../support/documents.js';

const PAGES = 2;
const QUEUE = 4;

describe('load and faults through HTTP', function () {
  this.timeout(120_000);
  const printer = new ChromiumPrinter({ pages: PAGES, queue: QUEUE, timeoutMs: 20_000 });
  const generator = new Generator({ printer });
  let server: Server;
  let base: string;

  before(async () => {
    await generator.warm();
    const app = createApp(generator);
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.close();
    await generator.close();
  });

  const post = (kind: string, format: string) =>
    fetch(`${base}/api/v1/documents/${kind}?format=${format}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(fixture(kind)),
      signal: AbortSignal.timeout(60_000),
    }).then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), type: r.headers.get('content-type') ?? '', bytes: Buffer.from(await r.arrayBuffer()) }));

  it('answers a burst three times the PDF queue with 200 or 429 only', async () => {
    const capacity = PAGES + QUEUE;
    const kinds = ['convention', 'avenant', 'mise-en-demeure-titulaire', 'non-reconduction', 'avis-motive', 'clause-dce'];
    const burst = Array.from({ length: capacity * 3 }, (_, i) => post(kinds[i % kinds.length]!, i % 4 === 3 ? 'docx' : 'pdf'));
    const answers = await Promise.all(burst);
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s !== 200 && s !== 429), 'statuses other than 200 and 429').to.deep.equal([]);
    // DOCX never waits for the PDF engine; PDFs beyond the engine's capacity are refused at once.
    expect(answers.filter((a, i) => i % 4 === 3).map((a) => a.status)).to.satisfy((s: number[]) => s.every((x) => x === 200));
    expect(statuses.filter((s) => s === 429).length, 'some PDFs refused').to.be.greaterThan(0);
    expect(statuses.filter((s) => s === 200).length, 'at least the capacity served').to.be.at.least(capacity);
    for (const a of answers) {
      if (a.status === 429) {
        expect(a.retryAfter).to.match(/^\d+$/);
        expect(a.type).to.contain('application/problem+json');
        expect(JSON.parse(a.bytes.toString()).title).to.equal('Service occupé');
      } else if (a.type.startsWith('application/pdf')) {
        expect(a.bytes.subarray(0, 5).toString()).to.equal('%PDF-');
      }
    }
    // Once the burst has passed, the engine serves again.
    expect((await post('convention', 'pdf')).status).to.equal(200);
  });

  it('recovers when Chromium is killed during a burst: waiting renders succeed, running ones may ask for a retry', async () => {
    const count = PAGES + QUEUE;
    const renders = Array.from({ length: count }, () => post('convention', 'pdf'));
    // Kill the browser while the first renders run (they are on the pages; the others wait).
    for (let i = 0; i < 200 && printer.stats().busy === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const pid = await printer.pid();
    expect(pid, 'a running Chromium').to.be.a('number');
    process.kill(pid!, 'SIGKILL');
    const answers = await Promise.all(renders);
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s !== 200 && s !== 503), 'statuses other than 200 and 503').to.deep.equal([]);
    // At most the renders that were on a page when Chromium died fail, asking for a retry.
    expect(statuses.filter((s) => s === 503).length).to.be.at.most(PAGES);
    expect(statuses.filter((s) => s === 200).length).to.be.at.least(count - PAGES);
    for (const a of answers.filter((x) => x.status === 503)) expect(a.retryAfter).to.match(/^\d+$/);
    const after = await post('convention', 'pdf');
    expect(after.status).to.equal(200);
    expect(printer.stats().launches).to.be.at.least(2);
  });
});
