/**
 * The service as it runs in production: compiled JavaScript, started with `npm start` from an
 * install without dev dependencies (a copy of node_modules pruned with `npm prune --omit=dev`),
 * then stopped with SIGTERM while documents are being rendered: those requests complete, the
 * process exits 0, nothing is left waiting.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { fromRoot } from '../src/core/paths.js';
import { fixture } from './support/documents.js';

const ADMIN_KEY = 'csk_production_test_key_0123456789abcdef';

/** The newest modification time of the files under `dir`. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('production start, without dev dependencies', function () {
  this.timeout(240_000);
  let root: string;
  let child: ChildProcess | undefined;
  let output = '';
  let base: string;
  const auth = { Authorization: `Bearer ${ADMIN_KEY}` };

  before(async () => {
    // The install step compiles; a stale or missing build (a developer's machine) is rebuilt here.
    const main = fromRoot('dist', 'src', 'main.js');
    if (!existsSync(main) || statSync(main).mtimeMs < newest(fromRoot('src'))) {
      execFileSync('npm', ['run', 'build', '--silent'], { cwd: fromRoot(), stdio: 'ignore' });
    }
    root = mkdtempSync(join(tmpdir(), 'production-'));
    for (const entry of ['package.json', 'package-lock.json', 'dist', 'src', 'templates', 'fixtures', 'public', 'node_modules']) {
      cpSync(fromRoot(entry), join(root, entry), { recursive: true, verbatimSymlinks: true });
    }
    execFileSync('npm', ['prune', '--omit=dev', '--no-audit', '--no-fund'], { cwd: root, stdio: 'ignore' });
    for (const dev of ['tsx', 'typescript', 'mocha']) expect(existsSync(join(root, 'node_modules', dev)), dev).to.equal(false);

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn('npm', ['start', '--silent'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: join(root, 'data'), DOCS_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a stop signal reaches npm and the service, as a container's stop does.
      detached: true,
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const check = setInterval(() => {
        if (output.includes('Service des documents de la clause sociale')) {
          clearInterval(check);
          resolve();
        } else if (child!.exitCode !== null) {
          clearInterval(check);
          reject(new Error(`the service exited: ${output}`));
        }
      }, 100);
    });
  });

  after(() => {
    if (child && child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  it('is ready at once: PDF engine warm, store reachable', async () => {
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).to.equal(200);
    expect(await ready.json()).to.deep.equal({ status: 'pret', checks: { arret: 'non', moteurPdf: 'pret', stockage: 'joignable' } });
  });

  it('publishes its metrics, with the renders it made', async () => {
    const doc = await fetch(`${base}/api/v1/documents/convention?format=docx`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify(fixture('convention')) });
    expect(doc.status).to.equal(200);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).to.match(/^documents_renders_total\{kind="convention",format="docx",outcome="ok"\} 1$/m);
    expect(text).to.match(/^documents_render_duration_seconds_count\{kind="convention",format="docx"\} 1$/m);
    expect(text).to.match(/^pdf_pages [1-9]\d*$/m);
    expect(text).to.match(/^process_resident_memory_bytes \d+/m);
    expect(text).to.match(/^http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/documents\/:kind",status="200"\} 1$/m);
  });

  it('finishes the renders in flight when it receives SIGTERM, then exits 0', async () => {
    const body = JSON.stringify(fixture('convention'));
    const renders = Array.from({ length: 8 }, () =>
      fetch(`${base}/api/v1/documents/convention?format=pdf`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body }).then(async (r) => ({
        status: r.status,
        bytes: Buffer.from(await r.arrayBuffer()),
      })),
    );
    let settled = false;
    void Promise.all(renders).then(() => (settled = true));
    // Wait until the service is serving all of them (the scrape itself is one more request in flight).
    for (;;) {
      expect(settled, 'the renders ended before the stop could be tested').to.equal(false);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      const inFlight = Number(/^http_requests_in_flight (\d+)/m.exec(metrics)?.[1] ?? 0);
      if (inFlight >= 9) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    // 'close': once every holder of the output pipes (npm and the service) has ended.
    const exited = new Promise<void>((resolve) => child!.once('close', () => resolve()));
    process.kill(-child!.pid!, 'SIGTERM');
    const answers = await Promise.all(renders);
    expect(answers.map((a) => a.status)).to.deep.equal(Array(8).fill(200));
    for (const a of answers) expect(a.bytes.subarray(0, 5).toString()).to.equal('%PDF-');
    await exited;
    // The service's last line, written just before it exits with 0 (npm itself ends by the signal).
    expect(output).to.contain('service arrêté');
    // Nothing accepts connections any more.
    const refused = await fetch(`${base}/health`).then(() => false, () => true);
    expect(refused).to.equal(true);
  });
});
