/**
 * DOCX templates, loaded and compiled once per template file and version (modification time and
 * size): a render reuses the compiled template (docxtemplater parses and lexes the XML only once)
 * and gets a package of its own, opened from the template's bytes kept in memory, into which the
 * rendered parts are copied. A template whose compilation fails is not kept: every render reports it.
 *
 * What is the same for every document of a template is done once, at loading: the template is
 * prepared (the property parts listed in [Content_Types].xml and _rels/.rels, properties.ts) and
 * the prepared template is what is compiled and opened for each render. A rendered part whose
 * bytes are the template's (a part docxtemplater re-serialises without a tag in it, such as
 * word/settings.xml) is not copied: the package keeps the template's compressed entry for it,
 * which the DOCX file then reuses as it is (package.ts). The parts that differ are copied as the
 * UTF-8 bytes docxtemplater produced, never decoded to text and encoded again.
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
import { DOCX_CONTENT_TYPE, generatePackage } from './package.js';
import { dotPathParser } from './parser.js';
import { listPropertyParts } from './properties.js';
import { defaultMarginParts, type MarginParts } from './structure.js';
import { nativeUtf8Module } from './utf8.js';

interface Compiled {
  path: string;
  version: string;
  /** The prepared template (see above), as a package file. */
  bytes: Buffer;
  /** The compiled template, or undefined when it cannot be rendered twice (compiled per render). */
  doc: (Docxtemplater & Rerenderable) | undefined;
  /** The parts a render writes (templated parts and the ones docxtemplater re-serialises). */
  parts: string[];
  margins: MarginParts;
  /** The prepared template, open: the uncompressed bytes of its parts, read when first compared. */
  source: PizZip;
  original: Map<string, Buffer | null>;
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

/**
 * A docxtemplater of the template's bytes, compiled. `nativeUtf8: false` leaves the encoding of the
 * rendered parts to docxtemplater (utf8.ts; for the tests that compare both).
 */
export function compile(templatePath: string, bytes: Buffer, { nativeUtf8 = true }: { nativeUtf8?: boolean } = {}): Docxtemplater {
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
      modules: nativeUtf8 ? [nativeUtf8Module()] : [],
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

/** The template with what every document of it shares already done (see above). */
function prepare(templatePath: string, source: Buffer): Buffer {
  try {
    const zip = new PizZip(source);
    const before = { ...zip.files };
    listPropertyParts(zip);
    const changed = Object.keys(zip.files).some((name) => zip.files[name] !== before[name]);
    return changed ? generatePackage(zip, DOCX_CONTENT_TYPE) : source;
  } catch (error) {
    throw templateError(templatePath, error);
  }
}

function load(templatePath: string): Compiled {
  const stat = statSync(templatePath);
  const version = `${stat.mtimeMs}:${stat.size}`;
  const cached = cache.get(templatePath);
  if (cached?.version === version) return cached;
  const bytes = prepare(templatePath, readFileSync(templatePath));
  const doc = compile(templatePath, bytes);
  const reusable = rerenderable(doc);
  const source = new PizZip(bytes);
  const entry: Compiled = {
    path: templatePath,
    version,
    bytes,
    doc: reusable,
    parts: reusable ? [...new Set([...Object.keys(reusable.compiled), ...Object.keys(reusable.xmlDocuments)])] : [],
    margins: defaultMarginParts(new PizZip(bytes)),
    source,
    original: new Map(),
  };
  cache.set(templatePath, entry);
  return entry;
}

/** The uncompressed bytes of a part of the prepared template (null: the template has no such part). */
function originalPart(template: Compiled, name: string): Buffer | null {
  let bytes = template.original.get(name);
  if (bytes === undefined) {
    const file = template.source.file(name);
    bytes = file ? Buffer.from(file.asUint8Array()) : null;
    template.original.set(name, bytes);
  }
  return bytes;
}

/** A part as bytes, without copying them when they are bytes already. */
function partBytes(file: PizZip.ZipObject): Buffer {
  const data = file.asUint8Array();
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Copies into `zip` (the prepared template, opened) the parts of `rendered` that differ from the
 * template's: `names`, or every file of `rendered` (a docxtemplater whose parts are unknown).
 */
function copyChanged(template: Compiled, rendered: PizZip, zip: PizZip, names: string[]): void {
  for (const name of names) {
    const file = rendered.file(name);
    if (!file || file.dir) continue;
    const bytes = partBytes(file);
    if (!bytes.equals(originalPart(template, name) ?? Buffer.alloc(0)) || !zip.file(name)) zip.file(name, bytes, { binary: true });
  }
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
  const rendered = doc.getZip();
  const zip = new PizZip(template.bytes);
  copyChanged(template, rendered, zip, template.doc ? template.parts : Object.keys(rendered.files));
  return { zip, missingTags: missing, margins: template.margins };
}
