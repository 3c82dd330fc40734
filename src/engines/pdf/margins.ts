/**
 * The page header and footer of a printed document as CSS Paged Media margin boxes (W3C
 * css-page-3): the header in the page's top margin, the footer in its bottom margin, the DOCX's
 * PAGE and NUMPAGES fields as `counter(page)` and `counter(pages)`. They are part of the print
 * request's HTML, so any printer of CSS paged media prints them (Chromium does since version 131),
 * and printing them costs next to nothing, where header and footer templates are laid out as
 * documents of their own for every page.
 */
import { decodeHTML } from 'entities';
import { PAGE_COUNT, PAGE_NUMBER, splitPageTokens } from '../page-tokens.js';

/** Text of the margins, as the header of the DOCX templates (Arial 7.5 pt, grey). */
const MARGIN_TEXT = "font-family: Arial, 'Liberation Sans', sans-serif; font-size: 7.5pt; line-height: 1.25; color: #595959; white-space: pre-wrap;";

/** The text of an HTML fragment of text and line breaks (what the HTML engine gives of a header). */
function fragmentText(html: string): string {
  return decodeHTML(html.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]*>/g, ''));
}

/**
 * A CSS string: quotes and backslashes escaped, a line break as \A, other control characters by
 * their code, and `<`, `>` and `&` by theirs too: the rule sits in a <style> element, which a
 * "</style>" in a value would otherwise close.
 */
function cssString(text: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/["\\\u0000-\u001f\u007f<>&]/g, (c) => (c === '"' || c === '\\' ? `\\${c}` : `\\${c.charCodeAt(0).toString(16)} `));
  return `"${escaped}"`;
}

/**
 * The `content` of a margin box from a header or footer fragment: its text as CSS strings, the page
 * tokens as the page counters. Empty: `none` (no box).
 */
export function marginContent(fragment: string): string {
  const parts: string[] = [];
  for (const piece of splitPageTokens(fragment)) {
    if (piece === PAGE_NUMBER) parts.push('counter(page)');
    else if (piece === PAGE_COUNT) parts.push('counter(pages)');
    else {
      const text = fragmentText(piece);
      if (text !== '') parts.push(cssString(text));
    }
  }
  return parts.length > 0 ? parts.join(' ') : 'none';
}

/**
 * The @page rule of the header (top margin, right-aligned) and the footer (bottom margin, centred),
 * each over the whole width between the side margins and 10 mm from the paper's edge, where the
 * DOCX templates put theirs (w:header="567" w:footer="567").
 */
export function marginBoxesCss(header: string, footer: string): string {
  const top = marginContent(header);
  const bottom = marginContent(footer);
  const boxes = [
    top === 'none' ? '' : `@top-center { content: ${top}; ${MARGIN_TEXT} width: 100%; text-align: right; vertical-align: top; padding-top: 10mm; }`,
    bottom === 'none' ? '' : `@bottom-center { content: ${bottom}; ${MARGIN_TEXT} width: 100%; text-align: center; vertical-align: bottom; padding-bottom: 10mm; }`,
  ].filter((box) => box !== '');
  return boxes.length > 0 ? `@page { ${boxes.join(' ')} }` : '';
}
