/**
 * The LibreOffice reference: one LibreOffice kept running (`soffice --headless --accept=socket…`,
 * started once, warm) converting the service's own DOCX to PDF, through UNO clients that each keep
 * one connection and loop over conversions (uno-convert.py, Debian's python3-uno), so that neither
 * LibreOffice's nor Python's start-up is counted. The clients convert one at a time (a lock file
 * they take in turn), as unoserver serves its clients with one soffice. Installs Debian's
 * libreoffice-writer-nogui and python3-uno with apt-get when missing (as root only).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fromRoot } from '../../src/core/paths.js';
import { descendants } from './memory.js';
import { freePort } from './service.js';
import type { LoadResult } from './stats.js';

/** Debian's Python: the one python3-uno installs `uno` for (not a pyenv or venv one first on PATH). */
export const DEBIAN_PYTHON = '/usr/bin/python3';
const SCRIPT = fromRoot('scripts', 'bench', 'uno-convert.py');

function which(command: string): string | undefined {
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

const hasUno = () => spawnSync(DEBIAN_PYTHON, ['-c', 'import uno'], { stdio: 'ignore' }).status === 0;

export interface LibreOfficeSetup {
  soffice?: string;
  version?: string;
  /** What this run did to get it (installs), for the report. */
  notes: string[];
  /** Why it cannot be measured, if so. */
  error?: string;
}

/** Finds soffice and python3-uno; installs what is missing with apt-get when running as root. */
export function ensureLibreOffice(log: (line: string) => void): LibreOfficeSetup {
  const notes: string[] = [];
  const missing = [...(which('soffice') ? [] : ['libreoffice-writer-nogui']), ...(hasUno() ? [] : ['python3-uno'])];
  if (missing.length > 0) {
    if (process.getuid?.() !== 0) return { notes, error: `missing ${missing.join(', ')} and not root: cannot apt-get install them` };
    const apt = (args: string[]) => {
      log(`apt-get ${args.join(' ')}`);
      const started = performance.now();
      // apt's output goes to stderr, to keep stdout for the report.
      const result = spawnSync('apt-get', args, { stdio: ['ignore', 2, 2], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      return { ok: result.status === 0, seconds: (performance.now() - started) / 1000 };
    };
    const update = apt(['update']);
    const install = apt(['install', '-y', '--no-install-recommends', ...missing]);
    notes.push(
      `Installed by this run with apt-get (as root): \`apt-get update\` (${update.seconds.toFixed(0)} s) then \`apt-get install -y --no-install-recommends ${missing.join(' ')}\` (${install.seconds.toFixed(0)} s).`,
    );
    if (!install.ok) return { notes, error: `apt-get install ${missing.join(' ')} failed` };
  } else {
    notes.push('LibreOffice (soffice) and python3-uno were already installed: this run installed nothing.');
  }
  const soffice = which('soffice');
  if (!soffice) return { notes, error: 'soffice not found after install' };
  if (!hasUno()) return { notes, error: `${DEBIAN_PYTHON} cannot import uno (python3-uno)` };
  const version = spawnSync(soffice, ['--version'], { encoding: 'utf8', timeout: 60_000 }).stdout?.trim().split('\n')[0];
  return { soffice, version, notes };
}

/** One soffice process kept running, listening on a local UNO socket, with a throw-away profile. */
export class LibreOfficeServer {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    private readonly profile: string,
  ) {}

  static async start(soffice: string): Promise<LibreOfficeServer> {
    const port = await freePort();
    const profile = mkdtempSync(join(tmpdir(), 'bench-lo-profile-'));
    const child = spawn(
      soffice,
      [
        '--headless',
        '--invisible',
        '--norestore',
        '--nologo',
        '--nodefault',
        '--nolockcheck',
        '--nofirststartwizard',
        `-env:UserInstallation=file://${profile}`,
        `--accept=socket,host=127.0.0.1,port=${port};urp;StarOffice.ComponentContext`,
      ],
      { stdio: 'ignore' },
    );
    return new LibreOfficeServer(child, port, profile);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Stops soffice and what it started (oosplash → soffice.bin), then removes the profile. */
  async stop(): Promise<void> {
    const pid = this.child.pid;
    if (pid !== undefined) {
      const pids = [pid, ...descendants(pid)];
      const signal = (name: NodeJS.Signals) => {
        for (const p of pids) {
          try {
            process.kill(p, name);
          } catch {
            // Already gone.
          }
        }
      };
      signal('SIGTERM');
      const alive = () => pids.some((p) => {
        try {
          process.kill(p, 0);
          return true;
        } catch {
          return false;
        }
      });
      for (let i = 0; i < 50 && alive(); i++) await new Promise((resolve) => setTimeout(resolve, 200));
      if (alive()) signal('SIGKILL');
    }
    rmSync(this.profile, { recursive: true, force: true });
  }
}

interface Client {
  child: ChildProcess;
  lines: AsyncIterator<string>;
}

async function nextMessage(client: Client): Promise<Record<string, unknown>> {
  const { value, done } = await client.lines.next();
  if (done) throw new Error('uno-convert.py ended without answering');
  const message = JSON.parse(value as string) as Record<string, unknown>;
  if (typeof message.error === 'string') throw new Error(`uno-convert.py: ${message.error}\n${String(message.trace ?? '')}`);
  return message;
}

/**
 * `count` conversions of `docx` by the running LibreOffice, through `concurrency` UNO clients (each
 * its own Python process and connection, warmed up by `warmup` conversions of its own) converting
 * at the same time. The timing starts once every client is connected and warm.
 */
export async function convertLoad(server: LibreOfficeServer, docx: Buffer, count: number, concurrency: number, options: { warmup?: number } = {}): Promise<LoadResult & { pdfBytes: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-lo-'));
  const input = join(dir, 'convention.docx');
  writeFileSync(input, docx);
  const clients: Client[] = [];
  try {
    const shares = Array.from({ length: concurrency }, (_, i) => Math.floor(count / concurrency) + (i < count % concurrency ? 1 : 0));
    for (const [i, share] of shares.entries()) {
      const child = spawn(
        DEBIAN_PYTHON,
        [SCRIPT, '--port', String(server.port), '--input', input, '--output', join(dir, `out-${i}.pdf`), '--lock', join(dir, 'lock'), '--warmup', String(options.warmup ?? 2), '--count', String(share)],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      );
      clients.push({ child, lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator]() });
    }
    // Warm-up one client at a time (the first connection also waits for soffice to listen).
    let pdfBytes = 0;
    for (const client of clients) {
      const ready = await nextMessage(client);
      pdfBytes = Number(ready.bytes ?? 0);
      if (pdfBytes === 0) throw new Error('LibreOffice wrote an empty PDF');
    }
    const latencies: number[] = [];
    const start = performance.now();
    for (const client of clients) client.child.stdin!.write('go\n');
    await Promise.all(
      clients.map(async (client) => {
        for (;;) {
          const message = await nextMessage(client);
          if (message.done) return;
          latencies.push(Number(message.ms));
        }
      }),
    );
    const wallMs = performance.now() - start;
    latencies.sort((a, b) => a - b);
    return { latencies, wallMs, count, errors: [], pdfBytes };
  } finally {
    for (const client of clients) {
      client.child.stdin?.end();
      if (client.child.exitCode === null) client.child.kill('SIGTERM');
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
