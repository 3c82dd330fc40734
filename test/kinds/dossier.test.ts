/**
 * The examples tell one story: one buyer and one facilitator sign a convention; the facilitator gives
 * its avis motivé on the works project; the DCE clause follows it; the market is notified and
 * executed; its follow-up feeds the bilans; the holder, behind, gets a formal notice; the convention
 * is amended, a partner is put on notice, and the buyer finally does not renew it. These invariants
 * keep every fixture in that story: the same names and people, the same hours per lot, dates in a
 * possible order, nothing after the convention's end.
 */
import { expect } from 'chai';
import { getKind } from '../../src/core/registry.js';
import { validate } from '../../src/core/validation.js';
import '../../src/kinds/index.js';
import { Generator } from '../../src/generator.js';
import { documentText, fixture } from '../support/documents.js';

type Data = Record<string, any>;

/** The view model of a kind's example, as every format prints it. */
function viewModel(kindId: string, data: Data = fixture(kindId)): Data {
  const kind = getKind(kindId);
  const { value } = validate(kind.schema, data, 'final');
  return kind.buildViewModel(value, { mode: 'final', missing: [], warnings: [], now: new Date('2026-11-30') }) as unknown as Data;
}

const day = (s: string) => new Date(`${s.length === 7 ? `${s}-01` : s}T00:00:00Z`).getTime();
const person = (p: Data) => ({ civilite: p.civilite, prenom: p.prenom, nom: p.nom, qualite: p.qualite });

