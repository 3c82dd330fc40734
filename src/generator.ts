/**
 * The document generator: validation → view model → format, for any registered kind. It is the
 * one entry point of the HTTP API, the web form, the CLI and the benchmark.
 *
 * PDFs are printed by a PdfPrinter (engines/pdf/printer.ts): Chromium by default, any other
 * implementation given to the constructor. The generator knows nothing of how it prints.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import './kinds/index.js';
import { FieldError, InvalidInputError, NonConformingDocumentError } from './core/errors.js';
import { getKind, listKinds } from './core/registry.js';
import type { BaseViewModel, DocumentKind } from './core/kind.js';
import { MODES, type Mode, validate } from './core/validation.js';
import { ChromiumPrinter, type ChromiumOptions } from './engines/pdf/chromium/index.js';
import { prepareHtml } from './engines/html/prepared.js';
import type { PdfPrinter, PrinterStats, PrintRequest } from './engines/pdf/printer.js';
import { createStages, FORMAT_IDS, getFormat, timed, type RenderStages, type StageTimings } from './formats/index.js';

export interface GenerateOptions {
  format?: string;
  mode?: string;
  /** Date of generation (document properties); defaults to now. */
  now?: Date;
}

export interface GeneratedDocument {
  bytes: Buffer;
  contentType: string;
  fileName: string;
  sha256: string;
  mode: Mode;
  /** Draft mode: the fields shown as "[à compléter]" markers. */
  missing: FieldError[];
  /** Milliseconds spent in each stage of this render (see StageTimings), for benchmarks and logs. */
  timings?: StageTimings;
}

/** What a render off the main thread is given: plain data (it crosses to a worker thread). */
export interface OffThreadJob {
  kind: string;
  input: unknown;
  format: string;
  mode: Mode;
  /** Date of generation, ISO 8601. */
  now: string;
}

/** What it gives back: the document, or for a format that prints, what to print and finish here. */
export type OffThreadResult =
  | { document: GeneratedDocument }
  | {
      print: {
        request: PrintRequest;
        /** What the finishing of a printed document reads of the view model. */
        viewModel: Pick<BaseViewModel, 'document' | 'signataires' | 'brouillon'>;
        fileName: string;
        missing: FieldError[];
        timings: StageTimings;
      };
    };

/**
 * Renders large inputs away from the event loop: given, the generator hands to it every input with
 * at least `minItems` items in its lists (validating and building the view model of a 50 000-line
 * bilan takes seconds), and prints what it returns.
 */
export interface OffThread {
  run(job: OffThreadJob): Promise<OffThreadResult>;
  minItems: number;
}

/** The generator's printer: one given, or Chromium with these options (the rest from the environment). */
export type GeneratorOptions = ({ printer: PdfPrinter } | Partial<ChromiumOptions>) & { offThread?: OffThread };

/** Counts the items of the lists of an input, stopping once `limit` is reached. */
export function countItems(value: unknown, limit: number): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && count < limit) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      count += v.length;
      for (const item of v) if (item !== null && typeof item === 'object') stack.push(item);
    } else if (v !== null && typeof v === 'object') {
      for (const item of Object.values(v)) if (item !== null && typeof item === 'object') stack.push(item);
    }
  }
  return count;
}

/** Checks the format and mode parameters, listing both problems at once. */
export function checkOptions(options: GenerateOptions): { format: string; mode: Mode } {
  const format = options.format ?? 'pdf';
  const mode = (options.mode ?? 'final') as Mode;
  const errors: FieldError[] = [];
  if (!FORMAT_IDS.includes(format)) {
    errors.push({ path: 'format', type: 'any.only', message: `Format inconnu « ${format} ». Formats disponibles : ${FORMAT_IDS.join(', ')}.` });
  }
  if (!MODES.includes(mode)) {
    errors.push({ path: 'mode', type: 'any.only', message: `Mode inconnu « ${String(mode)} ». Modes disponibles : final (document à signer), draft (projet).` });
  }
  if (errors.length > 0) throw new InvalidInputError('Paramètres de génération invalides.', errors);
  return { format, mode };
}

interface Prepared {
  kind: DocumentKind<unknown, BaseViewModel>;
  format: string;
  mode: Mode;
  missing: FieldError[];
  stages: RenderStages;
}

export class Generator {
  readonly printer: PdfPrinter;
  private readonly offThread: OffThread | undefined;

  constructor(options: GeneratorOptions = {}) {
    const { offThread, ...printing } = options;
    this.printer = 'printer' in printing ? printing.printer : new ChromiumPrinter(printing);
    this.offThread = offThread;
  }

