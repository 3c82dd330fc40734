/**
 * A local PostgreSQL cluster run with the distribution's binaries (initdb, pg_ctl), never the
 * distribution's own cluster: shared by the tests (test/support/postgres.ts), `npm run replicas`
 * and `npm run load`.
 *
 * - Without `dir`: a throw-away cluster in a temporary folder (fsync off), removed by `stop()`.
 * - With `dir`: a persistent cluster whose data lives in that folder; initdb runs only when the
 *   folder is empty (or missing), and `stop()` keeps the data. A cluster already running on that
 *   folder (a previous run killed hard) is taken over as it is.
 *
 * It listens on 127.0.0.1 only (trust authentication, user `postgres`), on `port` when that port is
 * free, otherwise on a free one; its Unix socket is in its own folder. As root (the CI, a
 * container), initdb refuses to run: the cluster then belongs to the `postgres` user, which the
 * Debian package creates.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';

export interface ClusterOptions {
  /** Data folder of a persistent cluster; a temporary, removed one when absent. */
  dir?: string;
  /** Preferred port; a free one is taken when it is busy (or absent). */
  port?: number;
  /** fsync off: faster, but the data does not survive a power cut. Default: on for a temporary cluster only. */
  fast?: boolean;
  /** max_connections of the server (default 200: several replicas, each with its pools). */
  maxConnections?: number;
  /** Progress lines (initdb, start, take-over); silent by default. */
  log?: (line: string) => void;
}

export interface Cluster {
  /** Admin URL (user `postgres`, database `postgres`). */
  url: string;
  port: number;
  /** The data folder. */
  dataDir: string;
  /** The server's log file. */
  logFile: string;
  /** Whether initdb ran for this start (a new, empty cluster). */
  created: boolean;
  /** Stops the server (immediate mode for a temporary cluster, fast otherwise) and removes a temporary folder. Synchronous, so that it may run in an `exit` handler; idempotent. */
  stop(): void;
}

/** The folder of initdb and pg_ctl: PG_BIN_DIR, else the newest /usr/lib/postgresql/<version>/bin, else the PATH. */
export function binDir(): string {
  const candidates: string[] = [];
  if (process.env.PG_BIN_DIR) candidates.push(process.env.PG_BIN_DIR);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(debian, v, 'bin')));
  }
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) candidates.push(dir);
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!found) {
    throw new Error(
      'PostgreSQL est introuvable (initdb et pg_ctl) : installez le paquet Debian « postgresql » (bash scripts/install.sh, en root) ' +
        'ou donnez un serveur de test dans PG_TEST_URL (postgresql://utilisateur@hôte:port/base, avec le droit CREATE DATABASE).',
    );
  }
  return found;
}

/** A port of 127.0.0.1 free right now (0: let the system choose). */
function probePort(port = 0): Promise<number | undefined> {
  return new Promise((resolvePort) => {
    const probe = createServer();
    probe.once('error', () => resolvePort(undefined));
    probe.listen(port, '127.0.0.1', () => {
      const { port: bound } = probe.address() as { port: number };
      probe.close(() => resolvePort(bound));
    });
  });
}

async function freePort(): Promise<number> {
  const port = await probePort(0);
  if (!port) throw new Error('no free port on 127.0.0.1');
  return port;
}

