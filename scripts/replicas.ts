/**
 * `npm run replicas`: the service as several replicas sharing one PostgreSQL, on this machine.
 *
 * Starts a local PostgreSQL (data kept in data/postgres/, port 5433 or a free one), creates the
 * database `documents` if missing, then two replicas of the compiled service (dist/, rebuilt when
 * older than src/) on ports 3001 and 3002, each with DATABASE_URL, its own PORT and the same
 * DOCS_ADMIN_KEY. Their logs are forwarded, each line prefixed by its replica. Ctrl-C or SIGTERM
 * stops the replicas gracefully, then PostgreSQL (its data stays).
 *
 * Options: --dir FOLDER (PostgreSQL's data folder), --pg-port N, --ports 3001,3002 (one replica per
 * port), --database NAME. The replicas' other settings come from the environment (PG_POOL_MAX,
 * JOB_CONCURRENCY, PDF_PAGES, LOG_LEVEL…).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { fromRoot } from '../src/core/paths.js';
import { buildIfStale } from './bench/service.js';
import { ensureDatabase, startCluster, withClient, type Cluster } from './support/postgres-cluster.js';
import { startReplicas, stopEveryReplica, type Replica } from './support/replicas.js';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: fromRoot('data', 'postgres') },
    'pg-port': { type: 'string', default: '5433' },
    ports: { type: 'string', default: '3001,3002' },
    database: { type: 'string', default: 'documents' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  process.stdout.write('npm run replicas -- [--dir data/postgres] [--pg-port 5433] [--ports 3001,3002] [--database documents]\n');
  process.exit(0);
}

const say = (line: string) => process.stdout.write(`[replicas] ${line}\n`);
const ports = args.ports.split(',').map((p) => Number(p.trim()));
if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p <= 0 || p > 65535)) throw new Error(`--ports: a list of ports expected, got "${args.ports}"`);

const build = buildIfStale(say);
if (build.warning) say(build.warning);

let cluster: Cluster | undefined;
let replicas: Replica[] = [];
let stopping = false;

/** Replicas first (their requests and jobs finish or are handed back), then PostgreSQL. */
async function stopAll(code: number, why: string): Promise<never> {
  if (!stopping) {
    stopping = true;
    say(`${why}: stopping the replicas, then PostgreSQL`);
    const codes = await Promise.all(replicas.map((r) => r.stop()));
    replicas.forEach((r, i) => say(`${r.spec.name} exited (${codes[i]})`));
    // Those still starting when the signal came.
    await stopEveryReplica();
    cluster?.stop();
    say('PostgreSQL stopped');
    process.exit(code);
  }
  return new Promise<never>(() => undefined);
}

process.on('SIGINT', () => void stopAll(0, 'SIGINT'));
process.on('SIGTERM', () => void stopAll(0, 'SIGTERM'));
// Never leave PostgreSQL running behind an unexpected exit.
process.on('exit', () => cluster?.stop());

try {
  cluster = await startCluster({ dir: args.dir, port: Number(args['pg-port']), log: say });
  const db = await ensureDatabase(cluster.url, args.database);
  say(db.created ? `database ${args.database} created` : `database ${args.database} found`);

  // The first key: DOCS_ADMIN_KEY when set; on a database without any key, one generated here and
  // given to every replica (two replicas bootstrapping at once would each print their own).
  let key = process.env.DOCS_ADMIN_KEY?.trim() || undefined;
  let generated = false;
  if (!key) {
    const keys = await withClient(db.url, async (c) => {
      const table = await c.query("SELECT to_regclass('public.cles') AS t");
      return table.rows[0].t ? Number((await c.query('SELECT count(*) AS n FROM cles')).rows[0].n) : 0;
    });
    if (keys === 0) {
      key = `csk_${randomBytes(32).toString('base64url')}`;
      generated = true;
    }
  }

  replicas = await startReplicas(
    ports.map((port, i) => {
      const name = `replica-${i + 1}`;
      return {
        name,
        port,
        env: { DATABASE_URL: db.url, STORE: 'postgres', DOCS_ADMIN_KEY: key },
        onLine: (line, stream) => (stream === 'stderr' ? process.stderr : process.stdout).write(`[${name}] ${line}\n`),
      };
    }),
  );
  for (const r of replicas) {
    r.exit.then((code) => {
      if (!stopping) void stopAll(1, `${r.spec.name} exited unexpectedly (${code})`);
    }, () => undefined);
  }

  const lines = ['', 'Replicas ready, sharing one PostgreSQL:', ...replicas.map((r) => `  ${r.spec.name}: ${r.base}/  (pid ${r.pid})`), `  PostgreSQL: ${db.url}  (data: ${cluster.dataDir})`];
  if (generated) {
    lines.push('', 'First access key (every right), keep it: it will not be shown again.', '', `  ${key}`, '');
  } else if (key) {
    lines.push('  Access key: DOCS_ADMIN_KEY');
  } else {
    lines.push('  Access key: the one printed at the first run (or set DOCS_ADMIN_KEY; `npm run keys` with DATABASE_URL manages keys)');
  }
  lines.push('Ctrl-C stops everything.', '');
  process.stdout.write(lines.join('\n') + '\n');
} catch (error) {
  process.stderr.write(`[replicas] ${(error as Error).message}\n`);
  await stopAll(1, 'start failed');
}
