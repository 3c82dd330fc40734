/** Test helpers that read generated documents: DOCX paragraphs, PDF text and fields, fixtures. */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import PizZip from 'pizzip';
import { PDFParse } from 'pdf-parse';
import { fromRoot } from '../../src/core/paths.js';

/** What an answer must never show: a file-system path, a stack frame, a library's own words. */
const INTERNAL = /(\/(work|tmp|usr|home|root|opt|var|proc)\/|node_modules|\.[cm]?[jt]s:\d+|\n\s+at |Error:|TypeError|RangeError|SyntaxError|Unexpected token|JSON\.parse)/;

export function expectNothingInternal(text: string): void {
  expect(text, 'an answer quotes something internal').not.to.match(INTERNAL);
}

export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(fromRoot('fixtures', `${name}.json`), 'utf8')) as Record<string, unknown>;
}

/** A deep copy of `data` with `path` set to `value` (undefined deletes). */
export function withValue(data: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(data);
  const keys = path.split('.');
  let node = copy as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

export function docxPart(docx: Buffer, part: string): string {
  const file = new PizZip(docx).file(part);
  if (!file) throw new Error(`No part ${part}`);
  return file.asText();
}

/** Text of each paragraph of a DOCX part, in document order (table cells included). */
export function docxParagraphs(docx: Buffer, part = 'word/document.xml'): string[] {
  const xml = docxPart(docx, part);
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)]
    .map((p) => [...p[0].matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((t) => decodeXml(t[1]!)).join(''))
    .filter((text) => text.trim().length > 0);
}

export function docxText(docx: Buffer): string {
  return docxParagraphs(docx).join('\n');
}

export async function pdfPages(pdf: Buffer): Promise<string[]> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    const result = await parser.getText();
    return result.pages.map((p) => p.text);
  } finally {
    await parser.destroy();
  }
}

/** Words of a text, spaces of every kind folded, for word-by-word comparisons. */
export function words(text: string): string[] {
  return text
    .replace(/[\u00A0\u202F\u2009]/g, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 0);
}

/** The paragraphs of a kind's DOCX for `data`, spaces folded, one per line: for content assertions. */
export async function documentText(generator: { generate(kind: string, data: unknown, o: { format: string; mode?: string }): Promise<{ bytes: Buffer }> }, kind: string, data: unknown, mode = 'final'): Promise<string> {
  const doc = await generator.generate(kind, data, { format: 'docx', mode });
  return docxParagraphs(doc.bytes)
    .map((p) => p.replace(/[\u00A0\u202F]/g, ' '))
    .join('\n');
}
