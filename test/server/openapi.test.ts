/**
 * The OpenAPI 3.1 description (GET /api/v1/openapi.json) and its page (GET /api/v1/docs): valid
 * against the official OpenAPI 3.1 schema, complete (every route of the app under /api/v1 is
 * described), its schemas compile, and a client generated from the document alone generates a PDF.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020, type AnySchema, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import request from 'supertest';
import { MARKER_EXAMPLE } from '../../src/core/markers.js';
import { fromRoot } from '../../src/core/paths.js';
import { listKinds } from '../../src/core/registry.js';
import { MODES } from '../../src/core/validation.js';
import { FORMAT_IDS, FORMATS } from '../../src/formats/index.js';
import { Generator } from '../../src/generator.js';
import { createApp } from '../../src/server/app.js';
import { bootstrap } from '../../src/store/bootstrap.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { fixture } from '../support/documents.js';

const addFormats = (addFormatsModule as unknown as { default: (ajv: Ajv2020) => Ajv2020 }).default;

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  description: string;
  schema: Record<string, unknown>;
}
interface Media {
  schema?: Record<string, unknown>;
}
interface Operation {
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { required: boolean; description?: string; content: Record<string, Media> };
  responses: Record<string, { description: string; content?: Record<string, Media>; headers?: Record<string, { description: string }> }>;
  security?: unknown[];
}
interface Document {
  openapi: string;
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  tags: { name: string; description: string }[];
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>>; securitySchemes: Record<string, Record<string, unknown>> };
}

const operationsOf = (doc: Document) =>
  Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));

const compilers = new WeakMap<Document, (schema: unknown) => ValidateFunction>();

/** Ajv 2020-12 with formats, where `#/components/schemas/X` of the document resolves (one per document). */
function schemaCompiler(doc: Document) {
  const known = compilers.get(doc);
  if (known) return known;
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  const rewrite = (schema: unknown) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"openapi-components#/$defs/')) as AnySchema;
  ajv.addSchema({ $id: 'openapi-components', $defs: rewrite(doc.components.schemas) });
  const compile = (schema: unknown) => ajv.compile(rewrite(schema));
  compilers.set(doc, compile);
  return compile;
}

interface Call {
  path?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}

/**
 * A client generated from the description alone: one function per operationId, which fills the
 * path and the query from the declared parameters and sends a JSON body where one is declared.
 */
function generateClient(doc: Document, origin: string, headers: Record<string, string> = {}) {
  const base = new URL(doc.servers[0]!.url, origin);
  const client: Record<string, (call?: Call) => Promise<Response>> = {};
  for (const { path, method, op } of operationsOf(doc)) {
    client[op.operationId] = async (call: Call = {}) => {
      const parameters = op.parameters ?? [];
      for (const p of parameters) {
        const given = p.in === 'path' ? call.path : p.in === 'query' ? call.query : undefined;
        if (p.required && given?.[p.name] === undefined) throw new Error(`${op.operationId}: parameter ${p.name} missing`);
      }
      for (const name of Object.keys(call.query ?? {})) {
        if (!parameters.some((p) => p.in === 'query' && p.name === name)) throw new Error(`${op.operationId}: no query parameter ${name}`);
      }
      const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(call.path?.[name] ?? ''));
      const url = new URL(filled.replace(/^\//, ''), base);
      for (const [name, value] of Object.entries(call.query ?? {})) url.searchParams.set(name, value);
      const init: RequestInit = { method: method.toUpperCase(), headers: { ...headers } };
      if (call.body !== undefined) {
        if (!op.requestBody?.content['application/json']) throw new Error(`${op.operationId}: no JSON body`);
        init.body = JSON.stringify(call.body);
        (init.headers as Record<string, string>)['content-type'] = 'application/json';
      } else if (op.requestBody?.required) {
        throw new Error(`${op.operationId}: body required`);
      }
      return fetch(url, init);
    };
  }
  return client;
}

/** Routes of an express 5 app: [METHOD, path] with `:param` written `{param}`. */
function appRoutes(app: unknown): [string, string][] {
  interface Layer {
    route?: { path: string | string[]; methods: Record<string, boolean> };
    handle: { stack?: Layer[] };
    rawPath?: string;
  }
  const routes: [string, string][] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) {
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (on && method !== '_all') routes.push([method, (prefix + path).replace(/:(\w+)/g, '{$1}')]);
          }
        }
      } else if (layer.handle.stack) {
        walk(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''));
      }
    }
  };
  walk((app as { router: { stack: Layer[] } }).router.stack, '');
  return routes;
}

