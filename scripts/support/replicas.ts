/**
 * Replicas of the compiled service (`npm start`'s node command, `node dist/src/main.js`), each a
 * process of its own on its own port, with the environment given here: what `npm run replicas` and
 * `npm run load` start. Their output is handed line by line to `onLine` (prefixed by the caller) and
 * its last lines kept for error messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent } from 'node:http';
import { createServer } from 'node:net';
import { fromRoot } from '../../src/core/paths.js';
import { http, startArguments } from '../bench/service.js';

export interface ReplicaSpec {
  /** Shown in messages and log prefixes: "replica-1". */
  name: string;
  port: number;
  /** Added to this process's environment; an undefined value removes the variable. */
  env: Record<string, string | undefined>;
  /** Each line the replica prints (standard output and error). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** Whether 127.0.0.1:port can be listened on right now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** Every replica process started and not yet exited, ready or not. */
const live = new Set<Replica>();

/** Stops every replica this process started, those still starting included (a stop during the start). */
export async function stopEveryReplica(): Promise<void> {
  await Promise.all([...live].map((r) => r.stop()));
}

export class Replica {
  readonly base: string;
  private output: string[] = [];
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly spec: ReplicaSpec,
    readonly child: ChildProcess,
  ) {
    this.base = `http://127.0.0.1:${spec.port}`;
    for (const stream of ['stdout', 'stderr'] as const) {
      let pending = '';
      child[stream]?.on('data', (chunk: Buffer) => {
        pending += chunk.toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop()!;
        for (const line of lines) this.line(line, stream);
      });
      child[stream]?.on('end', () => {
        if (pending) this.line(pending, stream);
        pending = '';
      });
    }
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
    live.add(this);
    void this.exited.then(() => live.delete(this));
  }

  private line(line: string, stream: 'stdout' | 'stderr'): void {
    this.output.push(line);
    if (this.output.length > 200) this.output.splice(0, this.output.length - 200);
    this.spec.onLine?.(line, stream);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resolves with the exit code when the process ends (whoever stopped it). */
  get exit(): Promise<number | null> {
    return this.exited;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the replica and waits until GET /ready answers 200 (store reachable, PDF engine warm). */
  static async start(spec: ReplicaSpec, timeoutMs = 120_000): Promise<Replica> {
    if (!(await portIsFree(spec.port))) throw new Error(`${spec.name}: port ${spec.port} is already in use`);
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries({ ...process.env, HOST: '127.0.0.1', ...spec.env, PORT: String(spec.port) })) {
      if (value !== undefined) env[name] = value;
    }
    const child = spawn(process.execPath, startArguments(), { cwd: fromRoot(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    const replica = new Replica(spec, child);
    const agent = new Agent({ keepAlive: false });
    const deadline = Date.now() + timeoutMs;
    let last = '';
    try {
      for (;;) {
        if (!replica.running) throw new Error(`${spec.name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${replica.tail()}`);
        try {
          const res = await http(agent, `${replica.base}/ready`, { timeoutMs: 2000 });
          if (res.status === 200) return replica;
          last = `/ready answered ${res.status}: ${res.body.toString('utf8').slice(0, 300)}`;
        } catch (error) {
          last = (error as Error).message;
        }
        if (Date.now() > deadline) throw new Error(`${spec.name} was not ready after ${timeoutMs / 1000} s (${last}):\n${replica.tail()}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } catch (error) {
      await replica.stop();
      throw error;
    } finally {
      agent.destroy();
    }
  }

  /** The last lines the replica printed. */
  tail(lines = 20): string {
    return this.output.slice(-lines).join('\n');
  }

  /** SIGTERM (graceful stop: requests in flight finish), SIGKILL after `graceMs`; the exit code. */
  async stop(graceMs = 40_000): Promise<number | null> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      const code = await this.exited;
      clearTimeout(timer);
      return code;
    }
    return this.exited;
  }
}

/**
 * Starts the first replica, then the others together once it is ready. The first start on an empty
 * database creates the facilitator and its key (src/store/bootstrap.ts): two replicas doing it at
 * once race (both find no key, the second insert of the same DOCS_ADMIN_KEY fails and its process
 * exits), so the first one bootstraps alone. If one fails, the others are stopped.
 */
export async function startReplicas(specs: ReplicaSpec[], timeoutMs?: number): Promise<Replica[]> {
  const [first, ...others] = specs;
  if (!first) return [];
  const leader = await Replica.start(first, timeoutMs);
  const started = await Promise.allSettled(others.map((spec) => Replica.start(spec, timeoutMs)));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all([leader.stop(), ...started.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined))]);
    throw failed.reason;
  }
  return [leader, ...started.map((r) => (r as PromiseFulfilledResult<Replica>).value)];
}
