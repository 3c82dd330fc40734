/**
 * The OpenAPI 3.1 description of the API, built from the operations that the areas of the API
 * declare (registry.ts) and from the joi schemas of the inputs (json-schema.ts): one schema per
 * document kind, the shared problem+json answer, the API key.
 */
import { readFileSync } from 'node:fs';
import { fromRoot } from '../../core/paths.js';
import { listKinds } from '../../core/registry.js';
import { kindSchemaBody, type JsonSchemaNode } from '../json-schema.js';
import {
  listOperations,
  listSchemas,
  listTags,
  PROBLEM_SCHEMA,
  problems,
  toJsonSchema,
  type BodySpec,
  type CallbackSpec,
  type MediaSource,
  type ParameterSpec,
  type OperationSpec,
  type ResponseSpec,
} from './registry.js';

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string; [key: string]: unknown };
  servers: { url: string; description: string }[];
  tags: { name: string; description: string }[];
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchemaNode>; securitySchemes: Record<string, unknown> };
}

export interface OpenApiMedia {
  schema?: JsonSchemaNode;
}

export interface OpenApiParameter {
  name: string;
  in: string;
  description: string;
  required: boolean;
  schema: JsonSchemaNode;
  example?: unknown;
}

export interface OpenApiOperation {
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  parameters?: OpenApiParameter[];
  requestBody?: { description?: string; required: boolean; content: Record<string, OpenApiMedia> };
  responses: Record<string, { description: string; headers?: Record<string, { description: string; schema: JsonSchemaNode }>; content?: Record<string, OpenApiMedia> }>;
  security?: Record<string, string[]>[];
  callbacks?: Record<string, Record<string, Record<string, OpenApiCallbackOperation>>>;
}

/** An operation of a callback: the request the service makes, the answers it expects. */
export type OpenApiCallbackOperation = Omit<OpenApiOperation, 'operationId' | 'tags' | 'callbacks'>;

export const SECURITY_SCHEME = 'bearerAuth';

/** The shared body of every error answer (RFC 9457), as server/problem.ts writes it. */
export const PROBLEM_JSON_SCHEMA: JsonSchemaNode = {
  type: 'object',
  title: 'Problème',
  description: 'Réponse d’erreur (application/problem+json, RFC 9457)\u00a0: tous les problèmes sont listés à la fois, au plus 100.',
  properties: {
    type: { type: 'string', description: 'Identifiant du type de problème, par exemple /problemes/donnees-invalides.' },
    title: { type: 'string', description: 'Titre court du problème.' },
    status: { type: 'integer', minimum: 400, maximum: 599, description: 'Code HTTP de la réponse.' },
    detail: { type: 'string', description: 'Explication pour la personne qui corrige la requête.' },
    instance: { type: 'string', description: 'Chemin de la requête.' },
    requestId: { type: 'string', description: 'Identifiant de la requête, tel que dans l’en-tête X-Request-Id et dans le journal.' },
    errors: {
      type: 'array',
      description: 'Les erreurs champ par champ.',
      items: {
        type: 'object',
        properties: {
          path: { type: 'string', description: 'Chemin du champ, par exemple donneurOrdre.adresse.commune (vide pour la requête entière).' },
          message: { type: 'string', description: 'Message en français, qui nomme le champ par son libellé.' },
          type: { type: 'string', description: 'Code stable de l’erreur, par exemple any.required.' },
        },
        required: ['path', 'message', 'type'],
      },
    },
  },
  required: ['type', 'title', 'status', 'detail', 'errors'],
};

const packageVersion = (): string => (JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version: string }).version;

/** Media types as keys: without parameters (text/html, not text/html; charset=utf-8). */
const mediaType = (contentType: string) => contentType.split(';')[0]!.trim();

function media(content: Record<string, MediaSource>): Record<string, OpenApiMedia> {
  return Object.fromEntries(
    Object.entries(content).map(([type, source]) => [mediaType(type), source === 'binary' ? {} : { schema: toJsonSchema(source) }]),
  );
}

function body(spec: BodySpec): NonNullable<OpenApiOperation['requestBody']> {
  return { ...(spec.description ? { description: spec.description } : {}), required: spec.required ?? true, content: media(spec.content) };
}

