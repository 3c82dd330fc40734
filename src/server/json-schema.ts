/**
 * The JSON Schema of a kind's input, published by GET /api/v1/kinds for procurement software:
 * joi-to-json's conversion, completed with the French labels as titles and calendar dates.
 */
import type Joi from 'joi';
import joiToJson from 'joi-to-json';

// joi-to-json is CommonJS with `module.exports = parse`: its default import is the function.
const parse = joiToJson as unknown as (schema: Joi.Schema, mode: 'json') => unknown;

interface JsonSchemaNode {
  title?: string;
  description?: string;
  type?: string | string[];
  format?: string;
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  oneOf?: unknown;
  [key: string]: unknown;
}

interface Description {
  type?: string;
  flags?: { label?: string; description?: string };
  keys?: Record<string, Description>;
  whens?: unknown[];
  items?: Description[];
}

function complete(node: JsonSchemaNode, desc: Description): void {
  if (desc.flags?.label) node.title = desc.flags.label;
  if (desc.type === 'date') {
    node.type = 'string';
    node.format = 'date';
  }
  if (desc.whens) {
    // Conditional presence ("required when …") has no faithful JSON Schema equivalent here:
    // keep the field's own type and say it in words.
    delete node.oneOf;
    node.description = [node.description, 'Obligatoire selon l’option associée.'].filter(Boolean).join(' ');
  }
  if (desc.keys && node.properties) {
    for (const [key, child] of Object.entries(desc.keys)) {
      const target = node.properties[key];
      if (target) complete(target, child);
    }
  }
  if (desc.items?.[0] && node.items) complete(node.items, desc.items[0]);
}

export function jsonSchemaOf(schema: Joi.ObjectSchema): JsonSchemaNode {
  const json = parse(schema, 'json') as JsonSchemaNode;
  complete(json, schema.describe() as Description);
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...json };
}
