/**
 * DOCX templates, loaded and compiled once per template file and version (modification time and
 * size): a render reuses the compiled template (docxtemplater parses and lexes the XML only once)
 * and gets a package of its own, opened from the template's bytes kept in memory, into which the
 * rendered parts are copied. A template whose compilation fails is not kept: every render reports it.
 *
 * Rendering a compiled docxtemplater a second time is not part of its documented API: its render
 * reads the compiled parts, and keeps three things of a render, reset here: the flag that forbids
 * a second render, the map of parts to render and the scope managers (both hold the data). The test "a compiled template
 * renders again as a fresh one" checks every kind, in both modes, alternating data, byte for byte
 * against fresh compilations. Should a version of docxtemplater not have that shape, each render
 * compiles anew (the former behaviour), slower but right.
 */
import { readFileSync, statSync } from 'node:fs';
import Docxtemplater from 'docxtemplater';
import PizZip from 'pizzip';
import { TemplateError } from '../../core/errors.js';
import { dotPathParser } from './parser.js';
import { defaultMarginParts, type MarginParts } from './structure.js';

interface Compiled {
  path: string;
  version: string;
  bytes: Buffer;
  /** The compiled template, or undefined when it cannot be rendered twice (compiled per render). */
  doc: (Docxtemplater & Rerenderable) | undefined;
  /** The parts a render writes (templated parts and the ones docxtemplater re-serialises). */
  parts: string[];
  margins: MarginParts;
}

const cache = new Map<string, Compiled>();

/** The tags found missing by the render in progress (renders are synchronous: one at a time). */
let missingTags: string[] | undefined;

interface DocxtemplaterErrorLike {
  properties?: { errors?: { properties?: { id?: string; explanation?: string; xtag?: string; file?: string } }[]; explanation?: string; id?: string };
  message: string;
}

export function templateError(templatePath: string, error: unknown): TemplateError {
  const e = error as DocxtemplaterErrorLike;
  const list = e.properties?.errors?.length ? e.properties.errors.map((x) => x.properties ?? {}) : [e.properties ?? {}];
  return new TemplateError(
    `Le modèle ${templatePath} est invalide : ${list.map((x) => x.explanation ?? e.message).join(' ; ')}`,
    list.map((x) => ({ tag: (x as { xtag?: string }).xtag, explanation: x.explanation ?? e.message, file: (x as { file?: string }).file })),
  );
}

function compile(templatePath: string, bytes: Buffer): Docxtemplater {
  try {
    return new Docxtemplater(new PizZip(bytes), {
      delimiters: { start: '{{', end: '}}' },
      paragraphLoop: true,
      linebreaks: true,
      parser: dotPathParser,
      errorLogging: false,
      nullGetter(part: { value: string; module?: string }) {
        missingTags?.push(part.value);
        return part.module === 'loop' ? false : '';
      },
    });
  } catch (error) {
    throw templateError(templatePath, error);
  }
}

/**
 * Internal shape of docxtemplater this module relies on to render a compiled template again: the
 * flag forbidding a second render, the map of parts to render and the scope managers it keeps per
 * part (both hold the data of the render that created them), the compiled parts and the parts it
 * re-serialises.
 */
interface Rerenderable {
  rendered: boolean;
  mapper: unknown;
  scopeManagers: Record<string, unknown>;
  compiled: Record<string, unknown>;
  xmlDocuments: Record<string, unknown>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function rerenderable(doc: Docxtemplater): (Docxtemplater & Rerenderable) | undefined {
  const d = doc as Docxtemplater & Partial<Rerenderable>;
  return typeof d.rendered === 'boolean' && isRecord(d.scopeManagers) && isRecord(d.compiled) && isRecord(d.xmlDocuments) ? (d as Docxtemplater & Rerenderable) : undefined;
}

/** Makes a compiled template ready for a new render (with new data). */
function reset(doc: Docxtemplater & Rerenderable): void {
  doc.rendered = false;
  doc.mapper = undefined;
  doc.scopeManagers = {};
}

function load(templatePath: string): Compiled {
  const stat = statSync(templatePath);
  const version = `${stat.mtimeMs}:${stat.size}`;
  const cached = cache.get(templatePath);
  if (cached?.version === version) return cached;
  const bytes = readFileSync(templatePath);
  const doc = compile(templatePath, bytes);
  const reusable = rerenderable(doc);
  const entry: Compiled = {
    path: templatePath,
    version,
    bytes,
    doc: reusable,
    parts: reusable ? [...new Set([...Object.keys(reusable.compiled), ...Object.keys(reusable.xmlDocuments)])] : [],
    margins: defaultMarginParts(new PizZip(bytes)),
  };
  cache.set(templatePath, entry);
  return entry;
}

/** Forgets the compiled templates (a changed file is noticed anyway, by its modification time). */
export function clearTemplateCache(): void {
  cache.clear();
}

export interface FilledTemplate {
  zip: PizZip;
  /** Tags of the template the data did not provide. */
  missingTags: string[];
  /** The default header and footer parts (section properties come from the template). */
  margins: MarginParts;
}

/** Renders `data` into a package of its own. */
export function fillTemplate(templatePath: string, data: unknown): FilledTemplate {
  const template = load(templatePath);
  const doc = template.doc ?? compile(templatePath, template.bytes);
  const missing: string[] = [];
  missingTags = missing;
  try {
    if (template.doc) reset(template.doc);
    doc.render(data);
  } catch (error) {
    // A failed render may leave errors in the compiled parts: compile again next time.
    if (template.doc) cache.delete(templatePath);
    throw templateError(templatePath, error);
  } finally {
    missingTags = undefined;
  }
  if (!template.doc) return { zip: doc.getZip(), missingTags: missing, margins: template.margins };
  const rendered = doc.getZip();
  const zip = new PizZip(template.bytes);
  for (const name of template.parts) {
    const file = rendered.file(name);
    if (file) zip.file(name, file.asText());
  }
  return { zip, missingTags: missing, margins: template.margins };
}
