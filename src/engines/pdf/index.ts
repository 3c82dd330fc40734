/**
 * PDF engine: prints the HTML layout of a document with the shared Chromium (A4, header and
 * footer taken from the DOCX), then adds properties and signature fields (finalize.ts).
 */
import type { BaseViewModel } from '../../core/kind.js';
import { type HtmlDocument, renderPage } from '../html/index.js';
import type { ChromiumPool } from './browser.js';
import { finalizePdf, SIGNATURE_URI_PREFIX } from './finalize.js';

export const PDF_CONTENT_TYPE = 'application/pdf';
export const PRODUCER = 'Générateur des documents de la clause sociale';

const MARGIN_STYLE =
  "width:100%;margin:0 20mm;font-family:Arial,'Liberation Sans',sans-serif;font-size:7.5pt;color:#595959;-webkit-print-color-adjust:exact;";

/** Turns the k-th signature zone into a link naming the k-th signatory's field. */
export function markSignatureZones(body: string, viewModel: BaseViewModel): string {
  let index = 0;
  return body.replace(/<p class="zone-signature">([\s\S]*?)<\/p>/g, (whole, inner: string) => {
    const signatory = viewModel.signataires[index++];
    if (!signatory) return whole;
    const href = `${SIGNATURE_URI_PREFIX}${encodeURIComponent(signatory.champ)}`;
    return `<p class="zone-signature"><a class="champ-signature" href="${href}">${inner}</a></p>`;
  });
}

export async function renderPdf(pool: ChromiumPool, doc: HtmlDocument, viewModel: BaseViewModel, now: Date): Promise<Buffer> {
  const printable: HtmlDocument = { ...doc, body: markSignatureZones(doc.body, viewModel) };
  const html = renderPage(printable, viewModel, { media: 'print' });
  const header = `<div style="${MARGIN_STYLE}text-align:right;">${doc.header}</div>`;
  const footer = `<div style="${MARGIN_STYLE}text-align:center;">${doc.footer}</div>`;
  const printed = await pool.withPage(async (page) => {
    await page.setContent(html, { waitUntil: 'load' });
    return page.pdf({
      format: 'A4',
      preferCSSPageSize: true,
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: header,
      footerTemplate: footer,
      tagged: true,
      outline: true,
    });
  });
  return finalizePdf(printed, {
    properties: viewModel.document,
    signatories: viewModel.signataires,
    signatureFields: !viewModel.brouillon,
    now,
    producer: PRODUCER,
    source: `${html}\u0000${header}\u0000${footer}`,
  });
}
