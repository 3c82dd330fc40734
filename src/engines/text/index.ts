/**
 * Plain text and Markdown engines, for procurement software that pastes the text into its own
 * documents: both are derived from the same semantic HTML as the PDF (hence from the DOCX), with
 * no markup left over: Markdown escapes only what would change the meaning, tables become GFM
 * tables, and plain text keeps one line per paragraph.
 */
import TurndownService from 'turndown';
import { gfm } from '@joplin/turndown-plugin-gfm';
import { convert } from 'html-to-text';
import type { BaseViewModel } from '../../core/kind.js';
import { DRAFT_NOTICE } from '../draft.js';
import type { HtmlDocument } from '../html/index.js';

export const MARKDOWN_CONTENT_TYPE = 'text/markdown; charset=utf-8';
export const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';

/**
 * Tables as plain grids: the paragraphs of a cell joined on one line, the first row as header
 * (GFM tables need one), so that no table falls back to HTML.
 */
/** An image (a chart) is described by its alternative text in the text outputs. */
function imagesAsText(html: string): string {
  return html.replace(/<img\b[^>]*?alt="([^"]*)"[^>]*>/g, (_m, alt: string) => (alt ? `Graphique : ${alt}` : '')).replace(/<img\b[^>]*>/g, '');
}

export function flattenTables(html: string): string {
  return unwrapSingleColumnTables(imagesAsText(html))
    .replace(/<(td|th)([^>]*)>([\s\S]*?)<\/\1>/g, (_m, tag: string, attrs: string, inner: string) => {
      const text = inner
        .replace(/<\/p>\s*<p[^>]*>/g, ' – ')
        .replace(/<\/?p[^>]*>/g, '')
        .trim();
      return `<${tag}${attrs}>${text}</${tag}>`;
    })
    .replace(/<table>\s*(?:<thead>)?\s*<tr>([\s\S]*?)<\/tr>\s*(?:<\/thead>)?/g, (_m, row: string) => {
      const header = row.replace(/<td([^>]*)>/g, '<th$1>').replace(/<\/td>/g, '</th>');
      return `<table><thead><tr>${header}</tr></thead><tbody>`;
    })
    .replace(/<\/table>/g, (m, offset: number, all: string) => (all.lastIndexOf('<tbody>', offset) > all.lastIndexOf('</tbody>', offset) ? `</tbody>${m}` : m));
}

/** A one-column table (a signature block) is only a layout device: its paragraphs stand alone. */
function unwrapSingleColumnTables(html: string): string {
  return html.replace(/<table[^>]*>([\s\S]*?)<\/table>/g, (whole, inner: string) => {
    const rows = [...inner.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]!);
    const singleColumn = rows.length > 0 && rows.every((row) => (row.match(/<t[dh][ >]/g) ?? []).length === 1);
    if (!singleColumn) return whole;
    return rows.map((row) => row.replace(/<\/?t[dh][^>]*>/g, '')).join('');
  });
}

const turndown = new TurndownService({ headingStyle: 'atx', bulletListMarker: '-', emDelimiter: '_', strongDelimiter: '**' });
turndown.use(gfm);
turndown.addRule('mark', { filter: ['mark'], replacement: (content) => content });
// Escape only what would change the meaning of a line; French text has no other markdown syntax.
turndown.escape = (text: string) =>
  text
    .replace(/\\/g, '\\\\')
    .replace(/^(#{1,6} )/gm, '\\$1')
    .replace(/^([-+*] )/gm, '\\$1')
    .replace(/^(\d+)\. /gm, '$1\\. ')
    .replace(/([*_`])/g, '\\$1')
    .replace(/\|/g, '\\|');

function draftLine(viewModel: BaseViewModel): string {
  return viewModel.brouillon ? `${DRAFT_NOTICE}\n\n` : '';
}

export function toMarkdown(doc: HtmlDocument, viewModel: BaseViewModel): string {
  const md = turndown.turndown(flattenTables(doc.body));
  return `${draftLine(viewModel)}${md.replace(/\n{3,}/g, '\n\n').trim()}\n`;
}

export function toText(doc: HtmlDocument, viewModel: BaseViewModel): string {
  const text = convert(flattenTables(doc.body), {
    wordwrap: false,
    selectors: [
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'h4', options: { uppercase: false } },
      { selector: 'ul', options: { itemPrefix: '– ' } },
      { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false, maxColumnWidth: 60 } },
      { selector: 'a', options: { ignoreHref: true } },
    ],
  });
  return `${draftLine(viewModel)}${text.replace(/\n{3,}/g, '\n\n').trim()}\n`;
}
