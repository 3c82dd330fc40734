/**
 * The tasks a worker thread runs: heavy parsing of uploaded files and the render of large inputs,
 * kept off the event loop of the service. Adding a task is one line here.
 */
import { parseFollowUpFiles } from '../bilans/tabular.js';
import type { SpreadsheetLimits } from '../config.js';
import { RenderUnavailableError } from '../core/errors.js';
import type { UploadedFile } from '../core/uploads.js';
import type { PdfPrinter } from '../engines/pdf/printer.js';
import { Generator, type OffThreadJob } from '../generator.js';

/** A worker renders up to the print request: printing is the main thread's (it owns Chromium). */
const noPrinter: PdfPrinter = {
  print: () => Promise.reject(new RenderUnavailableError('Pas d’impression dans un fil de travail.')),
  warm: () => Promise.resolve(),
  ready: () => false,
  stats: () => ({ pages: 0, busy: 0, queued: 0, renders: 0, failures: 0, timeouts: 0, restarts: 0, launches: 0, memoryBytes: 0 }),
  drain: () => Promise.resolve(),
  close: () => Promise.resolve(),
};
let generator: Generator | undefined;

/** Buffers cross the thread boundary as plain Uint8Arrays: give them back their Buffer methods. */
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export const TASKS: Record<string, (payload: never) => Promise<unknown>> = {
  ping: async () => 'pong',
  followUpFiles: ({ files, limits }: { files: UploadedFile[]; limits: SpreadsheetLimits }) =>
    parseFollowUpFiles(files.map((f) => ({ ...f, bytes: asBuffer(f.bytes) })), limits),
  render: (job: OffThreadJob) => (generator ??= new Generator({ printer: noPrinter })).renderUntilPrint(job),
};
