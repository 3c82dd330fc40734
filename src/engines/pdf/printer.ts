/**
 * What the service needs from a PDF printer, whatever prints: HTML in, a PDF document and the
 * places of its anchors out. Chromium is one implementation (chromium/); a test plugs in a fake
 * one. Nothing outside an implementation knows how it numbers pages or finds the anchors.
 */
import type { PDFDocument, PDFRef } from 'pdf-lib';

/**
 * The attribute naming an anchor of the printed HTML: the printer reports the rectangle of each
 * element carrying it (its name is the attribute's value), e.g. where a signature field goes.
 */
export const ANCHOR_ATTRIBUTE = 'data-pdf-anchor';

export interface PrintRequest {
  /**
   * A complete HTML document, with no script: page size and margins in its CSS @page rule, the
   * page header and footer in its margin boxes (CSS Paged Media, `counter(page)` and
   * `counter(pages)` for the page number and count; margins.ts).
   */
  html: string;
}

/** Where an anchor of the HTML was printed. */
export interface PdfAnchor {
  /** The anchor's name (value of ANCHOR_ATTRIBUTE). */
  name: string;
  /** Index of the page, from 0. */
  page: number;
  /** Rectangle in PDF user space (points, origin bottom left): [x1, y1, x2, y2]. */
  rect: [number, number, number, number];
  /**
   * In a tagged PDF, the structure element of the anchored content, if the printer knows it: an
   * annotation placed on the anchor is tagged under it, in reading order.
   */
  element?: PDFRef;
}

export interface PrintedPdf {
  /**
   * The printed document, parsed (pdf-lib), for the finishing: it carries nothing of the
   * printer's own making beyond the printed pages (no annotation used to find the anchors), and
   * the same request gives the same document (reproducible output).
   */
  document: PDFDocument;
  /** The anchors of the HTML, in reading order (page, then top to bottom, then left to right). */
  anchors: PdfAnchor[];
  /** Milliseconds spent waiting for the printer and printing, if the printer measures them. */
  timings?: { queue?: number; print?: number };
}

/** What a printer tells about itself (metrics, health). */
export interface PrinterStats {
  /** Pages (print slots) open and ready. */
  pages: number;
  /** Prints running now. */
  busy: number;
  /** Prints waiting for a page. */
  queued: number;
  /** Successful prints since start. */
  renders: number;
  /** Failed prints (timeouts included). */
  failures: number;
  timeouts: number;
  /** Restarts of the engine (renders count, memory, crash). */
  restarts: number;
  /** Launches of the engine since start. */
  launches: number;
  /** Memory of the engine (proportional set size of its processes), last sampled. */
  memoryBytes: number;
}

export interface PdfPrinter {
  /**
   * Prints a request. Rejects with BusyError at once when too many prints wait, with
   * RenderUnavailableError when the engine cannot print now (not started, crashed during this
   * print, timed out, stopping): the same request may succeed later.
   */
  print(request: PrintRequest): Promise<PrintedPdf>;
  /** Starts the engine ahead of the first print (the service's start). */
  warm(): Promise<void>;
  /** True when the engine is up and can print at once. */
  ready(): boolean;
  stats(): PrinterStats;
  /** Resolves when the running and waiting prints are done; prints asked after it are refused. */
  drain(): Promise<void>;
  /** Stops the engine; prints still running fail. */
  close(): Promise<void>;
}
