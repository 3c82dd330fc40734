import { IncompleteDocumentError } from '../../src/core/errors.js';
import { expect } from 'chai';
import { Generator } from '../../src/generator.js';
import { docxParagraphs, docxPart, fixture, withValue } from '../support/documents.js';

const NBSP = /[\u00A0\u202F]/g;
const plain = (text: string) => text.replace(NBSP, ' ');

describe('convention: content of the document', () => {
  const generator = new Generator();
  const base = fixture('convention');

  async function paragraphs(data: Record<string, unknown>, mode = 'final'): Promise<string[]> {
    const doc = await generator.generate('convention', data, { format: 'docx', mode });
    return docxParagraphs(doc.bytes).map(plain);
  }

  after(() => generator.close());

  it('states each signatory’s authority, the contacts, the steering committee, the financial terms and the annexes', async () => {
    const text = await paragraphs(base);
    const all = text.join('\n');
    expect(all).to.contain('représentée par M. Bernard LEFÈVRE, Président, habilité à signer la présente convention par la délibération du conseil communautaire n° 2026-081 du 18 septembre 2026, ci-après dénommée');
    expect(all).to.contain('représentée par Mme Claire DUMONT, Directrice générale, habilitée à signer la présente convention par la décision du conseil d’administration du 10 septembre 2026');
    expect(all).to.contain('pour le donneur d’ordre : Mme Anne MARTIN, responsable de la commande publique (téléphone : 03 22 84 10 20');
    expect(all).to.contain('se réunit au moins deux fois par an');
    expect(all).to.contain('est gratuit pour le donneur d’ordre');
    expect(text).to.include('Annexe 3 : le modèle de bilan intermédiaire par marché et de bilan annuel.');
    const paid = (await paragraphs(withValue(withValue(base, 'options.contributionAnnuelle', 12000), 'options.modalitesContribution', 'en deux fois, en juin et en décembre'))).join('\n');
    expect(paid).to.contain('par une participation annuelle de 12 000,00 €, versée en deux fois, en juin et en décembre.');
    expect(paid).not.to.contain('est gratuit');
  });

  it('caps the tacit renewals and lets the buyer end the convention for general interest', async () => {
    const all = (await paragraphs(base)).join('\n');
    expect(all).to.contain('par périodes successives d’un an, dans la limite de trois reconductions, soit une durée totale de quatre ans au plus.');
    expect(all).to.contain('Le donneur d’ordre peut en outre mettre fin à la présente convention pour un motif d’intérêt général, par lettre recommandée avec demande d’avis de réception, moyennant un préavis de trois mois.');
  });

  it('states the protection of personal data, with a processing annex when the facilitator works for the buyer', async () => {
    const all = (await paragraphs(base)).join('\n');
    expect(all).to.contain('règlement (UE) 2016/679 du 27 avril 2016');
    expect(all).to.contain('en qualité de responsable de traitement');
    expect(all).to.contain('Les données de santé ne sont traitées qu’avec le consentement explicite de la personne');
    expect(all).to.contain('ne conserve que l’attestation d’éligibilité délivrée par le prescripteur');
    expect(all).to.contain('aucune donnée relative aux infractions ou aux condamnations pénales (article 10 du règlement) n’est recueillie');
    expect(all).to.contain('puis cinq ans après la fin du dernier marché concerné');
    expect(all).to.contain('à l’adresse donnees.personnelles@mef-hautesomme.example.fr');
    expect(all).not.to.contain('Annexe 4');
    const processor = await paragraphs(withValue(base, 'options.donneesPersonnelles.role', 'sous-traitant'));
    const text = processor.join('\n');
    expect(text).to.contain('en qualité de sous-traitant au sens de l’article 28 du règlement général sur la protection des données, dans les conditions fixées par l’annexe 4.');
    expect(processor).to.include('Annexe 4 : les clauses relatives au traitement des données personnelles pour le compte du donneur d’ordre.');
    expect(processor).to.include('Annexe 4 – Traitement des données personnelles pour le compte du donneur d’ordre');
    expect(text).to.contain('à ne traiter les données que sur instruction documentée du donneur d’ordre ;');
  });

  it('keeps the confidentiality from blocking the bilans, the essential data and the right of access', async () => {
    const all = (await paragraphs(base)).join('\n');
    expect(all).to.contain('Ces obligations ne font obstacle ni à la transmission et à la communication des bilans dans les conditions des articles IV et VIII, ni à la publication des données essentielles des marchés publics');
  });

  it('numbers the articles I, II, III… with no gap', async () => {
    const headings = (await paragraphs(base)).filter((p) => p.startsWith('Article '));
    expect(headings).to.deep.equal([
      'Article I – Objet de la convention',
      'Article II – Modalités du partenariat',
      'Article III – Engagements de la structure porteuse de la clause',
      'Article IV – Engagements du donneur d’ordre',
      'Article V – Entrée en vigueur et durée de la convention',
      'Article VI – Révision de la convention',
      'Article VII – Confidentialité',
      'Article VIII – Communication',
      'Article IX – Interlocuteurs et comité de pilotage',
      'Article X – Dispositions financières',
      'Article XI – Protection des données personnelles',
      'Article XII – Annexes',
      'Article XIII – Règlement des litiges',
    ]);
  });

  it('drops an optional article and keeps the numbering and cross-references consistent', async () => {
    const text = await paragraphs(withValue(base, 'options.articleLitiges', false));
    const headings = text.filter((p) => p.startsWith('Article '));
    expect(headings).to.have.length(12);
    expect(headings.at(-1)).to.equal('Article XII – Annexes');
    expect(text.join('\n')).not.to.contain('Règlement des litiges');
  });

  it('sends every cross-reference to the article it means', async () => {
    const text = await paragraphs(base);
    const numberOf = (title: string) => /^Article ([IVXLC]+) – /.exec(text.find((p) => p.endsWith(`– ${title}`))!)![1];
    const bilan = text.find((p) => p.startsWith('Un bilan intermédiaire par marché'))!;
    expect(bilan).to.contain(`dans les conditions définies à l’article ${numberOf('Communication')} de la présente convention`);
    const identified = text.find((p) => p.startsWith('Sur les marchés identifiés'))!;
    expect(identified).to.contain(`conformément aux dispositions de l’article ${numberOf('Modalités du partenariat')},`);
  });

  it('leaves no placeholder or typo of the model in a final document', async () => {
    const text = (await paragraphs(base)).join('\n');
    for (const leftover of ['XXXX', 'Nom du Donneur', 'NOM STRUCTURE', 'Coordonnées', '???', 'Odre', '[à compléter', 'à laisser en fonction du besoin', 'undefined', '{{']) {
      expect(text, leftover).not.to.contain(leftover);
    }
  });

  it('names the same people and titles in the parties and in the signature block', async () => {
    const text = await paragraphs(base);
    const buyer = text.find((p) => p.startsWith('La Communauté de communes Somme Santerre Est, établissement public'))!;
    expect(buyer).to.contain('représentée par M. Bernard LEFÈVRE, Président, habilité à signer la présente convention par la délibération du conseil communautaire n° 2026-081 du 18 septembre 2026, ci-après dénommée « le donneur d’ordre »');
    const facilitator = text.find((p) => p.startsWith('La Maison de l’emploi et de la formation de Haute-Somme, association'))!;
    expect(facilitator).to.contain('représentée par Mme Claire DUMONT, Directrice générale');
    const signature = text.slice(text.findIndex((p) => p.startsWith('Fait à Péronne')));
    expect(signature).to.deep.equal([
      'Fait à Péronne, le 1er décembre 2026, en deux exemplaires originaux.',
      'Pour le donneur d’ordre',
      'Communauté de communes Somme Santerre Est',
      'Président',
      'Signature et cachet',
      'M. Bernard LEFÈVRE',
      'Pour la structure porteuse de la clause',
      'Maison de l’emploi et de la formation de Haute-Somme',
      'Directrice générale',
      'Signature et cachet',
      'Mme Claire DUMONT',
    ]);
  });

  it('names a delegated signatory in the parties and in the signature block', async () => {
    const data = withValue(base, 'donneurOrdre.signataire', { civilite: 'Mme', prenom: 'Julie', nom: 'Caron', qualite: 'Directrice générale des services' });
    const text = await paragraphs(data);
    const buyer = text.find((p) => p.startsWith('La Communauté de communes Somme Santerre Est, établissement public'))!;
    expect(buyer).to.contain('représentée par M. Bernard LEFÈVRE, Président, et, par délégation, par Mme Julie CARON, Directrice générale des services,');
    const cell = text.slice(text.indexOf('Pour le donneur d’ordre'), text.indexOf('Pour la structure porteuse de la clause'));
    expect(cell).to.deep.equal([
      'Pour le donneur d’ordre',
      'Communauté de communes Somme Santerre Est',
      'Directrice générale des services, par délégation',
      'Signature et cachet',
      'Mme Julie CARON',
    ]);
  });

  it('shows the multi-territory paragraph and the regional coordinator only when asked', async () => {
    const withCoordinator = (await paragraphs(base)).join('\n');
    expect(withCoordinator).to.contain(
      'pour les marchés couvrant plusieurs territoires, M. Karim BENALI, coordinateur régional des clauses sociales (réseau des facilitateurs des Hauts-de-France, téléphone : 03 22 84 12 50, courriel : karim.benali@facilitateurs-hdf.example.fr)',
    );
    const local = await paragraphs(withValue(withValue(base, 'options.marchesMultiTerritoires', false), 'options.coordinateurRegional', undefined));
    expect(local.join('\n')).not.to.contain('coordinateur régional');
    expect(local.find((p) => p.startsWith('pour les marchés dont le lieu d’exécution'))).to.match(/clauses sociales\.$/);
  });

  it('requires the coordinator when markets span several territories', async () => {
    const data = withValue(base, 'options.coordinateurRegional', undefined);
    const error = await generator.generate('convention', data, { format: 'docx' }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(IncompleteDocumentError);
    expect((error as { errors: { path: string }[] }).errors.map((e) => e.path)).to.deep.equal([
      'options.coordinateurRegional.email',
      'options.coordinateurRegional.fonction',
      'options.coordinateurRegional.nom',
      'options.coordinateurRegional.organisme',
      'options.coordinateurRegional.prenom',
      'options.coordinateurRegional.telephone',
    ]);
  });

  it('writes the model’s durations by default', async () => {
    const text = (await paragraphs(base)).join('\n');
    expect(text).to.contain('La présente convention entre en vigueur à la date de sa signature. Elle est conclue pour une durée d’un an à compter de cette date et est renouvelable par tacite reconduction, par périodes successives d’un an, dans la limite de trois reconductions, soit une durée totale de quatre ans au plus.');
    expect(text).to.contain('au plus tard trois mois avant le terme de la période en cours, par lettre recommandée avec accusé de réception');
    expect(text).to.contain('dans un délai de deux mois à compter de la réception de ce courrier');
    expect(text).to.contain('au plus tard dans un délai de quinze jours suivant la saisine');
  });

  it('writes changed durations, a stated start date and no renewal', async () => {
    let data = withValue(base, 'durees', {
      dateEntreeEnVigueur: '2027-01-01',
      dureeInitialeMois: 24,
      reconductionTacite: false,
      preavisNonReconductionMois: 6,
      delaiMiseEnDemeureMois: 1,
      delaiAvisMotiveJours: 10,
    });
    data = withValue(data, 'signature.nombreExemplaires', 3);
    const text = (await paragraphs(data)).join('\n');
    expect(text).to.contain('La présente convention entre en vigueur le 1er janvier 2027. Elle est conclue pour une durée de deux ans à compter de cette date.');
    expect(text).not.to.contain('reconduction,');
    expect(text).not.to.contain('non-reconduction');
    expect(text).to.contain('L’arrivée à terme de la convention ne met pas automatiquement fin');
    expect(text).to.contain('dans un délai d’un mois à compter de la réception');
    expect(text).to.contain('au plus tard dans un délai de dix jours suivant la saisine');
    expect(text).to.contain('en trois exemplaires originaux.');
  });

  it('agrees "représenté" with a masculine party name', async () => {
    const data = withValue(base, 'donneurOrdre.nom', 'Département de la Somme');
    const buyer = (await paragraphs(data)).find((p) => p.startsWith('Le Département de la Somme,'))!;
    expect(buyer).to.contain('représenté par M. Bernard LEFÈVRE, Président, habilité à signer la présente convention par la délibération du conseil communautaire n° 2026-081 du 18 septembre 2026, ci-après dénommé « le donneur d’ordre »');
  });

  it('prints the preamble texts as paragraphs with French typography', async () => {
    const text = await paragraphs(base);
    expect(text).to.include('Elle est membre du réseau national des facilitateurs des clauses sociales.');
    expect(text.find((p) => p.startsWith('Par sa délibération'))).to.contain('l’insertion professionnelle');
  });

  it('shows a marker for each missing field in a draft, and the PROJET mark', async () => {
    const data = withValue(withValue(base, 'donneurOrdre.representant', { prenom: 'Bernard' }), 'signature.date', undefined);
    const doc = await generator.generate('convention', data, { format: 'docx', mode: 'draft' });
    const text = docxParagraphs(doc.bytes).map(plain).join('\n');
    expect(text).to.contain('représentée par Bernard [à compléter : Donneur d’ordre – Représentant légal – Nom], [à compléter : Donneur d’ordre – Représentant légal – Qualité (fonction)],');
    expect(text).to.contain('Fait à Péronne, le [à compléter : Signature – Date de signature], en deux exemplaires originaux.');
    expect(doc.missing.map((m) => m.path)).to.deep.equal(['donneurOrdre.representant.nom', 'donneurOrdre.representant.qualite', 'signature.date']);
    expect(docxPart(doc.bytes, 'word/header1.xml')).to.contain('string="PROJET"');
    expect(docxParagraphs(doc.bytes, 'word/header1.xml').join(' ')).to.contain('PROJET – Convention de partenariat – Réf. CP-2026-014');
    expect(doc.fileName).to.match(/^projet-convention-partenariat-/);
  });

  it('has no PROJET mark in a final document', async () => {
    const doc = await generator.generate('convention', base, { format: 'docx' });
    expect(docxPart(doc.bytes, 'word/header1.xml')).not.to.contain('PROJET');
    expect(doc.fileName).to.equal('convention-partenariat-communaute-de-communes-somme-santerre-2026-12-01.docx');
  });
});
