import { expect } from 'chai';
import { IncompleteDocumentError, InvalidInputError, NonConformingDocumentError } from '../../src/core/errors.js';
import { Generator } from '../../src/generator.js';
import { dimensionner } from '../../src/sizing/index.js';
import { docxParagraphs, fixture, withValue } from '../support/documents.js';

const plain = (text: string) => text.replace(/[\u00A0\u202F]/g, ' ');

describe('DCE clause: content', () => {
  const generator = new Generator();
  const base = fixture('clause-dce');
  after(() => generator.close());

  async function text(data: Record<string, unknown>, mode = 'final'): Promise<string[]> {
    const doc = await generator.generate('clause-dce', data, { format: 'docx', mode });
    return docxParagraphs(doc.bytes).map(plain);
  }

  /** A one-lot market with the given lot. */
  function oneLot(lot: Record<string, unknown>): Record<string, unknown> {
    return withValue(base, 'lots', [{ numero: '1', intitule: 'Lot unique', ...lot }]);
  }

  it('prints for each lot the hours computed by the sizing rules, or the hours decided', async () => {
    const sized = dimensionner(
      {
        nature: 'travaux',
        dateReference: '2027-01-20',
        dateLancement: '2027-02-01',
        territoire: { communesInsee: ['80620'], structure: { departements: ['80'] } },
        lots: (base.lots as Record<string, unknown>[])
          .filter((l) => l.dimensionnement)
          .map((l) => ({ numero: l.numero, intitule: l.intitule, ...(l.dimensionnement as object) })),
      },
      { today: new Date('2026-11-25') },
    );
    const expected = Object.fromEntries(sized.lots.map((l) => [l.numero, l.heures]));
    expect(expected).to.deep.equal({ '1': 1540, '2': 455, '3': 205, '4': null, '6': 350 });
    const paragraphs = await text(base);
    const table = paragraphs.slice(paragraphs.indexOf('Heures d’insertion') + 1, paragraphs.findIndex((p) => p.startsWith('Soit un total')));
    expect(table).to.deep.equal([
      '1', 'Gros œuvre – maçonnerie', 'condition d’exécution et critère d’attribution', '1 540',
      '2', 'Peinture – revêtements de sols', 'condition d’exécution', '455',
      '3', 'Électricité – courants faibles', 'condition d’exécution', '205',
      '6', 'Voirie et réseaux divers', 'condition d’exécution', '350',
    ]);
    expect(paragraphs).to.include('Soit un total de 2 550 heures d’insertion pour l’ensemble des lots concernés.');
  });

  it('gives no clause to a lot under the thresholds: the CCAP says so plainly, the calculation note says why', async () => {
    const paragraphs = await text(base);
    const all = paragraphs.join('\n');
    const ccap = paragraphs.slice(0, paragraphs.indexOf('B. Règlement de la consultation')).join('\n');
    const note = paragraphs.slice(paragraphs.indexOf('D. Note de calcul des heures d’insertion')).join('\n');
    expect(ccap).to.contain('Le lot 4 « Signalétique » ne comporte pas de clause d’insertion.');
    expect(ccap).not.to.match(/seuil|Autres leviers|leviers possibles/);
    expect(note).to.contain('Pas de clause d’insertion proposée : Montant (28 000,00 € HT) inférieur au seuil de 40 000,00 € HT retenu pour une clause d’insertion. Autres leviers possibles : Critère d’attribution');
    expect(note).to.contain('Document de travail destiné au dossier de l’acheteur : il n’est pas à publier avec le dossier de consultation.');
    expect(all).not.to.match(/^4\n/m);
    const two = (await text(withValue(withValue(base, 'lots.4.levier', 'aucun'), 'lots.4.motifSansClause', 'Prestation confiée à une régie.'))).join('\n');
    expect(two).to.contain('Les lots 4 « Signalétique » et 5 « Nettoyage de fin de chantier » ne comportent pas de clause d’insertion.');
    expect(two).to.contain('Motif de l’absence de clause : Prestation confiée à une régie.');
  });

  it('never prints "à valider" in a final clause: the buyer retains the values, or the clause is refused', async () => {
    const all = (await text(base)).join('\n');
    expect(all).not.to.contain('à valider');
    expect(all).to.contain('(valeur retenue par l’acheteur)');
    const error = (await generator.generate('clause-dce', withValue(base, 'valeursReferenceRetenues', false), { format: 'docx' }).catch((e: unknown) => e)) as NonConformingDocumentError;
    expect(error).to.be.instanceOf(NonConformingDocumentError);
    expect(error.errors.map((e) => e.path)).to.deep.equal(['lots.0.dimensionnement', 'lots.1.dimensionnement', 'lots.2.dimensionnement', 'lots.5.dimensionnement']);
    expect(error.errors[0]!.message).to.match(/^Lot 1 : le calcul des heures repose sur des valeurs de référence à valider \(.*\)\. Confirmez-les comme décision de l’acheteur \(« Valeurs de référence retenues par l’acheteur »\), ou indiquez les heures décidées pour ce lot\.$/);
  });

  it('names the CCAG of the market’s nature, for the eligible publics and the contradictory procedure', async () => {
    const all = (await text(base)).join('\n');
    expect(all).to.contain('conformément à la procédure contradictoire prévue par le cahier des clauses administratives générales applicable aux marchés publics de travaux (CCAG-Travaux, arrêté du 30 mars 2021).');
    const services = (await text(withValue(withValue(base, 'marche.nature', 'services'), 'marche.ccag', 'pi'))).join('\n');
    expect(services).to.contain('(CCAG-PI, arrêté du 30 mars 2021)');
  });

  it('always states the four mentions of CCAG 2021 art. 16.1: scope, hourly volume, eligible publics, facilitator', async () => {
    for (const lever of [
      { levier: 'condition-execution', heures: 120 },
      { levier: 'critere-attribution', heures: 120, critere: { ponderation: 15 } },
      { levier: 'marche-insertion', heures: 2000 },
    ]) {
      const all = (await text(oneLot(lever))).join('\n');
      expect(all, lever.levier).to.contain('9.1 – Objet et champ d’application');
      expect(all, lever.levier).to.contain('Cette action s’applique aux lots suivants :\nlot 1 « Lot unique »');
      expect(all, lever.levier).to.contain('9.2 – Volume horaire d’insertion');
      expect(all, lever.levier).to.match(/Soit un total de (120|2 000) heures d’insertion/);
      expect(all, lever.levier).to.contain('9.3 – Publics éligibles');
      expect(all, lever.levier).to.contain('les demandeurs d’emploi de longue durée');
      expect(all, lever.levier).to.contain('9.5 – Rôle du facilitateur et coordonnées');
      expect(all, lever.levier).to.contain('Facilitateur : Mme Sophie LENOIR, chargée de mission clauses sociales, Maison de l’emploi et de la formation de Haute-Somme, téléphone : 03 22 84 12 34, courriel : clauses.sociales@mef-hautesomme.example.fr.');
    }
  });

  it('cites the right articles for each lever', async () => {
    const condition = (await text(oneLot({ levier: 'condition-execution', heures: 120 }))).join('\n');
    expect(condition).to.contain('constitue une condition d’exécution du marché au sens de l’article L. 2112-2 du code de la commande publique');
    expect(condition).not.to.contain('R. 2152-7');

    const criterion = (await text(oneLot({ levier: 'critere-attribution', heures: 120, critere: { numero: '3', ponderation: 15 } }))).join('\n');
    expect(criterion).to.contain('au titre du critère d’attribution relatif à l’insertion (articles L. 2152-7 et R. 2152-7 du code de la commande publique) ont valeur contractuelle');
    expect(criterion).to.contain('Pour le lot 1, le critère n° 3 « Performance en matière d’insertion professionnelle des publics en difficulté », prévu à l’article R. 2152-7 du code de la commande publique, est pondéré à 15 % de la note globale.');
    expect(criterion).to.contain('nombre d’heures d’insertion proposées au-delà du minimum imposé : 50 % ;');

    const insertion = (await text(oneLot({ levier: 'marche-insertion', heures: 2000 }))).join('\n');
    expect(insertion).to.contain('marché de services d’insertion et de qualification professionnelle passé en application de l’article R. 2123-1 3° du code de la commande publique');

    const siae = (await text(oneLot({ levier: 'lot-reserve-siae' }))).join('\n');
    expect(siae).to.contain('est réservé, en application de l’article L. 2113-13 du code de la commande publique, aux structures d’insertion par l’activité économique mentionnées à l’article L. 5132-4 du code du travail');
    expect(siae).to.contain('proportion minimale de 50 % de travailleurs défavorisés (article R. 2113-7 du code de la commande publique)');
    expect(siae).to.contain('Aucun lot du marché ne comporte d’action d’insertion exprimée en heures de travail.');

    const ea = (await text(oneLot({ levier: 'lot-reserve-ea-esat' }))).join('\n');
    expect(ea).to.contain('en application de l’article L. 2113-12 du code de la commande publique, aux entreprises adaptées mentionnées à l’article L. 5213-13 du code du travail, aux établissements et services d’aide par le travail mentionnés à l’article L. 344-2 du code de l’action sociale et des familles');

    const both = (await text(oneLot({ levier: 'lot-reserve-siae-ea' }))).join('\n');
    expect(both).to.contain('en application de l’article L. 2113-14 du code de la commande publique, à la fois aux opérateurs économiques mentionnés à l’article L. 2113-12');
    for (const t of [siae, ea, both]) expect(t).to.contain('L’avis d’appel à la concurrence mentionne cette réservation.');
  });

  it('states in the RC the clause, its hours, whom to ask, the annex to return and the reserved lots', async () => {
    const paragraphs = await text(base);
    const rc = paragraphs.slice(paragraphs.indexOf('Article 6 – Clause sociale d’insertion'), paragraphs.indexOf('C. Annexe – Engagement du soumissionnaire')).join('\n');
    expect(rc).to.contain('lot 1 « Gros œuvre – maçonnerie » : 1 540 heures d’insertion ;');
    expect(rc).to.contain('joint à son offre l’annexe « Engagement du soumissionnaire »');
    expect(rc).to.contain('Le lot suivant est réservé ; l’avis d’appel à la concurrence mentionne cette réservation (article R. 2113-7 du code de la commande publique) :');
    expect(rc).to.contain('Les candidats à ce lot justifient de leur statut et de la proportion de travailleurs défavorisés qu’ils emploient, qui doit être d’au moins 50 %.');
    expect(rc).to.contain('lot 5 « Nettoyage de fin de chantier » : structures d’insertion par l’activité économique et structures équivalentes (article L. 2113-13 du code de la commande publique).');
    expect(rc).to.contain('est pondéré à 10 % de la note globale');
    expect(rc).to.contain('au facilitateur : Mme Sophie LENOIR, Maison de l’emploi et de la formation de Haute-Somme, téléphone : 03 22 84 12 34');
  });

  it('contains the bidder’s engagement form', async () => {
    const all = (await text(base)).join('\n');
    for (const part of ['1. Identification du soumissionnaire', '2. Correspondant chargé de l’action d’insertion', '3. Modalités de mise en œuvre envisagées', '4. Calendrier prévisionnel des heures d’insertion', '5. Postes proposés et accompagnement', '6. Engagement', 'Tutorat : nom et fonction du tuteur', 'Nom, qualité et signature du représentant habilité']) {
      expect(all).to.contain(part);
    }
  });

  it('numbers the CCAP sub-articles consecutively and keeps cross-references right', async () => {
    const without = (await text(withValue(base, 'options.globalisation', false))).filter((p) => /^9\.\d+ – /.test(p));
    expect(without.map((p) => p.split(' – ')[0])).to.deep.equal(['9.1', '9.2', '9.3', '9.4', '9.5', '9.6', '9.7', '9.8', '9.9', '9.10', '9.11']);
    expect(without.at(-2)).to.equal('9.10 – Pénalités');
    const unnumbered = await text(withValue(base, 'marche.articleCcap', undefined));
    expect(unnumbered).to.include('Article « Action d’insertion professionnelle »');
    expect(unnumbered).to.include('3 – Publics éligibles');
    expect(unnumbered.join('\n')).to.contain('aux publics définis à l’article 3 le nombre d’heures');
  });

  it('says once, for all the lots that share it, what each lever means', async () => {
    const paragraphs = await text(base);
    expect(paragraphs.filter((p) => p.includes('constitue une condition d’exécution du marché'))).to.have.length(2);
    expect(paragraphs).to.include(
      'Pour les lots 2, 3 et 6, l’action d’insertion constitue une condition d’exécution du marché au sens de l’article L. 2112-2 du code de la commande publique. Elle est obligatoire pour le titulaire et ses sous-traitants éventuels.',
    );
    const two = await text(withValue(withValue(base, 'lots', [
      { numero: '1', intitule: 'A', levier: 'marche-insertion', heures: 2000 },
      { numero: '2', intitule: 'B', levier: 'marche-insertion', heures: 1000 },
    ]), 'valeursReferenceRetenues', false));
    expect(two.join('\n')).to.contain('Les lots 1 et 2 sont des marchés de services d’insertion et de qualification professionnelle passés en application de l’article R. 2123-1 3°');
  });

  it('states the penalty of the rules, or the one chosen, and the contradictory procedure', async () => {
    const all = (await text(base)).join('\n');
    expect(all).to.contain('Au terme du marché, chaque heure d’insertion non réalisée donne lieu à une pénalité de 35,00 € ; le montant total de cette pénalité est plafonné à 10 % du montant hors taxes du lot.');
    expect(all).to.contain('l’invite à présenter ses observations dans un délai de quinze jours');
    const chosen = (await text(withValue(withValue(base, 'options.penaliteParHeure', 50), 'options.delaiObservationsJours', 10))).join('\n');
    expect(chosen).to.contain('une pénalité de 50,00 € ;');
    expect(chosen).to.contain('dans un délai de dix jours');
  });

  it('states when hours are assessed, the penalty for missing reports and the adjustment of hours', async () => {
    const all = (await text(withValue(withValue(base, 'options.plafondPenalitePourcent', 5), 'options.penaliteEtatMensuel', 150))).join('\n');
    expect(all).to.contain('à mi-parcours de la durée d’exécution du marché puis à son terme. Lorsqu’à mi-parcours les heures réalisées sont inférieures à la moitié du volume dû, le titulaire remet au facilitateur, dans un délai de quinze jours à compter de la demande du pouvoir adjudicateur, un plan de rattrapage.');
    expect(all).to.contain('plafonné à 5 % du montant hors taxes du lot');
    expect(all).to.contain('Tout état mensuel prévu à l’article 9.8 qui n’est pas transmis dans les huit jours suivant une mise en demeure donne lieu à une pénalité de 150,00 € par état manquant.');
    expect(all).to.contain('le volume d’heures d’insertion est ajusté dans la même proportion');
  });

  it('keeps the calculation note with numbered sources', async () => {
    const all = (await text(base)).join('\n');
    expect(all).to.contain('D. Note de calcul des heures d’insertion');
    expect(all).to.contain('Heures d’insertion avant arrondi\n30 833,33 h × 5 %\n1 541,67 h');
    expect(all).to.match(/\[1\] Maison de l’emploi et de la formation Sud 77 : exemple de calcul .* – http:\/\/www\.mefsud77\.fr\/\?page_id=28/);
  });

  it('gives Markdown and plain text with no markup left over', async () => {
    const md = (await generator.generate('clause-dce', base, { format: 'md' })).bytes.toString('utf8');
    expect(md).not.to.match(/<\/?[a-z][^>]*>/i);
    expect(md).to.contain('## Article 9 – Action d’insertion professionnelle');
    expect(md).to.match(/^\| 1 +\| Gros œuvre – maçonnerie \| condition d’exécution et critère d’attribution \| 1\u202F540 \|$/m);
    expect(md).not.to.contain('\\[');
    const txt = (await generator.generate('clause-dce', base, { format: 'txt' })).bytes.toString('utf8');
    expect(txt).not.to.match(/<\/?[a-z][^>]*>/i);
    expect(txt).not.to.match(/^#+ |\*\*|^\|.*\|$|^-{3,}/m);
    expect(txt).to.contain('Article 9 – Action d’insertion professionnelle');
  });

  it('shows a marker where a lot’s hours are missing in a draft, and lists it in final mode', async () => {
    const data = withValue(base, 'lots', [{ numero: '1', intitule: 'Lot unique', levier: 'condition-execution' }]);
    const draft = (await text(data, 'draft')).join('\n');
    expect(draft).to.contain('[à compléter : Lot 1 – Heures d’insertion décidées]');
    const error = await generator.generate('clause-dce', data, { format: 'docx' }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(IncompleteDocumentError);
    expect((error as IncompleteDocumentError).errors).to.deep.equal([
      { path: 'lots.0', type: 'object.missing', message: '« Lot » : indiquez au moins l’un des champs suivants : heures, dimensionnement.' },
    ]);
  });

  it('refuses contradictory lever data with field messages', async () => {
    const data = withValue(base, 'lots', [
      { numero: '1', intitule: 'A', levier: 'condition-execution', heures: 100, dimensionnement: { famille: 'vrd', montantHT: 100000, dureeMois: 6 } },
      { numero: '2', intitule: 'B', levier: 'condition-execution', heures: 100, critere: { ponderation: 10 } },
      { numero: '3', intitule: 'C', levier: 'critere-attribution', heures: 100, critere: { ponderation: 10, sousCriteres: [{ libelle: 'x', ponderation: 60 }] } },
      { numero: '4', intitule: 'D', levier: 'aucun' },
    ]);
    const error = (await generator.generate('clause-dce', data, { format: 'docx' }).catch((e: unknown) => e)) as InvalidInputError;
    expect(error).to.be.instanceOf(InvalidInputError);
    expect(error.errors).to.deep.equal([
      { path: 'lots.0', type: 'object.xor', message: '« Lot » : indiquez un seul des champs suivants, pas plusieurs : heures, dimensionnement.' },
      { path: 'lots.1.critere', type: 'any.unknown', message: '« Critère d’attribution « insertion » » n’est pas attendu avec les autres choix de cette section.' },
      { path: 'lots.2.critere', type: 'ponderation.somme', message: '« Critère d’attribution « insertion » » : les pondérations des sous-critères totalisent 60 % au lieu de 100 %.' },
      { path: 'lots.3.motifSansClause', type: 'any.required', message: '« Motif de l’absence de clause » est obligatoire.' },
    ]);
  });
});

describe('DCE clause: no lot with hours', () => {
  const generator = new Generator();
  after(() => generator.close());

  it('keeps only the scope and the reservation when every lot is reserved', async () => {
    const data = withValue(fixture('clause-dce'), 'lots', [{ numero: '1', intitule: 'Nettoyage', levier: 'lot-reserve-siae' }]);
    const text = docxParagraphs((await generator.generate('clause-dce', data, { format: 'docx' })).bytes).join('\n');
    expect(text).to.contain('9.1 – Objet et champ d’application');
    expect(text).to.contain('9.2 – Lots réservés');
    expect(text).not.to.contain('Volume horaire');
    expect(text).not.to.contain('par heure d’insertion non réalisée');
  });
});
