/**
 * A PostgreSQL for the tests. `PG_TEST_URL` (a role that may CREATE DATABASE) when set; otherwise
 * one throw-away cluster per test process: initdb into a temporary folder, started on a free port
 * of 127.0.0.1 with its socket in that folder, stopped and removed when the process exits. As root
 * (the CI), the cluster belongs to the `postgres` user, which the Debian package creates; the
 * distribution's own cluster is never used.
 *
 * `freshDatabase()` creates an empty database on it, so that suites (and tests) do not see each
 * other's rows. Missing PostgreSQL binaries make the tests fail with a message saying what to install.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

let server: Promise<string> | undefined;

/** The admin URL of the test server (started on first use). */
export function postgresUrl(): Promise<string> {
  server ??= process.env.PG_TEST_URL?.trim() ? Promise.resolve(process.env.PG_TEST_URL.trim()) : startCluster();
  return server;
}

/** A new, empty database on the test server, and a function that drops it. */
export async function freshDatabase(): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const admin = await postgresUrl();
  // The name is made of [a-z0-9_] only, so it is safe between double quotes (an identifier cannot be a parameter).
  const name = `essai_${process.pid}_${randomBytes(6).toString('hex')}`;
  await withClient(admin, (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
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

/** The folder of initdb and pg_ctl: PG_BIN_DIR, else the newest /usr/lib/postgresql/<version>/bin, else the PATH. */
function binDir(): string {
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The uid and gid of the `postgres` user (initdb refuses to run as root). */
function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('Running the tests as root needs the « postgres » user, which the Debian package « postgresql » creates (bash scripts/install.sh).');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function startCluster(): Promise<string> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'pg-essais-'));
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? postgresUser() : undefined;
  if (user) chownSync(dir, user.uid, user.gid);
  const options: SpawnSyncOptions = { encoding: 'utf8', cwd: dir, ...(user ? { uid: user.uid, gid: user.gid, env: { ...process.env, HOME: dir } } : {}) };
  const run = (command: string, args: string[]) => {
    const result = spawnSync(join(bin, command), args, options);
    if (result.status !== 0) throw new Error(`${command} a échoué (${result.status ?? result.signal ?? result.error?.message}) : ${String(result.stderr ?? '').trim()}`);
  };
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      // fsync off: a throw-away cluster does not need to survive a power cut, and the tests go faster.
      run('pg_ctl', ['-D', data, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
      break;
    } catch (error) {
      // Another process may have taken the port between the probe and the start.
      if (attempt >= 3) {
        const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '';
        throw new Error(`${(error as Error).message}\n${log}`);
      }
    }
  }
  const stop = () => {
    spawnSync(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], options);
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stop();
      process.exit(130);
    });
  }
  return `postgresql://postgres@127.0.0.1:${port}/postgres`;
}
