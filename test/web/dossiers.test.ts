/**
 * The dossiers on screen, through plain HTTP as a browser without script sends it: the list after
 * sign-in, a convention's draft saved and resumed, a dossier's page (its state, its documents with
 * their hash and download links), the next documents' forms pre-filled from the dossier and attached
 * to it, and the convention's calendar with what is due soon.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { addMonths } from '../../src/calendar/dates.js';
import { conventionTerms, nonRenewalDeadline } from '../../src/calendar/schedule.js';
import { formatDate } from '../../src/core/french.js';
import { Generator } from '../../src/generator.js';
import { createApp } from '../../src/server/app.js';
import { todayInFrance } from '../../src/server/routes/web-dossiers.js';
import { bootstrap } from '../../src/store/bootstrap.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { fixture, withValue } from '../support/documents.js';
import { binary } from '../support/http.js';
import { decodeEntities, formFields, plain, visibleText, withFields } from '../support/html.js';

type Data = Record<string, any>;

describe('web: dossiers on screen', () => {
  const generator = new Generator();
  let dir: string;
  let store: Store;
  let app: ReturnType<typeof createApp>;
  let admin: string;
  let cookie: string;
  let csrf: string;
  const convention = fixture('convention') as Data;
  const buyer = convention.donneurOrdre.nom as string;
  const today = todayInFrance();
  const text = (html: string) => plain(visibleText(html));
  const get = (path: string) => request(app).get(path).set('Cookie', cookie);
  const post = (path: string, fields: [string, string][]) => withFields(request(app).post(path).set('Cookie', cookie), fields);
  /** A convention's data whose term started `months` months ago (signature and entry into force). */
  const startedAgo = (months: number, changes: Data = {}) => {
    const start = addMonths(today, -months);
    let data = withValue(withValue(convention, 'signature.date', start), 'reference', `CP-${months}`);
    data = withValue(data, 'donneurOrdre.nom', `Ville à ${months} mois`);
    for (const [path, value] of Object.entries(changes)) data = withValue(data, path, value);
    return data;
  };

  /** The calendar terms of that convention (the example's durations). */
  const termsStartedAgo = (months: number) =>
    conventionTerms({ dateSignature: new Date(addMonths(today, -months)), dureeInitialeMois: 12, reconductionTacite: true, reconductionsMax: 3, preavisNonReconductionMois: 3, delaiMiseEnDemeureMois: 2, alsaceMoselle: false });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'web-dossiers-'));
    store = await openStore('sqlite', { dataDir: dir });
    admin = (await bootstrap(store, { organisation: 'Maison de l’emploi et de la formation de Haute-Somme' })).printedKey!;
    app = createApp(generator, { store });
    const signed = await request(app).post('/connexion').type('form').send({ cle: admin }).expect(303);
    cookie = String(signed.headers['set-cookie']).split(';')[0]!;
    const home = await get('/').expect(200);
    csrf = /name="_csrf" value="([^"]+)"/.exec(home.text)![1]!;
  });

  after(async () => {
    await generator.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends a visitor without session to the sign-in page', async () => {
    for (const path of ['/dossiers', '/dossiers/x', '/dossiers/x/calendrier']) {
      const res = await request(app).get(path).expect(303);
      expect(res.headers.location).to.equal('/connexion');
    }
  });

  it('shows an empty list of dossiers on the home page, with a skip link and the navigation', async () => {
    const res = await get('/').expect(200);
    const shown = text(res.text);
    expect(shown).to.contain('Vos dossiers').and.to.contain('Aucun dossier pour le moment.');
    expect(res.text).to.contain('<a class="evitement" href="#contenu">Aller au contenu</a>');
    expect(res.text).to.contain('<main id="contenu" tabindex="-1">');
    // Headings in order: one h1, then h2.
    const headings = [...res.text.matchAll(/<h([1-6])/g)].map((m) => Number(m[1]));
    expect(headings[0]).to.equal(1);
    headings.slice(1).forEach((h, i) => expect(h - headings[i]!).to.be.at.most(1));
    expect(decodeEntities(res.text)).to.contain('<nav class="navigation" aria-label="Navigation principale"><a href="/dossiers">Vos dossiers</a> <a href="/dimensionnement">Dimensionner</a></nav>');
  });

  let draftId: string;

  it('saves a convention’s draft as it is, without checking it, and shows its dossier', async () => {
    const res = await post('/formulaires/convention', [
      ['_csrf', csrf],
      ['_action', 'brouillon'],
      ['donneurOrdre.nom', 'Ville de Roye'],
      ['donneurOrdre.siret', '123'],
      ['durees.dureeInitialeMois', '24'],
      ['signature.lieu', ''],
      ['format', 'pdf'],
      ['mode', 'final'],
    ]).expect(303);
    const location = String(res.headers.location);
    expect(location).to.match(/^\/dossiers\/[\w-]+$/);
    draftId = location.split('/').pop()!;
    const page = await get(location).expect(200);
    const shown = text(page.text);
    expect(shown).to.contain('Ville de Roye');
    expect(shown).to.contain('État de la convention : Brouillon');
    expect(shown).to.contain('Durée initiale 24 mois');
    expect(shown).to.contain('Date de signature à compléter');
    expect(shown).to.contain('Aucun document conservé pour ce dossier.');
    expect(decodeEntities(page.text)).to.contain(`<a href="/formulaires/convention?dossier=${draftId}">Reprendre la convention</a>`);
    expect(page.text, 'no calendar without a signature date').not.to.contain('/calendrier');
    // French typography on the page's own words.
    expect(page.text).to.contain('État de la convention\u00A0:');
    const list = await get('/dossiers').expect(200);
    const row = /<tr><th scope="row">([\s\S]*?)<\/tr>/.exec(list.text)![1]!;
    expect(text(row)).to.contain('Ville de Roye').and.to.contain('Brouillon').and.to.contain('Dates à compléter');
  });

  it('resumes the draft in the convention’s form, and saves it again into the same dossier', async () => {
    const form = await get(`/formulaires/convention?dossier=${draftId}`).expect(200);
    expect(form.text).to.contain(`<input type="hidden" name="_dossier" value="${draftId}">`);
    expect(form.text).to.contain('name="donneurOrdre.siret" value="123"');
    expect(form.text).to.contain('name="durees.dureeInitialeMois" value="24"');
    expect(form.text).to.contain('<button type="submit" name="_action" value="brouillon" class="secondaire">Enregistrer le brouillon</button>');
    expect(text(form.text)).to.contain('Dossier : Ville de Roye . Le formulaire reprend les données du dossier');
    const fields = formFields(form.text, '/formulaires/convention').map(([n, v]): [string, string] => [n, n === 'reference' ? 'CP-2027-001' : v]);
    const again = await post('/formulaires/convention', [...fields, ['_action', 'brouillon']]).expect(303);
    expect(again.headers.location).to.equal(`/dossiers/${draftId}`);
    const page = await get(String(again.headers.location)).expect(200);
    expect(text(page.text)).to.contain('Ville de Roye – CP-2027-001').and.to.contain('Référence CP-2027-001');
    expect((await store.listDossiers((await store.listOrganisations()).map((o) => o.id))).length).to.equal(1);
  });

  it('asks for the buyer’s name before opening a dossier, naming the field by its label', async () => {
    const res = await post('/formulaires/convention', [['_csrf', csrf], ['_action', 'brouillon'], ['reference', 'CP-X']]).expect(400);
    const shown = text(res.text);
    expect(shown).to.contain('Le nom du donneur d’ordre est nécessaire pour rattacher le dossier à son acheteur.');
    expect(res.text).to.contain('name="reference" value="CP-X"');
  });

  let dossierId: string;
  let conventionSha: string;

  it('generates the convention from its dossier’s form, attached to the dossier and listed with its hash and downloads', async () => {
    const created = await request(app).post('/api/v1/dossiers').set('Authorization', `Bearer ${admin}`).send({ convention }).expect(201);
    dossierId = created.body.id;
    const form = await get(`/formulaires/convention?dossier=${dossierId}`).expect(200);
    const fields = formFields(form.text, '/formulaires/convention').map(([n, v]): [string, string] => [n, n === 'format' ? 'html' : v]);
    const res = await post('/formulaires/convention', fields).buffer(true).parse(binary).expect(200);
    conventionSha = String(res.headers['x-content-sha256']);
    const page = await get(`/dossiers/${dossierId}`).expect(200);
    const shown = text(page.text);
    expect(shown).to.contain(`${buyer} – CP-2026-014`);
    const row = /<tbody>\s*<tr>([\s\S]*?)<\/tr>/.exec(page.text)![1]!;
    expect(text(row)).to.contain('Convention de partenariat').and.to.contain('Définitive').and.to.contain(`${conventionSha.slice(0, 12)}…`).and.to.contain('Télécharger le HTML');
    const link = /<a href="(\/api\/v1\/documents\/[\w-]+\/file\?format=html)">Télécharger le HTML<span class="visuellement-masque"> : Convention de partenariat du /.exec(plain(decodeEntities(page.text)));
    expect(link, 'a download link that names its document').not.to.equal(null);
    const file = await get(link![1]!).buffer(true).parse(binary).expect(200);
    expect(createHash('sha256').update(file.body as Buffer).digest('hex')).to.equal(conventionSha);
    // Signed and not yet ended: its state comes from its calendar.
    expect(shown).to.match(/État de la convention : (Signée|Reconduite)/);
  });

  it('opens the next document’s form with the dossier’s data, and attaches what it generates without false departures', async () => {
    const page = await get(`/dossiers/${dossierId}`).expect(200);
    for (const label of ['Générer : Avenant à la convention de partenariat', 'Générer : Avis motivé sur un projet d’achat', 'Générer : Notification de non-reconduction', 'Générer : Bilan annuel global']) {
      expect(plain(page.text)).to.contain(label);
    }
    expect(decodeEntities(page.text)).to.contain(`<a href="/formulaires/avenant?dossier=${dossierId}">Générer\u00A0: Avenant à la convention de partenariat</a>`);
    const form = await get(`/formulaires/avenant?dossier=${dossierId}`).expect(200);
    expect(form.text).to.contain(`name="donneurOrdre.nom" value="${buyer}"`);
    expect(form.text).to.contain('name="convention.dateSignature" value="2026-12-01"');
    expect(form.text).to.contain('name="convention.reference" value="CP-2026-014"');
    expect(form.text).not.to.contain('Pré-remplir avec l’exemple');
    // Only what is new is given: the avenant's own fields, the rest as the form shows it.
    const avenant = fixture('avenant') as Data;
    const own = Object.fromEntries(Object.entries(avenant).filter(([k]) => !['donneurOrdre', 'structurePorteuse', 'convention'].includes(k)));
    const own2 = { ...own, donneurOrdre: { habilitation: avenant.donneurOrdre.habilitation }, structurePorteuse: { habilitation: avenant.structurePorteuse.habilitation } };
    const fields = formFields(form.text, '/formulaires/avenant').map(([n, v]): [string, string] => [n, n === 'format' ? 'txt' : v]);
    const res = await post('/formulaires/avenant', [...fields, ['donnees', JSON.stringify(own2)]]);
    expect(res.status, res.text.slice(0, 2000)).to.equal(200);
    expect(plain(res.text)).to.contain(buyer);
    const docs = await store.listDocuments({ proprietaireIds: (await store.listOrganisations()).map((o) => o.id), dossierId, kind: 'avenant', offset: 0, limit: 10 });
    expect(docs.total).to.equal(1);
    expect(docs.items[0]!.ecarts).to.deep.equal([]);
    const after = await get(`/dossiers/${dossierId}`).expect(200);
    const rows = [...after.text.matchAll(/<tr><td>[\s\S]*?<\/tr>/g)].map((m) => text(m[0]));
    expect(rows[0]).to.contain('Avenant à la convention de partenariat').and.to.contain('Définitive').and.to.contain('Télécharger le TXT');
    expect(rows[1]).to.contain('Convention de partenariat');
    expect(text(after.text)).to.contain('Dernières données enregistrées dans le dossier : Avenant à la convention de partenariat');
  });

  it('previews a document from its dossier without keeping anything', async () => {
    const before = await store.getDossier(dossierId);
    const count = (await store.listDocuments({ proprietaireIds: (await store.listOrganisations()).map((o) => o.id), dossierId, offset: 0, limit: 100 })).total;
    const form = await get(`/formulaires/non-reconduction?dossier=${dossierId}`).expect(200);
    const res = await post('/formulaires/non-reconduction', [...formFields(form.text, '/formulaires/non-reconduction'), ['_action', 'apercu']]).expect(200);
    const doc = decodeEntities(/srcdoc="([^"]*)"/.exec(res.text)![1]!);
    expect(doc).to.contain(buyer).and.to.contain('CP-2026-014');
    expect(res.text).to.contain(`<input type="hidden" name="_dossier" value="${dossierId}">`);
    expect(text(res.text)).to.contain('champs à compléter').and.to.contain('Courrier');
    expect((await store.getDossier(dossierId))!.version).to.equal(before!.version);
    expect((await store.listDocuments({ proprietaireIds: (await store.listOrganisations()).map((o) => o.id), dossierId, offset: 0, limit: 100 })).total).to.equal(count);
  });

  it('derives each dossier’s state and next deadline from its convention, flagging what is due within 60 days', async () => {
    const auth = { Authorization: `Bearer ${admin}` };
    const generate = (data: Data) => request(app).post('/api/v1/documents/convention?dossier=nouveau&format=html').set(auth).send(data).buffer(true).parse(binary);
    for (const data of [startedAgo(8), startedAgo(14), startedAgo(13, { 'durees.reconductionTacite': false })]) {
      const res = await generate(data);
      expect(res.status, String(res.body)).to.equal(200);
    }
    const list = await get('/dossiers').expect(200);
    const rows = new Map(
      [...list.text.matchAll(/<tr><th scope="row">([\s\S]*?)<\/tr>/g)].map((m) => {
        const row = text(m[1]!);
        return [/Ville à (\d+) mois/.exec(row)?.[1] ?? row, { row, html: m[1]! }] as const;
      }),
    );
    const eight = rows.get('8')!;
    const deadline = nonRenewalDeadline(termsStartedAgo(8), 0).dateLimite;
    expect(eight.row).to.contain('Signée');
    expect(eight.row).to.contain(`Bientôt : ${plain(deadline.texte)}`);
    expect(eight.row).to.contain('Date limite de réception d’une non-reconduction');
    expect(eight.html).to.contain('class="bientot"');
    const id = /<a href="\/dossiers\/([\w-]+)">/.exec(eight.html)![1]!;
    const page = text((await get(`/dossiers/${id}`).expect(200)).text);
    expect(page).to.contain(`À faire dans les 60 prochains jours ${plain(deadline.texte)}`);
    expect(page).to.contain('Calendrier de la convention');
    expect(rows.get('14')!.row).to.contain('Reconduite').and.to.contain('période 2');
    expect(rows.get('13')!.row).to.contain('Terminée').and.to.contain('—');
    expect([...rows.values()].find((r) => r.row.includes('Ville de Roye'))!.row).to.contain('Brouillon');
  });

  it('shows the convention’s calendar: periods, renewals, non-renewal deadline, formal-notice delay, what is due soon', async () => {
    const list = await get('/dossiers').expect(200);
    const id = /<a href="\/dossiers\/([\w-]+)">Ville à 8 mois/.exec(list.text)![1]!;
    const page = await get(`/dossiers/${id}/calendrier`).expect(200);
    const shown = text(page.text);
    const start = addMonths(today, -8);
    const deadline = nonRenewalDeadline(termsStartedAgo(8), 0);
    expect(shown).to.contain('Calendrier de la convention');
    expect(shown).to.contain(`Période 1 : du ${plain(formatDate(start))} au ${plain(formatDate(deadline.periode.fin))} (période en cours)`);
    expect(shown).to.contain('À faire dans les 60 prochains jours');
    const soon = text(/<div class="alerte" role="status">([\s\S]*?)<\/div>/.exec(page.text)![1]!);
    expect(soon).to.contain(plain(deadline.dateLimite.texte)).and.to.contain('Date limite de réception d’une non-reconduction');
    expect(shown).to.contain(`la non-reconduction doit être reçue au plus tard le ${plain(deadline.dateLimite.texte)}`);
    expect(shown).to.contain('Délai pour remédier après une mise en demeure : deux mois à compter de sa réception.');
    expect(shown).to.contain('Code de procédure civile, art. 641');
    // A formal notice's receipt typed in the page gives its cure period.
    const withNotice = await get(`/dossiers/${id}/calendrier?reception=2027-03-10`).expect(200);
    expect(text(withNotice.text)).to.contain('Mise en demeure reçue le 10 mars 2027 : délai pour remédier jusqu’au 10 mai 2027.');
    const wrong = await get(`/dossiers/${id}/calendrier?reception=2027-02-30`).expect(400);
    expect(text(wrong.text)).to.contain('« Date de réception d’une mise en demeure » doit être une date valide');
    expect(text(wrong.text)).to.contain('Période 1');
  });

  it('sends a sizing to the avis motivé of a chosen dossier, filled with the dossier’s parties', async () => {
    const project = JSON.stringify(fixture('dimensionnement'));
    const forged = await post('/dimensionnement', [['donnees', project]]).set('Accept', 'text/html').expect(403);
    expect(text(forged.text)).to.contain('Le formulaire a expiré');
    const sized = await post('/dimensionnement', [['_csrf', csrf], ['donnees', project]]).expect(200);
    expect(decodeEntities(sized.text)).to.contain(`<option value="${dossierId}">${buyer} – CP-2026-014</option>`);
    const handOver = formFields(sized.text, '/formulaires/avis-motive').map(([n, v]): [string, string] => [n, n === '_dossier' ? dossierId : v]);
    const form = await post('/formulaires/avis-motive', handOver).expect(200);
    expect(form.text).to.contain(`<input type="hidden" name="_dossier" value="${dossierId}">`);
    expect(form.text).to.contain(`name="structurePorteuse.nom" value="${convention.structurePorteuse.nom.replace(/'/g, '&#39;')}"`);
    expect(form.text).to.contain('name="projet.lots.0.intitule" value="Gros œuvre – maçonnerie"');
  });

  it('answers a dossier that does not exist, or that another organisation keeps, with an HTML page', async () => {
    const other = await store.createOrganisation({ nom: 'PLIE du Vermandois', type: 'facilitateur' });
    const key = (await store.createKey({ organisationId: other.id, nom: 'autre', scopes: ['read', 'generate'] })).secret;
    const signed = await request(app).post('/connexion').type('form').send({ cle: key }).expect(303);
    const otherCookie = String(signed.headers['set-cookie']).split(';')[0]!;
    for (const path of [`/dossiers/${dossierId}`, `/dossiers/${dossierId}/calendrier`, `/formulaires/avenant?dossier=${dossierId}`, '/dossiers/inconnu']) {
      const res = await request(app).get(path).set('Cookie', otherCookie).set('Accept', 'text/html').expect(404);
      expect(res.headers['content-type']).to.contain('text/html');
      expect(text(res.text)).to.match(/Dossier introuvable\.|Aucune ressource/);
    }
    const list = await request(app).get('/dossiers').set('Cookie', otherCookie).expect(200);
    expect(text(list.text)).to.contain('Aucun dossier pour le moment.');
  });
});
