/**
 * The HTML form of a DOCX template, prepared once and filled per render: the template itself (its
 * tags still in it) goes through mammoth once, and a render fills the HTML with the view model,
 * which gives the HTML mammoth would have given of the filled DOCX, without filling, reading and
 * converting a DOCX for every PDF or HTML. The test "prepared HTML" compares both, character for
 * character, for every kind, its example and its variants, in both modes.
 *
 * What the DOCX engine's tags mean (docxtemplater with paragraph loops) is carried over to the
 * HTML at preparation:
 * - a section tag alone in its paragraph (`<p>{{#x}}</p>`) repeats whole paragraphs: the paragraph
 *   goes, the tag stays between the blocks;
 * - a section opened in one cell of a table row and closed in another repeats the row: the tags go
 *   around the row;
 * - a raw tag alone in its paragraph (`{{@graphiques.marches}}`) becomes the picture's paragraph;
 * - a value's line breaks become <br />, as Word line breaks do in mammoth's HTML.
 * After filling, what mammoth leaves out or joins is left out or joined: empty paragraphs, and
 * lists that became adjacent.
 *
 * A template whose HTML does not lend itself to this (a tag cut by formatting, a tag that is not a
 * dotted path, a section that closes in another block…) is not prepared: its renders convert the
 * filled DOCX, as before (`prepareHtml` resolves to undefined, with the reason in `unprepared`).
 */
import { readFileSync, statSync } from 'node:fs';
import mammoth from 'mammoth';
import Mustache from 'mustache';
import PizZip from 'pizzip';
import { TemplateError } from '../../core/errors.js';
import { DocImage } from '../../core/image.js';
import { imagePng } from '../charts/rasterise.js';
import { defaultMarginParts } from '../docx/structure.js';
import { escapeHtmlText, PAGE_COUNT, PAGE_NUMBER } from '../page-tokens.js';
import type { HtmlDocument } from './index.js';
import { joinParagraphs, partParagraphs } from './header-footer.js';
import { STYLE_MAP } from './style-map.js';

/** A Mustache template, parsed (see `parse`). */
export interface Template {
  source: string;
  tokens: Mustache.TemplateSpans;
}

export interface PreparedHtml {
  /** The body. */
  body: Template;
  /** Each paragraph of the default header and footer. */
  header: Template[];
  footer: Template[];
  /** mammoth's warnings on the template. */
  warnings: string[];
}

/** The page tokens (page-tokens.ts) while the margins are filled: characters no value carries. */
const PAGE_NUMBER_HELD = '\u0000page\u0000';
const PAGE_COUNT_HELD = '\u0000pages\u0000';