function response(spec: ResponseSpec): OpenApiOperation['responses'][string] {
  return {
    description: spec.description,
    ...(spec.headers
      ? {
          headers: Object.fromEntries(
            Object.entries(spec.headers).map(([name, h]) => [name, { description: h.description, schema: h.schema ? toJsonSchema(h.schema) : { type: 'string' } }]),
          ),
        }
      : {}),
    ...(spec.content ? { content: media(spec.content) } : {}),
  };
}

function parameter(p: ParameterSpec): OpenApiParameter {
  return {
    name: p.name,
    in: p.in,
    description: p.description,
    required: p.in === 'path' ? true : (p.required ?? false),
    schema: toJsonSchema(p.schema),
    ...(p.example !== undefined ? { example: p.example } : {}),
  };
}

function sortedResponses(responses: Record<string, ResponseSpec>): OpenApiOperation['responses'] {
  return Object.fromEntries(Object.keys(responses).sort().map((status) => [status, response(responses[status]!)]));
}

/** A callback as OpenAPI writes it: { expression: { method: operation } }; no API key, it is signed. */
function callback(spec: CallbackSpec): Record<string, Record<string, OpenApiCallbackOperation>> {
  return {
    [spec.expression]: {
      [spec.method]: {
        summary: spec.summary,
        ...(spec.description ? { description: spec.description } : {}),
        ...(spec.parameters?.length ? { parameters: spec.parameters.map(parameter) } : {}),
        requestBody: body(spec.requestBody),
        responses: sortedResponses(spec.responses),
        security: [],
      },
    },
  };
}

const UNAUTHORIZED = problems({ 401: 'Clé d’API absente, inconnue ou révoquée.' });

function operation(spec: OperationSpec): OpenApiOperation {
  const responses = { ...spec.responses, ...(spec.public || spec.responses['401'] ? {} : UNAUTHORIZED) };
  return {
    operationId: spec.operationId,
    tags: spec.tags,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.parameters?.length ? { parameters: spec.parameters.map(parameter) } : {}),
    ...(spec.requestBody ? { requestBody: body(spec.requestBody) } : {}),
    responses: sortedResponses(responses),
    ...(spec.callbacks ? { callbacks: Object.fromEntries(Object.entries(spec.callbacks).map(([name, c]) => [name, callback(c)])) } : {}),
    ...(spec.public ? { security: [] } : {}),
  };
}

/** The whole description, built on each call (json-schema.ts keeps the joi conversions). */
export function openApiDocument(): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const spec of listOperations()) {
    (paths[spec.path] ??= {})[spec.method] = operation(spec);
  }
  const used = new Set(listOperations().flatMap((o) => o.tags));
  const schemas: Record<string, JsonSchemaNode> = { [PROBLEM_SCHEMA]: PROBLEM_JSON_SCHEMA };
  for (const kind of listKinds()) schemas[kind.id] = kindSchemaBody(kind);
  for (const [name, source] of listSchemas()) schemas[name] = toJsonSchema(source);
  return {
    openapi: '3.1.0',
    info: {
      title: 'API des documents de la clause sociale d’insertion',
      version: packageVersion(),
      description: [
        'Génère les documents de l’animation de la clause sociale d’insertion (convention de partenariat, clause du DCE, courriers, bilans) à partir de données JSON validées, dimensionne les objectifs d’heures d’insertion et calcule les échéances d’une convention.',
        'Les données de chaque type de document sont décrites par un schéma JSON (draft 2020-12), aussi publié à l’adresse /api/v1/kinds/{kind}/schema. Les erreurs sont des réponses application/problem+json qui listent tous les problèmes à la fois, en français.',
        'Authentification\u00a0: une clé d’API dans l’en-tête «\u00a0Authorization: Bearer <clé>\u00a0», sauf pour l’état du service, cette description, sa page de documentation et la liste des types de document.',
      ].join('\n\n'),
    },
    servers: [{ url: '/', description: 'Ce service' }],
    tags: listTags().filter((t) => used.has(t.name)),
    security: [{ [SECURITY_SCHEME]: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: 'http',
          scheme: 'bearer',
          description: 'Clé d’API, dans l’en-tête «\u00a0Authorization: Bearer <clé>\u00a0».',
        },
      },
    },
  };
}
