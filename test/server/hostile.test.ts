/**
 * Hostile input, as an attacker would send it, on localhost: zip bombs and huge spreadsheets, keys
 * that reach a prototype, data nested thousands of levels deep or with thousands of keys, broken
 * Unicode, formulas in exported cells, repeated parameters. Each gets a clear 4xx naming the field,
 * the service keeps answering, and no answer quotes anything internal. Bounded in count and time.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { expect } from 'chai';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { DEFAULT_SPREADSHEET_LIMITS } from '../../src/config.js';
import { neutralizeCell, toCsv } from '../../src/core/csv.js';
import { PayloadTooLargeError } from '../../src/core/errors.js';
import { listKinds } from '../../src/core/registry.js';
import { readFollowUpFiles } from '../../src/bilans/tabular.js';
import { Generator } from '../../src/generator.js';
import { createApp } from '../../src/server/app.js';
import { expectNothingInternal, fixture } from '../support/documents.js';
import { entry, zeros, zip } from '../support/zip.js';

const PROBLEM = 'application/problem+json; charset=utf-8';
const MIB = 1024 * 1024;


/** A text leaf of the example, to carry broken Unicode. */
function firstTextPath(node: unknown, prefix: string[] = []): string[] | undefined {
  if (typeof node === 'string') return prefix;
  if (node === null || typeof node !== 'object') return undefined;
  for (const [k, v] of Object.entries(node)) {
    const found = firstTextPath(v, [...prefix, k]);
    if (found) return found;
  }
  return undefined;
}

function setIn(data: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(data);
  let node = copy as Record<string, unknown>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string, unknown>;
  node[path[path.length - 1]!] = value;
  return copy;
}

/** Hostile bodies as raw JSON text (a JavaScript object literal cannot hold an own "__proto__"). */
function hostileBodies(kindId: string): { name: string; body: string; type: string }[] {
  const example = fixture(kindId);
  const exampleText = JSON.stringify(example);
  const textPath = firstTextPath(example)!;
  const manyKeys = `{${Array.from({ length: 150_000 }, (_, i) => `"k${i}":1`).join(',')}}`;
  const manyKeysInLists = `[${Array.from({ length: 150 }, (_, j) => `{${Array.from({ length: 1000 }, (_, i) => `"k${j}_${i}":1`).join(',')}}`).join(',')}]`;
  return [
    { name: 'the example under "__proto__"', body: `{"__proto__": ${exampleText}}`, type: 'field.forbidden' },
    { name: 'the example with a "__proto__" carrying a placeholder', body: `${exampleText.slice(0, -1)}, "__proto__": {"signature": {"lieu": "XXXXX"}}}`, type: 'field.forbidden' },
    { name: 'constructor.prototype', body: `{"constructor": {"prototype": {"polluted": true}}}`, type: 'field.forbidden' },
    { name: 'a field nested 5 000 levels deep', body: `{"${textPath[0]}": ${'['.repeat(5000)}${']'.repeat(5000)}}`, type: 'data.depth' },
    { name: 'objects nested 5 000 levels deep', body: `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`, type: 'data.depth' },
    { name: '150 000 unknown keys in one object', body: `{"${textPath[0]}": ${manyKeys}}`, type: 'data.tooManyFields' },
    { name: '150 000 unknown keys over 150 list items', body: `{"inconnu": ${manyKeysInLists}}`, type: 'object.unknown' },
    { name: 'a lone surrogate in a text', body: JSON.stringify(setIn(example, textPath, 'Pé\uD800ronne')), type: 'string.unicode' },
  ];
}