const TAG = /\{\{([^{}]*)\}\}/g;
/** What a tag of the templates may hold: a section sign or the raw sign, then a dotted path or ".". */
const TAG_CONTENT = /^([#^/@]?)\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*|\.)\s*$/;
const BLOCK = '(?:p|h[1-6]|li)';

/** Why each template could not be prepared (for the logs and the tests). */
export const unprepared = new Map<string, string>();

class Unpreparable extends Error {}

/** Blocks holding nothing but one section or raw tag: the block goes, the tag stays (raw tags become triple). */
function liftStandaloneTags(html: string): string {
  const standalone = new RegExp(`<(${BLOCK})(?: class="[^"]*")?>\\{\\{([#^/@])\\s*([\\w.]+)\\s*\\}\\}</\\1>`, 'g');
  return html.replace(standalone, (_, _block: string, sign: string, path: string) => (sign === '@' ? `{{{${path}}}}` : `{{${sign}${path}}}`));
}

/** A section opened in a cell and closed in a later cell of the same row repeats the row. */
function liftRowSections(html: string): string {
  return html.replace(/<tr>([\s\S]*?)<\/tr>/g, (row: string, inner: string) => {
    const opened: string[] = [];
    for (const match of inner.matchAll(TAG)) {
      const [, sign, path] = TAG_CONTENT.exec(match[1]!) ?? [];
      if (sign === '#' || sign === '^') opened.push(`${sign}${path}`);
      else if (sign === '/') {
        const last = opened.pop();
        if (last === undefined) throw new Unpreparable(`section {{/${path}}} closed in a table row it was not opened in`);
      }
    }
    // Sections opened and closed within one cell stay where they are; a section spanning cells
    // shows as a start tag in one cell and its end tag in another.
    const cells = inner.split(/(?=<t[dh]>)/);
    const starts: string[] = [];
    const ends: string[] = [];
    const cleaned = cells.map((cell) => {
      const balance = new Map<string, number>();
      for (const match of cell.matchAll(TAG)) {
        const [, sign, path] = TAG_CONTENT.exec(match[1]!) ?? [];
        if (!path) continue;
        if (sign === '#' || sign === '^') balance.set(path, (balance.get(path) ?? 0) + 1);
        if (sign === '/') balance.set(path, (balance.get(path) ?? 0) - 1);
      }
      let out = cell;
      for (const [path, n] of balance) {
        if (n > 0) {
          const start = new RegExp(`\\{\\{([#^])${path.replace(/\./g, '\\.')}\\}\\}`);
          const m = start.exec(out);
          if (!m) throw new Unpreparable(`section ${path} of a table row not found`);
          starts.push(m[0]);
          out = out.replace(m[0], '');
        } else if (n < 0) {
          const end = `{{/${path}}}`;
          ends.unshift(end);
          out = out.replace(end, '');
        }
      }
      return out;
    });
    if (starts.length !== ends.length) throw new Unpreparable('a section of a table row is not closed in the same row');
    return `${starts.join('')}<tr>${cleaned.join('')}</tr>${ends.join('')}`;
  });
}

/** Every tag is whole (not cut by formatting) and a dotted path; sections are balanced. */
function checkTags(html: string): void {
  const text = html.replace(/<[^>]*>/g, '\u0000');
  if (/\{(\u0000)+\{|\}(\u0000)+\}|\{\{[^{}]*\u0000[^{}]*\}\}/.test(text)) throw new Unpreparable('a tag is cut by formatting');
  const stack: string[] = [];
  for (const match of html.matchAll(TAG)) {
    const parsed = TAG_CONTENT.exec(match[1]!);
    if (!parsed) throw new Unpreparable(`tag {{${match[1]}}} is not a dotted path`);
    const [, sign, path] = parsed;
    if (sign === '#' || sign === '^') stack.push(path!);
    else if (sign === '/' && stack.pop() !== path) throw new Unpreparable(`section {{/${path}}} does not close the last one opened`);
  }
  if (stack.length > 0) throw new Unpreparable(`section {{#${stack.at(-1)}}} is not closed`);
}

/** A raw tag left inside a block with other content cannot be a picture paragraph. */
function checkRawTags(html: string): void {
  if (/\{\{@/.test(html)) throw new Unpreparable('a raw tag is not alone in its paragraph');
}

async function prepare(templatePath: string): Promise<PreparedHtml> {
  const bytes = readFileSync(templatePath);
  const converted = await mammoth.convertToHtml({ buffer: bytes }, { styleMap: STYLE_MAP, includeDefaultStyleMap: true });
  checkTags(converted.value);
  let body = liftStandaloneTags(converted.value);
  checkRawTags(body);
  body = liftRowSections(body);
  const zip = new PizZip(bytes);
  const margins = defaultMarginParts(zip);
  const paragraphs = (name: string | undefined) => {
    const file = name ? zip.file(name) : null;
    // The page tokens are kept out of Mustache's sight until the paragraph is filled; the reader
    // escapes the template's braces, which are its tags here.
    const list = (file ? partParagraphs(file.asText()) : []).map((p) =>
      p.replaceAll(PAGE_NUMBER, PAGE_NUMBER_HELD).replaceAll(PAGE_COUNT, PAGE_COUNT_HELD).replaceAll('&#123;', '{').replaceAll('&#125;', '}'),
    );
    return list.map((p) => {
      checkTags(p);
      return parse(p);
    });
  };
  return { body: parse(body), header: paragraphs(margins.header), footer: paragraphs(margins.footer), warnings: converted.messages.map((m) => m.message) };
}

interface Entry {
  version: string;
  prepared: Promise<PreparedHtml | undefined>;
}
const cache = new Map<string, Entry>();

/** The prepared HTML of a template (once per file version), or undefined when it cannot be prepared. */
export function prepareHtml(templatePath: string): Promise<PreparedHtml | undefined> {
  const stat = statSync(templatePath);
  const version = `${stat.mtimeMs}:${stat.size}`;
  const cached = cache.get(templatePath);
  if (cached?.version === version) return cached.prepared;
  const prepared = prepare(templatePath).then(
    (p) => {
      unprepared.delete(templatePath);
      return p;
    },
    (error: unknown) => {
      if (!(error instanceof Unpreparable)) throw error;
      unprepared.set(templatePath, error.message);
      return undefined;
    },
  );
  cache.set(templatePath, { version, prepared });
  // A failure other than "unpreparable" (an unreadable file…) is not kept: the next render retries.
  prepared.catch(() => cache.delete(templatePath));
  return prepared;
}

/** Forgets the prepared templates. */
export function clearPreparedHtml(): void {
  cache.clear();
  unprepared.clear();
}

/** mammoth's HTML escaping of text (no quotes escaped), and Word line breaks as <br />. */
const escapeText = (value: unknown): string =>
  String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n/g, '<br />');

const escapeAttribute = (value: string): string => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A picture's paragraph as mammoth writes the DOCX engine's drawing (images.ts). */
function pictureParagraph(image: DocImage): string {
  const alt = image.alt ? ` alt="${escapeAttribute(image.alt)}"` : '';
  return `<p><img${alt} src="data:image/png;base64,${imagePng(image).toString('base64')}" /></p>`;
}

/** A copy of the view model where every DocImage is its picture paragraph. */
function withPictures(value: unknown): unknown {
  if (value instanceof DocImage) return pictureParagraph(value);
  if (Array.isArray(value)) return value.map(withPictures);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withPictures(v)]));
  }
  return value;
}

