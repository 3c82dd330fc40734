import { expect } from 'chai';
import ExcelJS from 'exceljs';
import PizZip from 'pizzip';
import request from 'supertest';
import { InvalidInputError, NonConformingDocumentError } from '../../src/core/errors.js';
import { readFollowUpFiles } from '../../src/bilans/tabular.js';
import type { UploadedFile } from '../../src/core/uploads.js';
import { Generator } from '../../src/generator.js';
import { createApp } from '../../src/server/app.js';
import { docxParagraphs, documentText, fixture, pdfPages, withValue } from '../support/documents.js';

type Data = { marches: Record<string, unknown>[]; suivi: Record<string, unknown>[] };

const MARKET_COLUMNS = ['reference', 'acheteur', 'titulaire', 'lot', 'objectif_heures', 'date_debut', 'date_fin'];
const ROW_COLUMNS = ['marche', 'personne', 'mois', 'heures', 'heures_formation', 'modalite', 'contrat', 'categorie', 'sexe', 'tranche_age', 'residence_qpv', 'sortie', 'sortie_6_mois'];
const marketCells = (m: Record<string, unknown>) => [m.reference, m.acheteur, m.titulaire, m.lot ?? '', m.objectifHeures, m.dateDebut, m.dateFin];
const rowCells = (r: Record<string, unknown>) => [r.marche, r.personne, r.mois, r.heures, r.heuresFormation, r.modalite, r.contrat, r.categorie, r.sexe, r.trancheAge, r.residenceQpv ? 'oui' : 'non', r.sortie ?? '', r.sortie6mois ?? ''];

function csv(header: string[], rows: unknown[][]): Buffer {
  const cell = (v: unknown) => (typeof v === 'number' ? String(v).replace('.', ',') : String(v ?? ''));
  return Buffer.from(`\uFEFF${[header.join(';'), ...rows.map((r) => r.map(cell).join(';'))].join('\r\n')}\r\n`, 'utf8');
}

async function xlsx(data: Data): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const m = wb.addWorksheet('marches');
  m.addRow(MARKET_COLUMNS);
  data.marches.forEach((x) => m.addRow(marketCells(x)));
  const s = wb.addWorksheet('suivi');
  s.addRow(ROW_COLUMNS);
  data.suivi.forEach((x) => s.addRow(rowCells(x)));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const file = (field: string, name: string, bytes: Buffer): UploadedFile => ({ field, name, mediaType: 'application/octet-stream', bytes });

