/**
 * Reads the default page header and footer of a filled DOCX as HTML fragments, with Word's PAGE and
 * NUMPAGES fields turned into the placeholders Chromium fills when printing. The PDF thus carries
 * the header and footer written in the DOCX template, not a second wording of them.
 */
import type PizZip from 'pizzip';

export interface HeaderFooter {
  header: string;
  footer: string;
}

const FIELD_SPANS: Record<string, string> = {
  PAGE: '<span class="pageNumber"></span>',
  NUMPAGES: '<span class="totalPages"></span>',
};

function fieldSpan(instruction: string): string {
  const name = instruction.trim().split(/\s+/)[0]?.toUpperCase() ?? '';
  return FIELD_SPANS[name] ?? '';
}

/** Text of the paragraphs of a header/footer part, fields as spans, paragraphs joined by <br>. */
export function partToHtml(xml: string): string {
  const token =
    /<w:fldSimple\b[^>]*?w:instr="([^"]*)"[^>]*>|<\/w:fldSimple>|<w:instrText\b[^>]*>([^<]*)<\/w:instrText>|<w:fldChar\b[^>]*?w:fldCharType="(begin|separate|end)"[^>]*\/>|<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:tab\/>|<\/w:p>/g;
  const paragraphs: string[] = [];
  let current = '';
  let inSimpleField = false;
  let complexState: 'none' | 'instruction' | 'result' = 'none';
  let instruction = '';
  for (const m of xml.matchAll(token)) {
    const [whole, simpleInstr, instrText, fldChar, text] = m;
    if (simpleInstr !== undefined) {
      current += fieldSpan(simpleInstr);
      inSimpleField = !whole.endsWith('/>');
    } else if (whole === '</w:fldSimple>') {
      inSimpleField = false;
    } else if (fldChar === 'begin') {
      complexState = 'instruction';
      instruction = '';
    } else if (fldChar === 'separate') {
      current += fieldSpan(instruction);
      complexState = 'result';
    } else if (fldChar === 'end') {
      if (complexState === 'instruction') current += fieldSpan(instruction);
      complexState = 'none';
    } else if (instrText !== undefined) {
      if (complexState === 'instruction') instruction += instrText;
    } else if (text !== undefined) {
      if (!inSimpleField && complexState === 'none') current += text;
    } else if (whole === '<w:tab/>') {
      if (!inSimpleField && complexState === 'none') current += ' ';
    } else if (whole === '</w:p>') {
      if (current.trim().length > 0) paragraphs.push(current.trim());
      current = '';
    }
  }
  return paragraphs.join('<br>');
}

/** The part referenced as default header/footer by the document's last section. */
function defaultPart(zip: PizZip, kind: 'header' | 'footer'): string | undefined {
  const document = zip.file('word/document.xml')?.asText() ?? '';
  const refs = [...document.matchAll(new RegExp(`<w:${kind}Reference\\b[^>]*>`, 'g'))].map((m) => m[0]);
  const ref = refs.reverse().find((r) => /w:type="default"/.test(r)) ?? refs[0];
  const id = ref ? /r:id="([^"]+)"/.exec(ref)?.[1] : undefined;
  if (!id) return undefined;
  const rels = zip.file('word/_rels/document.xml.rels')?.asText() ?? '';
  const rel = [...rels.matchAll(/<Relationship\b[^>]*>/g)].map((m) => m[0]).find((r) => r.includes(`Id="${id}"`));
  const target = rel ? /Target="([^"]+)"/.exec(rel)?.[1] : undefined;
  return target ? zip.file(`word/${target.replace(/^\/?word\//, '')}`)?.asText() : undefined;
}

export function readHeaderFooter(zip: PizZip): HeaderFooter {
  const header = defaultPart(zip, 'header');
  const footer = defaultPart(zip, 'footer');
  return { header: header ? partToHtml(header) : '', footer: footer ? partToHtml(footer) : '' };
}