/** The French texts of the description written for it (not the labels of the joi schemas). */
function texts(doc: Document): [string, string][] {
  const out: [string, string][] = [['info.title', doc.info.title], ['info.description', doc.info.description]];
  for (const tag of doc.tags) out.push([`tag ${tag.name}`, tag.description]);
  for (const { op } of operationsOf(doc)) {
    out.push([`${op.operationId}.summary`, op.summary]);
    if (op.description) out.push([`${op.operationId}.description`, op.description]);
    if (op.requestBody?.description) out.push([`${op.operationId}.requestBody`, op.requestBody.description]);
    for (const p of op.parameters ?? []) out.push([`${op.operationId}.${p.name}`, p.description]);
    for (const [status, r] of Object.entries(op.responses)) {
      out.push([`${op.operationId}.${status}`, r.description]);
      for (const [name, h] of Object.entries(r.headers ?? {})) out.push([`${op.operationId}.${status}.${name}`, h.description]);
    }
  }
  return out;
}

/** Every route of `app` under /api/v1 (and /health) has its operation in the description. */
function expectRoutesDescribed(app: unknown, doc: Document): void {
  const routes = appRoutes(app).filter(([, path]) => path.startsWith('/api/v1/') || path === '/health');
  expect(routes.length).to.be.greaterThan(10);
  const missing: string[] = [];
  for (const [method, path] of routes) {
    // A route per kind ({kind} in the app) is described once per kind, the kind in the path.
    const described = (p: string) => doc.paths[p]?.[method] !== undefined;
    const ok = described(path) || (path.includes('{kind}') && listKinds().every((k) => described(path.replace('{kind}', k.id))));
    if (!ok) missing.push(`${method.toUpperCase()} ${path}`);
  }
  expect(missing, 'routes not described in the OpenAPI document (declare them in src/server/openapi/)').to.deep.equal([]);
}

/** The answer is one the description declares: its status, its media type, its JSON schema. */
async function expectDeclared(doc: Document, operationId: string, res: Response): Promise<Buffer> {
  const { op } = operationsOf(doc).find((o) => o.op.operationId === operationId)!;
  const declared = op.responses[String(res.status)];
  expect(declared, `${operationId} answers ${res.status}`).to.be.an('object');
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (declared!.content) expect(Object.keys(declared!.content), operationId).to.include(type);
  const bytes = Buffer.from(await res.arrayBuffer());
  const schema = declared!.content?.[type]?.schema;
  if (schema && /json/.test(type)) {
    const v = schemaCompiler(doc)(schema);
    expect(v(JSON.parse(bytes.toString('utf8'))), `${operationId}: ${JSON.stringify(v.errors)}`).to.equal(true);
  }
  return bytes;
}

/** An app listening on a free port of the loopback, and its address. */
async function listen(app: ReturnType<typeof createApp>): Promise<{ server: Server; origin: string }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const PUBLIC_OPERATIONS = ['etat_service', 'description_openapi', 'documentation_api', 'lister_types'];

/** Routes of the service that keeps organisations' work (with a store), or still being built (jobs). */
const PLANNED: [string, string][] = [
  ['get', '/api/v1/documents'],
  ['get', '/api/v1/documents/{id}'],
  ['get', '/api/v1/documents/{id}/file'],
  ['post', '/api/v1/documents/{id}/regenerate'],
  ['get', '/api/v1/dossiers'],
  ['post', '/api/v1/dossiers'],
  ['get', '/api/v1/dossiers/{id}'],
  ['put', '/api/v1/dossiers/{id}'],
  ['get', '/api/v1/dossiers/{id}/export'],
  ['post', '/api/v1/dossiers/import'],
  ['get', '/api/v1/keys'],
  ['post', '/api/v1/keys'],
  ['delete', '/api/v1/keys/{id}'],
  ['get', '/api/v1/audit'],
  ['post', '/api/v1/jobs'],
  ['get', '/api/v1/jobs/{id}'],
  ['get', '/api/v1/jobs/{id}/result'],
];

