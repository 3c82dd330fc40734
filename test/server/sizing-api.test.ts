import { expect } from 'chai';
import request from 'supertest';
import { Generator } from '../../src/generator.js';
import { createApp } from '../../src/server/app.js';
import { fixture } from '../support/documents.js';

describe('HTTP API: insertion goals', () => {
  const generator = new Generator();
  const app = createApp(generator, { log: () => expect.fail('no 500 expected') });
  after(() => generator.close());

  it('sizes a market from JSON', async () => {
    const res = await request(app).post('/api/v1/insertion-goals').send(fixture('dimensionnement')).expect(200);
    expect(res.headers['content-type']).to.equal('application/json; charset=utf-8');
    expect(res.body.total.heures).to.equal(2650);
    expect(res.body.lots[0].trace.length).to.be.greaterThan(5);
    expect(res.body.lots[3].sansClause.motif).to.contain('inférieur au seuil');
  });

  it('answers problem+json with every error', async () => {
    const res = await request(app)
      .post('/api/v1/insertion-goals')
      .send({ nature: 'travaux', lots: [{ numero: 1, intitule: 'A', famille: 'inconnue', montantHT: 0, dureeMois: 12 }] })
      .expect(400);
    expect(res.headers['content-type']).to.equal('application/problem+json; charset=utf-8');
    expect(res.body.errors.map((e: { path: string }) => e.path)).to.deep.equal(['lots.0.famille', 'lots.0.montantHT']);
    await request(app).post('/api/v1/insertion-goals').set('Content-Type', 'text/csv').send('a,b').expect(415);
  });

  it('publishes the catalogue of families with their values and sources', async () => {
    const res = await request(app).get('/api/v1/insertion-goals/catalog?date=2026-11-25').expect(200);
    const ids = res.body.familles.map((f: { id: string }) => f.id);
    for (const id of ['gros-oeuvre', 'second-oeuvre', 'lots-techniques', 'charpente-couverture-menuiserie', 'vrd', 'demolition', 'batiment-tous-corps', 'nettoyage', 'espaces-verts', 'dechets', 'restauration', 'gardiennage-accueil', 'maintenance', 'prestations-intellectuelles', 'fournitures', 'blanchisserie']) {
      expect(ids).to.include(id);
    }
    const batiment = res.body.familles.find((f: { id: string }) => f.id === 'batiment-tous-corps');
    expect(batiment.partMainOeuvre).to.deep.include({ valeur: 0.5, statut: 'source', source: 'mefsud77' });
    expect(batiment.partMainOeuvre.sourceDetail.url).to.equal('http://www.mefsud77.fr/?page_id=28');
    const bad = await request(app).get('/api/v1/insertion-goals/catalog?date=hier').expect(400);
    expect(bad.body.errors[0].path).to.equal('date');
  });
});
