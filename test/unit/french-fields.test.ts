import { expect } from 'chai';
import type Joi from 'joi';
import { CIVILITE_LABELS, Joi as FrenchJoi, parseFrenchNumber, percent } from '../../src/core/fields.js';
import '../../src/kinds/index.js';
import { getKind, listKinds } from '../../src/core/registry.js';
import { validate } from '../../src/core/validation.js';
import { ServiceError } from '../../src/core/errors.js';
import { GENRE_LABELS } from '../../src/kinds/_shared/parties.js';
import { CCAG_LABELS, LEVER_LABELS, LEVIERS } from '../../src/kinds/clause-dce/schema.js';
import { formModel, type FormField, type FormSection } from '../../src/web/form.js';
import { typography } from '../../src/core/french.js';
import { fixture } from '../support/documents.js';

function fields(sections: FormSection[]): FormField[] {
  return sections.flatMap((s) => [...s.fields, ...fields(s.sections)]);
}

describe('French input of numbers', () => {
  it('reads thousands separated by spaces, no-break or narrow no-break spaces, and a decimal comma', () => {
    expect(parseFrenchNumber('1 200 000')).to.equal(1_200_000);
    expect(parseFrenchNumber('1\u00A0200\u00A0000,50')).to.equal(1_200_000.5);
    expect(parseFrenchNumber('1\u202F200\u202F000')).to.equal(1_200_000);
    expect(parseFrenchNumber('12,5')).to.equal(12.5);
    expect(parseFrenchNumber('0,05')).to.equal(0.05);
    expect(parseFrenchNumber(' 42 ')).to.equal(42);
    expect(parseFrenchNumber('12.5')).to.equal(12.5);
    expect(parseFrenchNumber('1 200 €')).to.equal(1200);
    expect(parseFrenchNumber('35 h')).to.equal(35);
  });

  it('reads a percentage as the field stores it: a fraction or a number of percent', () => {
    expect(parseFrenchNumber('5 %', 'fraction')).to.equal(0.05);
    expect(parseFrenchNumber('12,5\u202F%', 'fraction')).to.equal(0.125);
    expect(parseFrenchNumber('0,05', 'fraction')).to.equal(0.05);
    expect(parseFrenchNumber('5 %', 'points')).to.equal(5);
    expect(parseFrenchNumber('5 %'), 'no percent sign in a field that is not a percentage').to.equal(undefined);
  });

  it('refuses what is not a number', () => {
    for (const text of ['', 'abc', '12 5', '1 2000', '1,2,3', '5 % %']) expect(parseFrenchNumber(text), text).to.equal(undefined);
  });

  it('converts French numbers in every schema, and names the field when the text is not a number', () => {
    const schema = FrenchJoi.object({
      montant: FrenchJoi.number().label('Montant HT (€)'),
      taux: FrenchJoi.number().max(1).label('Taux').meta(percent('fraction')),
    });
    expect(schema.validate({ montant: '1 200 000,50', taux: '5 %' }).value).to.deep.equal({ montant: 1_200_000.5, taux: 0.05 });
    let refused: unknown;
    try {
      validate(getKind('mise-en-demeure-titulaire').schema, { ...(fixture('mise-en-demeure-titulaire') as object), plafondPenalite: 'douze' }, 'final');
    } catch (error) {
      refused = error;
    }
    expect(refused).to.be.instanceOf(ServiceError);
    expect((refused as ServiceError).errors.map((e) => [e.path, e.message])).to.deep.equal([['plafondPenalite', '« Plafond de la pénalité (€) » doit être un nombre.']]);
  });

  it('accepts the same strings in the JSON of the API', () => {
    const data = fixture('clause-dce') as { lots: { dimensionnement?: Record<string, unknown> }[]; options?: Record<string, unknown> };
    data.lots[0]!.dimensionnement = { ...data.lots[0]!.dimensionnement, montantHT: '1 200 000', parametres: { tauxInsertion: '5 %', partMainOeuvre: '0,35' } };
    data.options = { ...data.options, plafondPenalitePourcent: '12,5 %' };
    const value = validate<typeof data>(getKind('clause-dce').schema, data, 'final').value;
    expect(value.lots[0]!.dimensionnement).to.deep.include({ montantHT: 1_200_000, parametres: { tauxInsertion: 0.05, partMainOeuvre: 0.35 } });
    expect(value.options!.plafondPenalitePourcent).to.equal(12.5);
  });
});

