/**
 * The store's contract, run against every registered strategy: whatever keeps the data, the same
 * behaviour (atomic writes, hashed keys, isolation filters, restart, hash check).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { readSettings } from '../../src/config.js';
import { openStore, storeStrategies } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { MIGRATIONS as PG_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { migrate } from '../../src/store/postgres/index.js';
import { CorruptionError, sha256 } from '../../src/store/files.js';
import type { NewDocument, Store, StoreFaults } from '../../src/store/types.js';
import { freshDatabase, withClient } from '../support/postgres.js';

const doc = (proprietaireId: string, over: Partial<NewDocument> = {}): NewDocument => ({
  kind: 'convention',
  mode: 'final',
  proprietaireId,
  dossierId: null,
  modele: 'templates/convention/convention.docx',
  versionModele: 'abc',
  dateGeneration: '2026-12-01T10:00:00.000Z',
  donnees: { reference: 'CP-2026-014' },
  cleId: null,
  ecarts: [],
  ...over,
});

const file = (text: string) => ({ format: 'pdf', contentType: 'application/pdf', fileName: 'c.pdf', bytes: Buffer.from(text) });

/**
 * What a strategy's tests need beyond the contract: where it keeps things, to look at them or spoil
 * them behind the store's back. One fresh place (folder, database) per test.
 */
interface Harness {
  open(faults?: StoreFaults): Promise<Store>;
  /** The hashes of the file bytes kept. */
  storedHashes(): Promise<string[]>;
  /** Everything kept, as text (to look for a secret). */
  dump(): Promise<string>;
  /** Changes the bytes kept under this hash. */
  alter(hash: string, bytes: string): Promise<void>;
  cleanup(): Promise<void>;
}

