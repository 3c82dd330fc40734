import { expect } from 'chai';
import { Generator } from '../../src/generator.js';
import { dimensionner } from '../../src/sizing/index.js';
import { readFileSync } from 'node:fs';
import { fromRoot } from '../../src/core/paths.js';
import { NonConformingDocumentError } from '../../src/core/errors.js';
import { documentText, fixture, withValue } from '../support/documents.js';


const plain = (s: string) => s.replace(/[\u00A0\u202F]/g, ' ');

describe('avis motivé', () => {
  const generator = new Generator();
  // A services project with a framework agreement, a cleaning lot and a QPV: the levers and warnings
  // the works project of the example dossier does not show.
  const base = JSON.parse(readFileSync(fromRoot('test', 'data', 'avis-motive-services.json'), 'utf8')) as Record<string, unknown>;
  const story = fixture('avis-motive');
  after(() => generator.close());

  const text = (data: Record<string, unknown>, mode = 'final') => documentText(generator, 'avis-motive', data, mode);

  it('states the referral date and the date the opinion is due, from the calendar', async () => {
    const t = await text(base);
    expect(t).to.contain('a été saisie le 12 novembre 2026 de la fiche descriptive du projet d’achat FPA-2026-031');
    expect(t).to.contain('soit au plus tard le 27 novembre 2026. Il est rendu le 25 novembre 2026, dans ce délai.');
    const late = await text(withValue(base, 'avis.date', '2026-12-01'));
    expect(late).to.contain('Il est rendu le 1er décembre 2026, après l’expiration de ce délai.');
  });

  it('gives per lot the hours and lever of the sizing rules, with their calculation, or the reasons for no clause', async () => {
    const project = base.projet as Record<string, unknown>;
    const sized = dimensionner(
      { nature: 'services', dateReference: '2026-11-25', dateLancement: '2027-01-20', territoire: base.territoire, lots: project.lots },
      { today: new Date('2026-11-12') },
    );
    expect(sized.lots.map((l) => l.heures)).to.deep.equal([545, 765, null]);
    const t = await text(base);
    expect(t).to.contain('Sur 3 lots, 2 lots peuvent porter une clause d’insertion, pour un total de 1 310 heures d’insertion.');
    expect(t).to.contain('Une clause d’insertion est recommandée : 545 heures d’insertion (76 heures d’insertion par tranche de 50 000,00 € HT commandés). Levier : Condition d’exécution : clause d’insertion exprimée en heures de travail (L. 2112-2 du code de la commande publique), obligatoire.');
    expect(t).to.contain('Heures d’insertion avant arrondi\n7 800 h × 7 %\n546 h');
    expect(t).to.contain('Une clause d’insertion exprimée en heures n’est pas recommandée pour ce lot. Montant (24 000,00 € HT) inférieur au seuil de 40 000,00 € HT');
    expect(t).to.contain('Propreté : l’effort d’insertion se calcule sur le personnel nouvellement affecté au marché');
  });

  it('states the EU-threshold obligation, the eligible publics and the QPV priority', async () => {
    const t = await text(base);
    expect(t).to.contain('au moins égale au seuil européen de 216 000,00 € HT');
    expect(t).to.contain('doit figurer dans les conditions d’exécution (article L. 2112-2-1 du code de la commande publique, issu de l’article 35 de la loi n° 2021-1104 du 22 août 2021 « Climat et résilience »).');
    expect(t).to.contain('L’acheteur ne peut s’en dispenser que par une décision motivée, lorsque le besoin peut être satisfait par une solution immédiatement disponible');
    expect(t).to.contain('travailleurs reconnus handicapés ;');
    expect(t).to.contain('les heures d’insertion sont réservées en priorité à ses habitants.');
  });

  it('gives the works project of the dossier the hours of its DCE clause', async () => {
    const t = await text(story);
    expect(t).to.contain('Sur 6 lots, 4 lots peuvent porter une clause d’insertion, pour un total de 2 550 heures d’insertion ; le lot 5 est proposé en lot réservé.');
    expect(t).to.contain('a été saisie le 11 janvier 2027 de la fiche descriptive du projet d’achat FPA-2027-002');
  });

  it('proposes a reserved lot with the legal basis its beneficiaries follow, without hours or calculation', async () => {
    const t = plain(await text(story));
    expect(t).to.contain('5 – Nettoyage de fin de chantier\n45 000,00 €\nlot réservé\nLot réservé aux SIAE (L. 2113-13 et R. 2113-7 du code de la commande publique)');
    expect(t).to.contain(
      'Lot 5 – Nettoyage de fin de chantier\nLa structure porteuse de la clause recommande de réserver ce lot aux structures d’insertion par l’activité économique mentionnées à l’article L. 5132-4 du code du travail et aux structures équivalentes, en application des articles L. 2113-13 et R. 2113-7 du code de la commande publique. La réservation doit figurer dans l’avis d’appel à la concurrence ; aucune heure d’insertion n’est alors fixée, l’insertion résultant de l’exécution du lot par ces structures.\nLot 6',
    );
    const eaEsat = plain(await text(withValue(story, 'projet.lots.4.reservation', 'ea-esat')));
    expect(eaEsat).to.contain('aux entreprises adaptées, aux établissements et services d’aide par le travail et aux structures équivalentes, en application des articles L. 2113-12 et R. 2113-7');
    const joint = plain(await text(withValue(story, 'projet.lots.4.reservation', 'siae-ea')));
    expect(joint).to.contain('Lot réservé conjointement aux SIAE, aux entreprises adaptées et aux ESAT (L. 2113-14 du code de la commande publique)');
  });

  it('never prints "à valider" in a final opinion: the facilitator retains the values, or the opinion is refused', async () => {
    const t = await text(story);
    expect(t).not.to.contain('à valider');
    expect(t).to.contain('65 % (valeur retenue par la structure porteuse de la clause)');
    const error = (await generator.generate('avis-motive', withValue(story, 'valeursReferenceRetenues', false), { format: 'docx' }).catch((e: unknown) => e)) as NonConformingDocumentError;
    expect(error).to.be.instanceOf(NonConformingDocumentError);
    expect(error.errors.map((e) => e.path)).to.deep.equal(['projet.lots.0', 'projet.lots.1', 'projet.lots.2', 'projet.lots.5']);
    expect(error.errors[1]!.message.replace(/[\u00A0\u202F]/g, ' ')).to.equal(
      'Lot 2 : le calcul des heures repose sur des valeurs de référence à valider (part de main-d’œuvre 65 % ; heures d’insertion arrondies 455 h). Confirmez-les comme décision de la structure porteuse de la clause (« Valeurs de référence retenues par la structure porteuse de la clause »).',
    );
    const draft = await text(withValue(story, 'valeursReferenceRetenues', false), 'draft');
    expect(draft).to.contain('65 % (valeur à valider)');
  });

  it('is signed by the facilitator acting for the structure', async () => {
    const t = await text(base);
    expect(t).to.contain('Pour la Maison de l’emploi et de la formation de Haute-Somme\nChargée de mission clauses sociales, par délégation\nSignature\nMme Sophie LENOIR');
  });
});
