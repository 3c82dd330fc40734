import { expect } from 'chai';
import {
  ordinal,
  withArticle,
  formatAmount,
  formatDate,
  formatDays,
  formatMonths,
  guessGender,
  initials,
  numberInWords,
  paragraphs,
  romanNumeral,
  slug,
  typography,
  withDe,
} from '../../src/core/french.js';
import { isValidSiret } from '../../src/core/fields.js';
import { marker } from '../../src/core/markers.js';
import { numberArticles } from '../../src/core/numbering.js';

const NBSP = '\u00A0';
const NNBSP = '\u202F';

describe('French formatting', () => {
  it('puts the article French uses before the name of an organisation, and none before a proper name', () => {
    expect(withArticle('Maison de l’emploi et de la formation de Haute-Somme')).to.equal('la Maison de l’emploi et de la formation de Haute-Somme');
    expect(withArticle('Communauté de communes Somme Santerre Est')).to.equal('la Communauté de communes Somme Santerre Est');
    expect(withArticle('Agglomération du Saint-Quentinois')).to.equal('l’Agglomération du Saint-Quentinois');
    expect(withArticle('PLIE du Santerre')).to.equal('le PLIE du Santerre');
    expect(withArticle('Département de la Somme')).to.equal('le Département de la Somme');
    expect(withArticle('La Poste')).to.equal('La Poste');
    expect(withArticle('Bâtiments du Santerre SAS')).to.equal('Bâtiments du Santerre SAS');
  });

  it('keeps article numbers with their letter and numbers with "n°"', () => {
    expect(typography('article L. 2112-2, R. 2113-7 et n° 3 ; MAL. 12')).to.equal(`article L.${NBSP}2112-2, R.${NBSP}2113-7 et n°${NBSP}3\u202F; MAL. 12`);
  });

  it('writes ranks in words: "premier", "deuxième", "cinquième", "neuvième", "vingt et unième"', () => {
    expect([1, 2, 3, 4, 5, 9, 11, 21, 80].map((n) => ordinal(n))).to.deep.equal(['premier', 'deuxième', 'troisième', 'quatrième', 'cinquième', 'neuvième', 'onzième', 'vingt et unième', 'quatre-vingtième']);
    expect(ordinal(1, { feminine: true })).to.equal('première');
  });

  it('writes dates as "25 novembre 2026", with "1er" for the first day', () => {
    expect(formatDate(new Date('2026-11-25'))).to.equal(`25${NBSP}novembre${NBSP}2026`);
    expect(formatDate(new Date('2027-03-01'))).to.equal(`1er${NBSP}mars${NBSP}2027`);
    expect(formatDate(new Date('2028-02-29'))).to.equal(`29${NBSP}février${NBSP}2028`);
  });

  it('passes draft markers through every formatter', () => {
    const m = marker('signature.date');
    expect(formatDate(m)).to.equal(m);
    expect(formatAmount(m)).to.equal(m);
    expect(typography(m)).to.equal(m);
    expect(paragraphs(m)).to.deep.equal([m]);
  });

  it('writes amounts as "1 234 567,89 €" with no-break spaces', () => {
    expect(formatAmount(1234567.89)).to.equal(`1${NNBSP}234${NNBSP}567,89${NBSP}€`);
    expect(formatAmount(0)).to.equal(`0,00${NBSP}€`);
  });

  it('writes numbers and durations in words', () => {
    expect(numberInWords(2)).to.equal('deux');
    expect(numberInWords(21)).to.equal('vingt et un');
    expect(numberInWords(1, { feminine: true })).to.equal('une');
    expect(formatMonths(12)).to.equal('un an');
    expect(formatMonths(24)).to.equal('deux ans');
    expect(formatMonths(18)).to.equal('dix-huit mois');
    expect(formatMonths(3)).to.equal('trois mois');
    expect(formatDays(15)).to.equal('quinze jours');
    expect(formatDays(1)).to.equal('un jour');
    expect(withDe('un an')).to.equal('d’un an');
    expect(withDe('trois mois')).to.equal('de trois mois');
  });

  it('numbers articles in roman numerals', () => {
    expect([1, 4, 9, 14, 40, 1994].map(romanNumeral)).to.deep.equal(['I', 'IV', 'IX', 'XIV', 'XL', 'MCMXCIV']);
    expect(() => romanNumeral(0)).to.throw(RangeError);
  });

  it('numbers present articles consecutively and leaves absent ones empty', () => {
    expect(numberArticles([['a', true], ['b', false], ['c', true], ['d', true]])).to.deep.equal({ a: 'I', b: '', c: 'II', d: 'III' });
    expect(() => numberArticles([['a', true], ['a', true]])).to.throw(/twice/);
  });

  it('applies French typography to typed text', () => {
    expect(typography("l'article : voir ; oui ! non ?")).to.equal(`l’article${NBSP}: voir${NNBSP}; oui${NNBSP}! non${NNBSP}?`);
    expect(typography('une « réunion zéro »')).to.equal(`une «${NBSP}réunion zéro${NBSP}»`);
    expect(typography('dite "réunion zéro".')).to.equal(`dite «${NBSP}réunion zéro${NBSP}».`);
    expect(typography('https://exemple.fr à 12:30')).to.equal('https://exemple.fr à 12:30');
    expect(typography('soit 5 % des heures')).to.equal(`soit 5${NBSP}% des heures`);
  });

  it('splits typed text into paragraphs', () => {
    expect(paragraphs('Premier.\n\n  Second : fin.\r\n')).to.deep.equal(['Premier.', `Second${NBSP}: fin.`]);
    expect(paragraphs(undefined)).to.deep.equal([]);
  });

  it('makes ASCII slugs cut at a word boundary', () => {
    expect(slug('Communauté de communes Cœur de Somme')).to.equal('communaute-de-communes-coeur-de-somme');
    expect(slug('Communauté de communes Somme Santerre Est', 40)).to.equal('communaute-de-communes-somme-santerre');
    expect(slug('***')).to.equal('document');
  });

  it('guesses the grammatical gender of organisation names', () => {
    expect(guessGender('Communauté de communes du Val')).to.equal('feminin');
    expect(guessGender('Ville de Péronne')).to.equal('feminin');
    expect(guessGender('La Poste')).to.equal('feminin');
    expect(guessGender('Département de la Somme')).to.equal('masculin');
    expect(guessGender('Office public de l’habitat')).to.equal('masculin');
    expect(guessGender('L’Agence régionale')).to.equal('feminin');
  });

  it('computes initials', () => {
    expect(initials('Communauté de communes Somme Santerre Est')).to.equal('CCSSE');
  });
});

describe('SIRET check', () => {
  it('accepts numbers whose Luhn key is right', () => {
    expect(isValidSiret('24800123400017')).to.equal(true);
    expect(isValidSiret('73282932000074')).to.equal(true);
  });
  it('refuses wrong keys, wrong lengths and letters', () => {
    expect(isValidSiret('24800123400018')).to.equal(false);
    expect(isValidSiret('2480012340001')).to.equal(false);
    expect(isValidSiret('2480012340001A')).to.equal(false);
  });
  it('also accepts La Poste establishments whose digit sum is a multiple of 5', () => {
    expect(isValidSiret('35600000000048')).to.equal(true);
    expect(isValidSiret('35600000000015')).to.equal(true);
    expect(isValidSiret('35600000000016')).to.equal(false);
  });
});
