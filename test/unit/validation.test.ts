import { expect } from 'chai';
import Joi from 'joi';
import { IncompleteDocumentError, InvalidInputError } from '../../src/core/errors.js';
import { address, date, person, siret, text } from '../../src/core/fields.js';
import { isPlaceholder, validate } from '../../src/core/validation.js';

const schema = Joi.object({
  nom: text('Nom de l’organisme').required(),
  siret: siret(),
  adresse: address('Adresse').required(),
  representant: person('Représentant').required(),
  signature: Joi.object({ date: date('Date de signature').required(), exemplaires: Joi.number().integer().min(1).label('Exemplaires').default(2) })
    .label('Signature')
    .required(),
  avecCoordinateur: Joi.boolean().label('Coordinateur').default(false),
  coordinateur: text('Coordinateur').when('avecCoordinateur', { is: true, then: Joi.required() }),
}).label('Test');

const complete = {
  nom: 'Ville de Péronne',
  adresse: { ligne1: '1 place du Marché', codePostal: '80200', commune: 'Péronne' },
  representant: { prenom: 'Anne', nom: 'Martin', qualite: 'Maire' },
  signature: { date: '2026-12-01' },
};

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('validation', () => {
  it('returns the converted value with defaults in final mode', () => {
    const { value, missing } = validate<Record<string, any>>(schema, complete, 'final');
    expect(value.signature.date).to.be.instanceOf(Date);
    expect(value.signature.exemplaires).to.equal(2);
    expect(missing).to.deep.equal([]);
  });

  it('lists every missing field by its own path in final mode (422)', () => {
    const error = caught(() => validate(schema, { nom: 'Ville de Péronne', adresse: { ligne1: '1 place du Marché' } }, 'final'));
    expect(error).to.be.instanceOf(IncompleteDocumentError);
    const e = error as IncompleteDocumentError;
        expect(e.errors).to.deep.equal([
      { path: 'adresse.codePostal', message: '« Code postal » est obligatoire.', type: 'any.required' },
      { path: 'adresse.commune', message: '« Commune » est obligatoire.', type: 'any.required' },
      { path: 'representant.nom', message: '« Nom » est obligatoire.', type: 'any.required' },
      { path: 'representant.prenom', message: '« Prénom » est obligatoire.', type: 'any.required' },
      { path: 'representant.qualite', message: '« Qualité (fonction) » est obligatoire.', type: 'any.required' },
      { path: 'signature.date', message: '« Date de signature » est obligatoire.', type: 'any.required' },
    ]);
  });

  it('refuses the model’s placeholders and empty strings in final mode', () => {
    const input = { ...complete, nom: 'XXXXX', representant: { prenom: 'Anne', nom: '  ', qualite: 'Maire' } };
    const e = caught(() => validate(schema, input, 'final')) as IncompleteDocumentError;
    expect(e).to.be.instanceOf(IncompleteDocumentError);
    expect(e.errors).to.deep.equal([
      { path: 'nom', type: 'any.placeholder', message: 'La valeur « XXXXX » est un texte à remplacer du modèle : indiquez la valeur réelle.' },
      { path: 'representant.nom', message: '« Nom » est obligatoire.', type: 'any.required' },
    ]);
  });

  it('recognises the placeholders of the model convention', () => {
    for (const text of ['XXXXX', 'XXXXXX', 'Nom du Donneur d’Ordre', "Nom du Donneur d'Odre", 'NOM STRUCTURE PORTEUSE CLAUSE', 'adresse', 'Coordonnées ???', '[à compléter : x]', '...', 'à compléter']) {
      expect(isPlaceholder(text), text).to.equal(true);
    }
    for (const text of ['Ville de Péronne', '8 rue de la Madeleine', 'Président', 'Xavier', 'Maison de l’emploi']) {
      expect(isPlaceholder(text), text).to.equal(false);
    }
  });

  it('lists wrong values and unknown fields at once with 400, naming the expected fields', () => {
    const input = { ...complete, siret: '12345678901234', nomm: 'typo', adresse: { ...complete.adresse, codePostal: '8020' }, signature: { date: 'demain' } };
    const e = caught(() => validate(schema, input, 'draft')) as InvalidInputError;
    expect(e).to.be.instanceOf(InvalidInputError);
        expect(e.errors).to.deep.equal([
      { path: 'adresse.codePostal', message: '« Code postal » n’a pas le format attendu : cinq chiffres, par exemple 80200.', type: 'string.pattern.name' },
      {
        path: 'nomm',
        message: 'Le champ « nomm » n’est pas attendu ici. Champs attendus : nom, siret, adresse, representant, signature, avecCoordinateur, coordinateur.',
        type: 'object.unknown',
      },
      { path: 'signature.date', message: '« Date de signature » doit être une date au format AAAA-MM-JJ.', type: 'date.format' },
      { path: 'siret', message: '« SIRET » n’est pas un numéro SIRET valide : 14 chiffres dont le dernier est une clé de contrôle.', type: 'siret.invalid' },
    ]);
  });

  it('refuses data that is not an object', () => {
    const e = caught(() => validate(schema, [1, 2], 'final')) as InvalidInputError;
    expect(e).to.be.instanceOf(InvalidInputError);
    expect(e.errors).to.deep.equal([{ path: '', type: 'object.base', message: 'Les données doivent être un objet JSON (des champs entre accolades).' }]);
  });

  it('puts a marker at each missing field in draft mode, missing objects included', () => {
    const { value, missing } = validate<Record<string, any>>(schema, { nom: 'Nom du Donneur d’Ordre', avecCoordinateur: true }, 'draft');
    // The marker names the field by its labels (sections, then the field); `missing` keeps the paths.
    expect(value.nom).to.equal('[à compléter : Nom de l’organisme]');
    expect(value.adresse).to.deep.equal({
      ligne1: '[à compléter : Adresse – Adresse (numéro et voie)]',
      codePostal: '[à compléter : Adresse – Code postal]',
      commune: '[à compléter : Adresse – Commune]',
    });
    expect(value.signature.date).to.equal('[à compléter : Signature – Date de signature]');
    expect(value.signature.exemplaires).to.equal(2);
    expect(value.coordinateur).to.equal('[à compléter : Coordinateur]');
    expect(missing.map((m) => m.path)).to.deep.equal([
      'adresse.codePostal',
      'adresse.commune',
      'adresse.ligne1',
      'coordinateur',
      'nom',
      'representant.nom',
      'representant.prenom',
      'representant.qualite',
      'signature.date',
    ]);
  });

  it('requires a conditional field only when its option is set', () => {
    expect(() => validate(schema, complete, 'final')).not.to.throw();
    const e = caught(() => validate(schema, { ...complete, avecCoordinateur: true }, 'final')) as IncompleteDocumentError;
    expect(e.errors).to.deep.equal([{ path: 'coordinateur', message: '« Coordinateur » est obligatoire.', type: 'any.required' }]);
  });
});

describe('calendar dates', () => {
  it('refuses a day that does not exist in the calendar', () => {
    const e = caught(() => validate(schema, { ...complete, signature: { date: '2027-02-29' } }, 'final')) as InvalidInputError;
    expect(e.errors).to.deep.equal([{ path: 'signature.date', message: '« Date de signature » : le 2027-02-29 n’existe pas dans le calendrier.', type: 'date.calendar' }]);
    expect(() => validate(schema, { ...complete, signature: { date: '2028-02-29' } }, 'final')).not.to.throw();
  });
});