/**
 * The view model's scopes for Mustache, resolving tags as the DOCX engine's parser does (a dotted
 * path from the innermost scope that has it, outwards) and noting the tags it lacks: a tag the view
 * model does not give must not vanish silently from a legal document (the DOCX engine refuses it too).
 */
class Scope extends Mustache.Context {
  constructor(
    view: unknown,
    parent: Scope | undefined,
    private readonly missing: string[],
  ) {
    super(view, parent);
  }

  override push(view: unknown): Scope {
    return new Scope(view, this, this.missing);
  }

  override lookup(name: string): unknown {
    const path = name === '.' ? [] : name.split('.');
    for (let scope: Scope | undefined = this; scope; scope = scope.parent as Scope | undefined) {
      let value: unknown = scope.view;
      for (const key of path) {
        if (value === null || value === undefined || typeof value !== 'object') {
          value = undefined;
          break;
        }
        value = (value as Record<string, unknown>)[key];
      }
      if (value !== undefined) {
        if (value === null) this.missing.push(name);
        return value;
      }
    }
    this.missing.push(name);
    return undefined;
  }
}

const INLINE = new Set(['strong', 'em', 'u', 's', 'sup', 'sub', 'mark']);

/**
 * A Word line break ends the runs around it: mammoth closes the inline elements open at a <br />
 * and opens them again after it (`<strong>a</strong><br /><strong>b</strong>`). Values are
 * escaped, so every "<" of the filled HTML starts a tag.
 */