/** The uid and gid of the `postgres` user (initdb refuses to run as root). */
function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('Running PostgreSQL as root needs the « postgres » user, which the Debian package « postgresql » creates (bash scripts/install.sh).');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** The port of a server already running on `data` (from its postmaster.pid), if any. */
function runningPort(bin: string, data: string, options: SpawnSyncOptions): number | undefined {
  if (!existsSync(join(data, 'postmaster.pid'))) return undefined;
  const status = spawnSync(join(bin, 'pg_ctl'), ['-D', data, 'status'], options);
  if (status.status !== 0) return undefined;
  // postmaster.pid: pid, data folder, start time, port, socket folder, listen address, …
  const port = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[3]);
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const log = options.log ?? (() => undefined);
  const bin = binDir();
  const temporary = options.dir === undefined;
  // The temporary folder holds the data folder, the socket and the log; a persistent one is the data folder itself.
  const home = temporary ? mkdtempSync(join(tmpdir(), 'pg-essais-')) : resolve(options.dir!);
  const data = temporary ? join(home, 'data') : home;
  if (!temporary && !existsSync(data)) {
    // The parents keep the default mode (the postgres user must traverse them); PostgreSQL wants its own folder private.
    mkdirSync(dirname(data), { recursive: true });
    mkdirSync(data, { mode: 0o700 });
  }
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? postgresUser() : undefined;
  if (user && (temporary || statSync(data).uid !== user.uid)) chownSync(home, user.uid, user.gid);
  const spawnOptions: SpawnSyncOptions = { encoding: 'utf8', cwd: home, ...(user ? { uid: user.uid, gid: user.gid, env: { ...process.env, HOME: home } } : {}) };
  const run = (command: string, args: string[]) => {
    const result = spawnSync(join(bin, command), args, spawnOptions);
    if (result.status !== 0) throw new Error(`${command} a échoué (${result.status ?? result.signal ?? result.error?.message}) : ${String(result.stderr ?? '').trim()}`);
  };
  const logFile = join(temporary ? home : data, temporary ? 'log' : 'server.log');
  const fast = options.fast ?? temporary;

  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    spawnSync(join(bin, 'pg_ctl'), ['-D', data, '-m', temporary ? 'immediate' : 'fast', '-w', 'stop'], spawnOptions);
    if (temporary) rmSync(home, { recursive: true, force: true });
  };
  const cluster = (port: number, created: boolean): Cluster => ({ url: `postgresql://postgres@127.0.0.1:${port}/postgres`, port, dataDir: data, logFile, created, stop });

  try {
    const already = temporary ? undefined : runningPort(bin, data, spawnOptions);
    if (already) {
      log(`PostgreSQL already running on ${data} (port ${already}): taken over`);
      return cluster(already, false);
    }
    const created = !existsSync(data) || readdirSync(data).length === 0;
    if (created) {
      log(`initdb ${data}`);
      run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', ...(fast ? ['--no-sync'] : [])]);
    } else if (!existsSync(join(data, 'PG_VERSION'))) {
      throw new Error(`${data} is neither empty nor a PostgreSQL data folder`);
    }
    const settings = [
      '-c listen_addresses=127.0.0.1',
      `-c max_connections=${options.maxConnections ?? 200}`,
      // A throw-away cluster does not need to survive a power cut: the tests go faster.
      ...(fast ? ['-c fsync=off'] : []),
    ].join(' ');
    for (let attempt = 1; ; attempt++) {
      const port = (attempt === 1 && options.port && (await probePort(options.port))) || (await freePort());
      try {
        run('pg_ctl', ['-D', data, '-o', `-p ${port} -k ${home} ${settings}`, '-l', logFile, '-w', '-t', '60', 'start']);
        log(`PostgreSQL started on 127.0.0.1:${port} (data: ${data})`);
        return cluster(port, created);
      } catch (error) {
        // Another process may have taken the port between the probe and the start.
        if (attempt >= 3) {
          const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n') : '';
          throw new Error(`${(error as Error).message}\n${tail}`);
        }
      }
    }
  } catch (error) {
    if (temporary) rmSync(home, { recursive: true, force: true });
    throw error;
  }
}

/** Runs `work` with a client connected to `url`, then disconnects. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The URL of database `name` on the server of `adminUrl`, created when missing. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<{ url: string; created: boolean }> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name must be made of [a-z0-9_]: ${name}`);
  const created = await withClient(adminUrl, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    // The name is checked above, so it is safe between double quotes (an identifier cannot be a parameter).
    await client.query(`CREATE DATABASE "${name}"`);
    return true;
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), created };
}
