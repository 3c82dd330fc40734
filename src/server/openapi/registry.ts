/**
 * The registry of the API's operations. Each area of the API declares its operations in its own
 * file of this folder (describeOperation), with its input as the joi schema that validates it (or a
 * JSON Schema when no joi schema exists, or "binary"); document.ts builds the OpenAPI 3.1
 * description from them, so that no schema is ever written twice.
 */
import Joi from 'joi';
import { jsonSchemaBody, type JsonSchemaNode } from '../json-schema.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Where a schema comes from: the joi schema of the input, or a JSON Schema written here. */
export type SchemaSource = Joi.Schema | JsonSchemaNode;

/** The body of a media type: a schema, or raw bytes ("binary": a file, no schema). */
export type MediaSource = SchemaSource | 'binary';

export interface ParameterSpec {
  name: string;
  in: 'path' | 'query' | 'header';
  description: string;
  required?: boolean;
  schema: SchemaSource;
  example?: unknown;
}

export interface BodySpec {
  description?: string;
  required?: boolean;
  /** By media type: application/json, multipart/form-data… */
  content: Record<string, MediaSource>;
}

export interface HeaderSpec {
  description: string;
  schema?: SchemaSource;
}

export interface ResponseSpec {
  description: string;
  content?: Record<string, MediaSource>;
  headers?: Record<string, HeaderSpec>;
}

export interface OperationSpec {
  method: HttpMethod;
  /** OpenAPI path, parameters in braces: /api/v1/documents/{id}. */
  path: string;
  /** Unique, usable as a function name by a generated client: letters, digits and "_". */
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  /** Answered without an API key (the health check, this description, the kinds). */
  public?: boolean;
  parameters?: ParameterSpec[];
  requestBody?: BodySpec;
  /** By HTTP status ("200", "201"…). 401 is added to every operation that needs a key. */
  responses: Record<string, ResponseSpec>;
  /** Requests that the service later makes to an address the client gave (OpenAPI callbacks), by name. */
  callbacks?: Record<string, CallbackSpec>;
}

/** A request of the service to the client's own address, described as an operation of the client's. */
export interface CallbackSpec {
  /** Runtime expression of the address called, e.g. {$request.body#/webhook/url}. */
  expression: string;
  method: HttpMethod;
  summary: string;
  description?: string;
  /** The headers the service sends. */
  parameters?: ParameterSpec[];
  requestBody: BodySpec;
  /** How the service reads the client's answer, by status ("2XX", "default"…). */
  responses: Record<string, ResponseSpec>;
}

export interface TagSpec {
  name: string;
  description: string;
}

const operations = new Map<string, OperationSpec>();
const tags = new Map<string, TagSpec>();
const schemas = new Map<string, SchemaSource>();

/** Declares an operation of the API. Two operations cannot share an id, nor a method and a path. */
export function describeOperation(operation: OperationSpec): OperationSpec {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(operation.operationId)) throw new Error(`Invalid operationId "${operation.operationId}"`);
  if (operations.has(operation.operationId)) throw new Error(`Operation "${operation.operationId}" is already described`);
  const clash = [...operations.values()].find((o) => o.method === operation.method && o.path === operation.path);
  if (clash) throw new Error(`${operation.method.toUpperCase()} ${operation.path} is already described by "${clash.operationId}"`);
  operations.set(operation.operationId, operation);
  return operation;
}

/** Declares a tag (a group of operations) with its French description, in the order of the page. */
export function describeTag(tag: TagSpec): void {
  tags.set(tag.name, tag);
}

/** Declares a named schema (components.schemas): operations refer to it with schemaRef(name). */
export function describeSchema(name: string, schema: SchemaSource): void {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`Invalid schema name "${name}"`);
  if (schemas.has(name)) throw new Error(`Schema "${name}" is already described`);
  schemas.set(name, schema);
}

export const listOperations = (): OperationSpec[] => [...operations.values()];
export const listTags = (): TagSpec[] => [...tags.values()];
export const listSchemas = (): [string, SchemaSource][] => [...schemas.entries()];

/** A reference to a schema of components.schemas. */
/** An ISO 8601 date-time, as every stored date is given. */
export const dateTime = { type: 'string', format: 'date-time' };

export const schemaRef = (name: string): JsonSchemaNode => ({ $ref: `#/components/schemas/${name}` });

/** The JSON Schema of a schema source (a joi schema is converted by json-schema.ts). */
export function toJsonSchema(source: SchemaSource): JsonSchemaNode {
  return Joi.isSchema(source) ? jsonSchemaBody(source as Joi.Schema) : source;
}

/** The name of the shared schema of every error answer (application/problem+json). */
export const PROBLEM_SCHEMA = 'Problem';
export const PROBLEM_CONTENT = 'application/problem+json';

/** Error answers: `problems({ 400: 'Données invalides.' })`, each an application/problem+json. */
export function problems(descriptions: Record<number, string>): Record<string, ResponseSpec> {
  return Object.fromEntries(
    Object.entries(descriptions).map(([status, description]) => [status, { description, content: { [PROBLEM_CONTENT]: schemaRef(PROBLEM_SCHEMA) } }]),
  );
}

/** A JSON answer. */
export const json = (description: string, schema: SchemaSource = { type: 'object' }): ResponseSpec => ({
  description,
  content: { 'application/json': schema },
});

/** A path parameter holding an identifier. */
export const idParameter = (description: string): ParameterSpec => ({ name: 'id', in: 'path', required: true, description, schema: { type: 'string', minLength: 1 } });

/**
 * French spacing of a text written elsewhere (a kind's title or description): a no-break space
 * before « : », « ; », « ! », « ? », « » » and after « « ».
 */
export const frenchSpaces = (text: string): string => text.replace(/ ([:;!?»])/g, '\u00a0$1').replace(/« /g, '«\u00a0');
