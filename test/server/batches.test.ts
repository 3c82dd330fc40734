/**
 * Batches beyond a list of documents: a mail merge (a convention per buyer of a CSV, errors by line)
 * and an annual bilan of 50 000 follow-up rows, each through a persisted job.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import PizZip from 'pizzip';
import request from 'supertest';
import { Generator } from '../../src/generator.js';
import { JobRunner } from '../../src/jobs/index.js';
import { createApp } from '../../src/server/app.js';
import { bootstrap } from '../../src/store/bootstrap.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { docxText, fixture } from '../support/documents.js';
import { binary } from '../support/http.js';


const plain = (s: string) => s.replace(/[\u00A0\u202F]/g, ' ');

describe('batches: mail merge and large bilans', function () {
  this.timeout(120_000);
  const generator = new Generator();
  let dir: string;
  let store: Store;
  let runner: JobRunner;
  let app: ReturnType<typeof createApp>;
  let auth: { Authorization: string };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'batches-'));
    store = await openStore('sqlite', { dataDir: dir });
    auth = { Authorization: `Bearer ${(await bootstrap(store, { organisation: 'Maison de l’emploi et de la formation de Haute-Somme' })).printedKey!}` };
    runner = new JobRunner(store, generator);
    app = createApp(generator, { store, jobs: runner });
  });

  after(async () => {
    await runner.stop();
    await generator.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function result(location: string): Promise<{ job: Record<string, unknown>; zip: PizZip; manifest: { fichiers: { nom: string; sha256?: string; erreur?: { erreurs: { path: string; message: string }[] } }[] } }> {
    await runner.idle();
    const job = (await request(app).get(location).set(auth).expect(200)).body as Record<string, unknown>;
    const res = await request(app).get(`${location}/result`).set(auth).buffer(true).parse(binary).expect(200);
    const zip = new PizZip(res.body as Buffer);
    return { job, zip, manifest: JSON.parse(zip.file('manifeste.json')!.asText()) };
  }

  it('makes a convention per buyer of a CSV, the common data under each line, errors by line', async () => {
    // What every town shares; each line brings its own name, SIRET, address and mayor.
    const commun = {
      ...fixture('convention'),
      donneurOrdre: {
        formeJuridique: 'commune',
        presentation: 'La commune conduit chaque année des travaux de voirie et d’entretien de ses bâtiments.',
        habilitation: 'la délibération du conseil municipal du 18 septembre 2026',
        representant: { qualite: 'Maire' },
      },
    };
    const header = 'fichier;reference;donneurOrdre.nom;donneurOrdre.siret;donneurOrdre.adresse.ligne1;donneurOrdre.adresse.codePostal;donneurOrdre.adresse.commune;donneurOrdre.representant.civilite;donneurOrdre.representant.prenom;donneurOrdre.representant.nom';
    const csv = [
      header,
      'Roye;CP-2026-021;Ville de Roye;21800620000016;Hôtel de ville, place de la République;80700;Roye;Mme;Claire;Durand',
      'Ham;CP-2026-022;Ville de Ham;21800621000015;Hôtel de ville, rue du Général-Leclerc;80400;Ham;M.;Paul;Martin',
      'Nesle;CP-2026-023;Ville de Nesle;12345678901234;1 place de l’Église;80190;Nesle;M.;Jean;Petit',
    ].join('\r\n');
    const submitted = await request(app)
      .post('/api/v1/jobs')
      .set(auth)
      .field('donnees', JSON.stringify({ type: 'publipostage', kind: 'convention', format: 'docx', commun }))
      .attach('lignes', Buffer.from(`\uFEFF${csv}`), { filename: 'acheteurs.csv', contentType: 'text/csv' })
      .expect(202);
    expect(submitted.body).to.include({ type: 'publipostage', total: 3 });
    const { job, zip, manifest } = await result(String(submitted.headers.location));
    expect(job).to.include({ statut: 'termine', faits: 3, erreurs: 1 });
    expect(manifest.fichiers.map((f) => f.nom)).to.deep.equal(['ligne-0002-roye.docx', 'ligne-0003-ham.docx', 'ligne-0004-nesle.docx']);
    const roye = plain(await docxText(zip.file('ligne-0002-roye.docx')!.asNodeBuffer()));
    expect(roye).to.contain('Ville de Roye').and.to.contain('Mme Claire DURAND').and.to.contain('SIRET 218 006 200 00016');
    // The common data stays under each line: the facilitator of the model convention.
    expect(roye).to.contain('Maison de l’emploi et de la formation de Haute-Somme');
    expect(roye).not.to.contain('Communauté de communes Somme Santerre Est');
    expect(plain(await docxText(zip.file('ligne-0003-ham.docx')!.asNodeBuffer()))).to.contain('Ville de Ham').and.to.contain('M. Paul MARTIN');
    expect(zip.file('ligne-0004-nesle.docx')).to.equal(null);
    expect(manifest.fichiers[2]!.erreur!.erreurs.map((e) => e.path)).to.deep.equal(['donneurOrdre.siret']);
  });

  it('refuses a CSV whose header is not made of field names, naming the line and the column', async () => {
    const res = await request(app)
      .post('/api/v1/jobs')
      .set(auth)
      .field('donnees', JSON.stringify({ type: 'publipostage', kind: 'convention', commun: {} }))
      .attach('lignes', Buffer.from('donneurOrdre.nom;Nom du maire\nVille de Roye;Durand'), { filename: 'acheteurs.csv', contentType: 'text/csv' })
      .expect(400);
    expect(res.body.errors).to.deep.equal([
      { path: 'lignes', type: 'csv.header', message: 'Le fichier « acheteurs.csv », ligne 1, colonne B : « Nom du maire » n’est pas un nom de champ (par exemple donneurOrdre.nom).' },
    ]);
  });

  it('makes the annual bilan of 50 000 follow-up rows through a job, as the same request would', async () => {
    const bilan = fixture('bilan-annuel');
    const donnees = bilan.donnees as { suivi: Record<string, unknown>[] };
    const base = donnees.suivi;
    donnees.suivi = Array.from({ length: 50_000 }, (_, i) => ({ ...base[i % base.length], personne: `P${String(i % 4000).padStart(5, '0')}` }));
    const submitted = await request(app)
      .post('/api/v1/jobs')
      .set(auth)
      .send({ type: 'documents', documents: [{ kind: 'bilan-annuel', donnees: bilan, format: 'docx', nom: 'bilan-2027' }] })
      .expect(202);
    const { job, zip, manifest } = await result(String(submitted.headers.location));
    expect(job).to.include({ statut: 'termine', faits: 1, erreurs: 0 });
    const bytes = zip.file('bilan-2027.docx')!.asNodeBuffer();
    const text = plain(await docxText(bytes));
    expect(text).to.match(/Personnes ayant travaillé sur ces marchés \(comptées une fois\)\n4 000\n/);
    // Byte for byte what a single request makes at the job's date.
    const direct = await generator.generate('bilan-annuel', bilan, { format: 'docx', mode: 'final', now: new Date(String(job.creeLe)) });
    expect(createHash('sha256').update(bytes).digest('hex')).to.equal(direct.sha256).and.to.equal(manifest.fichiers[0]!.sha256);
  });
});
