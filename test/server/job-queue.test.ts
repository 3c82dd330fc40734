/**
 * The replicas' shared job queue (pg-boss on the PostgreSQL store): a job started by one replica
 * and handed back at its graceful stop is finished by the other; a job whose replica died (its run
 * hangs) is run again after its expiry by the other, completed once and its result stored once.
 */
import { expect } from 'chai';
import { Generator, type GeneratedDocument } from '../../src/generator.js';
import { JobRunner } from '../../src/jobs/index.js';
import { PgBossQueue } from '../../src/jobs/pg-boss.js';
import { openStore } from '../../src/store/index.js';
import type { Job, Store } from '../../src/store/types.js';
import { fixture } from '../support/documents.js';
import { freshDatabase, withClient } from '../support/postgres.js';

const ITEMS = 8;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A replica: its own store pool, generator (slowed down, or made to hang) and queue worker. */
class Replica {
  generated = 0;
  /** When set, the render of this item never ends (the process is taken for dead). */
  hangAt: number | undefined;
  private readonly hung: ((error: Error) => void)[] = [];
  runner!: JobRunner;

  constructor(readonly store: Store, private readonly url: string, private readonly generator: Generator) {}

  start(): void {
    const slow = {
      generate: async (kind: string, input: unknown, options: object): Promise<GeneratedDocument> => {
        this.generated++;
        if (this.hangAt !== undefined && this.generated >= this.hangAt) {
          // Dead: no more polling for jobs, and this render never ends.
          void (this.runner.queue as PgBossQueue).stopTaking();
          await new Promise<never>((_, reject) => this.hung.push(reject));
        }
        await sleep(120);
        return this.generator.generate(kind, input, options);
      },
    } as unknown as Generator;
    const queue = new PgBossQueue(this.store, { url: this.url, concurrency: 1, expireSeconds: 3, retryLimit: 3, pollSeconds: 0.5, maintenanceSeconds: 1 });
    this.runner = new JobRunner(this.store, slow, (error) => {
      if (!/réveil/.test(String(error))) console.error(error);
    }, { queue });
    this.runner.kick();
  }

  /** The hung render fails at last (a process that comes back to life). */
  wake(): void {
    for (const reject of this.hung.splice(0)) reject(new Error('réveil'));
  }
}

async function until(condition: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(100);
  }
}

describe('the replicas’ shared job queue (pg-boss)', function () {
  this.timeout(120_000);
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let a: Replica;
  let b: Replica;
  const generator = new Generator();
  let organisation: string;

  const submit = async (): Promise<Job> => {
    const documents = Array.from({ length: ITEMS }, (_, i) => ({ kind: 'convention', donnees: fixture('convention'), format: 'docx', mode: 'final', nom: `convention-${i + 1}` }));
    return a.store.createJob({ type: 'documents', proprietaireId: organisation, organisationId: organisation, cleId: null, total: ITEMS, entree: { type: 'documents', documents } });
  };
  const auditCount = (action: string, jobId: string) =>
    withClient(db.url, async (client) => Number((await client.query('SELECT count(*) AS n FROM audit WHERE action = $1 AND cible = $2', [action, jobId])).rows[0].n));

  beforeEach(async () => {
    db = await freshDatabase();
    const [storeA, storeB] = await Promise.all([0, 1].map(() => openStore('postgres', { dataDir: '/nonexistent', url: db.url, poolMax: 4 })));
    a = new Replica(storeA!, db.url, generator);
    b = new Replica(storeB!, db.url, generator);
    organisation = (await storeA!.createOrganisation({ nom: 'Maison de l’emploi et de la formation de Haute-Somme', type: 'facilitateur' })).id;
  });

  afterEach(async () => {
    for (const r of [a, b]) {
      r.wake();
      await r.runner?.stop().catch(() => undefined);
      await r.store.close();
    }
    await db.drop();
  });

  after(() => generator.close());

  it('finishes on the other replica a job handed back by a replica that stops', async () => {
    a.start();
    const job = await submit();
    a.runner.kick(job.id);
    await until(async () => ((await a.store.getJob(job.id))?.faits ?? 0) >= 2);
    b.start();
    // Replica A stops gracefully: its job goes back to the queue, and B takes it.
    await a.runner.stop();
    await until(async () => (await b.store.getJob(job.id))?.statut === 'termine');
    const done = (await a.store.getJob(job.id))!;
    expect(done).to.include({ statut: 'termine', faits: ITEMS, erreurs: 0 });
    expect(a.generated).to.be.within(2, ITEMS - 1);
    expect(b.generated).to.equal(ITEMS);
    const zip = await b.store.readFile(done.resultat!.sha256);
    expect(zip.length).to.equal(done.resultat!.taille);
    expect(await auditCount('lot.termine', job.id)).to.equal(1);
  });

  it('runs again, on the other replica, a job whose replica died, completed once and stored once', async () => {
    a.hangAt = 3;
    a.start();
    const job = await submit();
    a.runner.kick(job.id);
    // Replica A took it and hangs at its third document; B, started then, runs it after its expiry.
    await until(async () => a.generated >= 3);
    b.start();
    await until(async () => (await b.store.getJob(job.id))?.statut === 'termine', 60_000);
    expect(a.generated).to.equal(3);
    expect(b.generated).to.equal(ITEMS);
    const done = (await b.store.getJob(job.id))!;
    expect(done).to.include({ statut: 'termine', faits: ITEMS, erreurs: 0 });
    // A comes back to life: its run ends without writing anything more.
    a.wake();
    await sleep(ITEMS * 150);
    expect(await auditCount('lot.termine', job.id)).to.equal(1);
    const blobs = await withClient(db.url, async (client) => Number((await client.query('SELECT count(*) AS n FROM blobs WHERE sha256 = $1', [done.resultat!.sha256])).rows[0].n));
    expect(blobs).to.equal(1);
    expect((await a.store.getJob(job.id))!.resultat).to.deep.equal(done.resultat);
  });
});
