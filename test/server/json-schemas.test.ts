/**
 * The published JSON Schemas are valid JSON Schema 2020-12 and agree with joi: every kind's schema
 * (GET /api/v1/kinds, GET /api/v1/kinds/:kind/schema, the OpenAPI components) compiles with Ajv in
 * strict mode with the formats of ajv-formats, every example validates against its own schema, what
 * joi accepts the schema accepts, and the conditions that joi expresses with `when` are kept.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { Ajv2020, type AnySchema, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type Joi from 'joi';
import request from 'supertest';
import { listKinds } from '../../src/core/registry.js';
import { Generator } from '../../src/generator.js';
import { createApp } from '../../src/server/app.js';
import { JSON_SCHEMA_DIALECT, kindJsonSchema, type JsonSchemaNode } from '../../src/server/json-schema.js';
import { fixture, withValue } from '../support/documents.js';

const addFormats = (addFormatsModule as unknown as { default: (ajv: Ajv2020) => Ajv2020 }).default;

/**
 * Ajv for draft 2020-12, strict: an unknown keyword, an unknown format (ajv-formats knows the
 * standard ones: date, date-time, email, uri…) or a keyword that does not fit the declared type is
 * an error, not a warning. Only `strictRequired` is off: `then: { required: ['critere'] }` names a
 * property declared by the enclosing object, which is how conditional presence is written.
 */
function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  return ajv;
}

function compile(schema: unknown, ajv = newAjv()): ValidateFunction {
  return ajv.compile(schema as AnySchema);
}

const errorsOf = (v: ValidateFunction) => JSON.stringify(v.errors?.slice(0, 5), null, 1);

/** The components of an OpenAPI document as one schema, so that `#/components/schemas/X` refs resolve. */
function componentsAjv(components: Record<string, unknown>): Ajv2020 {
  const ajv = newAjv();
  const defs = JSON.parse(JSON.stringify(components).replaceAll('"#/components/schemas/', '"openapi-components#/$defs/')) as Record<string, unknown>;
  ajv.addSchema({ $id: 'openapi-components', $defs: defs });
  return ajv;
}

/** Copies of `data` each without one of its fields (lists: in their first item only). */
function withoutOneField(data: unknown): unknown[] {
  const variants: unknown[] = [];
  const walk = (node: unknown, path: (string | number)[]) => {
    if (Array.isArray(node)) {
      if (node.length > 0) walk(node[0], [...path, 0]);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      const copy = structuredClone(data) as Record<string, unknown>;
      let parent: Record<string, unknown> = copy;
      for (const segment of path) parent = parent[segment as string] as Record<string, unknown>;
      delete parent[key];
      variants.push(copy);
      walk(value, [...path, key]);
    }
  };
  walk(data, []);
  return variants;
}

/**
 * joi's own verdict, with the options of src/core/validation.ts. (The service is a little more
 * lenient than its schema: it takes a missing required list that has no minimum as an empty one.)
 */
const joiAccepts = (schema: Joi.Schema, data: unknown) => schema.validate(data, { abortEarly: false, convert: true }).error === undefined;

