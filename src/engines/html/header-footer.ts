/**
 * Reads the default page header and footer of a filled DOCX as HTML fragments (through the parts'
 * DOM), with Word's PAGE and NUMPAGES fields turned into the neutral page tokens (page-tokens.ts)
 * that each PDF printer fills its own way. The PDF thus carries the header and footer written in
 * the DOCX template, not a second wording of them.
 */
import type { Element, Node } from '@xmldom/xmldom';
import type PizZip from 'pizzip';
import { defaultMarginParts, type MarginParts } from '../docx/structure.js';
import { NS, parseXml } from '../docx/xml.js';
import { escapeHtmlText, PAGE_COUNT, PAGE_NUMBER } from '../page-tokens.js';

export interface HeaderFooter {
  header: string;
  footer: string;
}

const FIELD_TOKENS: Record<string, string> = { PAGE: PAGE_NUMBER, NUMPAGES: PAGE_COUNT };

function fieldToken(instruction: string): string {
  const name = instruction.trim().split(/\s+/)[0]?.toUpperCase() ?? '';
  return FIELD_TOKENS[name] ?? '';
}

/** Text of the paragraphs of a header/footer part, fields as page tokens, paragraphs joined by <br>. */
export function partToHtml(xml: string): string {
  return joinParagraphs(partParagraphs(xml));
}

/** The paragraphs of a header or footer as one fragment: trimmed, empty ones left out, joined by <br>. */
export function joinParagraphs(paragraphs: string[]): string {
  return paragraphs
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .join('<br>');
}

/** The HTML text of each paragraph of a header/footer part (untrimmed), fields as page tokens. */
export function partParagraphs(xml: string): string[] {
  const root = parseXml(xml).documentElement;
  const paragraphs: string[] = [];
  let current = '';
  /** Inside a simple field (its cached result is not text of the part). */
  let simpleFields = 0;
  let complexState: 'none' | 'instruction' | 'result' = 'none';
  let instruction = '';
  const inText = () => simpleFields === 0 && complexState === 'none';

  const walk = (node: Node): void => {
    if (node.nodeType !== 1) return;
    const element = node as Element;
    const children = () => {
      for (let child = element.firstChild; child; child = child.nextSibling) walk(child);
    };
    if (element.namespaceURI !== NS.w) return children();
    switch (element.localName) {
      case 'fldSimple':
        current += fieldToken(element.getAttributeNS(NS.w, 'instr') ?? '');
        simpleFields++;
        children();
        simpleFields--;
        return;
      case 'fldChar': {
        const type = element.getAttributeNS(NS.w, 'fldCharType');
        if (type === 'begin') {
          complexState = 'instruction';
          instruction = '';
        } else if (type === 'separate') {
          current += fieldToken(instruction);
          complexState = 'result';
        } else if (type === 'end') {
          if (complexState === 'instruction') current += fieldToken(instruction);
          complexState = 'none';
        }
        return;
      }
      case 'instrText':
        if (complexState === 'instruction') instruction += element.textContent ?? '';
        return;
      case 't':
        if (inText()) current += escapeHtmlText(element.textContent ?? '');
        return;
      case 'br':
      case 'cr':
        // A line break of a run (a value's line break, filled by the DOCX engine).
        if (inText() && (element.parentNode as Element | null)?.localName === 'r') current += '<br>';
        return;
      case 'tab':
        // A tab character of a run (not a tab stop of the paragraph's properties).
        if (inText() && (element.parentNode as Element | null)?.localName === 'r') current += ' ';
        return;
      case 'pPr':
      case 'rPr':
      case 'sectPr':
        return;
      case 'p':
        children();
        paragraphs.push(current);
        current = '';
        return;
      default:
        return children();
    }
  };
  if (root) walk(root);
  return paragraphs;
}

/** The default header and footer of a filled DOCX (`parts`: where they are, when already known). */
export function readHeaderFooter(zip: PizZip, parts: MarginParts = defaultMarginParts(zip)): HeaderFooter {
  const html = (name: string | undefined) => {
    const file = name ? zip.file(name) : null;
    return file ? partToHtml(file.asText()) : '';
  };
  return { header: html(parts.header), footer: html(parts.footer) };
}
