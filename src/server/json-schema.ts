/**
 * The JSON Schema (draft 2020-12) of a joi-validated input: a kind's input, published by
 * GET /api/v1/kinds and GET /api/v1/kinds/:kind/schema, and every input of the OpenAPI description.
 * It is joi-to-json's conversion of the joi description, first cleared of what JSON Schema cannot
 * say (a bound given by another field, a presence that depends on another field, joi's deep
 * defaults), then completed: French labels as titles, calendar dates, those bounds and conditions
 * said in French, and conditional presences as `if`/`then`/`else` on the parent object.
 */
import type Joi from 'joi';
import joiToJson from 'joi-to-json';
import type { BaseViewModel, DocumentKind } from '../core/kind.js';

/** The dialect of every published schema. */
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

interface LogicalDependency {
  rel: string;
  key?: string;
  peers: string[];
}

interface ParserOptions {
  logicalOpParser?: Record<string, (schema: JsonSchemaNode, dependency: LogicalDependency) => void>;
}

// joi-to-json is CommonJS with `module.exports = parse`: its default import is the function. It
// only calls `describe()` on what it is given, so a cleaned description can be passed to it.
const parse = joiToJson as unknown as (schema: { describe(): unknown }, mode: 'json', definitions: object, options: ParserOptions) => unknown;

/** joi's xor (exactly one of the peers) as the plain JSON Schema that says so. */
const PARSER_OPTIONS: ParserOptions = {
  logicalOpParser: {
    xor: (schema, dependency) => {
      schema.oneOf = dependency.peers.map((peer) => ({ required: [peer] }));
    },
  },
};

export interface JsonSchemaNode {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  type?: string | string[];
  format?: string;
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  items?: JsonSchemaNode;
  allOf?: JsonSchemaNode[];
  oneOf?: unknown;
  [key: string]: unknown;
}

interface Reference {
  path: (string | number)[];
  ancestor?: number | 'root';
}

interface Rule {
  name: string;
  args?: Record<string, unknown>;
}

interface When {
  ref?: { ref?: Reference } | Reference;
  is?: Description;
  then?: Description;
  otherwise?: Description;
  switch?: unknown[];
}

