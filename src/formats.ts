/**
 * Output formats ("recipes"), each built on the previous stage of one pipeline:
 *   view model → DOCX (docxtemplater) → semantic HTML (mammoth + layout) → PDF (Chromium + pdf-lib),
 *   and from the same HTML, Markdown (turndown) and plain text (html-to-text).
 * Every format derives from the filled DOCX, so the formats cannot disagree on the wording.
 */
import type { BaseViewModel, DocumentKind } from './core/kind.js';
import { DOCX_CONTENT_TYPE, renderDocx } from './engines/docx/index.js';
import { docxToHtml, HTML_CONTENT_TYPE, renderPage, type HtmlDocument } from './engines/html/index.js';
import { PDF_CONTENT_TYPE, renderPdf } from './engines/pdf/index.js';
import type { ChromiumPool } from './engines/pdf/browser.js';
import { MARKDOWN_CONTENT_TYPE, TEXT_CONTENT_TYPE, toMarkdown, toText } from './engines/text/index.js';

export interface RenderStages {
  kind: DocumentKind<unknown, BaseViewModel>;
  viewModel: BaseViewModel;
  now: Date;
  pool: ChromiumPool;
  docx(): Buffer;
  html(): Promise<HtmlDocument>;
}

export interface OutputFormat {
  id: string;
  contentType: string;
  extension: string;
  render(stages: RenderStages): Promise<Buffer>;
}

export const FORMATS: Record<string, OutputFormat> = {
  docx: {
    id: 'docx',
    contentType: DOCX_CONTENT_TYPE,
    extension: 'docx',
    render: async (s) => s.docx(),
  },
  html: {
    id: 'html',
    contentType: HTML_CONTENT_TYPE,
    extension: 'html',
    render: async (s) => Buffer.from(renderPage(await s.html(), s.viewModel, { media: 'screen' }), 'utf8'),
  },
  pdf: {
    id: 'pdf',
    contentType: PDF_CONTENT_TYPE,
    extension: 'pdf',
    render: async (s) => renderPdf(s.pool, await s.html(), s.viewModel, s.now),
  },
  md: {
    id: 'md',
    contentType: MARKDOWN_CONTENT_TYPE,
    extension: 'md',
    render: async (s) => Buffer.from(toMarkdown(await s.html(), s.viewModel), 'utf8'),
  },
  txt: {
    id: 'txt',
    contentType: TEXT_CONTENT_TYPE,
    extension: 'txt',
    render: async (s) => Buffer.from(toText(await s.html(), s.viewModel), 'utf8'),
  },
};

export const FORMAT_IDS = Object.keys(FORMATS);

/** The stages of one render, each computed at most once. */
export function stages(kind: DocumentKind<unknown, BaseViewModel>, viewModel: BaseViewModel, now: Date, pool: ChromiumPool): RenderStages {
  let docx: Buffer | undefined;
  let html: Promise<HtmlDocument> | undefined;
  const s: RenderStages = {
    kind,
    viewModel,
    now,
    pool,
    docx: () => (docx ??= renderDocx(kind.template, viewModel, { now })),
    html: () => (html ??= docxToHtml(s.docx())),
  };
  return s;
}
