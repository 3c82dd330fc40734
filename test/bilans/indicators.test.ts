import { expect } from 'chai';
import { annualIndicators, breakdowns, marketIndicators } from '../../src/bilans/indicators.js';
import type { FollowUp, Market } from '../../src/bilans/model.js';

const market = (over: Partial<Market> = {}): Market => ({
  reference: 'M1',
  acheteur: 'CC Somme Santerre Est',
  titulaire: 'Bâtiments du Santerre',
  objectifHeures: 1000,
  dateDebut: new Date('2027-01-01'),
  dateFin: new Date('2027-12-31'),
  ...over,
});

const row = (over: Partial<FollowUp>): FollowUp => ({
  marche: 'M1',
  personne: 'P1',
  mois: '2027-01',
  heures: 100,
  heuresFormation: 0,
  modalite: 'embauche-directe',
  contrat: 'cdd',
  categorie: 'deld',
  sexe: 'F',
  trancheAge: '26-49',
  residenceQpv: false,
  ...over,
});

const options = { moisArrete: '2027-06', seuilConfidentialite: 3 };

describe('bilan indicators', () => {
  it('computes hours, rate, projection at the current pace and status of a market in progress', () => {
    // 6 months elapsed out of 12, 300 h done: projection 600 h < 1000 h → late.
    const rows = [row({ mois: '2027-02', heures: 120 }), row({ mois: '2027-04', heures: 100, personne: 'P2' }), row({ mois: '2027-06', heures: 80, heuresFormation: 14 })];
    const m = marketIndicators(market(), rows, options);
    expect(m).to.deep.include({ heures: 300, heuresFormation: 14, tauxRealisation: 0.3, moisEcoules: 6, moisTotal: 12, projection: 600, statut: 'en-retard', personnes: 2 });
    expect(m.progression.map((p) => p.cumul)).to.deep.equal([0, 120, 120, 220, 220, 300]);
  });

  it('says on track when the pace reaches the goal, and reached past 100 %', () => {
    const onTrack = marketIndicators(market(), [row({ heures: 500 })], options);
    expect(onTrack.statut).to.equal('dans-les-temps');
    expect(onTrack.projection).to.equal(1000);
    const over = marketIndicators(market(), [row({ heures: 700 }), row({ mois: '2027-03', heures: 550 })], options);
    expect(over).to.deep.include({ heures: 1250, tauxRealisation: 1.25, statut: 'atteint' });
  });

  it('handles markets not started and markets ended', () => {
    const notStarted = marketIndicators(market({ dateDebut: new Date('2027-09-01') }), [], options);
    expect(notStarted).to.deep.include({ statut: 'non-commence', heures: 0, moisEcoules: 0, projection: 0 });
    // An ended market keeps its hours as projection.
    const ended = marketIndicators(market({ dateFin: new Date('2027-04-30') }), [row({ heures: 400 }), row({ mois: '2027-03', heures: 99 })], options);
    expect(ended).to.deep.include({ statut: 'termine-non-atteint', heures: 499, moisEcoules: 4, moisTotal: 4, projection: 499 });
  });

  it('ignores records after the month of the report', () => {
    const m = marketIndicators(market(), [row({ mois: '2027-07', heures: 900 })], options);
    expect(m.heures).to.equal(0);
  });

  it('counts people once per value, and protects cells under the threshold', () => {
    const rows = [
      row({ personne: 'A', sexe: 'F', modalite: 'embauche-directe' }),
      row({ personne: 'A', sexe: 'F', mois: '2027-02', modalite: 'embauche-directe' }),
      row({ personne: 'B', sexe: 'F' }),
      row({ personne: 'C', sexe: 'F' }),
      row({ personne: 'D', sexe: 'M', modalite: 'mise-a-disposition', heures: 50 }),
    ];
    const b = breakdowns(rows, 3);
    // One man: he cannot be shown, nor found as "total minus women": both are regrouped.
    expect(b.sexe).to.deep.equal([{ valeur: 'autres', libelle: 'Autres (2 valeurs regroupées)', heures: 450, personnes: 4, masque: false }]);
    expect(b.modalite).to.deep.equal([{ valeur: 'autres', libelle: 'Autres (2 valeurs regroupées)', heures: 450, personnes: 4, masque: false }]);
    // With enough people, only the small values are regrouped.
    const more = [...rows, row({ personne: 'E', sexe: 'M' }), row({ personne: 'F', sexe: 'M' }), row({ personne: 'G', sexe: 'F', trancheAge: '50-plus' })];
    const b2 = breakdowns(more, 3);
    expect(b2.sexe.map((l) => [l.valeur, l.personnes])).to.deep.equal([['F', 4], ['M', 3]]);
    expect(b2.trancheAge.map((l) => [l.valeur, l.personnes, l.masque])).to.deep.equal([['autres', 7, false]]);
    // Everything below the threshold: masked.
    expect(breakdowns([row({ personne: 'A' })], 3).sexe).to.deep.equal([
      { valeur: 'autres', libelle: 'Autre (1 valeur, masquée)', heures: null, personnes: null, masque: true },
    ]);
  });

  it('counts a person whose attributes change once, with its last known values, so that every breakdown sums to the totals', () => {
    const rows = [
      row({ personne: 'A', mois: '2027-01', categorie: 'deld', contrat: 'cdd', heures: 100 }),
      row({ personne: 'A', mois: '2027-02', categorie: 'rsa', contrat: 'cdi', heures: 120 }),
      row({ personne: 'B', categorie: 'rsa', contrat: 'cdi', heures: 80 }),
      row({ personne: 'C', categorie: 'rsa', contrat: 'cdi', heures: 60 }),
      row({ personne: 'D', categorie: 'deld', contrat: 'cdd', heures: 40 }),
      row({ personne: 'E', categorie: 'deld', contrat: 'cdd', heures: 30 }),
      row({ personne: 'F', categorie: 'deld', contrat: 'cdd', heures: 20, sortie: 'emploi-durable' }),
    ];
    const b = breakdowns(rows, 3);
    const total = { personnes: 6, heures: 450 };
    for (const key of ['categorie', 'contrat', 'sexe', 'modalite', 'sortie'] as const) {
      const lines = b[key];
      expect(lines.reduce((n, l) => n + (l.personnes ?? 0), 0), key).to.equal(total.personnes);
      if (key !== 'sortie') expect(lines.reduce((n, l) => n + (l.heures ?? 0), 0), key).to.equal(total.heures);
    }
    // A is counted with its last category (RSA) and contract (CDI), with all its hours.
    expect(b.categorie.map((l) => [l.valeur, l.personnes, l.heures])).to.deep.equal([['deld', 3, 90], ['rsa', 3, 360]]);
    expect(b.sortie.map((l) => l.libelle)).to.include('Autres (2 valeurs regroupées)');
  });

  it('counts each person’s last known outcome once', () => {
    const rows = [
      row({ personne: 'A', mois: '2027-01', sortie: 'en-cours' }),
      row({ personne: 'A', mois: '2027-03', sortie: 'emploi-durable' }),
      row({ personne: 'B', sortie: 'emploi-durable' }),
      row({ personne: 'C', sortie: 'emploi-durable' }),
    ];
    expect(breakdowns(rows, 3).sortie).to.deep.equal([{ valeur: 'emploi-durable', libelle: 'Emploi durable', heures: null, personnes: 3, masque: false }]);
  });

  it('aggregates a buyer’s year, counting people on several markets once and listing lagging markets', () => {
    const markets = [market(), market({ reference: 'M2', objectifHeures: 200 }), market({ reference: 'M3', acheteur: 'Autre acheteur' })];
    const rows = [
      row({ personne: 'A', heures: 100 }),
      row({ marche: 'M2', personne: 'A', heures: 250 }),
      row({ marche: 'M2', personne: 'B', mois: '2026-12', heures: 30 }),
      row({ marche: 'M3', personne: 'C', heures: 500 }),
    ];
    const y = annualIndicators('CC Somme Santerre Est', 2027, markets, rows, { seuilConfidentialite: 3 });
    expect(y).to.deep.include({ nombreMarches: 2, heures: 350, objectifHeures: 1200, personnes: 1 });
    expect(y.marchesEnRetard).to.deep.equal(['M1']);
    expect(y.marches.map((m) => [m.reference, m.statut])).to.deep.equal([['M1', 'termine-non-atteint'], ['M2', 'atteint']]);
  });
});