describe('bilans', () => {
  const generator = new Generator();
  const bilan = fixture('bilan-marche');
  const data = bilan.donnees as Data;
  after(() => generator.close());

  it('reads CSV and XLSX follow-up files into the same data as the JSON', async () => {
    const fromCsv = await readFollowUpFiles([
      file('marches', 'marches.csv', csv(MARKET_COLUMNS, data.marches.map(marketCells))),
      file('suivi', 'suivi.csv', csv(ROW_COLUMNS, data.suivi.map(rowCells))),
    ]);
    const fromXlsx = await readFollowUpFiles([file('donnees', 'suivi.xlsx', await xlsx(data))]);
    expect(fromCsv.suivi).to.have.length(data.suivi.length);
    expect(fromCsv).to.deep.equal(fromXlsx);
    const fromJson = (await generator.generate('bilan-marche', bilan, { format: 'docx' })).bytes;
    const fromFiles = (await generator.generate('bilan-marche', { ...bilan, donnees: fromCsv }, { format: 'docx' })).bytes;
    expect(docxParagraphs(fromFiles)).to.deep.equal(docxParagraphs(fromJson));
  });

  it('refuses a bad file with every error, its line and column, and produces nothing', async () => {
    const rows = data.suivi.slice(0, 3).map(rowCells);
    rows[0]![3] = 'beaucoup';
    rows[1]![0] = 'MARCHE-INCONNU';
    rows[2]![8] = 'X';
    rows[2]![2] = '2027-13';
    try {
      await readFollowUpFiles([file('marches', 'marches.csv', csv(MARKET_COLUMNS, data.marches.map(marketCells))), file('suivi', 'suivi.csv', csv(ROW_COLUMNS, rows))]);
      expect.fail('expected a refusal');
    } catch (error) {
      expect(error).to.be.instanceOf(InvalidInputError);
      const e = error as InvalidInputError;
      expect(e.message).to.equal('Les fichiers de suivi comportent 4 erreur(s) : rien n’a été produit.');
      expect(e.errors.map((x) => [x.path, x.message])).to.deep.equal([
        ['suivi.2.heures', 'suivi.csv, ligne 2, colonne « heures » : « Heures travaillées » doit être un nombre.'],
        ['suivi.4.mois', 'suivi.csv, ligne 4, colonne « mois » : « Mois » n’a pas le format attendu : un mois AAAA-MM.'],
        ['suivi.4.sexe', 'suivi.csv, ligne 4, colonne « sexe » : « Sexe » doit valoir l’une des valeurs suivantes : F, M.'],
        ['suivi.3.marche', 'suivi.csv, ligne 3, colonne « marche » : le marché « MARCHE-INCONNU » n’est pas dans la liste des marchés.'],
      ]);
    }
  });

  it('says which columns or sheets are missing', async () => {
    const noHours = csv(ROW_COLUMNS.filter((c) => c !== 'heures'), []);
    const error = (await readFollowUpFiles([file('marches', 'marches.csv', csv(MARKET_COLUMNS, [])), file('suivi', 'suivi.csv', noHours)]).catch((e: unknown) => e)) as InvalidInputError;
    expect(error.errors.map((e) => e.message)).to.deep.equal(['suivi.csv : la colonne « heures » est absente (ligne 1).']);
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('marches').addRow(MARKET_COLUMNS);
    const noSheet = (await readFollowUpFiles([file('donnees', 'x.xlsx', Buffer.from(await wb.xlsx.writeBuffer()))]).catch((e: unknown) => e)) as InvalidInputError;
    expect(noSheet.errors.map((e) => e.path)).to.deep.equal(['suivi']);
  });

  it('puts the charts in the DOCX and the PDF', async () => {
    const docx = (await generator.generate('bilan-marche', bilan, { format: 'docx' })).bytes;
    const media = Object.keys(new PizZip(docx).files).filter((n) => n.startsWith('word/media/'));
    expect(media).to.deep.equal(['word/media/graphique-1.png', 'word/media/graphique-2.png']);
    const html = (await generator.generate('bilan-marche', bilan, { format: 'html' })).bytes.toString('utf8');
    expect((html.match(/<img [^>]*src="data:image\/png;base64,/g) ?? []).length).to.equal(2);
    const pdf = (await generator.generate('bilan-annuel', fixture('bilan-annuel'), { format: 'pdf' })).bytes;
    const { PDFDocument, PDFName, PDFRawStream } = await import('pdf-lib');
    const doc = await PDFDocument.load(pdf);
    const images = doc.context.enumerateIndirectObjects().filter(([, o]) => o instanceof PDFRawStream && o.dict.get(PDFName.of('Subtype')) === PDFName.of('Image'));
    expect(images.length).to.be.greaterThanOrEqual(2);
  });

  it('never prints a person’s identifier, in any format', async () => {
    const ids = [...new Set(data.suivi.map((r) => String(r.personne)))];
    for (const format of ['docx', 'pdf', 'html', 'md', 'txt']) {
      for (const kind of ['bilan-marche', 'bilan-annuel']) {
        const doc = await generator.generate(kind, fixture(kind), { format });
        const text = format === 'docx' ? docxParagraphs(doc.bytes).join(' ') : format === 'pdf' ? (await pdfPages(doc.bytes)).join(' ') : doc.bytes.toString('utf8');
        for (const id of ids) expect(text, `${kind} ${format}`).not.to.match(new RegExp(`\\b${id}\\b`));
      }
    }
  });

  it('protects small cells and says so', async () => {
    const t = await documentText(generator, 'bilan-marche', bilan);
    expect(t).to.contain('Une valeur qui compte moins de 3 personnes est regroupée avec d’autres');
    expect(t).to.contain('Autres (5 valeurs regroupées)');
    const strict = await documentText(generator, 'bilan-marche', withValue(bilan, 'seuilConfidentialite', 20));
    expect(strict).to.contain('masqué');
    expect(strict).not.to.match(/^Femmes$/m);
  });

  it('draws the goal as a trajectory over the execution, with months in French', async () => {
    const { progressSvg } = await import('../../src/engines/charts/index.js');
    const svg = progressSvg('Heures', [
      { label: 'mai 2027', value: 100, goal: 110 },
      { label: 'juin 2027', value: 200, goal: 220 },
      { label: 'juillet 2027', goal: 330 },
    ]);
    expect(svg).to.contain('Trajectoire de l’objectif').and.contain('>juillet 2027<');
    // The goal path rises from the origin through each month's expected hours; the hours stop at the report.
    expect((svg.match(/<path d="M[^"]*"/g) ?? []).map((p) => p.split(' ').length - 1)).to.deep.equal([4, 2]);
    const html = (await generator.generate('bilan-marche', bilan, { format: 'html' })).bytes.toString('utf8').replace(/[\u00A0\u202F]/g, ' ');
    expect(html).to.contain('alt="Heures cumulées de mai 2027 à décembre 2027 : 521 heures, pour 880 heures attendues à cette date et un objectif de 1 540 heures au terme."');
  });

  it('gives the network’s indicators and is signed by the facilitator', async () => {
    const t = await documentText(generator, 'bilan-annuel', fixture('bilan-annuel'));
    expect(t).to.match(/Ces heures représentent [\d,]+ équivalents? temps plein \(base de 1 607 heures par an\) ; 5 entreprises titulaires ont été mobilisées ; \d+ personnes ont connu une sortie dynamique/);
    expect(t).to.contain('Pour la Maison de l’emploi et de la formation de Haute-Somme\nChargée de mission clauses sociales\nMme Sophie LENOIR');
    const market = await documentText(generator, 'bilan-marche', bilan);
    expect(market).to.contain('Chargée de mission clauses sociales\nMme Sophie LENOIR');
    expect(market).to.contain('Chaque personne est comptée une seule fois, avec sa dernière situation connue');
  });

  it('refuses a final bilan whose analysis counts fewer people than the threshold, naming the sentence', async () => {
    const data = withValue(bilan, 'commentaire', 'Le chantier avance.\nDeux contrats de professionnalisation ont été signés, et 12 personnes ont été recrutées.');
    const error = (await generator.generate('bilan-marche', data, { format: 'docx' }).catch((e: unknown) => e)) as NonConformingDocumentError;
    expect(error).to.be.instanceOf(NonConformingDocumentError);
    expect(error.errors.map((e) => e.message.replace(/[\u00A0\u202F]/g, ' '))).to.deep.equal([
      '« Analyse qualitative » : la phrase « Deux contrats de professionnalisation ont été signés, et 12 personnes ont été recrutées. » désigne moins de 3 personnes ; formulez-la sans effectif, pour qu’on ne puisse pas les reconnaître.',
    ]);
    const annual = withValue(fixture('bilan-annuel'), 'commentaire', 'Une femme a été embauchée en CDI.');
    const annualError = (await generator.generate('bilan-annuel', annual, { format: 'docx' }).catch((e: unknown) => e)) as NonConformingDocumentError;
    expect(annualError.errors.map((e) => e.type)).to.deep.equal(['confidentialite.phrase']);
  });

  it('adds a plan d’action when the market is behind, and requires it in final mode', async () => {
    const t = await documentText(generator, 'bilan-marche', bilan);
    expect(t).to.contain('4. Plan d’action');
    expect(t).to.contain('À fin décembre 2027, 521 heures ont été réalisées sur 1 540 (33,8 %), après 8 mois sur 14');
    expect(t).to.contain('Pour mémoire, l’article 9 du CCAP prévoit, au terme du marché et après procédure contradictoire, une pénalité de 35,00 € par heure non réalisée, dans la limite du plafond qu’il fixe ; à titre indicatif, elle atteindrait 35 665,00 € si les 1 019 heures restantes n’étaient pas réalisées.');
    const error = (await generator.generate('bilan-marche', withValue(bilan, 'planAction', undefined), { format: 'docx' }).catch((e: unknown) => e)) as NonConformingDocumentError;
    expect(error).to.be.instanceOf(NonConformingDocumentError);
    expect(error.errors.map((e) => e.path)).to.deep.equal(['planAction']);
    const onTrack = await documentText(generator, 'bilan-marche', withValue(withValue(bilan, 'marche', '2027-TRV-004-L2'), 'planAction', undefined));
    expect(onTrack).not.to.contain('Plan d’action');
    expect(onTrack).to.contain('Objectif atteint');
  });

  it('totals the buyer’s year and lists the lagging markets', async () => {
    const t = await documentText(generator, 'bilan-annuel', fixture('bilan-annuel'));
    expect(t).to.contain('Marchés en cours portant une clause d’insertion\n5');
    expect(t).to.contain('2027-TRV-004-L1 : En retard');
    expect(t).not.to.contain('2027-VRD-002');
  });

  it('compares the year with the previous one when the follow-up data hold it, and only then', async () => {
    const annual = fixture('bilan-annuel');
    const t = await documentText(generator, 'bilan-annuel', annual);
    expect(t).not.to.contain('Par rapport à l’année');
    // The works lot 1 started a year earlier: its 2026 rows are the 2027 ones of lot 1, moved back a year.
    const d = structuredClone(annual.donnees) as Data;
    d.marches = d.marches.map((m) => (m.reference === '2027-TRV-004-L1' ? { ...m, dateDebut: '2026-05-01' } : m));
    const earlier = d.suivi.filter((r) => r.marche === '2027-TRV-004-L1').map((r) => ({ ...r, mois: `2026-${String(r.mois).slice(5)}` }));
    d.suivi = [...earlier, ...d.suivi];
    const hours = (rows: Record<string, unknown>[]) => rows.reduce((s, r) => s + Number(r.heures), 0);
    const mine = new Set(d.marches.filter((m) => m.acheteur === annual.acheteur).map((m) => m.reference));
    const current = hours(d.suivi.filter((r) => String(r.mois).startsWith('2027') && mine.has(String(r.marche))));
    const previous = hours(earlier);
    const withPrevious = await documentText(generator, 'bilan-annuel', { ...annual, donnees: d });
    const rate = Math.round(((current - previous) / previous) * 1000) / 10;
    const n = (v: number) => v.toLocaleString('fr-FR').replace(/\u202F/g, ' ');
    expect(withPrevious).to.contain('Par rapport à l’année 2026, dont les données de suivi sont disponibles :');
    expect(withPrevious).to.contain(`Heures d’insertion réalisées : ${n(current)} contre ${n(previous)} en 2026 (+${n(rate)} %)`);
    expect(withPrevious).to.contain('Marchés en cours portant une clause : 5 contre 1 en 2026 (+400 %)');
    expect(withPrevious).to.contain('Entreprises titulaires mobilisées : 5 contre 1 en 2026');
  });

  describe('HTTP', () => {
    const app = createApp(generator, { log: () => expect.fail('no 500 expected') });

    it('generates a bilan from uploaded spreadsheets', async () => {
      const { donnees: _ignored, ...rest } = bilan;
      let req = request(app).post('/api/v1/documents/bilan-marche?format=docx').attach('donnees', await xlsx(data), { filename: 'suivi.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
      const flat: Record<string, string> = {};
      const walk = (node: unknown, path: string[]) => {
        if (Array.isArray(node)) node.forEach((v, i) => walk(v, [...path, String(i)]));
        else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
        else flat[path.join('.')] = String(node);
      };
      walk(rest, []);
      for (const [k, v] of Object.entries(flat)) req = req.field(k, v);
      const res = await req.expect(200);
      expect(res.headers['content-type']).to.equal('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    });

    it('gives the indicators as JSON and CSV', async () => {
      const json = await request(app).post('/api/v1/bilans/indicateurs?moisArrete=2027-12').send(data).expect(200);
      expect(json.body.marches.map((m: { reference: string; statut: string }) => [m.reference, m.statut])).to.deep.include(['2027-TRV-004-L1', 'en-retard']);
      const annual = await request(app).post(`/api/v1/bilans/indicateurs?moisArrete=2027-12&annee=2027&acheteur=${encodeURIComponent('Communauté de communes Somme Santerre Est')}`).send(data).expect(200);
      expect(annual.body.annuel).to.deep.include({ annee: 2027, nombreMarches: 5, marchesEnRetard: ['2027-TRV-004-L1', '2027-SRV-011', '2027-TRV-004-L3'] });
      const res = await request(app).post('/api/v1/bilans/indicateurs?moisArrete=2027-12&format=csv').send(data).expect(200);
      expect(res.headers['content-type']).to.equal('text/csv; charset=utf-8');
      const lines = res.text.replace(/^\uFEFF/, '').trim().split('\r\n');
      expect(lines[0]).to.equal('reference;acheteur;titulaire;lot;objectif_heures;heures;heures_formation;taux_realisation;projection;statut;personnes;mois_ecoules;mois_total');
      expect(lines).to.have.length(data.marches.length + 1);
      expect(lines[1]).to.match(/^2027-TRV-004-L1;Communauté de communes Somme Santerre Est;Bâtiments du Santerre SAS;Lot 1 Gros œuvre – maçonnerie;1540;521;50;0,3383;911,75;En retard;9;8;14$/);
    });

    it('serves the blank models', async () => {
      const x = await request(app).get('/api/v1/bilans/modele.xlsx').buffer(true).parse((r, cb) => { const c: Buffer[] = []; r.on('data', (d: Buffer) => c.push(d)); r.on('end', () => cb(null, Buffer.concat(c))); }).expect(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(x.body as Buffer as unknown as ArrayBuffer);
      expect(wb.worksheets.map((w) => w.name)).to.deep.equal(['marches', 'suivi', 'codes']);
      const c = await request(app).get('/api/v1/bilans/modele-suivi.csv').expect(200);
      expect(c.text.trim()).to.equal(ROW_COLUMNS.join(';'));
    });
  });
});
