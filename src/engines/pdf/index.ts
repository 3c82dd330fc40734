/**
 * PDF engine: builds the print request of a document (its HTML layout for print, the header and
 * footer taken from the DOCX as CSS margin boxes, signature zones as anchors), has a PdfPrinter print it, then adds
 * properties and signature fields at the anchors (finalize.ts). Nothing here knows which printer
 * prints.
 */
import type { BaseViewModel } from '../../core/kind.js';
import { type HtmlDocument, renderPage } from '../html/index.js';
import { finalizePdf } from './finalize.js';
import { marginBoxesCss } from './margins.js';
import { ANCHOR_ATTRIBUTE, type PrintedPdf, type PrintRequest } from './printer.js';

export const PDF_CONTENT_TYPE = 'application/pdf';
export const PRODUCER = 'Générateur des documents de la clause sociale';

const escapeAttribute = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** Turns the k-th signature zone into an anchor named after the k-th signatory's field. */
export function markSignatureZones(body: string, viewModel: BaseViewModel): string {
  let index = 0;
  return body.replace(/<p class="zone-signature">([\s\S]*?)<\/p>/g, (whole, inner: string) => {
    const signatory = viewModel.signataires[index++];
    if (!signatory) return whole;
    return `<p class="zone-signature"><a class="champ-signature" ${ANCHOR_ATTRIBUTE}="${escapeAttribute(signatory.champ)}">${inner}</a></p>`;
  });
}

/** What a PDF of the document prints: the same request gives the same file. */
export function buildPrintRequest(doc: HtmlDocument, viewModel: BaseViewModel): PrintRequest {
  const printable: HtmlDocument = { ...doc, body: markSignatureZones(doc.body, viewModel) };
  return { html: renderPage(printable, viewModel, { media: 'print', pageCss: marginBoxesCss(doc.header, doc.footer) }) };
}

export interface FinishOptions {
  now: Date;
}

/** Properties, signature fields (final documents only) and reproducible writing of a printed PDF. */
export function finishPdf(printed: PrintedPdf, request: PrintRequest, viewModel: BaseViewModel, options: FinishOptions): Promise<Buffer> {
  return finalizePdf(printed, {
    properties: viewModel.document,
    signatories: viewModel.signataires,
    signatureFields: !viewModel.brouillon,
    now: options.now,
    producer: PRODUCER,
    source: request.html,
  });
}
