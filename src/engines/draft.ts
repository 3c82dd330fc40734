/**
 * The mark of draft documents, in one place: the DOCX watermark, the HTML and PDF watermark, and
 * the first line of the Markdown and plain text all take it from here.
 */
export const DRAFT_MARK = 'PROJET';

/** The first line of a draft in the text outputs (Markdown, plain text). */
export const DRAFT_NOTICE = `${DRAFT_MARK} – document provisoire`;
