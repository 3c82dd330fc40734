/**
 * HTML engine: converts a filled DOCX into semantic HTML (mammoth, with a style map from the
 * template's Word styles to HTML elements and classes) and places it into the page layout
 * (mustache, compiled once). It reads the filled package as it is in memory: nothing is zipped
 * and unzipped between the DOCX and the HTML. The HTML therefore says exactly what the DOCX says;
 * the PDF engine prints it.
 */
import { readFileSync } from 'node:fs';
import mammoth from 'mammoth';
import Mustache from 'mustache';
import PizZip from 'pizzip';
import type { BaseViewModel } from '../../core/kind.js';
import { fromRoot } from '../../core/paths.js';
import type { FilledDocx } from '../docx/index.js';
import { DRAFT_MARK } from '../draft.js';
import { replacePageTokens } from '../page-tokens.js';
import { readHeaderFooter } from './header-footer.js';
import { STYLE_MAP } from './style-map.js';

export const HTML_CONTENT_TYPE = 'text/html; charset=utf-8';

export { STYLE_MAP } from './style-map.js';

/** The page layout, read and compiled (Mustache.parse caches it) once. */
const layout = {
  template: readFileSync(fromRoot('templates', '_layout', 'document.html.mustache'), 'utf8'),
  css: readFileSync(fromRoot('templates', '_layout', 'document.css'), 'utf8'),
};
Mustache.parse(layout.template);

export interface HtmlDocument {
  /** The document body converted from the DOCX. */
  body: string;
  /** Page header and footer of the DOCX, with the neutral page tokens (page-tokens.ts). */
  header: string;
  footer: string;
  /** Conversion warnings (unknown styles...), for the logs and the template tests. */
  warnings: string[];
}

/** The reading interface mammoth uses for a package, over the open PizZip. */
function mammothFile(zip: PizZip) {
  return {
    exists: (name: string) => zip.file(name) !== null,
    read: async (name: string, encoding?: string): Promise<string | Uint8Array> => {
      const file = zip.file(name);
      if (!file) throw new Error(`No part ${name} in the package`);
      if (!encoding) return file.asUint8Array();
      if (encoding === 'base64') return Buffer.from(file.asUint8Array()).toString('base64');
      return file.asText();
    },
  };
}

/** Converts a filled DOCX (open, or as a file) to HTML. */
export async function docxToHtml(docx: FilledDocx | Buffer): Promise<HtmlDocument> {
  const filled: FilledDocx | { zip: PizZip; margins?: undefined } = Buffer.isBuffer(docx) ? { zip: new PizZip(docx) } : docx;
  // mammoth takes an open package as { file } (lib/unzip.js), besides { buffer } and { path }.
  const input = { file: mammothFile(filled.zip) } as unknown as { buffer: Buffer };
  const result = await mammoth.convertToHtml(input, { styleMap: STYLE_MAP, includeDefaultStyleMap: true });
  const { header, footer } = filled.margins ? readHeaderFooter(filled.zip, filled.margins) : readHeaderFooter(filled.zip);
  return { body: result.value, header, footer, warnings: result.messages.map((m) => m.message) };
}

/**
 * Wraps the draft markers "[à compléter : Signature – Date de signature]" in <mark> so that they
 * stand out on screen and on paper. A marker names its field by labels, which may hold « », ’ and –
 * but never "]" (see marker()); the space before the colon may have become a no-break one.
 */
function markMissing(html: string): string {
  return html.replace(/\[à compléter[ \u00A0]: [^\]<]*\]/g, (m) => `<mark class="a-completer">${m}</mark>`);
}

export interface LayoutOptions {
  /** "print" leaves out the on-screen header (the printer prints its own on every page). */
  media: 'screen' | 'print';
  /** CSS of the printed page added after the layout's (the header and footer as margin boxes). */
  pageCss?: string;
}

export function renderPage(doc: HtmlDocument, viewModel: BaseViewModel, options: LayoutOptions): string {
  return Mustache.render(layout.template, {
    titre: viewModel.document.titre,
    sujet: viewModel.document.sujet,
    auteur: viewModel.document.auteur,
    reference: viewModel.document.reference,
    motsCles: viewModel.document.motsCles.join(', '),
    css: layout.css,
    cssPage: options.pageCss ?? '',
    brouillon: viewModel.brouillon,
    filigrane: DRAFT_MARK,
    ecran: options.media === 'screen',
    entete: options.media === 'screen' ? replacePageTokens(doc.header, '', '') : '',
    corps: viewModel.brouillon ? markMissing(doc.body) : doc.body,
  });
}
