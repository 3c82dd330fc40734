import { expect } from 'chai';
import request from 'supertest';
import { addDays, addMonths, easter, nextWorkingDay, nonWorkingReason, previousWorkingDay } from '../../src/calendar/dates.js';
import { echeances } from '../../src/calendar/index.js';
import { checkNonRenewal, cureDeadline, nonRenewalDeadline, opinionDeadline, period, periodIndexAt, type ConventionTerms } from '../../src/calendar/schedule.js';
import { InvalidInputError } from '../../src/core/errors.js';
import { Generator } from '../../src/generator.js';
import { createApp } from '../../src/server/app.js';

const terms = (over: Partial<ConventionTerms> = {}): ConventionTerms => ({
  dateSignature: '2026-12-01',
  dureeInitialeMois: 12,
  reconductionTacite: true,
  preavisNonReconductionMois: 3,
  delaiMiseEnDemeureMois: 2,
  delaiAvisMotiveJours: 15,
  alsaceMoselle: false,
  ...over,
});
const plain = (s: string) => s.replace(/[\u00A0\u202F]/g, ' ');

describe('calendar: dates', () => {
  it('adds months day number to day number, or to the month’s last day', () => {
    expect(addMonths('2026-01-31', 1)).to.equal('2026-02-28');
    expect(addMonths('2028-01-31', 1)).to.equal('2028-02-29');
    expect(addMonths('2026-03-31', -1)).to.equal('2026-02-28');
    expect(addMonths('2026-11-30', 3)).to.equal('2027-02-28');
    expect(addMonths('2026-12-15', -12)).to.equal('2025-12-15');
    expect(addDays('2028-02-28', 1)).to.equal('2028-02-29');
    expect(addDays('2026-12-31', 1)).to.equal('2027-01-01');
  });

  it('knows Easter and the public holidays, Alsace-Moselle included on request', () => {
    expect(easter(2026)).to.equal('2026-04-05');
    expect(easter(2027)).to.equal('2027-03-28');
    expect(nonWorkingReason('2027-05-06')).to.equal('Ascension');
    expect(nonWorkingReason('2026-05-25')).to.equal('lundi de Pentecôte');
    expect(nonWorkingReason('2026-11-28')).to.equal('samedi');
    expect(nonWorkingReason('2026-12-26')).to.equal('samedi');
    expect(nonWorkingReason('2028-12-26')).to.equal(undefined);
    expect(nonWorkingReason('2028-12-26', true)).to.equal('Saint-Étienne');
    expect(nonWorkingReason('2026-04-03', true)).to.equal('Vendredi saint');
    expect(nextWorkingDay('2026-12-25')).to.equal('2026-12-28');
    expect(previousWorkingDay('2026-11-01')).to.equal('2026-10-30');
  });
});

