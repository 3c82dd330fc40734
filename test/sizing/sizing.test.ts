import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '../../src/core/errors.js';
import { catalogue, dimensionner } from '../../src/sizing/index.js';
import { DEFAULT_DATA_DIR, loadReference } from '../../src/sizing/reference.js';
import { fixture } from '../support/documents.js';

const today = new Date('2026-11-25');
const NB = /[\u00A0\u202F]/g;

type Lot = Record<string, unknown>;
function size(lots: Lot[], extra: Record<string, unknown> = {}, nature = 'travaux') {
  return dimensionner({ nature, lots, ...extra }, { today });
}
const lot = (over: Lot = {}): Lot => ({ numero: '1', intitule: 'Lot', famille: 'batiment-tous-corps', montantHT: 1_000_000, dureeMois: 12, ...over });

function refused(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error('expected a refusal');
}

describe('insertion-goal sizing', () => {
  it('reproduces the worked example: 1 000 000 € of building, 50 %, 5 %, 30 €/h → 833 h before rounding', () => {
    const r = size([lot()]).lots[0]!;
    expect(r.heuresNonArrondies).to.equal(833.33);
    expect(r.heures).to.equal(835);
    expect(r.heuresParMilleEuros).to.equal(0.83);
    expect(r.parametres).to.deep.include({ partMainOeuvre: 0.5, tauxInsertion: 0.05, coutHoraire: 30 });
    const trace = r.trace.map((s) => `${s.etape} : ${s.calcul ? `${s.calcul} = ` : ''}${s.valeur}`.replace(NB, ' '));
    expect(trace).to.include('Heures de travail estimées : 1 000 000,00 € × 50 % ÷ 30 €/h = 16 666,67 h');
    expect(trace).to.include('Heures d’insertion avant arrondi : 16 666,67 h × 5 % = 833,33 h');
    expect(trace).to.include('Heures d’insertion arrondies : au multiple de 5 h le plus proche = 835 h');
    const share = r.trace.find((s) => s.etape === 'Part de main-d’œuvre')!;
    expect(share.statut).to.equal('source');
    expect(share.source).to.contain('http://www.mefsud77.fr/?page_id=28');
  });

  it('gives each family its default figures for 1 M€ over a year', () => {
    const expected: Record<string, number | null> = {
      'gros-oeuvre': 833.33,
      'second-oeuvre': 1083.33,
      'lots-techniques': 333.33,
      'charpente-couverture-menuiserie': 583.33,
      vrd: 500,
      demolition: 833.33,
      'batiment-tous-corps': 833.33,
      nettoyage: 1416.67,
      'espaces-verts': 1516.67,
      dechets: 916.67,
      restauration: 666.67,
      'gardiennage-accueil': 1416.67,
      maintenance: 600,
      'prestations-intellectuelles': 433.33,
      blanchisserie: 1000,
      'services-divers': 500,
      fournitures: null,
    };
    const families = catalogue(today).familles;
    expect(families.map((f) => f.id)).to.have.members(Object.keys(expected));
    for (const f of families) {
      const r = size([lot({ famille: f.id })], {}, f.nature).lots[0]!;
      expect(r.heuresNonArrondies, f.id).to.equal(expected[f.id]);
      if (r.clause) {
        // Every default lands inside the band seen in published tenders.
        expect(r.heuresParMilleEuros!, f.id).to.be.within(0.2, 2.5);
        expect(r.avertissements.filter((w) => w.startsWith('Ratio')), f.id).to.deep.equal([]);
      }
    }
  });

  it('applies a lot’s own parameters and says so in the trace', () => {
    const r = size([lot({ parametres: { partMainOeuvre: 0.7, tauxInsertion: 0.1, coutHoraire: 35 } })]).lots[0]!;
    expect(r.heuresNonArrondies).to.equal(2000);
    expect(r.trace.filter((s) => s.source === 'valeur propre au lot').map((s) => s.etape)).to.deep.equal([
      'Part de main-d’œuvre',
      'Coût horaire moyen chargé',
      'Taux d’insertion',
    ]);
  });

  it('rounds to the nearest multiple of 5 hours, halves up', () => {
    expect(size([lot({ montantHT: 998_880 })]).lots[0]!.heures).to.equal(830); // 832.4 h
    expect(size([lot({ montantHT: 1_005_000 })]).lots[0]!.heures).to.equal(840); // 837.5 h
  });

  it('proposes no clause under the amount, duration and hours thresholds, with the reason and other levers', () => {
    const small = size([lot({ famille: 'nettoyage', montantHT: 39_999 })], {}, 'services').lots[0]!;
    expect(small.clause).to.equal(false);
    expect(small.heures).to.equal(null);
    expect(small.sansClause!.motif.replace(NB, ' ')).to.equal('Montant (39 999,00 € HT) inférieur au seuil de 40 000,00 € HT retenu pour une clause d’insertion.');
    expect(small.sansClause!.autresLeviers).to.include('Lot réservé aux structures d’insertion par l’activité économique (SIAE) (L. 2113-13 et R. 2113-7 du code de la commande publique)');
    expect(small.leviers.find((l) => l.code === 'lot-reserve-siae')!.recommande).to.equal(true);
    expect(small.penalite).to.equal(null);

    const short = size([lot({ dureeMois: 1.5 })]).lots[0]!;
    expect(short.clause).to.equal(false);
    expect(short.sansClause!.motif.replace(NB, ' ')).to.equal('Durée (1,5 mois) inférieure à la durée minimale de 2 mois pour intégrer une personne.');

    const few = size([lot({ famille: 'lots-techniques', montantHT: 60_000 })]).lots[0]!;
    expect(few.clause).to.equal(false);
    expect(few.sansClause!.motif.replace(NB, ' ')).to.equal('Volume calculé (20 h) inférieur au minimum de 35 h : la clause serait inopérante.');

    const atThreshold = size([lot({ montantHT: 40_000 })]).lots[0]!;
    expect(atThreshold).to.deep.include({ clause: true, heures: 35, heuresNonArrondies: 33.33 });
  });

  it('raises the rate to the QPV/ANRU floor for works and to 10 % for gestion urbaine de proximité', () => {
    const anru = size([lot({ famille: 'lots-techniques' })], { territoire: { anru: true } }).lots[0]!;
    expect(anru.parametres).to.deep.include({ tauxFamille: 0.04, tauxInsertion: 0.05, plancher: 0.05 });
    expect(anru.heuresNonArrondies).to.equal(416.67);
    expect(anru.publicsPrioritaires).to.deep.equal(['habitants des quartiers prioritaires de la politique de la ville (QPV)']);

    const gup = size([lot({ famille: 'espaces-verts' })], { territoire: { gestionUrbaineProximite: true } }, 'services').lots[0]!;
    expect(gup.parametres.tauxInsertion).to.equal(0.1);
    expect(gup.heuresNonArrondies).to.equal(2166.67);

    // A QPV does not raise services other than engineering.
    const qpvServices = size([lot({ famille: 'restauration' })], { territoire: { qpv: true } }, 'services').lots[0]!;
    expect(qpvServices.parametres.tauxInsertion).to.equal(0.05);
    expect(qpvServices.parametres.plancher).to.equal(null);
  });

  it('adjusts the rate by the territory profile, under the floors', () => {
    const rural = size([lot()], { territoire: { profil: 'rural-faible-offre-insertion' } }).lots[0]!;
    expect(rural.parametres.tauxInsertion).to.be.closeTo(0.04, 1e-9);
    expect(rural.heuresNonArrondies).to.equal(666.67);
    const ruralQpv = size([lot()], { territoire: { profil: 'rural-faible-offre-insertion', qpv: true } }).lots[0]!;
    expect(ruralQpv.parametres.tauxInsertion).to.equal(0.05);
  });

  it('sizes framework agreements per tranche of 50 000 € HT ordered', () => {
    const r = size([lot({ famille: 'vrd', montantHT: 800_000, dureeMois: 36, formeMarche: 'accord-cadre' })]).lots[0]!;
    expect(r.heures).to.equal(400);
    expect(r.heuresParTranche).to.deep.include({ trancheHT: 50_000, heures: 25 });
    expect(r.heuresParTranche!.texte.replace(NB, ' ')).to.equal('25 heures d’insertion par tranche de 50 000,00 € HT commandés');
  });

  it('maps CPV codes to families by their longest prefix, with a fallback per nature', () => {
    const family = (cpv: string, nature = 'travaux') => size([lot({ famille: undefined, cpv })], {}, nature).lots[0]!.famille;
    expect(family('45210000-2')).to.deep.equal({ id: 'batiment-tous-corps', libelle: 'Bâtiment tous corps d’état', deduiteDe: 'cpv', cpv: '45210000-2' });
    expect(family('45442100-8').id).to.equal('second-oeuvre');
    expect(family('45261000-4').id).to.equal('charpente-couverture-menuiserie');
    expect(family('45262400-5').id).to.equal('lots-techniques');
    expect(family('45233140-2').id).to.equal('vrd');
    expect(family('45111000-8').id).to.equal('demolition');
    expect(family('90911200-8', 'services').id).to.equal('nettoyage');
    expect(family('90511000-2', 'services').id).to.equal('dechets');
    expect(family('77310000-6', 'services').id).to.equal('espaces-verts');
    expect(family('79710000-4', 'services').id).to.equal('gardiennage-accueil');
    expect(family('55523100-3', 'services').id).to.equal('restauration');
    expect(family('50700000-2', 'services').id).to.equal('maintenance');
    expect(family('71000000-8', 'services').id).to.equal('prestations-intellectuelles');
    expect(family('98311000-6', 'services').id).to.equal('blanchisserie');
    expect(family('30192000-1', 'fournitures').id).to.equal('fournitures');
    const unmapped = size([lot({ famille: undefined, cpv: '60100000-9' })], {}, 'services').lots[0]!;
    expect(unmapped.famille).to.deep.include({ id: 'services-divers', deduiteDe: 'nature' });
    expect(unmapped.avertissements[0]).to.contain('n’a pas de famille dans le catalogue');
    const mismatch = size([lot({ famille: undefined, cpv: '45210000-2' })], {}, 'services').lots[0]!;
    expect(mismatch.avertissements[0]).to.contain('relève de la nature « travaux »');
  });

  it('flags markets outside the facilitator’s territory or across departments for the regional coordinator', () => {
    const local = size([lot()], { territoire: { communesInsee: ['80620'], structure: { departements: ['80'] } } });
    expect(local.territoire).to.deep.include({ horsTerritoire: false, multiTerritoire: false, coordinateurRegional: false, departementsExecution: ['80'] });
    const outside = size([lot()], { territoire: { communesInsee: ['60057'], structure: { departements: ['80'] } } });
    expect(outside.territoire).to.deep.include({ horsTerritoire: true, coordinateurRegional: true });
    expect(outside.territoire.motif).to.contain('hors du territoire de la structure porteuse (60057)');
    const spread = size([lot()], { territoire: { communesInsee: ['80620', '02691'], departements: ['2A'], structure: { departements: ['80', '02', '2A'] } } });
    expect(spread.territoire).to.deep.include({ horsTerritoire: false, multiTerritoire: true, coordinateurRegional: true, departementsExecution: ['02', '2A', '80'] });
    expect(spread.avertissements[0]).to.contain('coordinateur régional');
  });

  it('recommends the legal levers per lot', () => {
    const works = size([lot({ montantHT: 500_000 })]).lots[0]!;
    expect(works.leviers.map((l) => [l.code, l.article, l.recommande])).to.deep.equal([
      ['condition-execution', 'L. 2112-2 du code de la commande publique', true],
      ['critere-attribution', 'L. 2152-7 et R. 2152-7 du code de la commande publique', false],
    ]);
    const big = size([lot({ montantHT: 2_000_000 })]).lots[0]!;
    expect(big.leviers.find((l) => l.code === 'critere-attribution')!.recommande).to.equal(true);
    const cleaning = size([lot({ famille: 'nettoyage' })], {}, 'services').lots[0]!;
    expect(cleaning.leviers.map((l) => l.code)).to.deep.equal(['condition-execution', 'critere-attribution', 'lot-reserve-siae', 'lot-reserve-ea-esat', 'marche-insertion']);
    expect(cleaning.avertissements).to.include('Propreté : l’effort d’insertion se calcule sur le personnel nouvellement affecté au marché, hors personnel repris au titre de la convention collective (Inserpropre).');
    const supplies = size([lot({ famille: 'fournitures' })], {}, 'fournitures').lots[0]!;
    expect(supplies.clause).to.equal(false);
    expect(supplies.leviers.map((l) => [l.code, l.recommande])).to.deep.equal([
      ['critere-attribution', true],
      ['lot-reserve-siae', true],
      ['lot-reserve-ea-esat', false],
    ]);
  });

  it('says when the execution condition is mandatory (Climat et résilience, EU thresholds)', () => {
    const big = [lot({ montantHT: 3_000_000 }), lot({ numero: '2', montantHT: 2_500_000 }), lot({ numero: '3', montantHT: 30_000 })];
    const after = size(big, { dateLancement: '2026-09-01' });
    expect(after.obligation).to.deep.include({ obligatoire: true, seuilHT: 5_404_000 });
    expect(after.lots[0]!.leviers[0]).to.deep.include({ code: 'condition-execution', obligatoire: true });
    expect(after.lots[2]!.avertissements).to.include('Le marché atteint le seuil européen : l’absence de condition d’exécution sociale sur ce lot doit être motivée.');
    const before = size(big, { dateLancement: '2026-08-21', dateReference: '2026-08-21' });
    expect(before.obligation.obligatoire).to.equal(false);
    expect(before.obligation.motif).to.contain('avant le 22/08/2026');
    expect(size(big, { dateLancement: '2026-09-01', defenseOuSecurite: true }).obligation.obligatoire).to.equal(false);
    // 2025 threshold for works was 5 538 000 €: 5 500 000 € launched in 2025 is under it.
    expect(size(big, { dateLancement: '2025-06-01' }).obligation.seuilHT).to.equal(5_538_000);
    const services = size([lot({ famille: 'nettoyage', montantHT: 216_000 })], { dateLancement: '2027-02-01' }, 'services');
    expect(services.obligation).to.deep.include({ obligatoire: true, seuilHT: 216_000 });
    const state = size([lot({ famille: 'nettoyage', montantHT: 150_000 })], { dateLancement: '2027-02-01', typeAcheteur: 'etat' }, 'services');
    expect(state.obligation).to.deep.include({ obligatoire: true, seuilHT: 140_000 });
  });

  it('recommends a penalty per missing hour and states the catch-up rules', () => {
    const r = size([lot()]).lots[0]!;
    expect(r.penalite!.parHeure).to.equal(35);
    expect(r.penalite!.source).to.contain('rennesbusinessmag.fr');
    expect(r.penalite!.regles).to.include('Avant toute pénalité, le titulaire est informé du montant envisagé et invité à présenter ses observations dans un délai de quinze jours.');
  });

  it('warns about ratios outside the observed band, very short durations and too many people at once', () => {
    const odd = size([lot({ parametres: { partMainOeuvre: 0.9, tauxInsertion: 0.2 } })]).lots[0]!;
    expect(odd.avertissements.some((w) => w.startsWith('Ratio de 6'))).to.equal(true);
    const short = size([lot({ dureeMois: 2.5 })]).lots[0]!;
    expect(short.avertissements.some((w) => w.startsWith('Durée très courte'))).to.equal(true);
    const crowded = size([lot({ montantHT: 10_000_000, dureeMois: 4 })]).lots[0]!;
    expect(crowded.avertissements.some((w) => w.includes('équivalents temps plein'))).to.equal(true);
  });

  it('totals the lots with a clause', () => {
    const r = dimensionner(fixture('dimensionnement'), { today });
    expect(r.lots.map((l) => [l.numero, l.heures])).to.deep.equal([
      ['1', 1540],
      ['2', 455],
      ['3', 255],
      ['4', null],
      ['5', 400],
    ]);
    expect(r.total).to.deep.equal({ montantHT: 3_708_000, heures: 2650, heuresNonArrondies: 2650.84, heuresParMilleEuros: 0.71, lotsAvecClause: 4, lotsSansClause: 1 });
    expect(r.referentiel).to.deep.equal({ version: '2026-11-25/2026-11-25', dateReference: '2026-11-25' });
  });

  it('refuses every kind of bad input at once, with paths and French messages', () => {
    const e = refused(() =>
      dimensionner(
        {
          nature: 'batiment',
          lots: [
            { numero: '1', intitule: 'A', famille: 'plomberie', montantHT: -5, dureeMois: 12 },
            { numero: '2', intitule: 'B', cpv: '4521', montantHT: 1e12, dureeMois: 0 },
            { numero: '3', intitule: 'C', montantHT: 100000, dureeMois: 500 },
            { numero: '3', intitule: 'D', cpv: '99000000', montantHT: 100000, dureeMois: 12 },
          ],
          territoire: { profil: 'montagne', communesInsee: ['8062'] },
        },
        { today },
      ),
    );
    const byPath = Object.fromEntries(e.errors.map((x) => [x.path, x.message]));
    expect(byPath['nature']).to.equal('« Nature du marché » doit valoir l’une des valeurs suivantes : travaux, services, fournitures.');
    expect(byPath['lots.0.famille']).to.match(/^« Famille de marché » doit valoir l’une des valeurs suivantes : gros-oeuvre, second-oeuvre, /);
    expect(byPath['lots.0.montantHT']).to.equal('« Montant HT (€) » doit être supérieur à 0.');
    expect(byPath['lots.1.cpv']).to.equal('« Code CPV » n’a pas le format attendu : un code CPV à huit chiffres, par exemple 45210000-2.');
    expect(byPath['lots.1.montantHT']).to.equal('« Montant HT (€) » doit être inférieur ou égal à 10000000000.');
    expect(byPath['lots.1.dureeMois']).to.equal('« Durée (mois) » doit être supérieur à 0.');
    expect(byPath['lots.2']).to.equal('« Lot » : indiquez au moins l’un des champs suivants : famille, cpv.');
    expect(byPath['lots.2.dureeMois']).to.equal('« Durée (mois) » doit être inférieur ou égal à 240.');
    expect(byPath['lots.3']).to.equal('« Lots » contient un doublon : même « numero » qu’un élément précédent.');
    expect(byPath['lots.3.cpv']).to.equal('« Code CPV » : la division 99 n’existe pas dans la nomenclature CPV.');
    expect(byPath['territoire.profil']).to.equal(
      '« Profil du territoire » doit valoir l’une des valeurs suivantes : standard, rural-faible-offre-insertion, forte-tension-emploi.',
    );
    expect(byPath['territoire.communesInsee.0']).to.equal('« Code INSEE » n’a pas le format attendu : un code INSEE de commune à cinq caractères, par exemple 80620.');
  });

  it('refuses a market without lots', () => {
    const e = refused(() => dimensionner({ nature: 'travaux', lots: [] }, { today }));
    expect(e).to.be.instanceOf(InvalidInputError);
    expect(e.errors).to.deep.equal([{ path: 'lots', type: 'array.min', message: '« Lots » doit compter au moins un élément.' }]);
  });
});

