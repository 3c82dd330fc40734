import { expect } from 'chai';
import { civilityFromTitle, genderFromCivility, genderFromTitle } from '../../src/core/gender.js';

describe('grammatical gender proposed from a title or a civility', () => {
  it('reads feminine titles', () => {
    for (const title of ['Directrice générale', 'Présidente', 'Vice-présidente', 'Maire adjointe', 'Première adjointe au maire', 'Chargée de mission clauses sociales', 'Conseillère déléguée', 'Directrice générale des services', 'Facilitatrice', 'Cheffe de projet', 'Gérante', 'Trésorière', 'Technicienne', 'DIRECTRICE']) {
      expect(genderFromTitle(title), title).to.equal('feminin');
      expect(civilityFromTitle(title), title).to.equal('Mme');
    }
  });

  it('reads masculine titles', () => {
    for (const title of ['Directeur général', 'Président', 'Vice-président', 'Adjoint au maire', 'Premier adjoint', 'Chargé de mission', 'Conseiller délégué', 'Facilitateur', 'Gérant', 'Trésorier', 'Président-directeur général', 'Délégué territorial']) {
      expect(genderFromTitle(title), title).to.equal('masculin');
      expect(civilityFromTitle(title), title).to.equal('M.');
    }
  });

  it('reads an épicène title by its adjective: « Secrétaire générale », « Secrétaire général »', () => {
    expect(civilityFromTitle('Secrétaire générale')).to.equal('Mme');
    expect(civilityFromTitle('Secrétaire général')).to.equal('M.');
    expect(civilityFromTitle('Responsable adjointe')).to.equal('Mme');
  });

  it('proposes nothing when the title tells nothing', () => {
    for (const title of ['Maire', 'Maire de Péronne', 'Secrétaire', 'Responsable du service emploi', 'Ministre', 'Chef de projet', 'DGS', '', '   ', '{{qualite}}']) {
      expect(genderFromTitle(title), title).to.equal(undefined);
      expect(civilityFromTitle(title), title).to.equal(undefined);
    }
    expect(civilityFromTitle(undefined)).to.equal(undefined);
    expect(civilityFromTitle(null)).to.equal(undefined);
  });

  it('gives the gender of a civility', () => {
    expect(genderFromCivility('Mme')).to.equal('feminin');
    expect(genderFromCivility('M.')).to.equal('masculin');
    expect(genderFromCivility('')).to.equal(undefined);
    expect(genderFromCivility(undefined)).to.equal(undefined);
  });
});
