/**
 * HTML engine: converts a filled DOCX into semantic HTML (mammoth, with a style map from the
 * template's Word styles to HTML elements and classes) and places it into the print layout
 * (mustache). The HTML therefore says exactly what the DOCX says; the PDF engine prints it.
 */
import { readFileSync } from 'node:fs';
import mammoth from 'mammoth';
import Mustache from 'mustache';
import PizZip from 'pizzip';
import type { BaseViewModel } from '../../core/kind.js';
import { fromRoot } from '../../core/paths.js';
import { DRAFT_MARK } from '../docx/index.js';
import { readHeaderFooter } from './header-footer.js';

export const HTML_CONTENT_TYPE = 'text/html; charset=utf-8';

/** Word style names of the templates → HTML. A template may use any of these styles. */
export const STYLE_MAP = [
  "p[style-name='Title'] => h1.titre:fresh",
  "p[style-name='Subtitle'] => p.sous-titre:fresh",
  "p[style-name='heading 1'] => h2:fresh",
  "p[style-name='Part Heading'] => h2.partie:fresh",
  "p[style-name='heading 2'] => h3:fresh",
  "p[style-name='heading 3'] => h4:fresh",
  "p[style-name='List Bullet'] => ul > li:fresh",
  "p[style-name='List Number'] => ol > li:fresh",
  "p[style-name='Centered'] => p.centre:fresh",
  "p[style-name='Note'] => p.note:fresh",
  "p[style-name='Address Line'] => p.adresse:fresh",
  "p[style-name='Recipient'] => p.destinataire:fresh",
  "p[style-name='Signature Block'] => p.bloc-signature:fresh",
  "p[style-name='Table Text'] => p.texte-tableau:fresh",
  "p[style-name='Table Heading'] => p.entete-tableau:fresh",
  "table[style-name='Data Table'] => table.donnees:fresh",
  "p[style-name='Signature Zone'] => p.zone-signature:fresh",
  "p[style-name='header'] => p.entete:fresh",
  "p[style-name='footer'] => p.pied:fresh",
  "r[style-name='Strong'] => strong",
  "highlight => mark",
];

const layout = {
  template: readFileSync(fromRoot('templates', '_layout', 'document.html.mustache'), 'utf8'),
  css: readFileSync(fromRoot('templates', '_layout', 'document.css'), 'utf8'),
};
Mustache.parse(layout.template);

export interface HtmlDocument {
  /** The document body converted from the DOCX. */
  body: string;
  /** Page header and footer of the DOCX, with Chromium's pageNumber/totalPages spans. */
  header: string;
  footer: string;
  /** Conversion warnings (unknown styles...), for the logs and the template tests. */
  warnings: string[];
}

export async function docxToHtml(docx: Buffer): Promise<HtmlDocument> {
  const result = await mammoth.convertToHtml({ buffer: docx }, { styleMap: STYLE_MAP, includeDefaultStyleMap: true });
  const { header, footer } = readHeaderFooter(new PizZip(docx));
  return { body: result.value, header, footer, warnings: result.messages.map((m) => m.message) };
}

/** Wraps the draft markers "[à compléter : …]" in <mark> so that they stand out on screen and on paper. */
function markMissing(html: string): string {
  return html.replace(/\[à compléter : [^\]<]*\]/g, (m) => `<mark class="a-completer">${m}</mark>`);
}

export interface LayoutOptions {
  /** "print" hides the on-screen header (Chromium prints its own on every page). */
  media: 'screen' | 'print';
}

export function renderPage(doc: HtmlDocument, viewModel: BaseViewModel, options: LayoutOptions): string {
  const screenHeader = doc.header.replace(/<span class="(pageNumber|totalPages)"><\/span>/g, '');
  return Mustache.render(layout.template, {
    titre: viewModel.document.titre,
    sujet: viewModel.document.sujet,
    auteur: viewModel.document.auteur,
    reference: viewModel.document.reference,
    motsCles: viewModel.document.motsCles.join(', '),
    css: layout.css,
    brouillon: viewModel.brouillon,
    filigrane: DRAFT_MARK,
    ecran: options.media === 'screen',
    entete: screenHeader,
    corps: viewModel.brouillon ? markMissing(doc.body) : doc.body,
  });
}
