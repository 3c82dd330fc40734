/**
 * Two replicas of the service in one process, sharing nothing but a PostgreSQL database (each its
 * own store connection pool and its own Generator, hence its own Chromium): what one archives, the
 * other lists, serves (hash checked) and regenerates; a retried request that lands on the other
 * replica is still recognised.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { Generator } from '../../src/generator.js';
import { createApp } from '../../src/server/app.js';
import { bootstrap } from '../../src/store/bootstrap.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { docxText, fixture } from '../support/documents.js';
import { binary } from '../support/http.js';
import { freshDatabase } from '../support/postgres.js';

const hashOf = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('two replicas on one PostgreSQL', () => {
  const convention = fixture('convention');
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const replicas: { generator: Generator; store: Store; app: ReturnType<typeof createApp> }[] = [];
  let admin: string;
  const auth = () => ({ Authorization: `Bearer ${admin}` });
  const a = () => replicas[0]!.app;
  const b = () => replicas[1]!.app;

  before(async () => {
    db = await freshDatabase();
    // Both start together, as two containers would: the migrations run once.
    const stores = await Promise.all([0, 1].map(() => openStore('postgres', { dataDir: '/nonexistent', url: db.url, poolMax: 4 })));
    for (const store of stores) {
      const generator = new Generator();
      replicas.push({ generator, store, app: createApp(generator, { store }) });
    }
    admin = (await bootstrap(stores[0]!, { organisation: 'Maison de l’emploi et de la formation de Haute-Somme' })).printedKey!;
    // The second replica's start finds the key: nothing more is created or printed.
    expect(await bootstrap(stores[1]!, { organisation: 'Maison de l’emploi et de la formation de Haute-Somme' })).to.deep.equal({});
  });

  after(async () => {
    await Promise.all(replicas.flatMap((r) => [r.generator.close(), r.store.close()]));
    await db?.drop();
  });

  it('lists, serves and regenerates through one replica a document generated through the other', async () => {
    const generated = await request(a()).post('/api/v1/documents/convention?format=pdf').set(auth()).send(convention).buffer(true).parse(binary).expect(200);
    const id = String(generated.headers['x-document-id']);
    const pdfHash = String(generated.headers['x-content-sha256']);
    expect(hashOf(generated.body as Buffer)).to.equal(pdfHash);

    const list = await request(b()).get('/api/v1/documents').set(auth()).expect(200);
    expect(list.body.documents.map((d: { id: string }) => d.id)).to.include(id);
    const meta = await request(b()).get(`/api/v1/documents/${id}`).set(auth()).expect(200);
    expect(meta.body.fichiers).to.have.length(1);
    expect(meta.body.fichiers[0]).to.include({ format: 'pdf', sha256: pdfHash, taille: (generated.body as Buffer).length });

    const downloaded = await request(b()).get(`/api/v1/documents/${id}/file?format=pdf`).set(auth()).buffer(true).parse(binary).expect(200);
    expect(hashOf(downloaded.body as Buffer)).to.equal(pdfHash);
    expect(Buffer.compare(downloaded.body as Buffer, generated.body as Buffer)).to.equal(0);

    const regenerated = await request(b()).post(`/api/v1/documents/${id}/regenerate?format=docx`).set(auth()).buffer(true).parse(binary).expect(200);
    expect(regenerated.headers['x-regenere']).to.equal('oui');
    const docxHash = String(regenerated.headers['x-content-sha256']);
    expect(hashOf(regenerated.body as Buffer)).to.equal(docxHash);
    expect(docxText(regenerated.body as Buffer)).to.contain('Communauté de communes Somme Santerre Est');

    // The format added by the second replica is stored for the first one too.
    const again = await request(a()).post(`/api/v1/documents/${id}/regenerate?format=docx`).set(auth()).buffer(true).parse(binary).expect(200);
    expect(again.headers['x-regenere']).to.equal('non');
    expect(hashOf(again.body as Buffer)).to.equal(docxHash);
    const both = await request(a()).get(`/api/v1/documents/${id}`).set(auth()).expect(200);
    expect(both.body.fichiers.map((f: { format: string }) => f.format).sort()).to.deep.equal(['docx', 'pdf']);

    // Each replica's actions are in the one audit log.
    const audit = await request(a()).get('/api/v1/audit').set(auth()).expect(200);
    const actions = (audit.body as { action: string; cible: string | null }[]).filter((e) => e.cible === id).map((e) => e.action);
    expect(actions).to.include.members(['document.genere', 'document.telecharge', 'document.regenere']);
  });

  it('recognises a retried generation that lands on the other replica', async () => {
    const first = await request(a()).post('/api/v1/documents/convention?format=docx').set(auth()).set('Idempotency-Key', 'replique-1').send(convention).expect(200);
    const retried = await request(b()).post('/api/v1/documents/convention?format=docx').set(auth()).set('Idempotency-Key', 'replique-1').send(convention).expect(200);
    expect(retried.headers['idempotent-replayed']).to.equal('true');
    expect(retried.headers['x-document-id']).to.equal(first.headers['x-document-id']);
    expect(retried.headers['x-content-sha256']).to.equal(first.headers['x-content-sha256']);
  });

  it('answers the same request sent to both replicas at the same moment with one document', async () => {
    for (let round = 0; round < 3; round++) {
      const key = `simultane-${round}`;
      const send = (app: ReturnType<typeof a>) => request(app).post('/api/v1/documents/convention?format=docx').set(auth()).set('Idempotency-Key', key).send(convention);
      const [one, two] = await Promise.all([send(a()), send(b())]);
      expect([one.status, two.status], one.text + two.text).to.deep.equal([200, 200]);
      expect(one.headers['x-document-id']).to.equal(two.headers['x-document-id']);
      expect([one.headers['idempotent-replayed'], two.headers['idempotent-replayed']].filter((v) => v === 'true')).to.have.length.at.most(1);
    }
    const listed = await request(a()).get('/api/v1/documents?limit=100').set(auth()).expect(200);
    const ids = listed.body.documents.map((d: { id: string }) => d.id);
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('creates the administration key once when replicas start together with the same DOCS_ADMIN_KEY', async () => {
    const fresh = await freshDatabase();
    const stores = await Promise.all([0, 1, 2].map(() => openStore('postgres', { dataDir: '/nonexistent', url: fresh.url, poolMax: 2 })));
    try {
      const adminKey = 'csk_cle-partagee-par-les-repliques-0123456789abcdef';
      const results = await Promise.all(stores.map((store) => bootstrap(store, { adminKey, organisation: 'MEF Haute-Somme' })));
      expect(results.every((r) => r.printedKey === undefined)).to.equal(true);
      expect(await stores[0]!.countKeys()).to.equal(1);
      expect((await stores[2]!.findKeyBySecret(adminKey))?.scopes).to.include('manage');
    } finally {
      await Promise.all(stores.map((store) => store.close()));
      await fresh.drop();
    }
  });
});
