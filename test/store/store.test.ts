/**
 * The store's contract, run against every registered strategy: whatever keeps the data, the same
 * behaviour (atomic writes, hashed keys, isolation filters, restart, hash check).
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore, storeStrategies } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { CorruptionError, sha256 } from '../../src/store/files.js';
import type { NewDocument, Store, StoreFaults } from '../../src/store/types.js';

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

for (const strategy of storeStrategies()) {
  describe(`store: ${strategy}`, () => {
    let dir: string;
    let store: Store;
    const open = (faults?: StoreFaults) => openStore(strategy, { dataDir: dir, faults });
    const filesOnDisk = () => readdirSync(join(dir, 'fichiers')).flatMap((d) => readdirSync(join(dir, 'fichiers', d)));

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'store-'));
      store = await open();
    });
    afterEach(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('keeps only the hash of a key, finds it by its secret, and refuses it once revoked', async () => {
      const org = await store.createOrganisation({ nom: 'MEF', type: 'facilitateur' });
      const { key, secret } = await store.createKey({ organisationId: org.id, nom: 'test', scopes: ['generate'] });
      expect(secret).to.match(/^csk_[\w-]{40,}$/);
      expect(key.prefixe).to.equal(secret.slice(0, 10));
      expect((await store.findKeyBySecret(secret))?.id).to.equal(key.id);
      expect(await store.findKeyBySecret(`${secret}x`)).to.equal(undefined);
      await store.close();
      const dump = readdirSync(dir).filter((f) => f.startsWith('service.sqlite')).map((f) => readFileSync(join(dir, f)).toString('latin1')).join('');
      expect(dump).not.to.contain(secret);
      expect(dump).to.contain(sha256(secret));
      store = await open();
      expect(await store.revokeKey(key.id)).to.equal(true);
      expect(await store.findKeyBySecret(secret)).to.equal(undefined);
    });

    it('writes a document’s files and row together, and an interrupted write leaves neither', async () => {
      const org = await store.createOrganisation({ nom: 'CC', type: 'acheteur' });
      const saved = await store.saveDocument(doc(org.id), [file('one')]);
      expect(saved.fichiers[0]!.sha256).to.equal(sha256('one'));
      await store.close();
      store = await open({ afterFilesWritten: () => { throw new Error('crash between file and row'); } });
      let failed: unknown;
      await store.saveDocument(doc(org.id), [file('two')]).catch((e: unknown) => (failed = e));
      expect(failed).to.be.instanceOf(Error);
      expect(filesOnDisk()).to.deep.equal([sha256('one')]);
      expect((await store.listDocuments({ proprietaireIds: [org.id], offset: 0, limit: 10 })).total).to.equal(1);
    });

    it('removes at the next start a file left without its row by a crash, and any temporary file', async () => {
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
      writeFileSync(join(dir, 'fichiers', hash.slice(0, 2), hash), 'altered');
      const error = await store.readFile(hash).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(CorruptionError);
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