interface Description {
  type?: string;
  flags?: { label?: string; description?: string; presence?: string; default?: unknown; only?: boolean; [key: string]: unknown };
  keys?: Record<string, Description>;
  whens?: When[];
  items?: Description[];
  rules?: Rule[];
  allow?: unknown[];
  matches?: { schema?: Description; is?: Description; then?: Description; otherwise?: Description }[];
  [key: string]: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A joi reference as joi's description writes it: `{ ref: { path: [...] } }`. */
function referenceOf(value: unknown): Reference | undefined {
  if (!isObject(value) || !isObject(value.ref)) return undefined;
  const ref = value.ref as unknown as Reference;
  return Array.isArray(ref.path) ? ref : undefined;
}

/** joi's `.default()` of an object ("build me from my keys' defaults") is not a value. */
const isDeepDefault = (value: unknown) => isObject(value) && value.special === 'deep';

const fieldWhens = (desc: Description) => (desc.whens ?? []).filter((w) => w.ref !== undefined);

/**
 * A copy of a joi description without what joi-to-json would turn into invalid or wrong JSON
 * Schema: rules whose limit is another field (`maximum: {ref: …}`), presences conditioned on
 * another field (joi-to-json turns an "otherwise forbidden" into `not: {}` on the field itself),
 * deep defaults. `complete()` says them in another way, from the original description.
 */
function cleanDescription(desc: Description): Description {
  const copy: Description = { ...desc };
  if (desc.flags) {
    copy.flags = { ...desc.flags };
    if (isDeepDefault(desc.flags.default)) delete copy.flags.default;
  }
  if (desc.rules) copy.rules = desc.rules.filter((rule) => !Object.values(rule.args ?? {}).some((arg) => referenceOf(arg) !== undefined));
  if (desc.whens) {
    const whens = desc.whens.filter((w) => w.ref === undefined).map(cleanWhen);
    if (whens.length > 0) copy.whens = whens;
    else delete copy.whens;
  }
  if (desc.keys) copy.keys = Object.fromEntries(Object.entries(desc.keys).map(([key, child]) => [key, cleanDescription(child)]));
  if (desc.items) copy.items = desc.items.map(cleanDescription);
  if (Array.isArray(desc.ordered)) copy.ordered = (desc.ordered as Description[]).map(cleanDescription);
  if (desc.matches) {
    copy.matches = desc.matches.map((m) => ({
      ...m,
      ...(m.schema ? { schema: cleanDescription(m.schema) } : {}),
      ...(m.is ? { is: cleanDescription(m.is) } : {}),
      ...(m.then ? { then: cleanDescription(m.then) } : {}),
      ...(m.otherwise ? { otherwise: cleanDescription(m.otherwise) } : {}),
    }));
  }
  return copy;
}

function cleanWhen(when: When): When {
  return {
    ...when,
    ...(when.is ? { is: cleanDescription(when.is) } : {}),
    ...(when.then ? { then: cleanDescription(when.then) } : {}),
    ...(when.otherwise ? { otherwise: cleanDescription(when.otherwise) } : {}),
  };
}

/** The label of the field a reference points to, when it is a sibling; else its path. */
function referencedLabel(ref: Reference, siblings: Record<string, Description> | undefined): string {
  const [first] = ref.path;
  if (ref.path.length === 1 && (ref.ancestor === undefined || ref.ancestor === 1) && typeof first === 'string') {
    return siblings?.[first]?.flags?.label ?? first;
  }
  return ref.path.join('.');
}

const BOUND_WORDS: Record<string, Record<string, string>> = {
  number: { min: 'Supérieur ou égal à', max: 'Inférieur ou égal à', greater: 'Strictement supérieur à', less: 'Strictement inférieur à' },
  date: { min: 'Égale ou postérieure à', max: 'Égale ou antérieure à', greater: 'Postérieure à', less: 'Antérieure à' },
};

/** Bounds given by another field (`.less(Joi.ref('dureeInitialeMois'))`), in French. */
function referenceBounds(desc: Description, siblings: Record<string, Description> | undefined): string[] {
  const words = BOUND_WORDS[desc.type ?? ''] ?? {};
  return (desc.rules ?? []).flatMap((rule) =>
    Object.values(rule.args ?? {}).flatMap((arg) => {
      const ref = referenceOf(arg);
      if (!ref) return [];
      const word = words[rule.name] ?? 'Comparé à';
      return [`${word} «\u00a0${referencedLabel(ref, siblings)}\u00a0».`];
    }),
  );
}

type Presence = 'required' | 'forbidden' | 'optional';

/** Joi.required(), Joi.forbidden(), Joi.optional() as `then`/`otherwise` of a when; undefined for anything else. */
function presenceOnly(desc: Description | undefined): Presence | 'unchanged' | undefined {
  if (desc === undefined) return 'unchanged';
  const keys = Object.keys(desc).filter((k) => k !== 'type');
  const flags = Object.keys(desc.flags ?? {});
  if (desc.type !== 'any' || keys.some((k) => k !== 'flags') || flags.some((f) => f !== 'presence')) return undefined;
  const presence = desc.flags?.presence;
  return presence === 'required' || presence === 'forbidden' || presence === 'optional' ? presence : undefined;
}

interface Condition {
  /** The JSON Schema of the parent object that holds when the condition holds. */
  schema: JsonSchemaNode | boolean;
  text: string;
  negated: string;
}

/** `is` of a when on a sibling: a list of values (`is: 'aucun'`) or presence (`is: Joi.exist()`). */
function conditionOf(field: string, is: Description | undefined, label: string, sibling: Description | undefined): Condition | undefined {
  if (!is || (is.flags?.presence !== undefined && is.flags.presence !== 'required')) return undefined;
  const otherKeys = Object.keys(is).filter((k) => !['type', 'flags', 'allow'].includes(k));
  const otherFlags = Object.keys(is.flags ?? {}).filter((f) => f !== 'presence' && f !== 'only');
  if (otherKeys.length > 0 || otherFlags.length > 0) return undefined;
  const siblingDefault = sibling?.flags?.default;
  if (is.flags?.only) {
    const values = (is.allow ?? []).filter((v) => !(isObject(v) && v.override === true));
    if (values.length === 0 || values.some((v) => isObject(v) || Array.isArray(v))) return undefined;
    const quoted = values.map((v) => `«\u00a0${String(v)}\u00a0»`).join(' ou ');
    // joi compares with the default when the field is absent: so does the condition.
    const absentMatches = siblingDefault !== undefined && values.includes(siblingDefault);
    return {
      schema: { properties: { [field]: { enum: values } }, ...(absentMatches ? {} : { required: [field] }) },
      text: `«\u00a0${label}\u00a0» vaut ${quoted}`,
      negated: `«\u00a0${label}\u00a0» ne vaut pas ${quoted}`,
    };
  }
  if (is.type === 'any' && is.allow === undefined) {
    return {
      schema: siblingDefault !== undefined ? true : { required: [field] },
      text: `«\u00a0${label}\u00a0» est renseigné`,
      negated: `«\u00a0${label}\u00a0» n’est pas renseigné`,
    };
  }
  return undefined;
}

const PRESENCE_WORDS: Record<Presence, string> = { required: 'obligatoire', forbidden: 'interdit', optional: 'facultatif' };

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function presenceSchema(key: string, presence: Presence): JsonSchemaNode | undefined {
  if (presence === 'required') return { required: [key] };
  if (presence === 'forbidden') return { not: { required: [key] } };
  return undefined;
}

/**
 * The presence of `key` conditioned on a sibling (`.when('levier', { is: 'aucun', then:
 * Joi.required(), otherwise: Joi.forbidden() })`): a conditional of the parent object and a French
 * sentence for the field. Anything more complex is said in general words only.
 */
function conditionalPresence(parent: JsonSchemaNode, parentDesc: Description, key: string, child: Description, target: JsonSchemaNode): void {
  const general = 'Obligatoire ou interdit selon la valeur d’un autre champ.';
  const whens = fieldWhens(child);
  const when = whens[0];
  const ref = when ? referenceOf(when) : undefined;
  const [sibling] = ref?.path ?? [];
  const thenPresence = presenceOnly(when?.then);
  const otherwisePresence = presenceOnly(when?.otherwise);
  const simple = whens.length === 1 && ref && ref.path.length === 1 && (ref.ancestor === undefined || ref.ancestor === 1) && typeof sibling === 'string';
  const condition = simple && thenPresence && otherwisePresence
    ? conditionOf(sibling, when!.is, referencedLabel(ref!, parentDesc.keys), parentDesc.keys?.[sibling])
    : undefined;
  if (!condition || !thenPresence || !otherwisePresence) {
    target.description = [target.description, general].filter(Boolean).join(' ');
    return;
  }
  const base: Presence = child.flags?.presence === 'required' ? 'required' : child.flags?.presence === 'forbidden' ? 'forbidden' : 'optional';
  const whenTrue = thenPresence === 'unchanged' ? base : thenPresence;
  const whenFalse = otherwisePresence === 'unchanged' ? base : otherwisePresence;
  if (base !== 'optional') {
    // The parent's `required` (or the field's `not`) would hold in both cases: the branches say it.
    parent.required = parent.required?.filter((k) => k !== key);
    if (parent.required?.length === 0) delete parent.required;
  }
  const conditional: JsonSchemaNode = { if: condition.schema };
  const thenSchema = presenceSchema(key, whenTrue);
  const elseSchema = presenceSchema(key, whenFalse);
  if (thenSchema) conditional.then = thenSchema;
  if (elseSchema) conditional.else = elseSchema;
  if (thenSchema || elseSchema) parent.allOf = [...(parent.allOf ?? []), conditional];

  const sentence =
    whenTrue === whenFalse
      ? `${capitalize(PRESENCE_WORDS[whenTrue])}.`
      : whenTrue === 'optional'
        ? `${capitalize(PRESENCE_WORDS[whenFalse])} si ${condition.negated}.`
        : whenFalse === 'optional'
          ? `${capitalize(PRESENCE_WORDS[whenTrue])} si ${condition.text}.`
          : `${capitalize(PRESENCE_WORDS[whenTrue])} si ${condition.text}, ${PRESENCE_WORDS[whenFalse]} sinon.`;
  target.description = [target.description, sentence].filter(Boolean).join(' ');
}

/**
 * The branches of an object's own condition (`.when(Joi.object({…}), { then: Joi.object().xor(…) })`)
 * are merged into the object by joi: joi-to-json writes them as whole objects with no keys, which
 * would refuse every key. They keep only what they add.
 */
function relaxBranch(branch: unknown): void {
  if (!isObject(branch)) return;
  if (isObject(branch.properties) && Object.keys(branch.properties).length === 0) delete branch.properties;
  if (branch.additionalProperties === false && branch.properties === undefined) delete branch.additionalProperties;
  if (branch.type === 'object') delete branch.type;
  relaxBranch(branch.then);
  relaxBranch(branch.else);
}

const ALL_TYPES = ['array', 'boolean', 'number', 'object', 'string', 'null'];

/** joi-to-json's `type` listing every JSON type (joi's `any`) says nothing: it goes. */
function tidy(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(tidy);
    return;
  }
  if (!isObject(node)) return;
  if (Array.isArray(node.type) && ALL_TYPES.every((t) => (node.type as string[]).includes(t))) delete node.type;
  for (const value of Object.values(node)) tidy(value);
}

