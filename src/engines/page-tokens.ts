/**
 * Neutral page placeholders of the page header and footer: the DOCX's PAGE and NUMPAGES fields
 * become these tokens in the HTML engine, and each PDF printer replaces them with its own way of
 * numbering pages. Literal braces of the text are escaped (`&#123;`), so that a value typed by a
 * user can never be read as a token.
 */
export const PAGE_NUMBER = '{{page}}';
export const PAGE_COUNT = '{{pages}}';

/** Replaces the page tokens of a header or footer fragment. */
export function replacePageTokens(html: string, page: string, pages: string): string {
  return html.split(PAGE_NUMBER).join(page).split(PAGE_COUNT).join(pages);
}

/** A header or footer fragment cut at its page tokens: the text pieces and the tokens, in order. */
export function splitPageTokens(html: string): string[] {
  return html.split(PAGE_NUMBER).flatMap((piece, i) => [
    ...(i > 0 ? [PAGE_NUMBER] : []),
    ...piece.split(PAGE_COUNT).flatMap((text, j) => (j > 0 ? [PAGE_COUNT, text] : [text])),
  ]);
}

/** Escapes text for HTML, braces included (no text can form a page token). */
export function escapeHtmlText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\{/g, '&#123;')
    .replace(/\}/g, '&#125;');
}