describe('labels of the closed lists', () => {
  it('gives a French label to every code of every drop-down of every form, the value staying the code', () => {
    for (const kind of listKinds()) {
      for (const field of fields(formModel(kind.schema as Joi.ObjectSchema).sections).filter((f) => f.select)) {
        for (const option of field.options.slice(1)) {
          expect(option.label, `${kind.id} ${field.name} ${option.value}`).not.to.equal(option.value);
          expect(option.label, `${kind.id} ${field.name} ${option.value}`).to.match(/^[A-ZÉ«]/);
        }
      }
    }
  });

  it('labels levers, genders, civilities and CCAG in one map each', () => {
    const form = fields(formModel(getKind('clause-dce').schema as Joi.ObjectSchema, { lots: [{}] }).sections);
    const lever = form.find((f) => f.name === 'lots.0.levier')!;
    expect(lever.options.map((o) => o.value)).to.deep.equal(['', ...LEVIERS]);
    expect(lever.options.find((o) => o.value === 'condition-execution')!.label).to.equal('Condition d’exécution');
    expect(lever.options.find((o) => o.value === 'lot-reserve-siae-ea')!.label).to.equal('Lot réservé aux SIAE, aux entreprises adaptées et aux ESAT');
    expect(lever.options[0]!.label, 'the default, named').to.equal('— (par défaut\u00A0: Condition d’exécution)');
    expect(LEVER_LABELS['condition-execution']).to.equal('condition d’exécution');
    expect(CCAG_LABELS).to.deep.equal({ travaux: 'CCAG-Travaux', fcs: 'CCAG-FCS', tic: 'CCAG-TIC', pi: 'CCAG-PI', mi: 'CCAG-MI', moe: 'CCAG-MOE' });
    const procedure = form.find((f) => f.name === 'marche.procedure')!;
    expect(procedure.options.find((o) => o.value === 'procedure-adaptee')!.label).to.equal('Procédure adaptée');
    expect(form.find((f) => f.name === 'marche.nature')!.options.map((o) => o.label)).to.deep.equal(['—', 'Travaux', 'Services', 'Fournitures']);
    expect(CIVILITE_LABELS).to.deep.equal({ 'M.': 'Monsieur', Mme: 'Madame' });
    const convention = fields(formModel(getKind('convention').schema as Joi.ObjectSchema).sections);
    expect(convention.find((f) => f.name === 'donneurOrdre.genre')!.options.slice(1).map((o) => o.label)).to.deep.equal([typography(GENRE_LABELS.masculin), typography(GENRE_LABELS.feminin)]);
    expect(typography(GENRE_LABELS.feminin)).to.equal('Féminin (\u00AB\u00A0représentée\u00A0\u00BB)');
    expect(convention.find((f) => f.name === 'donneurOrdre.representant.civilite')!.options.slice(1).map((o) => [o.value, o.label])).to.deep.equal([
      ['M.', 'Monsieur'],
      ['Mme', 'Madame'],
    ]);
  });

  it('shows defaults and numbers the French way', () => {
    const form = fields(formModel(getKind('clause-dce').schema as Joi.ObjectSchema, fixture('clause-dce') as Record<string, unknown>).sections);
    const amount = form.find((f) => f.name === 'lots.0.dimensionnement.montantHT')!;
    expect(amount).to.include({ value: '1\u202F850\u202F000', inputType: 'text', inputMode: 'decimal' });
    expect(form.find((f) => f.name === 'options.delaiObservationsJours')).to.include({ placeholder: 'Par défaut\u00A0: 15', inputMode: 'numeric' });
  });
});