describe('sizing reference data', () => {
  function copyData(): string {
    const dir = mkdtempSync(join(tmpdir(), 'referentiel-'));
    cpSync(DEFAULT_DATA_DIR, dir, { recursive: true });
    return dir;
  }

  it('changes results when a data file changes, with no code change', () => {
    const dir = copyData();
    const params = JSON.parse(readFileSync(join(dir, 'parametres.json'), 'utf8'));
    params.coutHoraire.push({ depuis: '2027-01-01', valeur: 35, statut: 'a-valider', note: 'coût 2027' });
    writeFileSync(join(dir, 'parametres.json'), JSON.stringify(params));
    const ref = loadReference(dir);
    const input = { nature: 'travaux', lots: [lot()] };
    expect(dimensionner({ ...input, dateReference: '2026-12-31' }, { ref, today }).lots[0]!.heuresNonArrondies).to.equal(833.33);
    expect(dimensionner({ ...input, dateReference: '2027-01-01' }, { ref, today }).lots[0]!.heuresNonArrondies).to.equal(714.29);
  });

  it('refuses malformed data files and dangling references at load time', () => {
    const dir = copyData();
    const families = JSON.parse(readFileSync(join(dir, 'familles.json'), 'utf8'));
    families.familles[0].partMainOeuvre[0].valeur = 1.5;
    families.familles[1].tauxInsertion[0].source = 'source-inconnue';
    writeFileSync(join(dir, 'familles.json'), JSON.stringify(families));
    expect(() => loadReference(dir)).to.throw(/partMainOeuvre/);
    families.familles[0].partMainOeuvre[0].valeur = 0.5;
    writeFileSync(join(dir, 'familles.json'), JSON.stringify(families));
    expect(() => loadReference(dir)).to.throw(/unknown source "source-inconnue"/);
  });

  it('cites a source or says "à valider" for every value of the catalogue', () => {
    const c = catalogue(today);
    for (const f of c.familles) {
      for (const v of [f.partMainOeuvre, f.tauxInsertion]) {
        expect(v, f.id).to.not.equal(undefined);
        expect(['source', 'a-valider'], f.id).to.include(v!.statut);
        if (v!.statut === 'source') expect(v!.sourceDetail, f.id).to.have.property('libelle');
        else expect(v!.note, f.id).to.be.a('string');
      }
    }
    expect(c.parametres.coutHoraire).to.deep.include({ valeur: 30, statut: 'source' });
    expect(c.parametres.seuilsEuropeens.map((s) => s.travaux)).to.deep.equal([5_404_000]);
  });
});

describe('method document', () => {
  it('states the same default values as the data files', () => {
    const doc = readFileSync(join(DEFAULT_DATA_DIR, '..', '..', '..', 'docs', 'methode-dimensionnement.md'), 'utf8');
    const rows = new Map(
      [...doc.matchAll(/^\| ([a-z-]+) \| (\d+) % \| (\d+) % \| (source|à valider) \|/gm)].map((m) => [m[1]!, { part: Number(m[2]) / 100, taux: Number(m[3]) / 100, statut: m[4] }]),
    );
    const families = catalogue(today).familles;
    expect([...rows.keys()]).to.have.members(families.map((f) => f.id));
    for (const f of families) {
      const row = rows.get(f.id)!;
      expect(row.part, f.id).to.be.closeTo(f.partMainOeuvre!.valeur, 1e-9);
      expect(row.taux, f.id).to.be.closeTo(f.tauxInsertion!.valeur, 1e-9);
      const sourced = f.partMainOeuvre!.statut === 'source' && f.tauxInsertion!.statut === 'source';
      expect(row.statut, f.id).to.equal(sourced ? 'source' : 'à valider');
    }
  });
});
