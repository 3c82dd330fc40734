/**
 * The document generator: validation → view model → format, for any registered kind. It is the
 * one entry point of the HTTP API, the web form, the CLI and the benchmark.
 */
import { createHash } from 'node:crypto';
import './kinds/index.js';
import { FieldError, InvalidInputError, NonConformingDocumentError } from './core/errors.js';
import { getKind } from './core/registry.js';
import { MODES, type Mode, validate } from './core/validation.js';
import { ChromiumPool, defaultChromiumOptions, type ChromiumOptions } from './engines/pdf/browser.js';
import { FORMAT_IDS, FORMATS, stages } from './formats.js';

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

export class Generator {
  readonly pool: ChromiumPool;

  constructor(chromium: ChromiumOptions = defaultChromiumOptions()) {
    this.pool = new ChromiumPool(chromium);
  }

  async generate(kindId: string, input: unknown, options: GenerateOptions = {}): Promise<GeneratedDocument> {
    const kind = getKind(kindId);
    const { format, mode } = checkOptions(options);
    const now = options.now ?? new Date();
    const { value, missing } = validate(kind.schema, input, mode);
    const warnings = kind.check?.(value, { mode, missing, now }) ?? [];
    if (warnings.length > 0 && mode === 'final') {
      throw new NonConformingDocumentError(
        `Le document ne peut pas être finalisé : ${warnings.length > 1 ? `${warnings.length} points sont à revoir` : '1 point est à revoir'}.`,
        warnings,
      );
    }
    const viewModel = kind.buildViewModel(value, { mode, missing, warnings, now });
    const output = FORMATS[format]!;
    const bytes = await output.render(stages(kind, viewModel, now, this.pool));
    return {
      bytes,
      contentType: output.contentType,
      fileName: `${kind.fileName(viewModel)}.${output.extension}`,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      mode,
      missing,
    };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
