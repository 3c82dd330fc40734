/**
 * Edits the wording of a DOCX template through the XML DOM (never by splicing strings), for changes
 * that are easier to review as a list than to make by hand in Word: replace a paragraph's text,
 * delete paragraphs, insert a paragraph after another. Each edit finds exactly one paragraph by a
 * fragment of its text (including its {{tags}}); anything else stops the script and writes nothing.
 *
 *   npx tsx scripts/template-edit.ts templates/<kind>/<kind>.docx edits.json
 *
 * edits.json is a list of:
 *   { "find": "fragment", "set": "new text" }            the paragraph's text, its style and first run's format kept
 *   { "find": "fragment", "delete": true }               the paragraph removed ("all": true: every match)
 *   { "after": "fragment", "insert": "text", "style": "Heading2" }   a new paragraph (style optional); "before" likewise
 *   { "find": "fragment", "replace": "old", "by": "new" }  words replaced inside one run, its format kept
 * A "find" that matches several paragraphs may name which with "nth" (1 for the first match).
 * French typography (non-breaking spaces) is applied to new text outside {{tags}}.
 *
 *   npx tsx scripts/template-edit.ts templates/<kind>/<kind>.docx --typography
 *
 * applies it to every text of the template instead (after a change of the typography rules).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import PizZip from 'pizzip';
import { typography } from '../src/core/french.js';

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

type Edit = (
  | { find: string; replace: string; by: string }
  | { find: string; set: string } | { find: string; delete: true; all?: boolean } | { after: string; insert: string; style?: string }
  | { before: string; insert: string; style?: string }
) & { nth?: number };

const typo = (text: string) =>
  text
    .split(/(\{\{[^}]*\}\})/)
    .map((part) => (part.startsWith('{{') ? part : typography(part)))
    .join('');

function paragraphText(p: Element): string {
  const texts = p.getElementsByTagNameNS(W, 't');
  let out = '';
  for (let i = 0; i < texts.length; i++) out += texts[i]!.textContent ?? '';
  return out;
}

/** Spaces of any kind (the templates use non-breaking ones) compare equal. */
const norm = (text: string) => text.replace(/[\s\u00A0\u202F]+/g, ' ');

function findAll(doc: Document, fragment: string): Element[] {
  const ps = doc.getElementsByTagNameNS(W, 'p');
  const found: Element[] = [];
  for (let i = 0; i < ps.length; i++) if (norm(paragraphText(ps[i]!)).includes(norm(fragment))) found.push(ps[i]!);
  return found;
}

function findOne(doc: Document, fragment: string, nth?: number): Element {
  const all = findAll(doc, fragment);
  const found = nth ? all.slice(nth - 1, nth) : all;
  if (found.length !== 1) throw new Error(`"${fragment}" matches ${found.length} paragraphs (one expected)`);
  return found[0]!;
}

/** Replaces the runs of `p` by one run of `text`, keeping the paragraph's properties and the first run's format. */
function setText(doc: Document, p: Element, text: string): void {
  const runs = Array.from({ length: p.childNodes.length }, (_, i) => p.childNodes[i]!).filter((n) => n.nodeName !== 'w:pPr');
  const firstRun = runs.find((n) => n.nodeName === 'w:r') as Element | undefined;
  const rPr = firstRun?.getElementsByTagNameNS(W, 'rPr')[0]?.cloneNode(true);
  for (const node of runs) p.removeChild(node);
  const run = doc.createElementNS(W, 'w:r');
  if (rPr) run.appendChild(rPr);
  const t = doc.createElementNS(W, 'w:t');
  t.setAttribute('xml:space', 'preserve');
  t.appendChild(doc.createTextNode(typo(text)));
  run.appendChild(t);
  p.appendChild(run);
}

function newParagraph(doc: Document, text: string, style?: string): Element {
  const p = doc.createElementNS(W, 'w:p');
  if (style) {
    const pPr = doc.createElementNS(W, 'w:pPr');
    const pStyle = doc.createElementNS(W, 'w:pStyle');
    pStyle.setAttribute('w:val', style);
    pPr.appendChild(pStyle);
    p.appendChild(pPr);
  }
  setText(doc, p, text);
  return p;
}

const [file, editsFile] = process.argv.slice(2);

/** Every text node of the body, header and footer through typography(). */
function retypeset(zip: PizZip): void {
  for (const part of Object.keys(zip.files).filter((name) => /^word\/(document|header\d*|footer\d*)\.xml$/.test(name))) {
    const doc = new DOMParser().parseFromString(zip.file(part)!.asText(), 'text/xml');
    const texts = doc.getElementsByTagNameNS(W, 't');
    for (let i = 0; i < texts.length; i++) texts[i]!.textContent = typo(texts[i]!.textContent ?? '');
    zip.file(part, new XMLSerializer().serializeToString(doc));
  }
}

if (!file || !editsFile) {
  console.error('Usage: npx tsx scripts/template-edit.ts <template.docx> <edits.json>');
  process.exit(2);
}
const zip = new PizZip(readFileSync(file));
if (editsFile === '--typography') {
  retypeset(zip);
  writeFileSync(file, zip.generate({ type: 'nodebuffer', compression: 'DEFLATE' }));
  console.log(`${file}: typography applied`);
  process.exit(0);
}
const doc = new DOMParser().parseFromString(zip.file('word/document.xml')!.asText(), 'text/xml');
for (const edit of JSON.parse(readFileSync(editsFile, 'utf8')) as Edit[]) {
  if ('replace' in edit) {
    const texts = findOne(doc, edit.find, edit.nth).getElementsByTagNameNS(W, 't');
    // Spaces of any kind match: the templates use non-breaking ones.
    const pattern = new RegExp(edit.replace.split(/[\s\u00A0\u202F]+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\u00A0\\u202F]+'));
    const node = Array.from({ length: texts.length }, (_, i) => texts[i]!).find((t) => pattern.test(t.textContent ?? ''));
    if (!node) throw new Error(`"${edit.replace}" is not inside one run of "${edit.find}"`);
    node.textContent = (node.textContent ?? '').replace(pattern, typo(edit.by));
  } else if ('before' in edit) {
    const anchor = findOne(doc, edit.before, edit.nth);
    anchor.parentNode!.insertBefore(newParagraph(doc, edit.insert, edit.style), anchor);
  } else if ('insert' in edit) {
    const anchor = findOne(doc, edit.after, edit.nth);
    anchor.parentNode!.insertBefore(newParagraph(doc, edit.insert, edit.style), anchor.nextSibling);
  } else if ('delete' in edit) {
    const targets = edit.all ? findAll(doc, edit.find) : [findOne(doc, edit.find, edit.nth)];
    if (targets.length === 0) throw new Error(`"${edit.find}" matches no paragraph`);
    for (const p of targets) p.parentNode!.removeChild(p);
  } else {
    setText(doc, findOne(doc, edit.find, edit.nth), edit.set);
  }
}
zip.file('word/document.xml', new XMLSerializer().serializeToString(doc));
writeFileSync(file, zip.generate({ type: 'nodebuffer', compression: 'DEFLATE' }));
console.log(`${file}: edits applied`);
