import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { fromRoot } from '../../src/core/paths.js';
import { listKinds } from '../../src/core/registry.js';
import { Generator } from '../../src/generator.js';
import { createApp } from '../../src/server/app.js';
import { docxParagraphs, fixture, withValue } from '../support/documents.js';
import { binary } from '../support/http.js';


const PROBLEM = 'application/problem+json; charset=utf-8';

describe('HTTP API', () => {
  const generator = new Generator();
  const logged: unknown[] = [];
  const app = createApp(generator, { limits: { jsonBytes: 64 * 1024, fileBytes: 32 * 1024 }, log: (_m, e) => logged.push(e) });
  const data = fixture('convention');

  after(() => generator.close());
  afterEach(() => expect(logged, 'no request may end in a logged 500').to.deep.equal([]));

  it('answers the health check', async () => {
    const res = await request(app).get('/health').expect(200);
    expect(res.body).to.deep.include({ status: 'ok', kinds: listKinds().map((k) => k.id) });
    expect(res.body.kinds).to.include.members(['convention', 'clause-dce']);
  });

  it('lists the kinds with the JSON Schema of their input', async () => {
    const res = await request(app).get('/api/v1/kinds').expect(200);
    const convention = res.body.find((k: { id: string }) => k.id === 'convention');
    expect(convention).to.include({ title: 'Convention de partenariat', endpoint: '/api/v1/documents/convention' });
    expect(convention.formats).to.deep.equal(['docx', 'html', 'pdf', 'md', 'txt']);
    expect(convention.modes).to.deep.equal(['final', 'draft']);
    const schema = convention.schema;
    expect(schema.required).to.deep.equal(['donneurOrdre', 'structurePorteuse', 'interlocuteurs', 'signature']);
    expect(schema.properties.donneurOrdre.required).to.include.members(['nom', 'adresse', 'representant', 'presentation']);
    expect(schema.properties.donneurOrdre.properties.nom.title).to.equal('Nom');
    expect(schema.properties.signature.properties.date).to.include({ type: 'string', format: 'date', title: 'Date de signature' });
    expect(schema.properties.durees.properties.dureeInitialeMois).to.include({ type: 'integer', default: 12, minimum: 1, maximum: 120 });
    const example = await request(app).get('/api/v1/kinds/convention/example').expect(200);
    expect(example.body).to.deep.equal(data);
  });

  it('returns a DOCX from a JSON body, with its name and SHA-256', async () => {
    const res = await request(app).post('/api/v1/documents/convention?format=docx').send(data).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).to.equal('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(res.headers['content-disposition']).to.equal(
      'attachment; filename=convention-partenariat-communaute-de-communes-somme-santerre-2026-12-01.docx',
    );
    const body = res.body as Buffer;
    expect(res.headers['x-content-sha256']).to.equal(createHash('sha256').update(body).digest('hex'));
    expect(res.headers['repr-digest']).to.equal(`sha-256=:${createHash('sha256').update(body).digest('base64')}:`);
    expect(res.headers.etag).to.equal(`"${createHash('sha256').update(body).digest('hex')}"`);
    expect(docxParagraphs(body)).to.include('Article VIII – Communication');
    expect(res.headers['server-timing']).to.match(/^validation;dur=[\d.]+, viewModel;dur=[\d.]+, .*docx;dur=[\d.]+.*total;dur=[\d.]+$/);
  });

  it('returns a PDF by default', async () => {
    const res = await request(app).post('/api/v1/documents/convention').send(data).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).to.equal('application/pdf');
    expect((res.body as Buffer).subarray(0, 5).toString()).to.equal('%PDF-');
    expect(res.headers['x-document-mode']).to.equal('final');
  });

  it('returns the HTML page of a draft with its markers counted', async () => {
    const res = await request(app)
      .post('/api/v1/documents/convention?format=html&mode=draft')
      .send(withValue(data, 'signature.lieu', undefined))
      .expect(200);
    expect(res.headers['content-type']).to.equal('text/html; charset=utf-8');
    expect(res.headers['x-champs-a-completer']).to.equal('1');
    expect(res.text).to.contain('<mark class="a-completer">[à compléter : Signature – Lieu de signature]</mark>');
    expect(res.text).to.contain('<div class="filigrane" aria-hidden="true">PROJET</div>');
  });

  it('takes the data as an uploaded JSON file, with form fields over it', async () => {
    const res = await request(app)
      .post('/api/v1/documents/convention?format=docx')
      .attach('donnees', fromRoot('fixtures', 'convention.json'))
      .field('signature.lieu', 'Amiens')
      .field('options.articleLitiges', 'false')
      .buffer(true)
      .parse(binary)
      .expect(200);
    const text = docxParagraphs(res.body as Buffer);
    expect(text.find((p) => p.startsWith('Fait à'))).to.match(/^Fait à Amiens, le 1er.décembre.2026/);
    expect(text.filter((p) => p.startsWith('Article '))).to.have.length(12);
  });

  it('takes the data as form fields named by their path', async () => {
    const flat: Record<string, string> = {};
    const walk = (node: unknown, path: string[]) => {
      if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
      else flat[path.join('.')] = String(node);
    };
    walk(data, []);
    let req = request(app).post('/api/v1/documents/convention?format=docx');
    for (const [name, value] of Object.entries(flat)) req = req.field(name, value);
    const res = await req.buffer(true).parse(binary).expect(200);
    expect(docxParagraphs(res.body as Buffer)).to.include('Article XIII – Règlement des litiges');
  });

  it('lists every missing field of a final document (422)', async () => {
    const incomplete = withValue(withValue(data, 'donneurOrdre.representant.nom', 'XXXXX'), 'signature.date', undefined);
    const res = await request(app).post('/api/v1/documents/convention').send(incomplete).expect(422);
    expect(res.headers['content-type']).to.equal(PROBLEM);
    // The request's id is in the answer and in its header, to find the log line.
    expect(res.body.requestId).to.match(/^[0-9a-f-]{36}$/).and.equal(res.headers['x-request-id']);
    expect(res.body).to.deep.equal({
      requestId: res.body.requestId,
      type: '/problemes/document-incomplet',
      title: 'Document incomplet',
      status: 422,
      detail: 'Le document ne peut pas être finalisé : 2 champs sont à compléter. Complétez-les, ou demandez un projet, où ils seront signalés à compléter.',
      instance: '/api/v1/documents/convention',
      errors: [
        { path: 'donneurOrdre.representant.nom', type: 'any.placeholder', message: 'La valeur « XXXXX » est un texte à remplacer du modèle : indiquez la valeur réelle.' },
        { path: 'signature.date', type: 'any.required', message: '« Date de signature » est obligatoire.' },
      ],
    });
  });

  it('refuses wrong values with 400, all at once', async () => {
    let wrong = withValue(data, 'donneurOrdre.siret', '12345678901234');
    wrong = withValue(wrong, 'options.coordinateurRegional.email', 'pas-une-adresse');
    wrong = withValue(wrong, 'durees.dureeInitialeMois', 0);
    const res = await request(app).post('/api/v1/documents/convention?mode=draft').send(wrong).expect(400);
    expect(res.body.errors).to.deep.equal([
      { path: 'donneurOrdre.siret', type: 'siret.invalid', message: '« SIRET » n’est pas un numéro SIRET valide : 14 chiffres dont le dernier est une clé de contrôle.' },
      { path: 'durees.dureeInitialeMois', type: 'number.min', message: '« Durée initiale (mois) » doit être supérieur ou égal à 1.' },
      { path: 'durees.preavisNonReconductionMois', type: 'number.less', message: '« Préavis de non-reconduction (mois avant le terme) » doit être inférieur à la valeur du champ « dureeInitialeMois ».' },
      { path: 'options.coordinateurRegional.email', type: 'string.email', message: '« Adresse électronique » n’est pas une adresse électronique valide.' },
    ]);
  });

  it('refuses unknown format and mode values, naming the valid ones', async () => {
    const res = await request(app).post('/api/v1/documents/convention?format=odt&mode=brouillon').send(data).expect(400);
    expect(res.body.errors).to.deep.equal([
      { path: 'format', type: 'any.only', message: 'Format inconnu « odt ». Formats disponibles : docx, html, pdf, md, txt.' },
      { path: 'mode', type: 'any.only', message: 'Mode inconnu « brouillon ». Modes disponibles : final (document à signer), draft (projet).' },
    ]);
  });

  it('refuses malformed JSON (400) and a body that is not an object (400)', async () => {
    const res = await request(app).post('/api/v1/documents/convention').set('Content-Type', 'application/json').send('{"donneurOrdre": ').expect(400);
    expect(res.body.type).to.equal('/problemes/donnees-invalides');
    expect(res.body.errors[0].type).to.equal('json.syntax');
    const array = await request(app).post('/api/v1/documents/convention').send([1, 2]).expect(400);
    expect(array.body.errors).to.deep.equal([{ path: '', type: 'object.base', message: 'Les données doivent être un objet JSON (des champs entre accolades).' }]);
  });

  it('refuses an uploaded file that is not JSON (415) or not valid JSON (400)', async () => {
    const pdf = await request(app).post('/api/v1/documents/convention').attach('donnees', Buffer.from('%PDF-1.7'), { filename: 'scan.pdf', contentType: 'application/pdf' }).expect(415);
    expect(pdf.body.errors).to.deep.equal([
      { path: 'donnees', type: 'file.type', message: 'Le fichier « scan.pdf » (application/pdf) n’est pas un fichier JSON (.json).' },
    ]);
    const broken = await request(app).post('/api/v1/documents/convention').attach('donnees', Buffer.from('{"a":'), { filename: 'd.json', contentType: 'application/json' }).expect(400);
    expect(broken.body.errors[0]).to.include({ path: 'donnees', type: 'json.syntax' });
  });

  it('refuses other content types with 415', async () => {
    const res = await request(app).post('/api/v1/documents/convention').set('Content-Type', 'text/plain').send('bonjour').expect(415);
    expect(res.body).to.deep.include({ type: '/problemes/type-de-contenu-non-pris-en-charge', status: 415 });
    expect(res.body.errors[0].message).to.equal('Le type de contenu « text/plain » n’est pas accepté : envoyez application/json ou multipart/form-data.');
    const none = await request(app).post('/api/v1/documents/convention').expect(415);
    expect(none.body.errors[0].type).to.equal('content-type.missing');
  });

  it('refuses oversized bodies and files with 413', async () => {
    const big = withValue(data, 'donneurOrdre.presentation', 'x'.repeat(100 * 1024));
    const res = await request(app).post('/api/v1/documents/convention').send(big).expect(413);
    expect(res.body).to.deep.include({ type: '/problemes/contenu-trop-volumineux', status: 413 });
    const file = await request(app)
      .post('/api/v1/documents/convention')
      .attach('donnees', Buffer.from(JSON.stringify(big)), { filename: 'big.json', contentType: 'application/json' })
      .expect(413);
    expect(file.body.errors).to.deep.equal([{ path: 'donnees', type: 'file.tooLarge', message: 'Le fichier « donnees » dépasse la taille maximale de 32\u00A0Ko.' }]);
  });

  it('refuses a second JSON file and hostile field names with 4xx', async () => {
    const two = await request(app)
      .post('/api/v1/documents/convention')
      .attach('donnees', Buffer.from('{}'), { filename: 'a.json', contentType: 'application/json' })
      .attach('autre', Buffer.from('{}'), { filename: 'b.json', contentType: 'application/json' });
    expect(two.status).to.equal(400);
    expect(two.body.errors[0]).to.include({ type: 'file.count' });
    const proto = await request(app).post('/api/v1/documents/convention').field('__proto__.polluted', 'oui').expect(400);
    expect(proto.body.errors[0]).to.include({ path: '__proto__.polluted', type: 'field.forbidden' });
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('answers 404 with problem+json for an unknown kind or route', async () => {
    const res = await request(app).post('/api/v1/documents/bail').send(data).expect(404);
    expect(res.headers['content-type']).to.equal(PROBLEM);
    expect(res.body.errors).to.deep.equal([{ path: 'kind', type: 'any.only', message: `Types de document disponibles : ${listKinds().map((k) => k.id).join(', ')}.` }]);
    await request(app).get('/nulle-part').expect(404);
  });

  it('keeps serving after every kind of bad input', async () => {
    await request(app).get('/health').expect(200);
    await request(app).post('/api/v1/documents/convention?format=docx').send(data).expect(200);
  });

  it('serves the home page and the form in French', async () => {
    const home = await request(app).get('/').expect(200);
    expect(home.text).to.contain('<html lang="fr">').and.to.contain('href="/formulaires/convention"');
    const form = await request(app).get('/formulaires/convention?exemple=1').expect(200);
    expect(form.text).to.contain('<legend>Donneur d’ordre</legend>');
    expect(form.text).to.contain('name="donneurOrdre.representant.nom" value="Lefèvre"');
    expect(readFileSync(fromRoot('templates', 'web', 'form.mustache'), 'utf8')).to.contain('enctype="multipart/form-data"');
  });
});
