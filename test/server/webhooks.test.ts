/**
 * Signed notifications of a job's end (webhooks): a local receiver gets a POST whose signature
 * verifies with the client's secret; failures are retried with the same notification id, then given
 * up; addresses on this machine or a private network are refused at submission and, once resolved,
 * at delivery; the secret never comes back; a pending notification survives a restart; a stopped
 * dispatcher sends nothing. Back-off delays are of a few ms; nothing here measures time.
 */
import { expect } from 'chai';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import request from 'supertest';
import { Generator } from '../../src/generator.js';
import { JobRunner } from '../../src/jobs/index.js';
import { createApp } from '../../src/server/app.js';
import { bootstrap } from '../../src/store/bootstrap.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { forbiddenRange, targetProblem, WebhookDispatcher, type WebhookOptions } from '../../src/webhooks/index.js';
import { vetTarget } from '../../src/webhooks/target.js';
import { fixture } from '../support/documents.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A local HTTP receiver that records every request and answers the n-th (from 1) with `status(n)`;
 * 0 leaves the request unanswered, 302 redirects to itself, 299 answers with a body of 1 MiB.
 */
class Receiver {
  readonly received: Received[] = [];
  private readonly server: Server;
  private waiters: { count: number; resolve: () => void }[] = [];
  port = 0;