function complete(node: JsonSchemaNode, desc: Description, siblings?: Record<string, Description>): void {
  if (desc.flags?.label) node.title = desc.flags.label;
  if (desc.type === 'date') {
    node.type = 'string';
    node.format = 'date';
  }
  const bounds = referenceBounds(desc, siblings);
  if (bounds.length > 0) node.description = [node.description, ...bounds].filter(Boolean).join(' ');
  if (desc.whens?.some((w) => w.ref === undefined)) {
    relaxBranch(node.then);
    relaxBranch(node.else);
  }
  if (desc.keys && node.properties) {
    for (const [key, child] of Object.entries(desc.keys)) {
      const target = node.properties[key];
      if (!target) continue;
      complete(target, child, desc.keys);
      if (fieldWhens(child).length > 0) conditionalPresence(node, desc, key, child, target);
    }
  }
  if (desc.items?.[0] && node.items) complete(node.items, desc.items[0]);
}

/** Conversions already made: a joi schema is immutable, and describing it takes milliseconds. */
const converted = new WeakMap<Joi.Schema, JsonSchemaNode>();

/** The schema without `$schema`: as embedded in another document (the OpenAPI description). */
export function jsonSchemaBody(schema: Joi.Schema): JsonSchemaNode {
  let json = converted.get(schema);
  if (!json) {
    const desc = schema.describe() as Description;
    json = parse({ describe: () => cleanDescription(desc) }, 'json', {}, PARSER_OPTIONS) as JsonSchemaNode;
    complete(json, desc);
    tidy(json);
    converted.set(schema, json);
  }
  return structuredClone(json);
}

/** A standalone JSON Schema 2020-12 document. */
export function jsonSchemaOf(schema: Joi.Schema): JsonSchemaNode {
  return { $schema: JSON_SCHEMA_DIALECT, ...jsonSchemaBody(schema) };
}

/** Where a kind's schema is published: GET /api/v1/kinds/:kind/schema. */
export const kindSchemaPath = (kindId: string) => `/api/v1/kinds/${kindId}/schema`;

/** The schema of a kind's input, its description defaulting to the kind's. */
export function kindSchemaBody(kind: DocumentKind<any, BaseViewModel>): JsonSchemaNode {
  const body = jsonSchemaBody(kind.schema);
  return { ...body, description: body.description ?? kind.description };
}

/** The schema of a kind's input as a document, identified by the address where it is published. */
export function kindJsonSchema(kind: DocumentKind<any, BaseViewModel>): JsonSchemaNode {
  return { $schema: JSON_SCHEMA_DIALECT, $id: kindSchemaPath(kind.id), ...kindSchemaBody(kind) };
}
