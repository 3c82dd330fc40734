/**
 * The service under test, as it runs in production: the compiled JavaScript (`npm start`'s
 * node command) in a process of its own, on a free port, with a temporary DATA_DIR and a key
 * chosen here, so that its memory and its Chromium's are measured apart from the benchmark.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join, relative } from 'node:path';
import { fromRoot } from '../../src/core/paths.js';

/** Source files newer than their compiled JavaScript (or never compiled), relative to the root. */
export function staleSources(): string[] {
  const stale: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const rel = relative(fromRoot(), path);
        const out = fromRoot('dist', rel.replace(/\.ts$/, '.js'));
        if (!existsSync(out) || statSync(out).mtimeMs < statSync(path).mtimeMs) stale.push(rel);
      }
    }
  };
  walk(fromRoot('src'));
  return stale;
}

/**
 * Runs `npm run build` when dist/ is older than src/. tsc writes dist/ even when it reports type
 * errors: those are returned as a warning (the run goes on with what was emitted).
 */
export function buildIfStale(log: (line: string) => void): { built: boolean; warning?: string } {
  const stale = staleSources();
  if (stale.length === 0) return { built: false };
  log(`dist/ is stale (${stale.length} source files newer, e.g. ${stale.slice(0, 3).join(', ')}): npm run build`);
  const result = spawnSync('npm', ['run', 'build'], { cwd: fromRoot(), encoding: 'utf8' });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    if (!existsSync(fromRoot('dist', 'src', 'main.js'))) throw new Error(`npm run build failed:\n${output}`);
    return { built: true, warning: `npm run build exited ${result.status}; measuring what tsc emitted anyway. Last lines:\n${output}` };
  }
  return { built: true };
}

/**
 * The arguments of `npm start`'s node command (package.json), so that the service measured runs
 * with the same V8 flags as in production, without npm's own process in between.
 */
export function startArguments(): string[] {
  const pkg = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { scripts: { start: string } };
  const [command, ...args] = pkg.scripts.start.trim().split(/\s+/);
  if (command !== 'node') throw new Error(`npm start is not a node command: ${pkg.scripts.start}`);
  return args;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One HTTP request over a keep-alive agent, with a time limit. */
export function http(agent: Agent, url: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer; timeoutMs?: number } = {}): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method: options.method ?? 'GET', headers: options.headers, timeout: options.timeoutMs ?? 120_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${options.timeoutMs ?? 120_000} ms: ${url}`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

export class Service {
  readonly base: string;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private output = '';

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly dataDir: string,
    /** The first key (DOCS_ADMIN_KEY), chosen here, sent as `Authorization: Bearer`. */
    readonly key: string,
  ) {
    this.base = `http://127.0.0.1:${port}`;
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Starts `npm start`'s node command and waits until GET /ready answers 200 (PDF engine warm). */
  static async start(env: Record<string, string> = {}): Promise<Service> {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-data-'));
    const key = `bench_${randomBytes(18).toString('hex')}`;
    const child = spawn(process.execPath, startArguments(), {
      cwd: fromRoot(),
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, DOCS_ADMIN_KEY: key, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new Service(child, port, dataDir, key);
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the service exited (${code}) before it was ready:\n${service.output}`))));
    exited.catch(() => undefined);
    const deadline = Date.now() + 90_000;
    for (;;) {
      try {
        const res = await Promise.race([http(service.agent, `${service.base}/ready`, { timeoutMs: 2000 }), exited]);
        if (res.status === 200) return service;
      } catch (error) {
        if (child.exitCode !== null) throw error;
      }
      if (Date.now() > deadline) {
        await service.stop();
        throw new Error(`the service was not ready after 90 s:\n${service.output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Headers of an authenticated JSON request. */
  private headers(body: Buffer): Record<string, string> {
    return { Authorization: `Bearer ${this.key}`, 'Content-Type': 'application/json', 'Content-Length': String(body.length) };
  }

  /** POST /api/v1/documents/<kind>?format=<format>&mode=final; the document's bytes, or an error. */
  async generate(agent: Agent, kind: string, format: string, body: Buffer): Promise<Buffer> {
    return (await this.generateTimed(agent, kind, format, body)).bytes;
  }

  /** The same, with the service's Server-Timing (milliseconds by stage) and the client's own latency. */
  async generateTimed(agent: Agent, kind: string, format: string, body: Buffer): Promise<{ bytes: Buffer; stages: Record<string, number>; clientMs: number }> {
    const started = performance.now();
    const res = await http(agent, `${this.base}/api/v1/documents/${kind}?format=${format}&mode=final`, { method: 'POST', headers: this.headers(body), body });
    const clientMs = performance.now() - started;
    if (res.status !== 200) throw new Error(`HTTP ${res.status} for ${kind} ${format}: ${res.body.toString('utf8').slice(0, 300)}`);
    const stages: Record<string, number> = {};
    for (const entry of String(res.headers['server-timing'] ?? '').split(',')) {
      const match = /^\s*([A-Za-z0-9]+);dur=([\d.]+)\s*$/.exec(entry);
      if (match) stages[match[1]!] = Number(match[2]);
    }
    return { bytes: res.body, stages, clientMs };
  }

  async get(path: string): Promise<HttpResponse> {
    return http(this.agent, `${this.base}${path}`, { headers: { Authorization: `Bearer ${this.key}` } });
  }

  /** The kinds the service offers and their formats, in its order (GET /api/v1/kinds). */
  async kinds(): Promise<{ id: string; formats: string[] }[]> {
    const res = await this.get('/api/v1/kinds');
    return (JSON.parse(res.body.toString('utf8')) as { id: string; formats?: string[] }[]).map((k) => ({ id: k.id, formats: k.formats ?? [] }));
  }

  /** GET /metrics, parsed into "name{labels}" → value. */
  async metrics(): Promise<Map<string, number>> {
    const res = await this.get('/metrics');
    const map = new Map<string, number>();
    for (const line of res.body.toString('utf8').split('\n')) {
      if (line.startsWith('#') || line.trim() === '') continue;
      const space = line.lastIndexOf(' ');
      map.set(line.slice(0, space), Number(line.slice(space + 1)));
    }
    return map;
  }

  /** The last lines the service printed (its warnings and errors). */
  tail(lines = 20): string {
    return this.output.trim().split('\n').slice(-lines).join('\n');
  }

  /** SIGTERM (graceful stop), SIGKILL after 30 s; then its DATA_DIR is removed. */
  async stop(): Promise<number | null> {
    this.agent.destroy();
    let code: number | null = this.child.exitCode;
    if (code === null && this.child.signalCode === null) {
      const exited = new Promise<number | null>((resolve) => this.child.once('exit', (c) => resolve(c)));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
      code = await exited;
      clearTimeout(timer);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
    return code;
  }
}