  constructor(status: (n: number) => number = () => 204) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const code = status(this.received.length);
        if (code !== 0) {
          res.statusCode = code;
          if (code === 302) res.setHeader('Location', '/ailleurs');
          res.end(code === 299 ? Buffer.alloc(1024 * 1024, 0x61) : '{"recu":true}');
        }
        this.waiters = this.waiters.filter((w) => (this.received.length >= w.count ? (w.resolve(), false) : true));
      });
    });
  }

  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await new Promise((resolve) => this.server.once('listening', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Resolves once `count` requests have been received. */
  waitFor(count: number): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A resolver of test names (no DNS): counts its calls and resolves waiters on the n-th. */
function fakeResolver(names: Record<string, string[]>) {
  const calls: string[] = [];
  let waiters: { count: number; resolve: () => void }[] = [];
  const resolve = async (hostname: string): Promise<LookupAddress[]> => {
    calls.push(hostname);
    waiters = waiters.filter((w) => (calls.length >= w.count ? (w.resolve(), false) : true));
    const addresses = names[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  const called = (count: number) => (calls.length >= count ? Promise.resolve() : new Promise<void>((r) => waiters.push({ count, resolve: r })));
  return { resolve, calls, called };
}

const SECRET = 'whsec_Zx8-q2!rT#4vLm9pQ0sK';
const HOST = 'recepteur.exemple.fr';
const quick = { delaysMs: [1], timeoutMs: 5000 } satisfies WebhookOptions;

/** HMAC-SHA256 of `${timestamp}.${body}`, compared in constant time: what a receiver does. */
function verifies(secret: string, received: Received): boolean {
  const timestamp = String(received.headers['x-webhook-timestamp']);
  const given = Buffer.from(String(received.headers['x-webhook-signature']));
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${received.body}`).digest('hex')}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const oneDocument = { type: 'documents', documents: [{ kind: 'non-reconduction', donnees: fixture('non-reconduction'), format: 'docx' }] };
/** A job whose only document cannot be produced: it ends in "echec", quickly. */
const failingJob = { type: 'documents', documents: [{ kind: 'non-reconduction', donnees: { champInconnu: 1 }, format: 'docx' }] };

describe('signed notifications of a job’s end (webhooks)', () => {
  const generator = new Generator();
  let dir: string;
  let store: Store;
  let key: string;
  const logs: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => void logs.push(line) });
  const failures: unknown[] = [];
  let cleanup: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'webhooks-'));
    store = await openStore('sqlite', { dataDir: dir });
    key = (await bootstrap(store, { organisation: 'MEF' })).printedKey!;
  });
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup = [];
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    expect(failures.splice(0), 'errors reported by the runner').to.deep.equal([]);
  });
  after(() => generator.close());

  const auth = () => ({ Authorization: `Bearer ${key}` });

  async function receiver(status?: (n: number) => number): Promise<Receiver> {
    const r = await new Receiver(status).start();
    cleanup.push(() => r.close());
    return r;
  }

  function service(options: WebhookOptions) {
    const runner = new JobRunner(store, generator, (e) => failures.push(e), { webhooks: options });
    cleanup.push(() => runner.stop());
    return { runner, app: createApp(generator, { store, jobs: runner, logger }) };
  }

  const submit = (app: ReturnType<typeof createApp>, body: object | string, status = 202) => request(app).post('/api/v1/jobs').set(auth()).send(body).expect(status);
  const jobOf = async (app: ReturnType<typeof createApp>, id: string) => (await request(app).get(`/api/v1/jobs/${id}`).set(auth()).expect(200)).body;

  it('posts the signed event to the receiver, connected to the address that was vetted', async () => {
    const target = await receiver(() => 204);
    const names = fakeResolver({ [HOST]: ['127.0.0.1'] });
    const { runner, app } = service({ ...quick, allowPrivateTargets: true, resolve: names.resolve });
    const url = `http://${HOST}:${target.port}/crochets/lots?jeton=abc`;
    const created = await submit(app, { ...oneDocument, webhook: { url, secret: SECRET } });
    expect(created.body.notification).to.deep.equal({ url: `http://${HOST}:${target.port}/crochets/lots`, statut: 'en-attente', tentatives: 0, derniereErreur: null });
    await target.waitFor(1);
    await runner.idle();

    const [sent] = target.received;
    expect(sent).to.include({ method: 'POST', url: '/crochets/lots?jeton=abc' });
    // The name is resolved by the service's resolver (this one knows a name no DNS does) and kept as the Host.
    expect(sent!.headers.host).to.equal(`${HOST}:${target.port}`);
    expect(names.calls).to.deep.equal([HOST]);
    expect(sent!.headers['content-type']).to.equal('application/json');
    expect(sent!.headers['user-agent']).to.be.a('string').and.not.equal('');
    expect(sent!.headers['x-webhook-id']).to.equal((await store.getJob(created.body.id))!.notification!.id);
    expect(String(sent!.headers['x-webhook-timestamp'])).to.match(/^\d{10}$/);
    expect(String(sent!.headers['x-webhook-signature'])).to.match(/^sha256=[0-9a-f]{64}$/);
    expect(verifies(SECRET, sent!)).to.equal(true);
    expect(verifies(`${SECRET}x`, sent!)).to.equal(false);
    // The signature covers the timestamp: replayed with another one, it no longer verifies.
    expect(verifies(SECRET, { ...sent!, headers: { ...sent!.headers, 'x-webhook-timestamp': '1700000000' } })).to.equal(false);

    const event = JSON.parse(sent!.body);
    expect(event.evenement).to.equal('lot.termine');
    expect(event.lot).to.include({ id: created.body.id, statut: 'termine', total: 1, faits: 1, erreurs: 0 });
    expect(event.lot.resultat.sha256).to.match(/^[0-9a-f]{64}$/);
    expect(Date.parse(event.date)).to.be.a('number').and.not.NaN;
    expect(sent!.body).not.to.contain(SECRET);

    const job = await jobOf(app, created.body.id);
    expect(job.notification).to.deep.equal({ url: `http://${HOST}:${target.port}/crochets/lots`, statut: 'livree', tentatives: 1, derniereErreur: null });
  });

  it('retries a failed notification with the same id until the receiver takes it', async () => {
    const target = await receiver((n) => (n <= 2 ? 500 : 200));
    const { runner, app } = service({ ...quick, allowPrivateTargets: true });
    const created = await submit(app, { ...failingJob, webhook: { url: `http://127.0.0.1:${target.port}/crochet`, secret: SECRET } });
    await target.waitFor(3);
    await runner.idle();

    expect(target.received).to.have.length(3);
    const ids = new Set(target.received.map((r) => r.headers['x-webhook-id']));
    expect(ids.size).to.equal(1);
    for (const r of target.received) expect(verifies(SECRET, r)).to.equal(true);
    // The job ended in failure: that too is notified.
    expect(JSON.parse(target.received[2]!.body).lot).to.include({ statut: 'echec', erreurs: 1 });
    const job = await jobOf(app, created.body.id);
    expect(job.notification).to.include({ statut: 'livree', tentatives: 3, derniereErreur: null });
    const audit = (await request(app).get('/api/v1/audit').set(auth()).expect(200)).body as { action: string; cible: string; details: Record<string, unknown> }[];
    const delivered = audit.filter((e) => e.action === 'lot.notification.livree');
    expect(delivered).to.have.length(1);
    expect(delivered[0]).to.deep.include({ cible: created.body.id });
    expect(delivered[0]!.details).to.include({ tentatives: 3, url: `http://127.0.0.1:${target.port}/crochet` });
  });

  it('gives the notification up after the last attempt', async () => {
    const target = await receiver(() => 503);
    const { runner, app } = service({ ...quick, allowPrivateTargets: true, attempts: 3, delaysMs: [1, 2] });
    const created = await submit(app, { ...failingJob, webhook: { url: `http://127.0.0.1:${target.port}/crochet`, secret: SECRET } });
    await target.waitFor(3);
    await runner.idle();

    const job = await jobOf(app, created.body.id);
    expect(job.notification).to.include({ statut: 'echec', tentatives: 3, derniereErreur: 'Réponse HTTP 503.' });
    expect(target.received).to.have.length(3);
    expect(await store.nextNotificationDue()).to.equal(undefined);
    const audit = (await request(app).get('/api/v1/audit').set(auth()).expect(200)).body as { action: string; details: Record<string, unknown> }[];
    const failed = audit.filter((e) => e.action === 'lot.notification.echec');
    expect(failed).to.have.length(1);
    expect(failed[0]!.details).to.include({ tentatives: 3, erreur: 'Réponse HTTP 503.' });
  });

  it('follows no redirect, waits for an answer a limited time only, and reads no more of it than needed', async () => {
    const redirect = await receiver(() => 302);
    const silent = await receiver(() => 0);
    const chatty = await receiver(() => 299);
    const { runner, app } = service({ allowPrivateTargets: true, attempts: 1, timeoutMs: 200, maxResponseBytes: 1024 });
    const ids: Record<string, string> = {};
    for (const [name, r] of Object.entries({ redirect, silent, chatty })) {
      ids[name] = (await submit(app, { ...failingJob, webhook: { url: `http://127.0.0.1:${r.port}/crochet`, secret: SECRET } })).body.id;
    }
    await Promise.all([redirect.waitFor(1), silent.waitFor(1), chatty.waitFor(1)]);
    await runner.idle();
    expect((await jobOf(app, ids.redirect!)).notification).to.include({ statut: 'echec', tentatives: 1, derniereErreur: 'Redirection non suivie (HTTP 302).' });
    expect(redirect.received.map((r) => r.url)).to.deep.equal(['/crochet']);
    expect((await jobOf(app, ids.silent!)).notification).to.include({ statut: 'echec', tentatives: 1 });
    expect((await jobOf(app, ids.silent!)).notification.derniereErreur).to.contain('Pas de réponse complète dans le délai');
    expect((await jobOf(app, ids.chatty!)).notification).to.include({ statut: 'livree', tentatives: 1 });
  });

  it('refuses at submission an address on this machine or a private network, naming the field', async () => {
    const { runner, app } = service({});
    // Nothing runs in this test: the submissions only are checked.
    await runner.stop();
    for (const url of [
      'http://127.0.0.1:8080/crochet',
      'http://localhost/crochet',
      'http://app.localhost/crochet',
      'http://[::1]/crochet',
      'http://[::ffff:127.0.0.1]/crochet',
      'http://2130706433/crochet',
      'http://0x7f.1/crochet',
      'http://0.0.0.0/',
      'https://10.1.2.3/',
      'https://172.16.0.1/',
      'https://192.168.1.10/',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.64.0.1/',
      'http://224.0.0.1/',
      'http://[fe80::1]/',
      'http://[fd12:3456::1]/',
      'http://[ff02::1]/',
      'http://[::]/',
      'http://240.0.0.1/',
    ]) {
      const res = await submit(app, { ...oneDocument, webhook: { url, secret: SECRET } }, 400);
      expect(res.body.errors, url).to.have.length(1);
      expect(res.body.errors[0], url).to.include({ path: 'webhook.url', type: 'webhook.adresse' });
      expect(res.body.errors[0].message, url).to.contain('« Adresse de notification »').and.contain('locale, privée ou réservée');
    }
    const refused = async (webhook: unknown, path: string, words: string) => {
      const res = await submit(app, { ...oneDocument, webhook }, 400);
      const error = (res.body.errors as { path: string; message: string }[]).find((e) => e.path === path);
      expect(error, `${JSON.stringify(webhook)} → ${res.text}`).to.be.an('object');
      expect(error!.message).to.contain(words);
      expect(res.text).not.to.contain(SECRET);
      // Fields are named by their label, never by their path.
      for (const e of res.body.errors as { message: string }[]) expect(e.message).not.to.contain('webhook');
    };
    await refused({ url: 'https://client:motdepasse@crochets.example.com/', secret: SECRET }, 'webhook.url', 'ni identifiant ni mot de passe');
    await refused({ url: 'ftp://crochets.example.com/', secret: SECRET }, 'webhook.url', '« Adresse de notification » doit commencer par https://');
    await refused({ url: 'crochets.example.com/lots', secret: SECRET }, 'webhook.url', '« Adresse de notification »');
    await refused({ url: `https://crochets.example.com/${'a'.repeat(2000)}`, secret: SECRET }, 'webhook.url', '« Adresse de notification » ne doit pas dépasser 2000 caractères');
    await refused({ url: 'https://crochets.example.com/' }, 'webhook.secret', '« Secret de signature » est obligatoire');
    await refused({ url: 'https://crochets.example.com/', secret: 'court' }, 'webhook.secret', '« Secret de signature » doit compter au moins 16 caractères');
    await refused({ url: 'https://crochets.example.com/', secret: 'avec des espaces dedans' }, 'webhook.secret', '« Secret de signature » n’a pas le format attendu');
    await refused({ url: 'https://crochets.example.com/', secret: SECRET, autre: 1 }, 'webhook.autre', 'n’est pas attendu');
    // Both fields at once: every problem is listed.
    const both = await submit(app, { ...oneDocument, webhook: { url: 'http://10.0.0.1/', secret: 'court' } }, 400);
    expect((both.body.errors as { path: string }[]).map((e) => e.path)).to.have.members(['webhook.url', 'webhook.secret']);
    await refused('https://crochets.example.com/', 'webhook', '« Notification de fin de traitement »');
    // A public address is accepted (null means no notification), and the same check holds for a year's bilans.
    await submit(app, { ...oneDocument, webhook: { url: 'https://crochets.example.com/lots', secret: SECRET } }, 202);
    expect((await submit(app, { ...oneDocument, webhook: null }, 202)).body.notification).to.equal(null);
    expect((await submit(app, oneDocument, 202)).body.notification).to.equal(null);
    await refused({ url: 'http://192.168.0.1/', secret: SECRET }, 'webhook.url', '« Adresse de notification »');
    const bilan = await submit(app, { type: 'bilans-marches', annee: 2040, bilan: {}, webhook: { url: 'http://127.0.0.1/', secret: SECRET } }, 400);
    expect(bilan.body.errors[0]).to.include({ path: 'webhook.url' });
  });

  it('refuses at delivery a name that resolves to a private address, and never connects to it', async () => {
    const target = await receiver(() => 204);
    const names = fakeResolver({ [HOST]: ['127.0.0.1'] });
    const { runner, app } = service({ ...quick, attempts: 2, resolve: names.resolve });
    const created = await submit(app, { ...failingJob, webhook: { url: `http://${HOST}:${target.port}/crochet`, secret: SECRET } });
    await names.called(2);
    await runner.idle();

    const job = await jobOf(app, created.body.id);
    expect(job.notification).to.include({ statut: 'echec', tentatives: 2 });
    expect(job.notification.derniereErreur).to.contain('locale, privée ou réservée');
    expect(target.received).to.deep.equal([]);
    // A name with one public and one private address is refused as well (a rebinding would pick either).
    const mixed = fakeResolver({ 'mixte.exemple.fr': ['93.184.215.14', '10.0.0.5'] });
    const error = await vetTarget(new URL('https://mixte.exemple.fr/'), { allowPrivateTargets: false, resolve: mixed.resolve }).catch((e: unknown) => e);
    expect(String(error)).to.contain('locale, privée ou réservée');
    expect(await vetTarget(new URL('https://public.exemple.fr/'), { allowPrivateTargets: false, resolve: fakeResolver({ 'public.exemple.fr': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'] }).resolve })).to.have.length(2);
  });

  it('never shows the secret: not in the job, its input, the audit export nor the log', async () => {
    const target = await receiver(() => 200);
    const { runner, app } = service({ ...quick, allowPrivateTargets: true });
    const created = await submit(app, { ...failingJob, webhook: { url: `http://127.0.0.1:${target.port}/crochet?jeton=confidentiel`, secret: SECRET } });
    expect(created.text).not.to.contain(SECRET);
    await target.waitFor(1);
    await runner.idle();

    const job = await request(app).get(`/api/v1/jobs/${created.body.id}`).set(auth()).expect(200);
    expect(job.body.notification.statut).to.equal('livree');
    expect(job.text).not.to.contain(SECRET);
    expect(job.text).not.to.contain('confidentiel');
    expect(JSON.stringify((await store.getJob(created.body.id))!.entree)).not.to.contain(SECRET);
    for (const format of ['json', 'csv']) {
      const exported = await request(app).get(`/api/v1/audit?format=${format}`).set(auth()).expect(200);
      expect(exported.text).to.contain('lot.notification.livree');
      expect(exported.text).not.to.contain(SECRET);
      expect(exported.text).not.to.contain('confidentiel');
    }
    expect(logs.length).to.be.greaterThan(0);
    expect(logs.join('\n')).not.to.contain(SECRET);
  });

  it('delivers after a restart a notification left pending by the previous process', async () => {
    const target = await receiver((n) => (n === 1 ? 503 : 200));
    // The first process retries in an hour only: it stops before.
    const first = service({ allowPrivateTargets: true, delaysMs: [3_600_000] });
    const created = await submit(first.app, { ...failingJob, webhook: { url: `http://127.0.0.1:${target.port}/crochet`, secret: SECRET } });
    await target.waitFor(1);
    await first.runner.idle();
    expect((await jobOf(first.app, created.body.id)).notification).to.include({ statut: 'en-attente', tentatives: 1, derniereErreur: 'Réponse HTTP 503.' });
    await first.runner.stop();
    await store.close();

    // The next process starts two hours later (its clock says so): the retry is due, it sends it.
    store = await openStore('sqlite', { dataDir: dir });
    const dispatcher = new WebhookDispatcher(store, { allowPrivateTargets: true, now: () => Date.now() + 2 * 3_600_000 }, (e) => failures.push(e));
    cleanup.push(() => dispatcher.stop());
    dispatcher.kick();
    await target.waitFor(2);
    await dispatcher.idle();
    expect((await store.getJob(created.body.id))!.notification).to.include({ statut: 'livree', tentatives: 2, derniereErreur: null });
    expect(target.received[1]!.headers['x-webhook-id']).to.equal(target.received[0]!.headers['x-webhook-id']);
    expect(verifies(SECRET, target.received[1]!)).to.equal(true);
  });

  it('interrupts at stop an attempt under way, which the next start makes again', async () => {
    const target = await receiver((n) => (n === 1 ? 0 : 200));
    const { runner, app } = service({ allowPrivateTargets: true });
    const created = await submit(app, { ...failingJob, webhook: { url: `http://127.0.0.1:${target.port}/crochet`, secret: SECRET } });
    // The receiver holds the first request unanswered: the stop does not wait for its deadline.
    await target.waitFor(1);
    await runner.stop();
    expect((await store.getJob(created.body.id))!.notification).to.include({ statut: 'en-attente', tentatives: 0 });
    const next = new WebhookDispatcher(store, { allowPrivateTargets: true }, (e) => failures.push(e));
    cleanup.push(() => next.stop());
    next.kick();
    await target.waitFor(2);
    await next.idle();
    expect((await store.getJob(created.body.id))!.notification).to.include({ statut: 'livree', tentatives: 1 });
  });

  it('sends nothing once stopped, and its timer never keeps the process alive', async () => {
    const target = await receiver(() => 500);
    const { runner, app } = service({ allowPrivateTargets: true, delaysMs: [3_600_000] });
    const created = await submit(app, { ...failingJob, webhook: { url: `http://127.0.0.1:${target.port}/crochet`, secret: SECRET } });
    await target.waitFor(1);
    await runner.idle();
    // A retry is pending: its timer is set, and does not hold the event loop.
    const timer = (runner.webhooks as unknown as { timer?: NodeJS.Timeout }).timer;
    expect(timer).not.to.equal(undefined);
    expect(timer!.hasRef()).to.equal(false);
    await runner.stop();
    expect((runner.webhooks as unknown as { timer?: NodeJS.Timeout }).timer).to.equal(undefined);

    // Stopped: even with the retry due (the notification made due at once), a kick claims nothing.
    const notification = (await store.getJob(created.body.id))!.notification!;
    await store.updateNotification(notification.id, { prochaineLe: new Date(0).toISOString() });
    let claims = 0;
    const counting = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'claimNotifications') claims++;
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    const stopped = new WebhookDispatcher(counting, { allowPrivateTargets: true });
    await stopped.stop();
    stopped.kick();
    await stopped.idle();
    expect(claims).to.equal(0);
    expect(target.received).to.have.length(1);
  });
});

describe('webhook address checks', () => {
  it('judges an IP address by its range, an IPv4-mapped IPv6 address as its IPv4 address', () => {
    for (const address of ['127.0.0.1', '10.0.0.1', '172.31.255.255', '192.168.0.1', '169.254.169.254', '100.100.100.200', '0.0.0.0', '255.255.255.255', '224.0.0.251', '198.18.0.1', '192.0.2.1', '::1', '::', 'fe80::1', 'fc00::1', 'ff02::1', '::ffff:10.0.0.1', '::ffff:7f00:1', '::7f00:1', '64:ff9b::a00:1', '2002:a00:1::', '2001:db8::1', '2001::1']) {
      expect(forbiddenRange(address), address).to.be.a('string');
    }
    for (const address of ['93.184.215.14', '8.8.8.8', '::ffff:93.184.215.14', '2606:4700:4700::1111', '2a01:e0a:1::1']) {
      expect(forbiddenRange(address), address).to.equal(undefined);
    }
  });

  it('lets private addresses through when allowed (a receiver on this machine)', () => {
    expect(targetProblem('http://127.0.0.1:8080/crochet', { allowPrivateTargets: true, label: 'Adresse de notification' })).to.equal(undefined);
    expect(targetProblem('http://localhost/crochet', { allowPrivateTargets: true, label: 'Adresse de notification' })).to.equal(undefined);
    expect(targetProblem('http://u:p@localhost/', { allowPrivateTargets: true, label: 'Adresse de notification' })).to.contain('ni identifiant ni mot de passe');
  });
});