  /** `kind`: the kind itself when the caller already looked it up, or its id. */
  async generate(kindOrId: DocumentKind | string, input: unknown, options: GenerateOptions = {}): Promise<GeneratedDocument> {
    if (this.offThread && countItems(input, this.offThread.minItems) >= this.offThread.minItems) {
      return this.generateOffThread(this.offThread, kindOrId, input, options);
    }
    const start = performance.now();
    const { kind, format, mode, missing, stages } = this.prepare(kindOrId, input, options);
    const output = getFormat(format);
    const bytes = await output.render(stages);
    stages.timings.total = performance.now() - start;
    return {
      bytes,
      contentType: output.contentType,
      fileName: `${kind.fileName(stages.viewModel)}.${output.extension}`,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      mode,
      missing,
      timings: stages.timings,
    };
  }

  /**
   * The render as a worker thread does it: the whole document, or for a format that prints, every
   * stage up to the print request (the thread that owns the printer prints and finishes it).
   */
  async renderUntilPrint(job: OffThreadJob): Promise<OffThreadResult> {
    const options = { format: job.format, mode: job.mode, now: new Date(job.now) };
    if (!getFormat(checkOptions(options).format).prints) return { document: await this.generate(job.kind, job.input, options) };
    const start = performance.now();
    const { kind, missing, stages } = this.prepare(job.kind, job.input, options);
    const request = await stages.printRequest();
    const { document, signataires, brouillon } = stages.viewModel;
    stages.timings.total = performance.now() - start;
    return { print: { request, viewModel: { document, signataires, brouillon }, fileName: kind.fileName(stages.viewModel), missing, timings: stages.timings } };
  }

  private async generateOffThread(offThread: OffThread, kindOrId: DocumentKind | string, input: unknown, options: GenerateOptions): Promise<GeneratedDocument> {
    const start = performance.now();
    const kind = typeof kindOrId === 'string' ? getKind(kindOrId) : kindOrId;
    const { format, mode } = checkOptions(options);
    const now = options.now ?? new Date();
    const result = await offThread.run({ kind: kind.id, input, format, mode, now: now.toISOString() });
    if ('document' in result) {
      // Buffers cross the thread boundary as plain Uint8Arrays.
      const { bytes } = result.document;
      return { ...result.document, bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
    }
    const { request, viewModel, fileName, missing, timings } = result.print;
    const output = getFormat(format);
    const stages = createStages(kind, viewModel as BaseViewModel, now, this.printer, timings);
    stages.printRequest = () => Promise.resolve(request);
    const bytes = await output.render(stages);
    timings.total = performance.now() - start;
    return { bytes, contentType: output.contentType, fileName: `${fileName}.${output.extension}`, sha256: createHash('sha256').update(bytes).digest('hex'), mode, missing, timings };
  }

  /**
   * The exact request a PDF of this document gives its printer (the same validation, view model,
   * DOCX and HTML as `generate`), e.g. to measure the printer alone on the same HTML.
   */
  async printRequest(kindOrId: DocumentKind | string, input: unknown, options: Omit<GenerateOptions, 'format'> = {}): Promise<PrintRequest> {
    return this.prepare(kindOrId, input, { ...options, format: 'pdf' }).stages.printRequest();
  }

  /** Starts the PDF printer and prepares every template's HTML ahead of the first document (the service's start). */
  async warm(): Promise<void> {
    await Promise.all([this.printer.warm(), ...listKinds().map((kind) => prepareHtml(kind.template))]);
  }

  /** True when a PDF can be printed at once. */
  ready(): boolean {
    return this.printer.ready();
  }

  /** The PDF printer's state (metrics). */
  stats(): PrinterStats {
    return this.printer.stats();
  }

  /** Resolves when the PDFs asked are printed; later ones are refused (graceful shutdown). */
  drain(): Promise<void> {
    return this.printer.drain();
  }

  close(): Promise<void> {
    return this.printer.close();
  }

  private prepare(kindOrId: DocumentKind | string, input: unknown, options: GenerateOptions): Prepared {
    const kind = typeof kindOrId === 'string' ? getKind(kindOrId) : kindOrId;
    const { format, mode } = checkOptions(options);
    const now = options.now ?? new Date();
    const timings: StageTimings = {};
    const { value, missing, warnings } = timed(timings, 'validation', () => {
      const checked = validate(kind.schema, input, mode);
      return { ...checked, warnings: kind.check?.(checked.value, { mode, missing: checked.missing, now }) ?? [] };
    });
    if (warnings.length > 0 && mode === 'final') {
      throw new NonConformingDocumentError(
        `Le document ne peut pas être finalisé : ${warnings.length > 1 ? `${warnings.length} points sont à revoir` : '1 point est à revoir'}.`,
        warnings,
      );
    }
    const viewModel = timed(timings, 'viewModel', () => kind.buildViewModel(value, { mode, missing, warnings, now }));
    return { kind, format, mode, missing, stages: createStages(kind, viewModel, now, this.printer, timings) };
  }
}
