/**
 * Keeping each organisation's work: keys and scopes, isolation between two buyers and their
 * facilitator on every route, dossiers that feed later documents, the archive and its hash check,
 * idempotency, a restart.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PizZip from 'pizzip';
import request from 'supertest';
import { Generator } from '../../src/generator.js';
import { createApp } from '../../src/server/app.js';
import { bootstrap } from '../../src/store/bootstrap.js';
import { JobRunner } from '../../src/jobs/index.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { docxText, fixture } from '../support/documents.js';
import { binary } from '../support/http.js';


const plain = (s: string) => s.replace(/[\u00A0\u202F]/g, ' ');

describe('archive, dossiers and keys', () => {
  const generator = new Generator();
  const logged: string[] = [];
  let dir: string;
  let store: Store;
  let app: ReturnType<typeof createApp>;
  let admin: string;
  const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
  const convention = fixture('convention');
  const buyerName = (convention.donneurOrdre as { nom: string }).nom;

  // The cast of the isolation tests: the facilitator, its two buyers, another facilitator.
  let buyerA: { id: string; read: string; generate: string };
  let buyerB: { id: string; key: string };
  let otherFacilitator: string;
  let dossierId: string;
  let documentId: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'archive-'));
    store = await openStore('sqlite', { dataDir: dir });
    admin = (await bootstrap(store, { organisation: 'Maison de l’emploi et de la formation de Haute-Somme' })).printedKey!;
    app = createApp(generator, { store, log: (m) => logged.push(m) });
    const a = await request(app).post('/api/v1/organisations').set(auth(admin)).send({ nom: buyerName }).expect(201);
    const b = await request(app).post('/api/v1/organisations').set(auth(admin)).send({ nom: 'Ville de Péronne' }).expect(201);
    const key = async (organisationId: string, scopes: string[]) => (await request(app).post('/api/v1/keys').set(auth(admin)).send({ nom: scopes.join('+'), organisationId, scopes }).expect(201)).body.cle as string;
    buyerA = { id: a.body.id, read: await key(a.body.id, ['read']), generate: await key(a.body.id, ['read', 'generate']) };
    buyerB = { id: b.body.id, key: await key(b.body.id, ['read', 'generate', 'manage']) };
    const other = await store.createOrganisation({ nom: 'PLIE du Vermandois', type: 'facilitateur' });
    otherFacilitator = (await store.createKey({ organisationId: other.id, nom: 'autre', scopes: ['read', 'generate', 'manage'] })).secret;
  });

  after(async () => {
    await generator.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks for a key on every route but the public descriptions', async () => {
    await request(app).get('/health').expect(200);
    await request(app).get('/api/v1/kinds').expect(200);
    const missing = await request(app).post('/api/v1/documents/convention').send(convention).expect(401);
    expect(missing.headers['www-authenticate']).to.equal('Bearer realm="api"');
    expect(missing.body.errors[0].message).to.contain('Authorization: Bearer');
    for (const path of ['/api/v1/documents', '/api/v1/dossiers', '/api/v1/keys', '/api/v1/audit', '/api/v1/documents/x/file']) {
      await request(app).get(path).expect(401);
      await request(app).get(path).set(auth('csk_not-a-key')).expect(401);
    }
  });

  it('opens a dossier from a convention and archives the final document it generates', async () => {
    const created = await request(app).post('/api/v1/dossiers').set(auth(admin)).send({ convention }).expect(201);
    dossierId = created.body.id;
    expect(created.body).to.include({ acheteurId: buyerA.id, titre: `${buyerName} – CP-2026-014`, version: 1 });
    const res = await request(app).post(`/api/v1/documents/convention?dossier=${dossierId}&format=pdf`).set(auth(admin)).send({}).buffer(true).parse(binary).expect(200);
    documentId = String(res.headers['x-document-id']);
    expect(documentId).to.match(/^[0-9a-f-]{36}$/);
    expect(res.headers.location).to.equal(`/api/v1/documents/${documentId}`);
    const meta = await request(app).get(String(res.headers.location)).set(auth(admin)).expect(200);
    expect(meta.body).to.deep.include({ id: documentId, kind: 'convention', mode: 'final', dossierId, proprietaireId: buyerA.id });
    expect(meta.body.modele.fichier).to.equal('templates/convention/convention.docx');
    expect(meta.body.modele.version).to.match(/^[0-9a-f]{16}$/);
    expect(meta.body.fichiers).to.have.length(1);
    expect(meta.body.fichiers[0]).to.include({ format: 'pdf', sha256: res.headers['x-content-sha256'], taille: (res.body as Buffer).length });
    expect(meta.body.donnees.reference).to.equal('CP-2026-014');
    const file = await request(app).get(`/api/v1/documents/${documentId}/file?format=pdf`).set(auth(admin)).buffer(true).parse(binary).expect(200);
    expect(Buffer.compare(file.body as Buffer, res.body as Buffer)).to.equal(0);
    expect(file.headers.etag).to.equal(`"${String(res.headers['x-content-sha256'])}"`);
    // Where the time went, in Server-Timing: the stages of the generation, then the archive.
    const timing = new Map(String(res.headers['server-timing']).split(', ').map((entry) => [entry.split(';dur=')[0]!, Number(entry.split(';dur=')[1])]));
    expect([...timing.keys()]).to.include.members(['validation', 'viewModel', 'html', 'print', 'finishing', 'total', 'archive']);
    expect([...timing.values()].every((ms) => Number.isFinite(ms) && ms >= 0)).to.equal(true);
    expect(timing.get('print')).to.be.below(timing.get('total')!);
    // A draft is kept only when asked.
    const draft = await request(app).post(`/api/v1/documents/convention?dossier=${dossierId}&format=docx&mode=draft`).set(auth(admin)).send({}).expect(200);
    expect(draft.headers['x-document-id']).to.equal(undefined);
    expect(draft.headers['server-timing']).to.contain('docx;dur=').and.not.to.contain('archive');
    const kept = await request(app).post(`/api/v1/documents/convention?dossier=${dossierId}&format=docx&mode=draft&archiver=oui`).set(auth(admin)).send({}).expect(200);
    expect(kept.headers['x-document-id']).to.match(/^[0-9a-f-]{36}$/);
  });

  it('starts an avenant from the dossier: only its own fields are asked, a contradiction is flagged', async () => {
    const avenant = fixture('avenant');
    const own = { ...avenant };
    delete own.convention;
    // Only the authority of this avenant's signatories is new about the parties.
    own.donneurOrdre = { habilitation: (avenant.donneurOrdre as Record<string, unknown>).habilitation };
    own.structurePorteuse = { habilitation: (avenant.structurePorteuse as Record<string, unknown>).habilitation };
    const res = await request(app).post(`/api/v1/documents/avenant?dossier=${dossierId}&format=docx`).set(auth(admin)).send(own).buffer(true).parse(binary).expect(200);
    expect(res.headers['x-dossier-ecarts']).to.equal(undefined);
    const text = plain(docxText(res.body as Buffer));
    expect(text).to.contain('Communauté de communes Somme Santerre Est');
    expect(text).to.contain('1er décembre 2026');
    expect(text).to.contain('Claire DUMONT');
    // The same avenant signed by someone the convention does not name.
    const other = { ...own, structurePorteuse: { ...(own.structurePorteuse as object), representant: { civilite: 'M.', prenom: 'Jean', nom: 'Autre', qualite: 'Directeur' } } };
    const flagged = await request(app).post(`/api/v1/documents/avenant?dossier=${dossierId}&format=docx`).set(auth(admin)).send(other).expect(200);
    const ecarts = JSON.parse(decodeURIComponent(String(flagged.headers['x-dossier-ecarts']))) as { champ: string; message: string }[];
    expect(ecarts.map((e) => e.champ)).to.include.members(['structurePorteuse.representant.prenom', 'structurePorteuse.representant.nom']);
    expect(plain(ecarts.find((e) => e.champ === 'structurePorteuse.representant.nom')!.message)).to.equal('« Nom » vaut « Autre » alors que le dossier indique « Dumont ».');
    const meta = await request(app).get(`/api/v1/documents/${flagged.headers['x-document-id']}`).set(auth(admin)).expect(200);
    expect(meta.body.ecarts.map((e: { path: string }) => e.path)).to.include('structurePorteuse.representant.nom');
  });

  it('lets a buyer read its own documents and nothing of another buyer, on every route', async () => {
    const mine = await request(app).get('/api/v1/documents').set(auth(buyerA.read)).expect(200);
    expect(mine.body.total).to.be.greaterThan(0);
    expect(mine.body.documents.map((d: { id: string }) => d.id)).to.include(documentId);
    await request(app).get(`/api/v1/documents/${documentId}/file`).set(auth(buyerA.read)).expect(200);
    for (const key of [buyerB.key, otherFacilitator]) {
      const list = await request(app).get('/api/v1/documents').set(auth(key)).expect(200);
      expect(list.body.total).to.equal(0);
      expect((await request(app).get('/api/v1/dossiers').set(auth(key)).expect(200)).body).to.deep.equal([]);
      const answers = await Promise.all([
        request(app).get(`/api/v1/documents/${documentId}`).set(auth(key)),
        request(app).get(`/api/v1/documents/${documentId}/file?format=pdf`).set(auth(key)),
        request(app).post(`/api/v1/documents/${documentId}/regenerate?format=docx`).set(auth(key)),
        request(app).get(`/api/v1/dossiers/${dossierId}`).set(auth(key)),
        request(app).put(`/api/v1/dossiers/${dossierId}`).set(auth(key)).send({ donnees: { convention } }),
        request(app).get(`/api/v1/dossiers/${dossierId}/export`).set(auth(key)),
        request(app).post(`/api/v1/documents/avenant?dossier=${dossierId}`).set(auth(key)).send({}),
        request(app).get(`/api/v1/documents/00000000-0000-0000-0000-000000000000`).set(auth(key)),
      ]);
      // The same 404 as for what does not exist: nothing tells that the document is there.
      expect(answers.map((r) => r.status)).to.deep.equal([404, 404, 404, 404, 404, 404, 404, 404]);
      expect(answers[0]!.body.detail).to.equal(answers[7]!.body.detail);
    }
    // Filtering on another buyer gives nothing either.
    expect((await request(app).get(`/api/v1/documents?acheteur=${buyerA.id}`).set(auth(buyerB.key)).expect(200)).body.total).to.equal(0);
  });

  it('holds each key to its scopes, and a revoked key is refused at once', async () => {
    const refused = await request(app).post('/api/v1/documents/convention').set(auth(buyerA.read)).send(convention).expect(403);
    expect(refused.body.errors[0].message).to.contain('« generate »');
    await request(app).get('/api/v1/keys').set(auth(buyerA.read)).expect(403);
    await request(app).get('/api/v1/audit').set(auth(buyerA.generate)).expect(403);
    const keys = await request(app).get(`/api/v1/keys?organisation=${buyerA.id}`).set(auth(admin)).expect(200);
    expect(JSON.stringify(keys.body)).not.to.contain(buyerA.read);
    const id = keys.body.find((k: { nom: string }) => k.nom === 'read').id;
    await request(app).get('/api/v1/documents').set(auth(buyerA.read)).expect(200);
    await request(app).delete(`/api/v1/keys/${id}`).set(auth(admin)).expect(204);
    await request(app).get('/api/v1/documents').set(auth(buyerA.read)).expect(401);
    // Another organisation's key cannot be revoked, nor seen.
    const bKeys = await request(app).get('/api/v1/keys').set(auth(buyerB.key)).expect(200);
    await request(app).delete(`/api/v1/keys/${bKeys.body[0].id}`).set(auth(otherFacilitator)).expect(404);
  });

  it('returns the same stored document for a retried generation with the same Idempotency-Key', async () => {
    const first = await request(app).post(`/api/v1/documents/convention?format=docx`).set(auth(buyerA.generate)).set('Idempotency-Key', 'retry-1').send(convention).expect(200);
    const again = await request(app).post(`/api/v1/documents/convention?format=docx`).set(auth(buyerA.generate)).set('Idempotency-Key', 'retry-1').send(convention).expect(200);
    expect(again.headers['x-document-id']).to.equal(first.headers['x-document-id']);
    expect(again.headers['idempotent-replayed']).to.equal('true');
    expect(again.headers['x-content-sha256']).to.equal(first.headers['x-content-sha256']);
    const conflict = await request(app).post(`/api/v1/documents/convention?format=docx`).set(auth(buyerA.generate)).set('Idempotency-Key', 'retry-1').send({ ...convention, reference: 'CP-2026-999' }).expect(409);
    expect(conflict.body.errors[0].path).to.equal('Idempotency-Key');
    // A buyer's own generation without dossier belongs to the buyer.
    const meta = await request(app).get(`/api/v1/documents/${first.headers['x-document-id']}`).set(auth(buyerA.generate)).expect(200);
    expect(meta.body.proprietaireId).to.equal(buyerA.id);
  });

  it('regenerates a stored document in another format from its stored input, and keeps it', async () => {
    const res = await request(app).post(`/api/v1/documents/${documentId}/regenerate?format=docx`).set(auth(admin)).buffer(true).parse(binary).expect(200);
    expect(res.headers['x-regenere']).to.equal('oui');
    expect(plain(docxText(res.body as Buffer))).to.contain('Communauté de communes Somme Santerre Est');
    const meta = await request(app).get(`/api/v1/documents/${documentId}`).set(auth(admin)).expect(200);
    expect(meta.body.fichiers.map((f: { format: string }) => f.format).sort()).to.deep.equal(['docx', 'pdf']);
    const again = await request(app).post(`/api/v1/documents/${documentId}/regenerate?format=docx`).set(auth(admin)).expect(200);
    expect(again.headers['x-regenere']).to.equal('non');
    expect(again.headers['x-content-sha256']).to.equal(res.headers['x-content-sha256']);
  });

  it('refuses to serve a stored file altered on disk, and logs the corruption', async () => {
    const meta = await request(app).get(`/api/v1/documents/${documentId}`).set(auth(admin)).expect(200);
    const hash = meta.body.fichiers.find((f: { format: string }) => f.format === 'pdf').sha256 as string;
    const path = join(dir, 'fichiers', hash.slice(0, 2), hash);
    const { readFileSync } = await import('node:fs');
    const original = readFileSync(path);
    writeFileSync(path, Buffer.concat([original, Buffer.from('%% altered')]));
    try {
      const res = await request(app).get(`/api/v1/documents/${documentId}/file?format=pdf`).set(auth(admin)).expect(500);
      expect(res.body.detail).not.to.contain(hash);
      expect(logged.some((m) => m.startsWith('CORRUPTION'))).to.equal(true);
    } finally {
      writeFileSync(path, original);
      logged.length = 0;
    }
  });

  it('records who did what in an audit log that a manage key reads as JSON or CSV', async () => {
    const res = await request(app).get('/api/v1/audit').set(auth(admin)).expect(200);
    const actions = new Set(res.body.map((e: { action: string }) => e.action));
    for (const a of ['cle.creee', 'cle.revoquee', 'dossier.cree', 'document.genere', 'document.telecharge', 'document.regenere']) expect(actions, a).to.include(a);
    const csv = await request(app).get('/api/v1/audit?format=csv').set(auth(admin)).expect(200);
    expect(csv.text.replace(/^\uFEFF/, '').split('\r\n')[0]).to.equal('date;action;cible;organisation;cle;details');
    // A buyer's manage key reads its own organisation's entries only.
    const b = await request(app).get('/api/v1/audit').set(auth(buyerB.key)).expect(200);
    expect(b.body.every((e: { organisationId: string }) => e.organisationId === buyerB.id)).to.equal(true);
  });

  it('exports a dossier and imports it as a new one', async () => {
    const exported = await request(app).get(`/api/v1/dossiers/${dossierId}/export`).set(auth(admin)).expect(200);
    expect(exported.body).to.include({ format: 'dossier-clauses-sociales', version: 1 });
    expect(exported.body.donnees.convention.reference).to.equal('CP-2026-014');
    expect(exported.body.donnees.avenant).to.be.an('object');
    expect(exported.body.documents.length).to.be.greaterThan(1);
    const imported = await request(app).post('/api/v1/dossiers/import').set(auth(admin)).send(exported.body).expect(201);
    expect(imported.body.id).not.to.equal(dossierId);
    expect(imported.body.donnees).to.deep.equal(exported.body.donnees);
    const bad = await request(app).post('/api/v1/dossiers/import').set(auth(admin)).send({ ...exported.body, format: 'autre' }).expect(400);
    expect(bad.body.errors[0].path).to.equal('format');
  });

  it('answers 405 with Allow for a wrong method, and lets Accept choose the format', async () => {
    const res = await request(app).delete(`/api/v1/documents/${documentId}`).set(auth(admin)).expect(405);
    // POST is the generation of a kind at the same depth of path.
    expect(res.headers.allow).to.equal('GET, HEAD, POST');
    const docx = await request(app).post('/api/v1/documents/convention').set(auth(admin)).set('Accept', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document').send(convention).expect(200);
    expect(docx.headers['content-type']).to.contain('wordprocessingml');
    const refused = await request(app).post('/api/v1/documents/convention').set(auth(admin)).set('Accept', 'image/png').send(convention).expect(406);
    expect(refused.body.errors[0].path).to.equal('Accept');
  });

  it('keeps everything across a restart', async () => {
    await store.close();
    store = await openStore('sqlite', { dataDir: dir });
    app = createApp(generator, { store, log: (m) => logged.push(m) });
    const file = await request(app).get(`/api/v1/documents/${documentId}/file?format=pdf`).set(auth(admin)).buffer(true).parse(binary).expect(200);
    expect((file.body as Buffer).subarray(0, 4).toString()).to.equal('%PDF');
    expect((await request(app).get(`/api/v1/dossiers/${dossierId}`).set(auth(buyerA.generate)).expect(200)).body.documents.length).to.be.greaterThan(1);
    // The first key is not created again.
    expect(await bootstrap(store, { organisation: 'x' })).to.deep.equal({});
  });
});

describe('web sign-in', () => {
  const generator = new Generator();
  let dir: string;
  let store: Store;
  let app: ReturnType<typeof createApp>;
  let key: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'web-'));
    store = await openStore('sqlite', { dataDir: dir });
    key = (await bootstrap(store, { organisation: 'Maison de l’emploi et de la formation de Haute-Somme' })).printedKey!;
    app = createApp(generator, { store });
  });
  after(async () => {
    await generator.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends a visitor to the sign-in page, signs in with a key, and protects the forms with a CSRF token', async () => {
    const home = await request(app).get('/').expect(303);
    expect(home.headers.location).to.equal('/connexion');
    const page = await request(app).get('/connexion').expect(200);
    expect(page.text).to.contain('<label for="cle">Clé d’accès</label>');
    const wrong = await request(app).post('/connexion').type('form').send({ cle: 'csk_wrong' }).expect(401);
    expect(wrong.text).to.contain('Clé d’accès inconnue ou révoquée');
    const signed = await request(app).post('/connexion').type('form').send({ cle: key }).expect(303);
    const cookie = String(signed.headers['set-cookie']);
    expect(cookie).to.match(/^session=[\w-]+; Max-Age=\d+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Strict$/);
    const session = cookie.split(';')[0]!;
    const index = await request(app).get('/').set('Cookie', session).expect(200);
    expect(index.text).to.contain('Maison de l’emploi et de la formation de Haute-Somme');
    const form = await request(app).get('/formulaires/non-reconduction?exemple=1').set('Cookie', session).expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
    const data = JSON.stringify(fixture('non-reconduction'));
    // Without the token (a form posted from another site), the generation is refused.
    const forged = await request(app).post('/formulaires/non-reconduction').set('Cookie', session).field('format', 'docx').attach('donnees', Buffer.from(data), 'd.json').expect(403);
    expect(forged.text).to.contain('Le formulaire a expiré');
    const ok = await request(app).post('/formulaires/non-reconduction').set('Cookie', session).field('_csrf', csrf).field('format', 'docx').attach('donnees', Buffer.from(data), 'd.json').expect(200);
    expect(ok.headers['content-type']).to.contain('wordprocessingml');
    // The form's final document is archived like the API's.
    const list = await request(app).get('/api/v1/documents?kind=non-reconduction').set('Authorization', `Bearer ${key}`).expect(200);
    expect(list.body.total).to.equal(1);
    // Signed out, the session no longer opens anything.
    await request(app).post('/deconnexion').set('Cookie', session).type('form').send({ _csrf: csrf }).expect(303);
    await request(app).get('/').set('Cookie', session).expect(303);
    await request(app).post('/formulaires/non-reconduction').set('Cookie', session).field('_csrf', csrf).attach('donnees', Buffer.from(data), 'd.json').expect(401);
  });
});

describe('batch jobs', () => {
  const generator = new Generator();
  let dir: string;
  let store: Store;
  let key: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jobs-'));
    store = await openStore('sqlite', { dataDir: dir });
    key = (await bootstrap(store, { organisation: 'MEF' })).printedKey!;
  });
  after(async () => {
    await generator.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('generates many documents in one job that survives a restart, with a ZIP and its manifest', async () => {
    const stopped = new JobRunner(store, generator);
    await stopped.stop();
    // A first process accepts the job and stops before running it.
    const first = createApp(generator, { store, jobs: stopped });
    const bad = { ...fixture('non-reconduction'), courrier: { ...(fixture('non-reconduction').courrier as object), date: '2027-08-29' } };
    const submitted = await request(first)
      .post('/api/v1/jobs')
      .set('Authorization', `Bearer ${key}`)
      .send({ type: 'documents', documents: [{ kind: 'convention', donnees: fixture('convention'), format: 'docx', nom: 'Convention CC' }, { kind: 'non-reconduction', donnees: bad, format: 'docx' }, { kind: 'avenant', donnees: fixture('avenant'), format: 'pdf' }] })
      .expect(202);
    const url = String(submitted.headers.location);
    expect((await request(first).get(url).set('Authorization', `Bearer ${key}`).expect(200)).body).to.include({ statut: 'en-attente', total: 3, faits: 0 });
    await request(first).get(`${url}/result`).set('Authorization', `Bearer ${key}`).expect(409);
    // The next process finds it waiting and runs it.
    await store.close();
    store = await openStore('sqlite', { dataDir: dir });
    const runner = new JobRunner(store, generator);
    const second = createApp(generator, { store, jobs: runner });
    runner.kick();
    await runner.idle();
    const done = await request(second).get(url).set('Authorization', `Bearer ${key}`).expect(200);
    expect(done.body).to.include({ statut: 'termine', total: 3, faits: 3, erreurs: 1 });
    const zip = await request(second).get(`${url}/result`).set('Authorization', `Bearer ${key}`).buffer(true).parse(binary).expect(200);
    const archive = new PizZip(zip.body as Buffer);
    const manifest = JSON.parse(archive.file('manifeste.json')!.asText());
    expect(manifest.fichiers.map((f: { nom: string }) => f.nom)).to.deep.equal(['convention-cc.docx', '0002-non-reconduction.docx', '0003-avenant.pdf']);
    expect(manifest.fichiers[1].erreur.erreurs[0].path).to.equal('courrier.date');
    expect(archive.file('0002-non-reconduction.docx')).to.equal(null);
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(archive.file('0003-avenant.pdf')!.asNodeBuffer()).digest('hex')).to.equal(manifest.fichiers[2].sha256);
    // Another organisation does not see the job.
    const other = await store.createOrganisation({ nom: 'Autre', type: 'acheteur' });
    const otherKey = (await store.createKey({ organisationId: other.id, nom: 'o', scopes: ['read', 'generate'] })).secret;
    await request(second).get(url).set('Authorization', `Bearer ${otherKey}`).expect(404);
    await request(second).get(`${url}/result`).set('Authorization', `Bearer ${otherKey}`).expect(404);
  });

  it('makes the bilan of every market of a year in one job', async () => {
    const runner = new JobRunner(store, generator);
    const app = createApp(generator, { store, jobs: runner });
    const bilan = fixture('bilan-marche');
    delete bilan.marche;
    delete bilan.planAction;
    const res = await request(app).post('/api/v1/jobs').set('Authorization', `Bearer ${key}`).send({ type: 'bilans-marches', annee: 2027, format: 'docx', bilan }).expect(202);
    await runner.idle();
    const job = await request(app).get(String(res.headers.location)).set('Authorization', `Bearer ${key}`).expect(200);
    const markets = (bilan.donnees as { marches: { reference: string }[] }).marches.length;
    expect(job.body).to.include({ statut: 'termine', total: markets, faits: markets, erreurs: 0 });
    const refused = await request(app).post('/api/v1/jobs').set('Authorization', `Bearer ${key}`).send({ type: 'bilans-marches', annee: 2040, bilan }).expect(400);
    expect(refused.body.errors[0].path).to.equal('annee');
  });
});
