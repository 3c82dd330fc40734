/**
 * Prints the paragraphs of a DOCX template, numbered, with their style and their {{tags}}: what
 * scripts/template-edit.ts finds its paragraphs in.
 *
 *   npx tsx scripts/template-text.ts templates/<kind>/<kind>.docx
 */
import { readFileSync } from 'node:fs';
import { DOMParser } from '@xmldom/xmldom';
import PizZip from 'pizzip';

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const file = process.argv[2];
if (!file) {
  console.error('Usage: npx tsx scripts/template-text.ts <template.docx>');
  process.exit(2);
}
const doc = new DOMParser().parseFromString(new PizZip(readFileSync(file)).file('word/document.xml')!.asText(), 'text/xml');
const paragraphs = doc.getElementsByTagNameNS(W, 'p');
for (let i = 0; i < paragraphs.length; i++) {
  const p = paragraphs[i]!;
  const texts = p.getElementsByTagNameNS(W, 't');
  let text = '';
  for (let j = 0; j < texts.length; j++) text += texts[j]!.textContent ?? '';
  const style = p.getElementsByTagNameNS(W, 'pStyle')[0]?.getAttribute('w:val') ?? '';
  console.log(`${i}\t${style}\t${text}`);
}
