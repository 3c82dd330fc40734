/** Defects found in review, each kept fixed by a test. */
import { InvalidInputError } from '../../src/core/errors.js';
import { expect } from 'chai';
import request from 'supertest';
import { readFollowUpFiles } from '../../src/bilans/tabular.js';
import { withDe } from '../../src/core/french.js';
import { salutation } from '../../src/kinds/_shared/parties.js';
import { Generator } from '../../src/generator.js';
import { createApp } from '../../src/server/app.js';
import { documentText, fixture, withValue } from '../support/documents.js';

describe('review regressions', () => {
  const generator = new Generator();
  const app = createApp(generator, { log: () => expect.fail('no 500 expected') });
  after(() => generator.close());

  it('answers 404 to a multipart form for an unknown kind, and keeps serving', async () => {
    await request(app).post('/formulaires/inconnu').field('a', 'b').expect(404);
    await request(app).get('/health').expect(200);
  });

  it('refuses a reference date before the sizing data with 400', async () => {
    const res = await request(app)
      .post('/api/v1/insertion-goals')
      .send({ nature: 'travaux', dateReference: '2025-06-01', lots: [{ numero: 1, intitule: 'A', famille: 'vrd', montantHT: 100000, dureeMois: 6 }] })
      .expect(400);
    expect(res.body.errors[0]).to.include({ path: 'dateReference', type: 'date.referentiel' });
  });

  it('drafts an avis motivé whose lot has neither family nor CPV', async () => {
    const data = withValue(fixture('avis-motive'), 'projet.lots', [{ numero: '1', intitule: 'Lot', montantHT: 100000, dureeMois: 12 }]);
    const doc = await generator.generate('avis-motive', data, { format: 'docx', mode: 'draft' });
    expect(doc.bytes.length).to.be.greaterThan(1000);
  });

  it('drops control characters pasted into a text', async () => {
    const t = await documentText(generator, 'convention', withValue(fixture('convention'), 'signature.lieu', 'Pé\u000Bronne'));
    expect(t).to.contain('Fait à Pé ronne');
  });

  it('reads a ";" CSV with decimal commas and commas in names', async () => {
    const marches = 'reference;acheteur;titulaire;lot;objectif_heures;date_debut;date_fin\nM1;Ville de Péronne, DST;Entreprise;;100;2027-01-01;2027-12-31\n';
    const suivi = 'marche;personne;mois;heures;modalite;contrat;categorie;sexe;tranche_age\nM1;A1;2027-02;12,5;embauche-directe;cdd;deld;F;26-49\n';
    const file = (field: string, text: string) => ({ field, name: `${field}.csv`, mediaType: 'text/csv', bytes: Buffer.from(text) });
    const data = await readFollowUpFiles([file('marches', marches), file('suivi', suivi)]);
    expect(data.marches[0]!.acheteur).to.equal('Ville de Péronne, DST');
    expect(data.suivi[0]!.heures).to.equal(12.5);
  });

  it('checks the default notice against a short duration', async () => {
    const res = await request(app).post('/api/v1/echeances').send({ dateSignature: '2026-12-01', dureeInitialeMois: 2 }).expect(400);
    expect(res.body.errors[0].type).to.equal('preavis.duree');
  });

  it('writes French elisions and greetings right', () => {
    expect(withDe('huit mois')).to.equal('de huit mois');
    expect(withDe('onze mois')).to.equal('de onze mois');
    expect(withDe('un an')).to.equal('d’un an');
    expect(salutation({ civilite: 'M.', prenom: 'A', nom: 'B', qualite: 'Adjoint au maire' })).to.equal('Monsieur l’Adjoint au maire');
    expect(salutation({ civilite: 'Mme', prenom: 'A', nom: 'B', qualite: 'Présidente' })).to.equal('Madame la Présidente');
  });

  it('refuses a catalog date that does not exist', async () => {
    await request(app).get('/api/v1/insertion-goals/catalog?date=2026-02-30').expect(400);
  });
});

describe('review regressions: bilans', () => {
  const generator = new Generator();
  after(() => generator.close());

  it('refuses JSON follow-up rows whose market is not listed', async () => {
    const bilan = fixture('bilan-marche');
    const donnees = bilan.donnees as { suivi: Record<string, unknown>[] };
    const data = withValue(bilan, 'donnees.suivi', [...donnees.suivi, { ...donnees.suivi[0], marche: 'M-INCONNU' }]);
    const error = (await generator.generate('bilan-marche', data, { format: 'docx' }).catch((e: unknown) => e)) as InvalidInputError;
    expect(error).to.be.instanceOf(InvalidInputError);
    expect(error.errors[0]).to.include({ path: 'donnees', type: 'marche.inconnu' });
  });

  it('judges the markets of an annual bilan made during the year at its own month', async () => {
    const t = await documentText(generator, 'bilan-annuel', withValue(fixture('bilan-annuel'), 'dateBilan', '2027-08-15'));
    expect(t).to.contain('2027-TRV-004-L2');
    expect(t).not.to.contain('Terminé, objectif non atteint');
  });

  it('names draft files without markers', async () => {
    const doc = await generator.generate('avenant', {}, { format: 'docx', mode: 'draft' });
    expect(doc.fileName).not.to.match(/[[\]: ]/);
  });
});

describe('review regressions: agreements', () => {
  const generator = new Generator();
  after(() => generator.close());

  it('agrees the referral with a masculine structure and a single hour with the singular', async () => {
    const avis = await documentText(generator, 'avis-motive', withValue(withValue(fixture('avis-motive'), 'structurePorteuse.nom', 'PLIE du Santerre'), 'structurePorteuse.genre', 'masculin'));
    expect(avis).to.contain('PLIE du Santerre a été saisi le 11 janvier 2027');
    const letter = await documentText(generator, 'mise-en-demeure-titulaire', withValue(fixture('mise-en-demeure-titulaire'), 'heures.realisees', 1539));
    expect(letter).to.contain('1 539 heures ont été réalisées, soit 99,9 % de l’objectif : 1 heure reste à réaliser.');
  });
});
