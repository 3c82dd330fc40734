/**
 * A PostgreSQL for the tests. `PG_TEST_URL` (a role that may CREATE DATABASE) when set; otherwise
 * one throw-away cluster per test process (scripts/support/postgres-cluster.ts): initdb into a
 * temporary folder, started on a free port of 127.0.0.1 with its socket in that folder, stopped and
 * removed when the process exits. As root (the CI), the cluster belongs to the `postgres` user,
 * which the Debian package creates; the distribution's own cluster is never used.
 *
 * `freshDatabase()` creates an empty database on it, so that suites (and tests) do not see each
 * other's rows. Missing PostgreSQL binaries make the tests fail with a message saying what to install.
 */
import { randomBytes } from 'node:crypto';
import { startCluster, withClient } from '../../scripts/support/postgres-cluster.js';

export { withClient };

let server: Promise<string> | undefined;

/** The admin URL of the test server (started on first use). */
export function postgresUrl(): Promise<string> {
  server ??= process.env.PG_TEST_URL?.trim() ? Promise.resolve(process.env.PG_TEST_URL.trim()) : startTestCluster();
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

/** A throw-away cluster, stopped and removed when the test process exits or is interrupted. */
async function startTestCluster(): Promise<string> {
  const cluster = await startCluster();
  process.once('exit', cluster.stop);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cluster.stop();
      process.exit(130);
    });
  }
  return cluster.url;
}