describe('Published JSON Schemas', () => {
  const generator = new Generator();
  const app = createApp(generator);
  let listed: { id: string; schema: JsonSchemaNode }[];
  let openapi: { components: { schemas: Record<string, JsonSchemaNode> } };

  before(async () => {
    listed = (await request(app).get('/api/v1/kinds').expect(200)).body;
    openapi = (await request(app).get('/api/v1/openapi.json').expect(200)).body;
  });
  after(() => generator.close());

  it('lists every registered kind', () => {
    expect(listed.map((k) => k.id)).to.deep.equal(listKinds().map((k) => k.id));
    expect(listed.length).to.be.greaterThan(5);
  });

  for (const kind of listKinds()) {
    describe(kind.id, () => {
      const example = JSON.parse(readFileSync(kind.example, 'utf8')) as unknown;

      it('compiles as JSON Schema 2020-12 and accepts its example (GET /api/v1/kinds)', () => {
        const schema = listed.find((k) => k.id === kind.id)!.schema;
        expect(schema.$schema).to.equal(JSON_SCHEMA_DIALECT);
        const v = compile(schema);
        expect(v(example), errorsOf(v)).to.equal(true);
      });

      it('is published at its own address, with its $id, and accepts the example served by the API', async () => {
        const res = await request(app).get(`/api/v1/kinds/${kind.id}/schema`).expect(200);
        expect(res.headers['content-type']).to.match(/^application\/schema\+json/);
        const schema = JSON.parse(res.text) as JsonSchemaNode;
        expect(schema).to.include({ $schema: JSON_SCHEMA_DIALECT, $id: `/api/v1/kinds/${kind.id}/schema` });
        expect(schema.properties).to.deep.equal(listed.find((k) => k.id === kind.id)!.schema.properties);
        const served = (await request(app).get(`/api/v1/kinds/${kind.id}/example`).expect(200)).body as unknown;
        const v = compile(schema);
        expect(v(served), errorsOf(v)).to.equal(true);
      });

      it('is the schema of the OpenAPI description', () => {
        const ajv = componentsAjv(openapi.components.schemas);
        const v = ajv.compile({ $ref: `openapi-components#/$defs/${kind.id}` });
        expect(v(example), errorsOf(v)).to.equal(true);
        const { $schema: _s, $id: _i, ...body } = kindJsonSchema(kind);
        expect(openapi.components.schemas[kind.id]).to.deep.equal(body);
      });

      it('accepts whatever joi accepts among the example without one of its fields', () => {
        const v = compile(kindJsonSchema(kind));
        const variants = withoutOneField(example);
        expect(variants.length).to.be.greaterThan(5);
        for (const variant of variants) {
          if (joiAccepts(kind.schema, variant)) expect(v(variant), `${errorsOf(v)}\n${JSON.stringify(variant).slice(0, 300)}`).to.equal(true);
        }
      });
    });
  }

  describe('conditions expressed with joi (when, references)', () => {
    const check = (kindId: string, data: Record<string, unknown>, accepted: boolean) => {
      const kind = listKinds().find((k) => k.id === kindId)!;
      expect(joiAccepts(kind.schema, data), 'joi').to.equal(accepted);
      const v = compile(kindJsonSchema(kind));
      expect(v(data), `JSON Schema: ${errorsOf(v)}`).to.equal(accepted);
    };

    it('clause-dce: a lot carries its hours or its sizing data, not both, not neither', () => {
      const dce = fixture('clause-dce');
      const lots = dce.lots as Record<string, unknown>[];
      const i = lots.findIndex((l) => l.heures !== undefined || l.dimensionnement !== undefined);
      const lot = lots[i]!;
      const both = { ...lot, heures: 100, dimensionnement: lot.dimensionnement ?? { famille: 'gros-oeuvre', montantHT: 1_000_000, dureeMois: 12 } };
      check('clause-dce', withValue(dce, `lots.${i}`, both), false);
      const neither = { ...lot };
      delete neither.heures;
      delete neither.dimensionnement;
      check('clause-dce', withValue(dce, `lots.${i}`, neither), false);
    });

    it('clause-dce: the award criterion is required with its lever and forbidden with another', () => {
      const dce = fixture('clause-dce');
      const lots = dce.lots as Record<string, unknown>[];
      const i = lots.findIndex((l) => l.levier === 'critere-attribution');
      expect(i, 'the example has a lot with the award criterion').to.be.at.least(0);
      check('clause-dce', withValue(dce, `lots.${i}.critere`, undefined), false);
      const j = lots.findIndex((l) => l.levier === 'condition-execution' || l.levier === undefined);
      check('clause-dce', withValue(dce, `lots.${j}.critere`, { ponderation: 10 }), false);
    });

    it('convention: payment terms only with a yearly contribution', () => {
      const convention = fixture('convention');
      const without = withValue(withValue(convention, 'options.contributionAnnuelle', undefined), 'options.modalitesContribution', 'En une fois.');
      check('convention', without, false);
      const withContribution = withValue(withValue(convention, 'options.contributionAnnuelle', 5000), 'options.modalitesContribution', 'En une fois.');
      check('convention', withContribution, true);
    });

    it('convention: the notice bound by the duration is said in words, the fixed maximum kept', () => {
      const schema = kindJsonSchema(listKinds().find((k) => k.id === 'convention')!) as { properties: Record<string, JsonSchemaNode> };
      const notice = (schema.properties.durees!.properties as Record<string, JsonSchemaNode>).preavisNonReconductionMois!;
      expect(notice).to.include({ maximum: 12, minimum: 1 });
      expect(notice).not.to.have.property('exclusiveMaximum');
      expect(notice.description).to.equal('Strictement inférieur à «\u00a0Durée initiale (mois)\u00a0».');
    });

    it('avenant: a deleted article has no new wording, any other change has one', () => {
      const avenant = fixture('avenant');
      const changes = avenant.modifications as Record<string, unknown>[];
      const deleted = { type: 'supprime', article: String(changes[0]!.article) };
      check('avenant', withValue(avenant, 'modifications', [deleted]), true);
      check('avenant', withValue(avenant, 'modifications', [{ ...deleted, texte: 'Nouvelle rédaction.' }]), false);
    });
  });

  describe('other inputs published in the OpenAPI description', () => {
    const cases: { name: string; example: () => unknown }[] = [
      { name: 'Dimensionnement', example: () => fixture('dimensionnement') },
      {
        name: 'Echeances',
        example: () => ({ dateSignature: '2026-12-01', dateReference: '2028-09-15', dateReceptionMiseEnDemeure: '2028-09-20', dateSaisineAvis: '2028-09-15' }),
      },
      { name: 'Indicateurs', example: () => ({ moisArrete: '2027-12', ...(fixture('bilan-marche').donnees as object) }) },
    ];
    for (const { name, example } of cases) {
      it(`${name}: compiles and accepts its example`, () => {
        expect(openapi.components.schemas, name).to.have.property(name);
        const ajv = componentsAjv(openapi.components.schemas);
        const v = ajv.compile({ $ref: `openapi-components#/$defs/${name}` });
        expect(v(example()), errorsOf(v)).to.equal(true);
      });
    }

    it('every schema of the description compiles', () => {
      const ajv = componentsAjv(openapi.components.schemas);
      for (const name of Object.keys(openapi.components.schemas)) {
        expect(() => ajv.compile({ $ref: `openapi-components#/$defs/${name}` }), name).not.to.throw();
      }
    });
  });

  it('fails on what would break a schema: a bound given by a reference, an unknown format', () => {
    expect(() => compile({ type: 'integer', maximum: { ref: { path: ['dureeInitialeMois'] } } })).to.throw();
    expect(() => compile({ type: 'string', format: 'date-calendrier' })).to.throw(/unknown format/);
    const v = compile({ type: 'object', properties: {}, additionalProperties: false });
    expect(v({ numero: 1 })).to.equal(false);
  });
});