describe('the example dossier tells one story', () => {
  const convention = fixture('convention') as Data;
  const kinds = Object.fromEntries(
    ['avenant', 'mise-en-demeure-partenaire', 'mise-en-demeure-titulaire', 'non-reconduction', 'avis-motive', 'clause-dce', 'bilan-marche', 'bilan-annuel'].map((k) => [k, fixture(k) as Data]),
  );
  const buyer = convention.donneurOrdre;
  const facilitator = convention.structurePorteuse;
  const dce = kinds['clause-dce']!;
  const bilanMarkets = (kinds['bilan-annuel']!.donnees.marches as Data[]).filter((m) => m.reference.startsWith(dce.marche.reference));

  it('names the same buyer, facilitator and signatories in every document', () => {
    const buyerNames = [
      kinds.avenant!.donneurOrdre.nom,
      kinds['mise-en-demeure-partenaire']!.donneurOrdre.nom,
      kinds['mise-en-demeure-titulaire']!.acheteur.nom,
      kinds['non-reconduction']!.donneurOrdre.nom,
      kinds['avis-motive']!.donneurOrdre.nom,
      dce.acheteur.nom,
      kinds['bilan-annuel']!.acheteur,
      ...bilanMarkets.map((m) => m.acheteur),
    ];
    expect(new Set(buyerNames)).to.deep.equal(new Set([buyer.nom]));
    for (const representative of [kinds.avenant!.donneurOrdre, kinds['mise-en-demeure-partenaire']!.donneurOrdre, kinds['mise-en-demeure-titulaire']!.acheteur, kinds['non-reconduction']!.donneurOrdre]) {
      expect(person(representative.representant)).to.deep.equal(person(buyer.representant));
    }
    const facilitatorNames = [
      kinds.avenant!.structurePorteuse.nom,
      kinds['mise-en-demeure-partenaire']!.structurePorteuse.nom,
      kinds['non-reconduction']!.structurePorteuse.nom,
      kinds['avis-motive']!.structurePorteuse.nom,
      dce.facilitateur.structure,
      kinds['mise-en-demeure-titulaire']!.facilitateur.structure,
      kinds['bilan-marche']!.structurePorteuse,
      kinds['bilan-annuel']!.structurePorteuse,
    ];
    expect(new Set(facilitatorNames)).to.deep.equal(new Set([facilitator.nom]));
    for (const party of [kinds.avenant!.structurePorteuse, kinds['mise-en-demeure-partenaire']!.structurePorteuse, kinds['non-reconduction']!.structurePorteuse, kinds['avis-motive']!.structurePorteuse]) {
      expect(person(party.representant)).to.deep.equal(person(facilitator.representant));
    }
    // The facilitator's officer in charge of the clause is one person.
    const officers = [dce.facilitateur, kinds['mise-en-demeure-titulaire']!.facilitateur, kinds['avis-motive']!.structurePorteuse.signataire].map((p) => `${p.prenom} ${p.nom}`);
    expect(new Set(officers).size).to.equal(1);
  });

  it('amends words that the convention really has, where the avenant says they are', async () => {
    const generator = new Generator();
    try {
      const lines = (await documentText(generator, 'convention', convention)).split('\n');
      for (const change of (kinds.avenant!.modifications as Data[]).filter((c) => c.type === 'remplace-mots')) {
        const start = lines.findIndex((l) => l.startsWith(`Article ${change.article} – `));
        const end = lines.findIndex((l, i) => i > start && /^Article [IVXL]+ – /.test(l));
        const alineas = lines.slice(start + 1, end);
        expect(alineas[change.alinea - 1], `article ${change.article}, alinéa ${change.alinea}`).to.contain(change.mots);
      }
    } finally {
      await generator.close();
    }
  });

  it('refers to the same convention everywhere', () => {
    for (const k of ['avenant', 'mise-en-demeure-partenaire', 'non-reconduction']) {
      expect(kinds[k]!.convention, k).to.deep.include({ dateSignature: convention.signature.date, reference: convention.reference });
      // Durations, when a document states them, are the convention's own.
      for (const key of ['dureeInitialeMois', 'reconductionsMax', 'preavisNonReconductionMois', 'delaiMiseEnDemeureMois']) {
        if (kinds[k]!.convention[key] !== undefined) expect(kinds[k]!.convention[key], `${k}: ${key}`).to.equal(convention.durees[key]);
      }
    }
  });

  it('gives each lot the same hours in the avis motivé, the DCE clause, the bilans and the formal notice', () => {
    const avis = viewModel('avis-motive');
    const clause = viewModel('clause-dce');
    const clauseHours = Object.fromEntries((clause.lotsAvecClause as Data[]).map((l) => [l.numero, l.heuresTexte]));
    const avisHours = Object.fromEntries((avis.lots as Data[]).filter((l) => l.heures !== '').map((l) => [l.numero, l.heures]));
    expect(clauseHours).to.deep.equal(avisHours);
    expect(Object.keys(clauseHours)).to.have.length.greaterThan(2);
    // The lots the avis proposes to reserve are the DCE's reserved lots, for the same structures.
    const avisReserved = (kinds['avis-motive']!.projet.lots as Data[]).filter((l) => l.reservation).map((l) => [l.numero, `lot-reserve-${l.reservation}`]);
    const dceReserved = (dce.lots as Data[]).filter((l) => String(l.levier).startsWith('lot-reserve')).map((l) => [l.numero, l.levier]);
    expect(avisReserved).to.deep.equal(dceReserved).and.to.have.length(1);
    for (const market of bilanMarkets) {
      const lot = market.reference.slice(dce.marche.reference.length + 2);
      expect(market.objectifHeures.toLocaleString('fr-FR').replace(/\s/g, '\u00A0'), market.reference).to.equal(clauseHours[lot]?.replace(/\s/g, '\u00A0'));
    }
    const notice = kinds['mise-en-demeure-titulaire']!;
    expect(notice.marche.reference).to.equal(dce.marche.reference);
    const noticeLot = /^lot (\d+)/.exec(notice.marche.lot)![1]!;
    expect(String(notice.heures.dues)).to.equal(clauseHours[noticeLot]!.replace(/\s/g, ''));
    const market = bilanMarkets.find((m) => m.reference.endsWith(`-L${noticeLot}`))!;
    expect(market.titulaire).to.equal(notice.titulaire.nom);
    // The hours done at the notice's date are at least those of the follow-up of the year before.
    const done = (kinds['bilan-annuel']!.donnees.suivi as Data[]).filter((r) => r.marche === market.reference).reduce((s, r) => s + r.heures, 0);
    expect(notice.heures.realisees).to.be.at.least(done);
  });

  it('puts every date in a possible order, and nothing after the convention’s end', () => {
    const avis = kinds['avis-motive']!;
    const notice = kinds['mise-en-demeure-titulaire']!;
    const signature = day(convention.signature.date);
    const end = viewModel('non-reconduction').periode.fin as string;
    const nonRenewal = kinds['non-reconduction']!;
    // The non-renewal notice ends the period in which it is received: everything else happens before.
    expect(viewModel('non-reconduction').aTemps).to.equal(true);
    expect(end.replace(/\s/g, ' ')).to.equal('30 novembre 2028');
    const endDay = day('2028-11-30');

    const chain: [string, string][] = [
      ['signature de la convention', convention.signature.date],
      ['saisine du facilitateur', avis.projet.dateSaisine],
      ['avis motivé', avis.avis.date],
      ['lancement de la consultation', dce.marche.dateLancement],
      ['notification du marché', notice.marche.dateNotification],
      ['début d’exécution', bilanMarkets.map((m) => m.dateDebut).sort()[0]!],
    ];
    for (let i = 1; i < chain.length; i++) expect(day(chain[i]![1]), `${chain[i - 1]![0]} ≤ ${chain[i]![0]}`).to.be.at.least(day(chain[i - 1]![1]));
    expect(day(avis.avis.date) - day(avis.projet.dateSaisine)).to.be.at.most(convention.durees.delaiAvisMotiveJours * 86_400_000);

    for (const k of ['bilan-marche', 'bilan-annuel']) {
      const data = kinds[k]!.donnees as { marches: Data[]; suivi: Data[] };
      const byRef = new Map(data.marches.map((m) => [m.reference, m]));
      for (const row of data.suivi) {
        const m = byRef.get(row.marche)!;
        expect(day(row.mois), `${k}: ${row.marche} ${row.mois}`).to.be.within(day(m.dateDebut.slice(0, 7)), day(m.dateFin));
      }
    }
    const market = bilanMarkets.find((m) => m.titulaire === notice.titulaire.nom)!;
    for (const [what, date] of [['arrêté des heures', notice.heures.dateArrete], ['courrier', notice.courrier.date], ['rattrapage', notice.dateLimiteRattrapage]]) {
      expect(day(date), `mise en demeure du titulaire : ${what} pendant l’exécution`).to.be.within(day(market.dateDebut), day(market.dateFin));
    }

    const during: [string, string][] = [
      ['avenant', kinds.avenant!.signature.date],
      ['délibération de l’avenant', kinds.avenant!.deliberation.date],
      ['mise en demeure entre partenaires', kinds['mise-en-demeure-partenaire']!.courrier.date],
      ['mise en demeure du titulaire', notice.courrier.date],
      ['bilan du marché', kinds['bilan-marche']!.dateBilan],
      ['bilan annuel', kinds['bilan-annuel']!.dateBilan],
      ['non-reconduction', nonRenewal.courrier.date],
      ['avis motivé', avis.avis.date],
    ];
    for (const [what, date] of during) expect(day(date), `${what} pendant la convention`).to.be.within(signature, endDay);
    expect(day(kinds.avenant!.deliberation.date)).to.be.below(day(kinds.avenant!.signature.date));
  });
});