const harnesses: Record<string, () => Promise<Harness>> = {
  async sqlite() {
    const dir = mkdtempSync(join(tmpdir(), 'store-'));
    return {
      open: (faults) => openStore('sqlite', { dataDir: dir, faults }),
      storedHashes: async () => readdirSync(join(dir, 'fichiers')).flatMap((d) => readdirSync(join(dir, 'fichiers', d))),
      dump: async () => readdirSync(dir).filter((f) => f.startsWith('service.sqlite')).map((f) => readFileSync(join(dir, f)).toString('latin1')).join(''),
      alter: async (hash, bytes) => writeFileSync(join(dir, 'fichiers', hash.slice(0, 2), hash), bytes),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
  async postgres() {
    const db = await freshDatabase();
    const sql = <T = Record<string, unknown>>(text: string, values?: unknown[]) => withClient(db.url, async (c) => (await c.query(text, values)).rows as T[]);
    return {
      open: (faults) => openStore('postgres', { dataDir: '/nonexistent', url: db.url, faults }),
      storedHashes: async () => (await sql<{ sha256: string }>('SELECT sha256 FROM blobs ORDER BY sha256')).map((r) => r.sha256),
      dump: async () => {
        const tables = await sql<{ name: string }>(`SELECT quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema = 'public'`);
        const rows = await Promise.all(tables.map((t) => sql<{ row: string }>(`SELECT t::text AS row FROM ${t.name} t`)));
        return rows.flat().map((r) => r.row).join('\n');
      },
      alter: async (hash, bytes) => void (await sql('UPDATE blobs SET contenu = $1 WHERE sha256 = $2', [Buffer.from(bytes), hash])),
      cleanup: () => db.drop(),
    };
  },
};

for (const strategy of storeStrategies()) {
  describe(`store: ${strategy}`, () => {
    let harness: Harness;
    let store: Store;
    const open = (faults?: StoreFaults) => harness.open(faults);
    const makeHarness = harnesses[strategy];

    beforeEach(async () => {
      if (!makeHarness) throw new Error(`No test harness for the store strategy "${strategy}": add one to test/store/store.test.ts`);
      harness = await makeHarness();
      store = await open();
    });
    afterEach(async () => {
      await store?.close();
      await harness?.cleanup();
    });

    it('keeps only the hash of a key, finds it by its secret, and refuses it once revoked', async () => {
      const org = await store.createOrganisation({ nom: 'MEF', type: 'facilitateur' });
      const { key, secret } = await store.createKey({ organisationId: org.id, nom: 'test', scopes: ['generate'] });
      expect(secret).to.match(/^csk_[\w-]{40,}$/);
      expect(key.prefixe).to.equal(secret.slice(0, 10));
      expect((await store.findKeyBySecret(secret))?.id).to.equal(key.id);
      expect(await store.findKeyBySecret(`${secret}x`)).to.equal(undefined);
      await store.close();
      const dump = await harness.dump();
      expect(dump).not.to.contain(secret);
      expect(dump).to.contain(sha256(secret));
      store = await open();
      expect(await store.revokeKey(key.id)).to.equal(true);
      expect(await store.findKeyBySecret(secret)).to.equal(undefined);
    });

    it('writes a document’s files, row and audit line together, and an interrupted write leaves none', async () => {
      const org = await store.createOrganisation({ nom: 'CC', type: 'acheteur' });
      const audit = { organisationId: org.id, cleId: null, action: 'document.genere', details: { format: 'pdf' } };
      const saved = await store.saveDocument(doc(org.id), [file('one')], audit);
      expect(saved.fichiers[0]!.sha256).to.equal(sha256('one'));
      const lines = () => store.listAudit({ organisationIds: [org.id], limit: 10 });
      expect((await lines()).map((a) => [a.action, a.cible, a.details])).to.deep.equal([['document.genere', saved.id, { format: 'pdf' }]]);
      await store.close();
      store = await open({ afterFilesWritten: () => { throw new Error('crash between file and row'); } });
      let failed: unknown;
      await store.saveDocument(doc(org.id), [file('two')], audit).catch((e: unknown) => (failed = e));
      expect(failed).to.be.instanceOf(Error);
      expect(await harness.storedHashes()).to.deep.equal([sha256('one')]);
      expect((await store.listDocuments({ proprietaireIds: [org.id], offset: 0, limit: 10 })).total).to.equal(1);
      expect(await lines()).to.have.length(1);
    });

    // Only the embedded store writes files apart from its rows (the networked one writes both in one
    // transaction: see "a process killed in the middle of a write" below).
    if (strategy === 'sqlite') it('removes at the next start a file left without its row by a crash, and any temporary file', async () => {
      const dir = (store as unknown as { dataDir: string }).dataDir;
      const filesOnDisk = () => readdirSync(join(dir, 'fichiers')).flatMap((d) => readdirSync(join(dir, 'fichiers', d)));
      const org = await store.createOrganisation({ nom: 'CC', type: 'acheteur' });
      await store.saveDocument(doc(org.id), [file('kept')]);
      await store.close();
      // What a process killed between the two writes leaves: a complete file without a row, and a half-written temporary one.
      const orphan = sha256('orphan');
      mkdirSync(join(dir, 'fichiers', orphan.slice(0, 2)), { recursive: true });
      writeFileSync(join(dir, 'fichiers', orphan.slice(0, 2), orphan), 'orphan');
      writeFileSync(join(dir, 'tmp', `${orphan}.123`), 'orph');
      store = await open();
      expect(filesOnDisk()).to.deep.equal([sha256('kept')]);
      expect(readdirSync(join(dir, 'tmp'))).to.deep.equal([]);
    });

    it('keeps everything across a restart', async () => {
      const buyer = await store.createOrganisation({ nom: 'CC', type: 'acheteur' });
      const facilitator = await store.createOrganisation({ nom: 'MEF', type: 'facilitateur' });
      await store.linkBuyer(facilitator.id, buyer.id);
      const { secret } = await store.createKey({ organisationId: facilitator.id, nom: 'k', scopes: ['read'] });
      const dossier = await store.createDossier({ titre: 'CC – CP', acheteurId: buyer.id, facilitateurId: facilitator.id, donnees: { convention: { reference: 'CP' } } });
      const saved = await store.saveDocument(doc(buyer.id, { dossierId: dossier.id }), [file('pdf bytes')]);
      await store.audit({ organisationId: facilitator.id, cleId: null, action: 'document.genere', cible: saved.id, details: { format: 'pdf' } });
      const job = await store.createJob({ type: 'lot', proprietaireId: buyer.id, organisationId: facilitator.id, cleId: null, total: 2, entree: { a: 1 }, webhook: null });
      await store.updateJob(job.id, { statut: 'en-cours', faits: 1 });
      const waiting = await store.createJob({ type: 'lot', proprietaireId: buyer.id, organisationId: facilitator.id, cleId: null, total: 1, entree: { b: 2 }, webhook: null });
      // Listing the jobs not started changes nothing (a shared queue does it at every replica's start).
      expect((await store.waitingJobs()).map((j) => j.id)).to.deep.equal([waiting.id]);
      expect((await store.getJob(job.id))?.statut).to.equal('en-cours');
      await store.updateJob(waiting.id, { statut: 'termine' });
      await store.close();
      store = await open();
      expect((await store.findKeyBySecret(secret))?.organisationId).to.equal(facilitator.id);
      expect(await store.buyersOf(facilitator.id)).to.deep.equal([buyer.id]);
      expect((await store.getDossier(dossier.id))?.donnees).to.deep.equal({ convention: { reference: 'CP' } });
      const again = await store.getDocument(saved.id);
      expect(again).to.deep.equal(saved);
      expect((await store.readFile(saved.fichiers[0]!.sha256)).toString()).to.equal('pdf bytes');
      expect((await store.listAudit({ organisationIds: [facilitator.id], limit: 10 })).map((a) => a.action)).to.deep.equal(['document.genere']);
      // A job that was running when the process stopped waits again.
      expect((await store.pendingJobs()).map((j) => [j.id, j.statut, j.faits])).to.deep.equal([[job.id, 'en-attente', 1]]);
    });

    it('answers a readiness ping and counts the jobs waiting or running', async () => {
      await store.ping();
      const org = await store.createOrganisation({ nom: 'MEF', type: 'facilitateur' });
      const base = { type: 'documents', proprietaireId: org.id, organisationId: org.id, cleId: null, total: 1, entree: { documents: [] } };
      const [a, b] = [await store.createJob(base), await store.createJob(base), await store.createJob(base)];
      await store.updateJob(a!.id, { statut: 'en-cours' });
      await store.updateJob(b!.id, { statut: 'termine' });
      expect(await store.countPendingJobs()).to.equal(2);
      await store.close();
      let refused = false;
      await store.ping().catch(() => (refused = true));
      expect(refused, 'a closed store still answers').to.equal(true);
      store = await open();
    });

    it('keeps a job’s notification apart: due once the job has ended, claimed once, its secret never in the job', async () => {
      const org = await store.createOrganisation({ nom: 'MEF', type: 'facilitateur' });
      const base = { type: 'documents', proprietaireId: org.id, organisationId: org.id, cleId: null, total: 1, entree: { documents: [] } };
      const secret = 'secret-de-signature-du-client';
      const job = await store.createJob({ ...base, webhook: { url: 'https://crochets.example.com/lots?jeton=1', secret } });
      expect((await store.createJob(base)).notification).to.equal(null);
      expect(job.notification).to.deep.include({ url: 'https://crochets.example.com/lots?jeton=1', statut: 'en-attente', tentatives: 0, prochaineLe: null, derniereErreur: null });
      expect(await store.getJob(job.id)).to.deep.equal(job);
      expect(JSON.stringify([await store.getJob(job.id), await store.pendingJobs()])).not.to.contain(secret);
      const at = (minutes: number) => new Date(Date.UTC(2100, 0, 1, 0, minutes)).toISOString();
      // Not due while the job waits or runs.
      expect(await store.claimNotifications(at(0), at(1), 10)).to.deep.equal([]);
      await store.updateJob(job.id, { statut: 'en-cours' });
      expect(await store.claimNotifications(at(0), at(1), 10)).to.deep.equal([]);
      expect(await store.nextNotificationDue()).to.equal(undefined);
      // Due as soon as it ends; a claim holds it until its lease ends (a crash during an attempt retries it later).
      await store.updateJob(job.id, { statut: 'echec' });
      expect(await store.nextNotificationDue()).to.be.a('string');
      const [claimed, ...others] = await store.claimNotifications(at(0), at(1), 10);
      expect(others).to.deep.equal([]);
      expect(claimed).to.deep.include({ id: job.notification!.id, jobId: job.id, secret, tentatives: 0, prochaineLe: at(1) });
      expect(await store.claimNotifications(at(0), at(1), 10)).to.deep.equal([]);
      expect((await store.claimNotifications(at(2), at(3), 10)).map((n) => n.id)).to.deep.equal([job.notification!.id]);
      // A failed attempt sets the next one; the state survives a restart.
      await store.updateNotification(job.notification!.id, { tentatives: 1, prochaineLe: at(60), derniereErreur: 'Réponse HTTP 500.' });
      expect(await store.claimNotifications(at(30), at(31), 10)).to.deep.equal([]);
      expect(await store.nextNotificationDue()).to.equal(at(60));
      await store.close();
      store = await open();
      expect((await store.getJob(job.id))?.notification).to.deep.include({ statut: 'en-attente', tentatives: 1, prochaineLe: at(60), derniereErreur: 'Réponse HTTP 500.' });
      expect((await store.claimNotifications(at(60), at(61), 10)).map((n) => [n.id, n.tentatives, n.secret])).to.deep.equal([[job.notification!.id, 1, secret]]);
      // Once delivered, nothing is due any more.
      await store.updateNotification(job.notification!.id, { statut: 'livree', tentatives: 2, prochaineLe: null, derniereErreur: null });
      expect(await store.claimNotifications(at(600), at(601), 10)).to.deep.equal([]);
      expect(await store.nextNotificationDue()).to.equal(undefined);
      expect((await store.getJob(job.id))?.notification).to.deep.include({ statut: 'livree', tentatives: 2, prochaineLe: null, derniereErreur: null });
    });

    it('lists documents of the given owners only, filtered and paginated', async () => {
      const a = await store.createOrganisation({ nom: 'A', type: 'acheteur' });
      const b = await store.createOrganisation({ nom: 'B', type: 'acheteur' });
      for (let i = 0; i < 5; i++) await store.saveDocument(doc(a.id, { kind: i % 2 ? 'avenant' : 'convention' }), [file(`a${i}`)]);
      await store.saveDocument(doc(b.id), [file('b')]);
      const page = await store.listDocuments({ proprietaireIds: [a.id], offset: 2, limit: 2 });
      expect(page.total).to.equal(5);
      expect(page.items).to.have.length(2);
      expect(page.items.every((d) => d.proprietaireId === a.id)).to.equal(true);
      expect((await store.listDocuments({ proprietaireIds: [a.id], kind: 'avenant', offset: 0, limit: 10 })).total).to.equal(2);
      expect((await store.listDocuments({ proprietaireIds: [], offset: 0, limit: 10 })).total).to.equal(0);
    });

    it('finds a document by its idempotency key, for the same key only', async () => {
      const a = await store.createOrganisation({ nom: 'A', type: 'acheteur' });
      const saved = await store.saveDocument(doc(a.id, { idempotence: { cleId: 'k1', valeur: 'abc' } }), [file('x')]);
      expect((await store.findIdempotent('k1', 'abc'))?.id).to.equal(saved.id);
      expect(await store.findIdempotent('k2', 'abc')).to.equal(undefined);
    });

    it('never serves a file whose bytes no longer match their hash', async () => {
      const a = await store.createOrganisation({ nom: 'A', type: 'acheteur' });
      const saved = await store.saveDocument(doc(a.id), [file('original')]);
      const hash = saved.fichiers[0]!.sha256;
      await harness.alter(hash, 'altered');
      const error = await store.readFile(hash).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(CorruptionError);
      expect((error as CorruptionError).actual).to.equal(sha256('altered'));
      const missing = await store.readFile(sha256('never stored')).catch((e: unknown) => e);
      expect(missing).to.be.instanceOf(CorruptionError).and.to.include({ actual: null });
    });
  });
}

describe('store: sqlite migrations', () => {
  it('takes a database of an earlier version to the latest, keeping its jobs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-migration-'));
    try {
      const old = new Database(join(dir, 'service.sqlite'));
      old.exec(MIGRATIONS[0]!);
      old.pragma('user_version = 1');
      old
        .prepare(`INSERT INTO jobs (id, type, statut, proprietaire_id, organisation_id, total, faits, erreurs, entree, cree_le, modifie_le) VALUES ('j1', 'documents', 'termine', 'o', 'o', 1, 1, 0, '{}', ?, ?)`)
        .run('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
      old.close();
      const store = await openStore('sqlite', { dataDir: dir });
      expect(await store.getJob('j1')).to.deep.include({ statut: 'termine', notification: null });
      expect(await store.nextNotificationDue()).to.equal(undefined);
      await store.close();
      const upgraded = new Database(join(dir, 'service.sqlite'), { readonly: true });
      expect(upgraded.pragma('user_version', { simple: true })).to.equal(MIGRATIONS.length);
      upgraded.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('store: postgres, several replicas on one database', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const stores: Store[] = [];
  const open = async (faults?: StoreFaults) => {
    const store = await openStore('postgres', { dataDir: '/nonexistent', url: db.url, faults });
    stores.push(store);
    return store;
  };
  const sql = <T = Record<string, unknown>>(text: string, values?: unknown[]) => withClient(db.url, async (c) => (await c.query(text, values)).rows as T[]);

  beforeEach(async () => {
    db = await freshDatabase();
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await db.drop();
  });

  it('runs each migration once when replicas start together', async () => {
    const [a, b, c, d] = await Promise.all([open(), open(), open(), open()]);
    const versions = await sql<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.map((v) => v.version)).to.deep.equal(PG_MIGRATIONS.map((_, i) => i + 1));
    for (const store of [a, b, c, d]) await store!.ping();
  });

  it('applies a migration exactly once under the lock, and a newer one to a database of an earlier version', async () => {
    const pool = (store: Store) => (store as unknown as { pool: import('pg').Pool }).pool;
    const a = await open();
    await a.createJob({ type: 'documents', proprietaireId: 'o', organisationId: 'o', cleId: null, total: 1, entree: { a: 1 } });
    const b = await open();
    // A slow migration started by two replicas at once: one applies it, the other waits and finds it done.
    const next = [...PG_MIGRATIONS, `SELECT pg_sleep(0.3); CREATE TABLE essai_migration (n integer); INSERT INTO essai_migration VALUES (1);`];
    const applied = await Promise.all([migrate(pool(a), next), migrate(pool(b), next)]);
    expect(applied.flat()).to.deep.equal([next.length]);
    expect(await sql('SELECT n FROM essai_migration')).to.deep.equal([{ n: 1 }]);
    expect((await a.pendingJobs()).map((j) => j.entree)).to.deep.equal([{ a: 1 }]);
  });

  it('lists and reads through one replica a document saved through another, hash checked', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const org = await a!.createOrganisation({ nom: 'Communauté de communes', type: 'acheteur' });
    const bytes = Buffer.from('%PDF-1.7 une convention signée, €, « », œ');
    const saved = await a!.saveDocument(doc(org.id, { donnees: { z: 1, a: { y: 2, b: 3 } } }), [{ format: 'pdf', contentType: 'application/pdf', fileName: 'c.pdf', bytes }]);
    const listed = await b!.listDocuments({ proprietaireIds: [org.id], offset: 0, limit: 10 });
    expect(listed.total).to.equal(1);
    expect(listed.items[0]).to.deep.equal(saved);
    // The input comes back as written (key order included): a regeneration sees what was received.
    expect(JSON.stringify(listed.items[0]!.donnees)).to.equal('{"z":1,"a":{"y":2,"b":3}}');
    expect((await b!.readFile(saved.fichiers[0]!.sha256)).equals(bytes)).to.equal(true);
    await b!.addFile(saved.id, { format: 'docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', fileName: 'c.docx', bytes: Buffer.from('docx') });
    expect((await a!.getDocument(saved.id))?.fichiers.map((f) => f.format)).to.deep.equal(['pdf', 'docx']);
  });

  it('claims each due notification once across replicas', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const job = await a!.createJob({ type: 'documents', proprietaireId: 'o', organisationId: 'o', cleId: null, total: 1, entree: {}, webhook: { url: `https://crochets.example.com/${i}`, secret: 'secret-de-signature-du-client' } });
      await a!.updateJob(job.id, { statut: 'termine' });
      ids.push(job.notification!.id);
    }
    const at = new Date(Date.UTC(2100, 0, 1)).toISOString();
    const lease = new Date(Date.UTC(2100, 0, 2)).toISOString();
    const claims = await Promise.all([a, b, a, b].map((s) => s!.claimNotifications(at, lease, 8)));
    const claimed = claims.flat().map((n) => n.id);
    expect(claimed).to.have.length(20);
    expect([...claimed].sort()).to.deep.equal([...ids].sort());
  });

  it('leaves nothing of a write whose process is killed in the middle of it', async function () {
    this.timeout(30_000);
    const a = await open();
    const org = await a.createOrganisation({ nom: 'CC', type: 'acheteur' });
    await a.saveDocument(doc(org.id), [file('kept')]);
    // A process that saves a document and is killed (SIGKILL) after the bytes are sent, before the row.
    const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../support/store-crash.ts', import.meta.url)), db.url, org.id], { encoding: 'utf8', timeout: 20_000 });
    expect(child.signal, child.stderr).to.equal('SIGKILL');
    expect(child.stdout).to.contain('bytes sent');
    const b = await open();
    expect((await b.listDocuments({ proprietaireIds: [org.id], offset: 0, limit: 10 })).total).to.equal(1);
    expect(await sql('SELECT sha256 FROM blobs')).to.deep.equal([{ sha256: sha256('kept') }]);
  });
});

describe('store: settings', () => {
  it('keeps sqlite by default, and takes postgres from STORE or from a postgres:// DATABASE_URL', () => {
    expect(readSettings({}).store).to.include({ strategy: 'sqlite', poolMax: 10 });
    expect(readSettings({ DATABASE_URL: 'postgres://u@h/db' }).store).to.include({ strategy: 'postgres', url: 'postgres://u@h/db' });
    expect(readSettings({ DATABASE_URL: 'postgresql://u@h/db', PG_POOL_MAX: '25' }).store).to.include({ strategy: 'postgres', poolMax: 25 });
    expect(readSettings({ STORE: 'postgres', DATABASE_URL: 'postgres://u@h/db' }).store.strategy).to.equal('postgres');
    expect(readSettings({ STORE: 'sqlite', DATABASE_URL: 'postgres://u@h/db' }).store.strategy).to.equal('sqlite');
    expect(() => readSettings({ PG_POOL_MAX: '0' })).to.throw('PG_POOL_MAX');
  });
});