describe('calendar: the convention', () => {
  it('runs a period from the start to the eve of the anniversary, renewed tacitly', () => {
    expect(period(terms(), 0)).to.deep.equal({ numero: 1, debut: '2026-12-01', fin: '2027-11-30' });
    expect(period(terms(), 3)).to.deep.equal({ numero: 4, debut: '2029-12-01', fin: '2030-11-30' });
    expect(periodIndexAt(terms(), '2030-06-15')).to.equal(3);
    expect(periodIndexAt(terms({ reconductionTacite: false }), '2028-01-01')).to.equal(undefined);
  });

  it('ends a period started on 29 February on the last day of February', () => {
    const leap = terms({ dateSignature: '2028-02-29' });
    expect(period(leap, 0)).to.deep.equal({ numero: 1, debut: '2028-02-29', fin: '2029-02-28' });
    expect(period(leap, 1)).to.deep.equal({ numero: 2, debut: '2029-03-01', fin: '2030-02-28' });
    expect(period(leap, 3)).to.deep.equal({ numero: 4, debut: '2031-03-01', fin: '2032-02-28' });
    expect(period(leap, 4).debut).to.equal('2032-02-29');
  });

  it('starts at the stated date when there is one', () => {
    expect(period(terms({ dateEntreeEnVigueur: '2027-01-01' }), 0)).to.deep.equal({ numero: 1, debut: '2027-01-01', fin: '2027-12-31' });
  });

  it('sets the latest day to notify a non-renewal, moved back to a working day', () => {
    const first = nonRenewalDeadline(terms(), 0);
    expect(first.dateLimite.date).to.equal('2027-08-30');
    expect(first.avancee).to.equal(undefined);
    // Period ending 30 November 2029: 30 August 2029 is a Thursday.
    expect(nonRenewalDeadline(terms(), 2).dateLimite.date).to.equal('2029-08-30');
    // A start on 1 December 2025 gives 30 August 2026, a Sunday: moved back to Friday 28 August.
    const sunday = nonRenewalDeadline(terms({ dateSignature: '2025-12-01' }), 0);
    expect(sunday.dateTheorique.date).to.equal('2026-08-30');
    expect(sunday.dateLimite.date).to.equal('2026-08-28');
    expect(sunday.avancee).to.equal('dimanche');
    // Month end: a period ending 31 May gives 28 February (or 29 in a leap year).
    expect(nonRenewalDeadline(terms({ dateSignature: '2027-06-01' }), 0).dateTheorique.date).to.equal('2028-02-29');
  });

  it('says whether a notice received on a date is in time, else when it takes effect', () => {
    const inTime = checkNonRenewal(terms(), '2027-08-30')!;
    expect(inTime.aTemps).to.equal(true);
    expect(inTime.finConvention.date).to.equal('2027-11-30');
    const late = checkNonRenewal(terms(), '2027-08-31')!;
    expect(late.aTemps).to.equal(false);
    expect(late.finConvention.date).to.equal('2028-11-30');
    expect(late.delai.dateLimite.date).to.equal('2028-08-30');
    expect(plain(late.message)).to.equal(
      'La date limite de notification pour la période en cours était le 30 août 2027 : une notification reçue le 31 août 2027 ne prend effet qu’au terme de la période suivante, le 30 novembre 2028 (notification à recevoir au plus tard le 30 août 2028).',
    );
    // Several periods after signature.
    const later = checkNonRenewal(terms(), '2031-03-10')!;
    expect(later).to.deep.include({ aTemps: true });
    expect(later.finConvention.date).to.equal('2031-11-30');
    expect(checkNonRenewal(terms({ reconductionTacite: false }), '2027-01-01')).to.equal(undefined);
  });

  it('stops at the last renewal the convention allows', () => {
    const capped = terms({ reconductionsMax: 2 });
    expect(periodIndexAt(capped, '2029-11-30')).to.equal(2);
    expect(periodIndexAt(capped, '2029-12-01')).to.equal(undefined);
    // A notice received late in the second period takes effect at the end of the third, the last one.
    expect(checkNonRenewal(capped, '2028-09-01')!.finConvention.date).to.equal('2029-11-30');
    const last = checkNonRenewal(capped, '2029-01-15')!;
    expect(last).to.deep.include({ aTemps: true, sansObjet: true });
    expect(plain(last.message)).to.equal('La période en cours est la dernière que la convention permet (2 reconductions au plus) : la convention prend fin le 30 novembre 2029 sans qu’une non-reconduction soit à notifier.');
    expect(checkNonRenewal(capped, '2030-01-15')).to.equal(undefined);
    const api = echeances({ dateSignature: '2026-12-01', reconductionsMax: 2, dateReference: '2029-03-01' });
    expect(api.periodes.map((p) => p.numero)).to.deep.equal([1, 2, 3]);
    expect(api.finConvention).to.deep.include({ date: '2029-11-30' });
    expect(plain((api.nonReconduction as { message: string }).message)).to.equal('La convention prend fin le 30 novembre 2029, au terme de sa dernière reconduction possible : aucune non-reconduction n’est à notifier.');
    expect(echeances({ dateSignature: '2026-12-01', reconductionsMax: 2, dateReference: '2030-03-01' }).etat).to.equal('terminee');
  });

  it('counts the cure period from the receipt of the formal notice', () => {
    const d = cureDeadline(terms(), '2026-12-31');
    expect(d.echeance.date).to.equal('2027-02-28');
    // 28 February 2027 is a Sunday: extended to Monday 1 March.
    expect(d.echeanceProrogee.date).to.equal('2027-03-01');
    expect(d.prorogation).to.equal('dimanche');
    const plainDay = cureDeadline(terms(), '2027-01-12');
    expect(plainDay.echeance.date).to.equal('2027-03-12');
    expect(plainDay.echeanceProrogee.date).to.equal('2027-03-12');
    expect(plainDay.prorogation).to.equal(undefined);
  });

  it('counts the avis motivé deadline from the referral, over public holidays', () => {
    const d = opinionDeadline(terms(), '2026-10-17');
    expect(d.echeance.date).to.equal('2026-11-01');
    expect(d.echeanceProrogee.date).to.equal('2026-11-02');
    expect(d.prorogation).to.equal('Toussaint');
  });
});

describe('POST /api/v1/echeances', () => {
  const generator = new Generator();
  const app = createApp(generator, { log: () => expect.fail('no 500 expected') });
  after(() => generator.close());

  it('returns every key date at the reference date', async () => {
    const res = await request(app)
      .post('/api/v1/echeances')
      .send({ dateSignature: '2026-12-01', dateReference: '2028-09-15', dateReceptionMiseEnDemeure: '2028-09-20', dateSaisineAvis: '2028-09-15' })
      .expect(200);
    expect(res.body.etat).to.equal('en-vigueur');
    expect(res.body.periodeCourante).to.deep.include({ numero: 2, debut: '2027-12-01', fin: '2028-11-30' });
    expect(res.body.reconductions.map((r: { date: string }) => r.date)).to.deep.equal(['2027-12-01', '2028-12-01']);
    expect(res.body.nonReconduction.dateLimite.date).to.equal('2028-08-30');
    expect(res.body.nonReconduction.verification).to.deep.include({ aTemps: false });
    expect(res.body.nonReconduction.verification.finConvention.date).to.equal('2029-11-30');
    expect(res.body.miseEnDemeure.echeanceProrogee.date).to.equal('2028-11-20');
    expect(res.body.avisMotive.echeance.date).to.equal('2028-09-30');
    expect(res.body.avisMotive.echeanceProrogee.date).to.equal('2028-10-02');
    expect(res.body.regles).to.have.length(4);
  });

  it('refuses bad input with field messages', () => {
    try {
      echeances({ dateSignature: '2026-02-30', preavisNonReconductionMois: 13 });
      expect.fail('expected an error');
    } catch (error) {
      expect(error).to.be.instanceOf(InvalidInputError);
      expect((error as InvalidInputError).errors.map((e) => e.path)).to.deep.equal(['dateSignature', 'preavisNonReconductionMois', 'preavisNonReconductionMois']);
    }
  });
});