describe('OpenAPI description', () => {
  const generator = new Generator();
  const app = createApp(generator);
  let doc: Document;

  before(async () => {
    const res = await request(app).get('/api/v1/openapi.json').expect(200);
    expect(res.headers['content-type']).to.match(/^application\/json/);
    doc = res.body as Document;
  });
  after(() => generator.close());

  it('is valid against the OpenAPI 3.1 schema', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors, JSON.stringify(result.errors, null, 1)?.slice(0, 2000)).to.equal(undefined);
    expect(result.valid).to.equal(true);
    expect(validator.version).to.equal('3.1');
    // The validator does refuse a broken description.
    const broken = structuredClone(doc) as unknown as Record<string, unknown>;
    delete broken.info;
    expect((await new Validator().validate(broken)).valid).to.equal(false);
  });

  it('names the service in French, with the version of package.json and its API key', () => {
    const pkg = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version: string };
    expect(doc.openapi).to.match(/^3\.1\.\d+$/);
    expect(doc.info.title).to.equal('API des documents de la clause sociale d’insertion');
    expect(doc.info.version).to.equal(pkg.version);
    expect(doc.servers).to.have.length.greaterThan(0);
    expect(doc.components.securitySchemes.bearerAuth).to.include({ type: 'http', scheme: 'bearer' });
    expect(doc.security).to.deep.equal([{ bearerAuth: [] }]);
    const open = operationsOf(doc).filter(({ op }) => Array.isArray(op.security) && op.security.length === 0).map(({ op }) => op.operationId);
    expect(open).to.include.members(PUBLIC_OPERATIONS);
    for (const { op } of operationsOf(doc)) {
      if (!open.includes(op.operationId)) expect(op.responses, op.operationId).to.have.property('401');
    }
    for (const id of ['lister_documents', 'creer_cle', 'journal_audit', 'creer_traitement', 'generer_convention']) expect(open).not.to.include(id);
  });

  it('describes every route of the app under /api/v1, and the health check', () => {
    expectRoutesDescribed(app, doc);
    for (const [method, path] of PLANNED) expect(doc.paths[path]?.[method], `${method} ${path}`).to.be.an('object');
  });

  it('has unique operationIds usable as function names, and one generation operation per kind', () => {
    const ids = operationsOf(doc).map(({ op }) => op.operationId);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const id of ids) expect(id).to.match(/^[A-Za-z][A-Za-z0-9_]*$/);
    for (const kind of listKinds()) {
      const op = doc.paths[`/api/v1/documents/${kind.id}`]?.post;
      expect(op, kind.id).to.be.an('object');
      expect(op!.operationId).to.equal(`generer_${kind.id.replace(/-/g, '_')}`);
      expect(op!.requestBody!.content['application/json']!.schema).to.deep.equal({ $ref: `#/components/schemas/${kind.id}` });
      expect(op!.requestBody!.content).to.have.property('multipart/form-data');
      const format = op!.parameters!.find((p) => p.name === 'format')!;
      const mode = op!.parameters!.find((p) => p.name === 'mode')!;
      expect(format).to.deep.include({ in: 'query', required: false });
      expect(format.schema.enum).to.deep.equal(FORMAT_IDS);
      expect(mode.schema.enum).to.deep.equal([...MODES]);
      expect(Object.keys(op!.responses['200']!.content!)).to.have.members(FORMAT_IDS.map((f) => FORMATS[f]!.contentType.split(';')[0]));
      expect(op!.responses).to.include.keys('400', '422', '503');
      expect(doc.components.schemas).to.have.property(kind.id);
    }
  });

  it('answers errors with the shared Problem schema', async () => {
    const problem = doc.components.schemas.Problem!;
    expect(problem.required).to.include.members(['type', 'title', 'status', 'detail', 'errors']);
    expect(Object.keys(problem.properties as object)).to.have.members(['type', 'title', 'status', 'detail', 'instance', 'requestId', 'errors']);
    for (const { op } of operationsOf(doc)) {
      for (const [status, r] of Object.entries(op.responses)) {
        if (Number(status) >= 400) expect(r.content?.['application/problem+json']?.schema, `${op.operationId} ${status}`).to.deep.equal({ $ref: '#/components/schemas/Problem' });
      }
    }
    const compile = schemaCompiler(doc);
    const res = await request(app).get('/api/v1/kinds/inconnu/schema').expect(404);
    expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
    const v = compile({ $ref: '#/components/schemas/Problem' });
    expect(v(res.body), JSON.stringify(v.errors)).to.equal(true);
  });

  it('compiles every schema of its bodies, parameters and answers', () => {
    const compile = schemaCompiler(doc);
    let bodies = 0;
    for (const { op } of operationsOf(doc)) {
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
        expect(media.schema, `${op.operationId} ${type}`).to.be.an('object');
        expect(() => compile(media.schema), `${op.operationId} ${type}`).not.to.throw();
        bodies++;
      }
      for (const p of op.parameters ?? []) expect(() => compile(p.schema), `${op.operationId} ${p.name}`).not.to.throw();
      for (const [status, r] of Object.entries(op.responses)) {
        for (const [type, media] of Object.entries(r.content ?? {})) {
          if (media.schema) expect(() => compile(media.schema), `${op.operationId} ${status} ${type}`).not.to.throw();
        }
      }
    }
    expect(bodies).to.be.greaterThan(listKinds().length);
  });

  it('writes its own texts in French typography', () => {
    for (const [where, text] of texts(doc)) {
      expect(text, where).to.be.a('string').and.not.equal('');
      // The draft marker is quoted as the documents print it.
      const checked = text.replaceAll(MARKER_EXAMPLE, '');
      expect(checked, where).not.to.match(/ [;:!?»]/);
      expect(checked, where).not.to.match(/« /);
    }
  });

  describe('a client generated from the description', () => {
    let server: Server;
    let client: ReturnType<typeof generateClient>;
    const declared = (operationId: string, res: Response) => expectDeclared(doc, operationId, res);

    before(async () => {
      const listening = await listen(app);
      server = listening.server;
      client = generateClient(doc, listening.origin);
    });
    after(() => new Promise((resolve) => server.close(resolve)));

    it('generates the convention from its example as a PDF', async function () {
      this.timeout(120_000);
      const res = await client.generer_convention!({ query: { format: 'pdf', mode: 'final' }, body: fixture('convention') });
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('application/pdf');
      expect(res.headers.get('x-document-mode')).to.equal('final');
      const bytes = await declared('generer_convention', res);
      expect(bytes.subarray(0, 4).toString('latin1')).to.equal('%PDF');
    });

    it('reads the kinds, a schema, an example, the health check and the description itself', async () => {
      await declared('lister_types', await client.lister_types!());
      await declared('etat_service', await client.etat_service!());
      await declared('description_openapi', await client.description_openapi!());
      const schema = await client.schema_type!({ path: { kind: 'clause-dce' } });
      expect(schema.status).to.equal(200);
      expect((JSON.parse((await declared('schema_type', schema)).toString('utf8')) as { $id: string }).$id).to.equal('/api/v1/kinds/clause-dce/schema');
      const example = await client.exemple_type!({ path: { kind: 'clause-dce' } });
      expect(example.status).to.equal(200);
      await declared('exemple_type', example);
      const csv = await client.modele_suivi_csv!({ path: { sheet: 'suivi' } });
      expect(csv.status).to.equal(200);
      await declared('modele_suivi_csv', csv);
    });

    it('sizes insertion goals and computes a calendar, and gets declared problems', async () => {
      const sizing = await client.dimensionner!({ body: fixture('dimensionnement') });
      expect(sizing.status).to.equal(200);
      await declared('dimensionner', sizing);
      const calendar = await client.calculer_echeances!({ body: { dateSignature: '2026-12-01', dateReference: '2028-09-15' } });
      expect(calendar.status).to.equal(200);
      await declared('calculer_echeances', calendar);
      const refused = await client.calculer_echeances!({ body: { dateSignature: 'hier' } });
      expect(refused.status).to.equal(400);
      await declared('calculer_echeances', refused);
      const incomplete = await client.generer_convention!({ query: { format: 'docx' }, body: { donneurOrdre: { nom: 'Ville de Péronne' } } });
      expect(incomplete.status).to.equal(422);
      await declared('generer_convention', incomplete);
    });

    it('refuses a call that misses a required parameter or body', async () => {
      let error: unknown;
      await client.schema_type!().catch((e: unknown) => (error = e));
      expect(String(error)).to.match(/parameter kind missing/);
      await client.generer_convention!().catch((e: unknown) => (error = e));
      expect(String(error)).to.match(/body required/);
    });
  });

  describe('the service that keeps organisations’ work (with a store)', () => {
    let dir: string;
    let store: Store;
    let withStore: ReturnType<typeof createApp>;
    let server: Server;
    let anonymous: ReturnType<typeof generateClient>;
    let client: ReturnType<typeof generateClient>;
    const declared = (operationId: string, res: Response) => expectDeclared(doc, operationId, res);

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'openapi-'));
      store = await openStore('sqlite', { dataDir: dir });
      const admin = (await bootstrap(store, { organisation: 'Maison de l’emploi et de la formation de Haute-Somme' })).printedKey!;
      withStore = createApp(generator, { store });
      const listening = await listen(withStore);
      server = listening.server;
      anonymous = generateClient(doc, listening.origin);
      client = generateClient(doc, listening.origin, { Authorization: `Bearer ${admin}` });
    });
    after(async () => {
      await new Promise((resolve) => server.close(resolve));
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('describes every route of the app', () => {
      expectRoutesDescribed(withStore, doc);
    });

    it('answers the public operations without a key, the others with 401', async () => {
      await declared('etat_service', await anonymous.etat_service!());
      await declared('lister_types', await anonymous.lister_types!());
      await declared('description_openapi', await anonymous.description_openapi!());
      const refused = await anonymous.dimensionner!({ body: fixture('dimensionnement') });
      expect(refused.status).to.equal(401);
      await declared('dimensionner', refused);
      const list = await anonymous.lister_documents!();
      expect(list.status).to.equal(401);
      await declared('lister_documents', list);
    });

    it('generates a PDF with the API key, then finds it in the archive as described', async function () {
      this.timeout(120_000);
      const res = await client.generer_convention!({ query: { format: 'pdf', dossier: 'nouveau' }, body: fixture('convention') });
      expect(res.status).to.equal(200);
      const bytes = await declared('generer_convention', res);
      expect(bytes.subarray(0, 4).toString('latin1')).to.equal('%PDF');
      const id = res.headers.get('x-document-id');
      expect(id).to.be.a('string');
      const dossier = res.headers.get('x-dossier-id');
      expect(dossier).to.be.a('string');

      const metadata = await client.document_archive!({ path: { id: id! } });
      expect(metadata.status).to.equal(200);
      await declared('document_archive', metadata);
      const list = await client.lister_documents!({ query: { kind: 'convention', parPage: '10' } });
      expect(list.status).to.equal(200);
      await declared('lister_documents', list);
      const file = await client.fichier_document!({ path: { id: id! }, query: { format: 'pdf' } });
      expect(file.status).to.equal(200);
      expect((await declared('fichier_document', file)).subarray(0, 4).toString('latin1')).to.equal('%PDF');
      const missing = await client.document_archive!({ path: { id: 'inconnu' } });
      expect(missing.status).to.equal(404);
      await declared('document_archive', missing);

      for (const [operationId, call] of [
        ['lister_dossiers', {}],
        ['lire_dossier', { path: { id: dossier! } }],
        ['exporter_dossier', { path: { id: dossier! } }],
        ['lister_organisations', {}],
        ['lister_cles', {}],
        ['journal_audit', {}],
      ] as [string, Call][]) {
        const answer = await client[operationId]!(call);
        expect(answer.status, operationId).to.equal(200);
        await declared(operationId, answer);
      }
    });
  });

  describe('its page', () => {
    let res: request.Response;
    before(async () => {
      res = await request(app).get('/api/v1/docs').expect(200);
    });

    it('is a French HTML page with the service style sheet, no inline script or style', () => {
      expect(res.headers['content-type']).to.match(/^text\/html/);
      expect(res.headers['content-security-policy']).to.contain("script-src 'self'");
      expect(res.text).to.contain('<html lang="fr">');
      expect(res.text).to.contain('<link rel="stylesheet" href="/static/web.css">');
      expect(res.text).not.to.match(/<script|<style|\sstyle=|\son[a-z]+=/i);
      expect(res.text).to.contain('Documentation de l’API');
    });

    it('lists every operation by tag with its method, path and summary, and links every kind’s schema', () => {
      const decoded = res.text.replace(/&#x2F;/g, '/').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
      for (const tag of doc.tags) expect(decoded).to.contain(`>${tag.name}</h2>`);
      for (const { path, method, op } of operationsOf(doc)) {
        expect(decoded).to.contain(`<h3 id="${op.operationId}"><code>${method.toUpperCase()} ${path}</code></h3>`);
        expect(decoded).to.contain(op.summary);
        for (const p of op.parameters ?? []) expect(decoded).to.contain(`<code>${p.name}</code>`);
      }
      for (const kind of listKinds()) expect(decoded).to.contain(`<a href="/api/v1/kinds/${kind.id}/schema">`);
      expect(decoded).to.contain('<a href="/api/v1/openapi.json">');
    });
  });
});