function breaksOutOfRuns(html: string): string {
  if (!html.includes('<br />')) return html;
  const open: string[] = [];
  const out = html.replace(/<(\/?)([a-z0-9]+)([^>]*)>/g, (tag: string, closing: string, name: string) => {
    if (name === 'br') return open.length === 0 ? tag : `${[...open].reverse().map((n) => `</${n}>`).join('')}${tag}${open.map((n) => `<${n}>`).join('')}`;
    if (!INLINE.has(name)) return tag;
    if (closing) open.pop();
    else open.push(name);
    return tag;
  });
  // A break at the edge of a run leaves that run empty: mammoth writes no empty run.
  return out.replace(/<(strong|em|u|s|sup|sub|mark)><\/\1>/g, '');
}

/** Leaves out what mammoth leaves out of a filled DOCX (empty paragraphs, lists and table bodies), and joins adjacent lists. */
function tidy(html: string): string {
  let out = breaksOutOfRuns(html).replace(new RegExp(`<(${BLOCK})(?: class="[^"]*")?></\\1>`, 'g'), '');
  out = out.replace(/<(ul|ol|tbody)><\/\1>/g, '');
  return out.replace(/<\/(ul|ol)><\1>/g, '');
}

/** A writer without a cache of its own: the templates keep their parsed tokens (`parse`). */
const writer = new Mustache.Writer();

/**
 * The template parsed once, its texts made plain strings. Mustache's parser builds each text one
 * character at a time (a string of thousands of one-character pieces, walked again by every
 * render that copies it), and Mustache.render finds its parsed template by a key made of the
 * whole template (20 000 characters hashed at every render): together about 0.2 ms per
 * convention alone, 1 ms under load. Rendering from these tokens does neither.
 */
function parse(source: string): Template {
  const tokens = writer.parse(source) as Mustache.TemplateSpans;
  writer.clearCache();
  const plain = (spans: Mustache.TemplateSpans) => {
    for (const token of spans) {
      // A copy through UTF-16 bytes: a new string in one piece, whatever the text holds.
      if (token[0] === 'text') token[1] = Buffer.from(token[1], 'utf16le').toString('utf16le');
      if (Array.isArray(token[4])) plain(token[4]);
    }
  };
  plain(tokens);
  return { source, tokens };
}

function render(template: Template, view: unknown, missing: string[], escape: (value: unknown) => string = escapeText): string {
  return writer.renderTokens(template.tokens as unknown as string[][], new Scope(view, undefined, missing), undefined, template.source, { escape });
}

/** In the margins, values are escaped as the header and footer reader escapes text (braces too), line breaks as <br>. */
const escapeMarginText = (value: unknown) => escapeHtmlText(String(value)).replace(/\r?\n/g, '<br>');

/** The HTML of the template filled with the view model: what docxToHtml gives of the filled DOCX. */
export function fillHtml(templatePath: string, prepared: PreparedHtml, viewModel: unknown): HtmlDocument {
  const missing: string[] = [];
  const view = withPictures(viewModel);
  const body = tidy(render(prepared.body, view, missing));
  const margin = (paragraphs: Template[]) =>
    joinParagraphs(paragraphs.map((p) => render(p, view, missing, escapeMarginText).replaceAll(PAGE_NUMBER_HELD, PAGE_NUMBER).replaceAll(PAGE_COUNT_HELD, PAGE_COUNT)));
  const header = margin(prepared.header);
  const footer = margin(prepared.footer);
  if (missing.length > 0) {
    const tags = [...new Set(missing)];
    throw new TemplateError(
      `Le modèle ${templatePath} utilise des balises absentes du modèle de données : ${tags.join(', ')}`,
      tags.map((tag) => ({ tag, explanation: 'Balise inconnue' })),
    );
  }
  return { body, header, footer, warnings: prepared.warnings };
}