describe('hostile input', function () {
  this.timeout(120_000);
  const generator = new Generator();
  const logged: unknown[] = [];
  const app = createApp(generator, { log: (_m, e) => logged.push(e) });
  let server: Server;
  let base: string;

  before(async () => {
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await generator.close();
  });
  afterEach(() => expect(logged, 'no request may end in a logged 500').to.deep.equal([]));

  /** Runs `work` while asking /health every 100 ms: every answer must come within a second. */
  async function whileHealthy<T>(work: PromiseLike<T>): Promise<{ result: T; checks: number }> {
    let done = false;
    const settled = Promise.resolve(work).finally(() => {
      done = true;
    });
    let checks = 0;
    while (!done) {
      const res = await request(base).get('/health').timeout(1000);
      expect(res.status).to.equal(200);
      checks++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { result: await settled, checks };
  }

  describe('uploads are read with bounded resources, off the event loop', () => {
    const indicators = () => request(base).post('/api/v1/bilans/indicateurs?moisArrete=2027-12');
    const SUIVI_HEADER = 'marche;personne;mois;heures;modalite;contrat;categorie;sexe;tranche_age\n';
    const MARCHES_CSV = Buffer.from('reference;acheteur;titulaire;objectif_heures;date_debut;date_fin\nM1;A;T;10;2027-01-01;2027-12-31\n');

    it('refuses a zip bomb of a few MB that declares gigabytes, and keeps answering', async () => {
      const bomb = zip([entry('[Content_Types].xml', '<Types/>'), zeros('xl/worksheets/sheet1.xml', 3900 * MIB)]);
      expect(bomb.length).to.be.within(2 * MIB, 6 * MIB);
      const { result: res, checks } = await whileHealthy(indicators().attach('donnees', bomb, 'suivi.xlsx'));
      expect(checks).to.be.greaterThan(0);
      expect(res.status).to.equal(413);
      expect(res.headers['content-type']).to.equal(PROBLEM);
      expect(res.body.errors[0]).to.include({ path: 'donnees', type: 'file.inflatedTooLarge' });
      expect(res.body.errors[0].message).to.equal('Le fichier « suivi.xlsx » est refusé : il dépasserait 100\u00A0Mo une fois décompressé.');
    });

    it('stops a zip bomb whose directory lies about its sizes while inflating it', async () => {
      const liar = zip([entry('[Content_Types].xml', '<Types/>'), zeros('xl/worksheets/sheet1.xml', 3900 * MIB, 1000)]);
      const { result: res } = await whileHealthy(indicators().attach('donnees', liar, 'suivi.xlsx'));
      expect(res.status).to.equal(413);
      expect(res.body.errors[0].type).to.equal('file.inflatedTooLarge');
      expect(res.body.errors[0].message).to.contain('plus grand, une fois décompressé, que ce que l’archive déclare');
    });

    it('stops an archive whose entries pass one by one but not together', async () => {
      const entries = Array.from({ length: 12 }, (_, i) => zeros(`xl/media/${i}.bin`, 10 * MIB));
      const limits = { ...DEFAULT_SPREADSHEET_LIMITS, compressionRatio: 10_000 };
      const file = { field: 'donnees', name: 'lourd.xlsx', mediaType: 'application/octet-stream', bytes: zip(entries) };
      const error = await readFollowUpFiles([file], limits).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(PayloadTooLargeError);
      expect((error as PayloadTooLargeError).errors[0]!.message).to.contain('100\u00A0Mo');
    });

    it('refuses a file that is not a zip, and a workbook with too many rows, naming the limit', async () => {
      const junk = await indicators().attach('donnees', Buffer.from('PK\u0003\u0004 pas un classeur'), 'suivi.xlsx');
      expect(junk.status).to.equal(400);
      expect(junk.body.errors[0].message).to.equal('Le fichier « suivi.xlsx » n’est pas un classeur lisible (archive ZIP endommagée ou d’un autre type).');

      const data = fixture('bilan-marche').donnees as { marches: Record<string, unknown>[]; suivi: Record<string, unknown>[] };
      const wb = new ExcelJS.Workbook();
      wb.addWorksheet('marches').addRows([Object.keys(data.marches[0]!), ...data.marches.map((m) => Object.values(m))]);
      wb.addWorksheet('suivi').addRows([['marche', 'personne', 'mois', 'heures'], ...data.suivi.map((r) => [r.marche, r.personne, r.mois, r.heures])]);
      const buffer = Buffer.from(await wb.xlsx.writeBuffer());
      const file = { field: 'donnees', name: 'suivi.xlsx', mediaType: 'application/octet-stream', bytes: buffer };
      const error = await readFollowUpFiles([file], { ...DEFAULT_SPREADSHEET_LIMITS, followUpRows: 10 }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(PayloadTooLargeError);
      expect((error as PayloadTooLargeError).errors[0]).to.deep.equal({
        path: 'donnees',
        type: 'file.tooManyRows',
        message: 'Le fichier « suivi.xlsx » compte plus de 10 lignes de suivi (« suivi ») : envoyez-en moins à la fois.',
      });
    });

    it('refuses a CSV of a million lines while /health keeps answering', async () => {
      const suivi = Buffer.from(SUIVI_HEADER + 'a;;;;;;;;\n'.repeat(1_000_000));
      const { result: res, checks } = await whileHealthy(indicators().attach('marches', MARCHES_CSV, 'marches.csv').attach('suivi', suivi, 'suivi.csv'));
      expect(checks).to.be.greaterThan(0);
      expect(res.status).to.equal(413);
      expect(res.body.errors[0]).to.deep.equal({
        path: 'suivi',
        type: 'file.tooManyRows',
        message: 'Le fichier « suivi.csv » compte plus de 500\u202F000 lignes de suivi (« suivi ») : envoyez-en moins à la fois.',
      });
    });

    it('answers a CSV of 400 000 bad lines with its first errors only, without blocking', async () => {
      const suivi = Buffer.from(SUIVI_HEADER + 'M1;P;2027-13;x;?;?;?;?;?\n'.repeat(400_000));
      const { result: res } = await whileHealthy(indicators().attach('marches', MARCHES_CSV, 'marches.csv').attach('suivi', suivi, 'suivi.csv'));
      expect(res.status).to.equal(400);
      expect(res.body.errors).to.have.length(100);
      expect(res.body.detail).to.equal('Les fichiers de suivi comportent au moins 500 erreurs : rien n’a été produit. (100 premières erreurs sur 500)');
      expect(res.body.errors[0].message).to.match(/^suivi\.csv, ligne 2, colonne « /);
    });

    it('refuses a CSV line that does not have the header’s columns, at once', async () => {
      const suivi = Buffer.from(SUIVI_HEADER + 'a\n'.repeat(1_000_000));
      const res = await indicators().attach('marches', MARCHES_CSV, 'marches.csv').attach('suivi', suivi, 'suivi.csv').expect(400);
      expect(res.body.errors).to.deep.equal([
        { path: 'suivi', type: 'csv.unreadable', message: 'Le fichier « suivi.csv », ligne 2 : 1 colonne(s) au lieu des 9 de la ligne d’en-tête ; vérifiez le séparateur et les guillemets.' },
      ]);
    });

    it('refuses spreadsheet headers that would reach a prototype', async () => {
      const marches = Buffer.from('reference;acheteur;titulaire;objectif_heures;date_debut;date_fin;__proto__\nM1;A;T;10;2027-01-01;2027-12-31;x\n');
      const suivi = Buffer.from('marche;personne;mois;heures;modalite;contrat;categorie;sexe;tranche_age\n');
      const proto = await indicators().attach('marches', marches, 'marches.csv').attach('suivi', suivi, 'suivi.csv').expect(400);
      expect(proto.body.errors[0]).to.deep.equal({ path: 'marches.1', type: 'field.forbidden', message: 'Le nom de champ « __proto__ » n’est pas accepté.' });

    });
  });

  describe('input cleaning and validation cannot be tricked', () => {
    const routes = [
      ...listKinds().map((k) => ({ kind: k.id, url: `/api/v1/documents/${k.id}?format=docx` })),
      { kind: 'dimensionnement', url: '/api/v1/insertion-goals' },
      { kind: 'convention', url: '/api/v1/echeances' },
      { kind: 'bilan-marche', url: '/api/v1/bilans/indicateurs?moisArrete=2027-12' },
    ];
    for (const { kind, url } of routes) {
      it(`${url.split('?')[0]}: every hostile body is a 400 naming the field, as JSON and through the form`, async () => {
        for (const { name, body, type } of hostileBodies(kind)) {
          const json = await request(base).post(url).set('Content-Type', 'application/json').send(body);
          expect(json.status, `${name} (JSON)`).to.equal(400);
          expect(json.headers['content-type']).to.equal(PROBLEM);
          expectNothingInternal(json.text);
          expect(json.body.errors.map((e: { type: string }) => e.type), name).to.include(type);
          expect(json.body.errors.length).to.be.at.most(100);

          const form = url.includes('/documents/') ? `/formulaires/${kind}` : url;
          // A pasted text over the form's 64 Kio per field is refused as too large before being read.
          const pasted = await request(base).post(form).field('donnees', body).field('format', 'docx');
          expect(pasted.status, `${name} (form, pasted)`).to.equal(body.length > 64 * 1024 ? 413 : 400);
          expectNothingInternal(pasted.text);
          const uploaded = await request(base).post(form).attach('donnees', Buffer.from(body), { filename: 'donnees.json', contentType: 'application/json' });
          expect(uploaded.status, `${name} (form, file)`).to.equal(400);
          expectNothingInternal(uploaded.text);
        }
        expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      });
    }

    it('names the field of a lone surrogate by its label', async () => {
      const data = setIn(fixture('convention'), ['signature', 'lieu'], 'Pé\uD800ronne');
      const res = await request(base).post('/api/v1/documents/convention?format=docx').send(data).expect(400);
      expect(res.body.errors).to.deep.equal([
        { path: 'signature.lieu', type: 'string.unicode', message: '« Lieu de signature » contient un caractère invalide (un demi-caractère Unicode isolé) : retapez ou recollez ce texte.' },
      ]);
    });

    it('refuses form field names that reach a prototype or nest too deep', async () => {
      for (const name of ['__proto__.donneurOrdre.nom', 'donneurOrdre.constructor.prototype', 'a.prototype']) {
        const res = await request(base).post('/api/v1/documents/convention').field(name, 'XXXXX').expect(400);
        expect(res.body.errors[0].type).to.equal('field.forbidden');
      }
      const deep = await request(base).post('/api/v1/documents/convention').field('a.'.repeat(8000) + 'b', 'x').expect(400);
      expect(deep.body.errors[0].type).to.equal('field.name');
      const nested = await request(base).post('/api/v1/documents/convention').field('a.'.repeat(100) + 'b', 'x').expect(400);
      expect(nested.body.errors[0].type).to.equal('field.name');
      expectNothingInternal(deep.text + nested.text);
    });

    it('a final document can no longer carry a placeholder slipped under "__proto__"', async () => {
      const data = fixture('convention');
      const { lieu: _lieu, ...signature } = data.signature as Record<string, unknown>;
      const body = JSON.stringify({ ...data, signature }).slice(0, -1) + ', "__proto__": {"signature": {"lieu": "XXXXX"}}}';
      const res = await request(base).post('/api/v1/documents/convention?format=txt').set('Content-Type', 'application/json').send(body).expect(400);
      expect(res.text).not.to.contain('XXXXX');
    });

    it('refuses a query parameter given twice', async () => {
      const res = await request(base).post('/api/v1/documents/convention?format=pdf&format=docx').send(fixture('convention')).expect(400);
      expect(res.body.errors).to.deep.equal([{ path: 'format', type: 'query.repeated', message: 'Le paramètre « format » est donné plusieurs fois : donnez-le une seule fois.' }]);
      await request(base).get('/api/v1/insertion-goals/catalog?date=2026-11-30&date=2027-01-01').expect(400);
    });

    it('explains bad JSON by line and column, without the parser’s words', async () => {
      const res = await request(base).post('/api/v1/documents/convention').set('Content-Type', 'application/json').send('{\n  "a": 1,\n  oups\n}').expect(400);
      expect(res.body.errors[0]).to.deep.equal({ path: '', type: 'json.syntax', message: 'Le corps de la requête n’est pas un JSON valide : erreur de syntaxe ligne 3, colonne 3.' });
    });
  });

  describe('exports a spreadsheet cannot execute', () => {
    it('neutralises formulas in every cell of the indicators CSV, and keeps real numbers', async () => {
      const data = structuredClone(fixture('bilan-marche').donnees) as { marches: Record<string, unknown>[]; suivi: Record<string, unknown>[] };
      // (Tabs and carriage returns at the start of a text are trimmed by validation; see the unit test.)
      const hostile = ['=HYPERLINK("http://example.invalid","clic")', '@SUM(A1:A9)', '+1+cmd|calc', '-2+3', '=1+1', '@x'];
      const market = data.marches[0]!;
      Object.assign(market, { acheteur: hostile[0], titulaire: hostile[1], lot: hostile[2] });
      data.marches.push({ ...market, reference: hostile[3], titulaire: hostile[4], lot: hostile[5] });
      const res = await request(base)
        .post('/api/v1/bilans/indicateurs?moisArrete=2027-12&format=csv')
        .send(data)
        .expect(200);
      const rows = parseCsv(res.text, { bom: true, delimiter: ';' }) as string[][];
      const cells = rows.flat();
      for (const text of hostile) expect(cells, text).to.include(`'${text}`);
      for (const cell of cells) expect(cell, cell).not.to.match(/^[=+@\t\r]|^-(?!\d+(,\d+)?$)/);
      const [, first] = rows;
      expect(first![4]).to.equal(String(market.objectifHeures));
    });

    it('neutralises every formula start, tab and carriage return included, and no number', () => {
      expect(['=A1', '+A1', '-A1', '@A1', '\tA1', '\rA1'].map(neutralizeCell)).to.deep.equal(["'=A1", "'+A1", "'-A1", "'@A1", "'\tA1", "'\rA1"]);
      expect(['-12', '+3,5', '-0.25', 'Lot 1', '', 12, -3].map(neutralizeCell)).to.deep.equal(['-12', '+3,5', '-0.25', 'Lot 1', '', 12, -3]);
      expect(toCsv(['a', 'b'], [['=1;2', 'dit "non"\n']])).to.equal('\uFEFFa;b\r\n"\'=1;2";"dit ""non""\n"\r\n');
    });

    it('writes the blank models with csv-stringify, neutralised', async () => {
      const wb = new ExcelJS.Workbook();
      const x = await request(base).get('/api/v1/bilans/modele.xlsx').buffer(true).parse((r, cb) => {
        const c: Buffer[] = [];
        r.on('data', (d: Buffer) => c.push(d));
        r.on('end', () => cb(null, Buffer.concat(c)));
      });
      await wb.xlsx.load(x.body as Buffer as unknown as ArrayBuffer);
      wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((cell) => expect(String(cell.value)).not.to.match(/^[=+\-@\t\r]/))));
      const csv = await request(base).get('/api/v1/bilans/modele-marches.csv').expect(200);
      expect(csv.text).to.equal('\uFEFFreference;acheteur;titulaire;lot;objectif_heures;date_debut;date_fin\r\n');
    });
  });

  describe('nothing internal in an answer', () => {
    it('a PDF engine that cannot start gives a 503 without its path, and a request id to find the log', async () => {
      const broken = new Generator({ executablePath: '/nonexistent/chromium-introuvable', concurrency: 1, timeoutMs: 5000 });
      const errors: { requestId?: string }[] = [];
      const brokenApp = createApp(broken, { log: (_m, _e, requestId) => errors.push({ requestId }) });
      try {
        const res = await request(brokenApp).post('/api/v1/documents/convention?format=pdf').send(fixture('convention')).expect(503);
        expect(res.headers['retry-after']).to.equal('5');
        expectNothingInternal(res.text);
        expect(res.text).not.to.contain('chromium-introuvable');
        expect(res.body.detail).to.equal('Le moteur PDF n’a pas pu démarrer ; réessayez dans un moment.');
        expect(errors).to.deep.equal([{ requestId: res.headers['x-request-id'] }]);
        expect(res.body.requestId).to.equal(res.headers['x-request-id']);
      } finally {
        await broken.close();
      }
    });

    it('keeps a plain request id given by the client, and replaces any other', async () => {
      const kept = await request(base).get('/health').set('X-Request-Id', 'logiciel-achat.42');
      expect(kept.headers['x-request-id']).to.equal('logiciel-achat.42');
      const replaced = await request(base).get('/health').set('X-Request-Id', '<script>');
      expect(replaced.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
    });
  });

  describe('HTTP edge', () => {
    it('sends the security headers on every page and answer, with no inline script or style', async () => {
      const pages = ['/', '/formulaires/convention', '/formulaires/bilan-marche?exemple=1', '/api/v1/kinds', '/health', '/nulle-part'];
      for (const path of pages) {
        const res = await request(base).get(path);
        const csp = String(res.headers['content-security-policy']);
        expect(csp, path).to.contain("frame-ancestors 'none'").and.contain("script-src 'self'").and.contain("style-src 'self'");
        expect(csp, path).not.to.contain('unsafe-inline');
        expect(res.headers['x-content-type-options'], path).to.equal('nosniff');
        expect(res.headers['referrer-policy'], path).to.equal('same-origin');
        expect(res.headers['x-powered-by'], path).to.equal(undefined);
        if (String(res.headers['content-type']).startsWith('text/html')) {
          // Scripts only from the service's own files (/static/), never inline.
          expect(res.text, path).not.to.match(/<script(?![^>]*\ssrc="\/static\/[a-z-]+\.js")|<style|\sstyle=|\son[a-z]+=/i);
          expect(res.text, path).to.contain('<link rel="stylesheet" href="/static/web.css">');
        }
      }
      const css = await request(base).get('/static/web.css').expect(200);
      expect(css.headers['content-type']).to.equal('text/css; charset=utf-8');
      expect(css.text).to.contain('.bandeau');
    });

    it('shows a browser an error page in French, and a program problem+json', async () => {
      const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
      const page = await request(base).post('/formulaires/convention').set('Accept', browser).field('__proto__.x', 'oui').expect(400);
      expect(page.headers['content-type']).to.equal('text/html; charset=utf-8');
      expect(page.text).to.contain('<h1>Données invalides</h1>').and.contain('Le nom de champ « __proto__ » n’est pas accepté.');
      expect(page.text).to.contain(`Référence de la demande, à communiquer au support\u00A0: ${page.headers['x-request-id']}`);
      const missing = await request(base).get('/nulle-part').set('Accept', browser).expect(404);
      expect(missing.text).to.contain('<h1>Ressource introuvable</h1>');
      const program = await request(base).get('/nulle-part').set('Accept', '*/*').expect(404);
      expect(program.headers['content-type']).to.equal(PROBLEM);
    });

    it('lets a generated HTML document use its own inline styles, and nothing else', async () => {
      const res = await request(base).post('/api/v1/documents/convention?format=html').send(fixture('convention')).expect(200);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).to.contain("default-src 'none'").and.contain("style-src 'unsafe-inline'").and.contain("frame-ancestors 'none'");
      expect(csp).not.to.contain('script-src');
      expect(res.text).not.to.match(/<script/i);
    });
  });
});
