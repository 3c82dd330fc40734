/**
 * The stages of one render, each computed at most once and timed:
 *   view model → filled DOCX (open package) → DOCX file, for the DOCX format;
 *   view model → semantic HTML → print request → PDF, and from the same HTML, Markdown and plain text.
 * The HTML is the template's HTML form, prepared once (engines/html/prepared.ts), filled with the
 * view model: the same characters mammoth gives of the filled DOCX (tested for every kind), so the
 * formats cannot disagree on the wording. A template that cannot be prepared is converted from
 * its filled DOCX at each render.
 */
import { performance } from 'node:perf_hooks';
import type { BaseViewModel, DocumentKind } from '../core/kind.js';
import { fillDocx, packageDocx, type FilledDocx } from '../engines/docx/index.js';
import { docxToHtml, type HtmlDocument } from '../engines/html/index.js';
import { fillHtml, prepareHtml } from '../engines/html/prepared.js';
import { buildPrintRequest } from '../engines/pdf/index.js';
import type { PdfPrinter, PrintRequest } from '../engines/pdf/printer.js';

/**
 * Milliseconds spent in each stage of a render. validation, viewModel, docx (filling the template),
 * html (filling the prepared HTML, or mammoth on the filled DOCX; and the layout), print (the printer, waiting for a page included: printQueue of it),
 * finishing (pdf-lib: properties, signature fields, writing), package (writing the DOCX file),
 * text (Markdown or plain text), total.
 */
export type StageName = 'validation' | 'viewModel' | 'docx' | 'package' | 'html' | 'print' | 'printQueue' | 'finishing' | 'text' | 'total';
export type StageTimings = Partial<Record<StageName, number>>;

export interface RenderStages {
  kind: DocumentKind<unknown, BaseViewModel>;
  viewModel: BaseViewModel;
  now: Date;
  printer: PdfPrinter;
  timings: StageTimings;
  /** The filled DOCX, open (stage "docx"). */
  filled(): FilledDocx;
  /** The DOCX file (stage "package"). */
  docx(): Buffer;
  /** The HTML of the DOCX (stage "html"). */
  html(): Promise<HtmlDocument>;
  /** What a PDF prints (part of stage "html"). */
  printRequest(): Promise<PrintRequest>;
  /** Runs `work`, adding its duration to the stage. */
  time<T>(stage: StageName, work: () => T): T;
}

function add(timings: StageTimings, stage: StageName, ms: number): void {
  timings[stage] = (timings[stage] ?? 0) + ms;
}

/** Times a synchronous or asynchronous piece of work into `timings`. */
export function timed<T>(timings: StageTimings, stage: StageName, work: () => T): T {
  const start = performance.now();
  const result = work();
  if (result instanceof Promise) {
    const done = () => add(timings, stage, performance.now() - start);
    result.then(done, done);
  } else {
    add(timings, stage, performance.now() - start);
  }
  return result;
}

export function createStages(kind: DocumentKind<unknown, BaseViewModel>, viewModel: BaseViewModel, now: Date, printer: PdfPrinter, timings: StageTimings = {}): RenderStages {
  let filled: FilledDocx | undefined;
  let docx: Buffer | undefined;
  let html: Promise<HtmlDocument> | undefined;
  let request: Promise<PrintRequest> | undefined;
  const s: RenderStages = {
    kind,
    viewModel,
    now,
    printer,
    timings,
    time: (stage, work) => timed(timings, stage, work),
    filled: () => (filled ??= s.time('docx', () => fillDocx(kind.template, viewModel, { now }))),
    docx: () => (docx ??= s.time('package', () => packageDocx(s.filled()))),
    html: () =>
      (html ??= prepareHtml(kind.template).then((prepared) =>
        prepared ? s.time('html', () => fillHtml(kind.template, prepared, viewModel)) : s.time('html', () => docxToHtml(s.filled())),
      )),
    printRequest: () => (request ??= s.html().then((doc) => s.time('html', () => buildPrintRequest(doc, viewModel)))),
  };
  return s;
}
