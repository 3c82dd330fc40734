/**
 * The registry of output formats. Each format's folder registers itself (src/formats/<id>/index.ts);
 * src/formats/index.ts imports them all. Nothing else lists the formats: the web form, the CLI,
 * the OpenAPI description and the validation of a request read them here.
 */
import { NotFoundError } from '../core/errors.js';
import type { RenderStages } from './stages.js';

export interface OutputFormat {
  /** Stable id used in URLs, e.g. "pdf". */
  id: string;
  /** Short French name, e.g. « Word (DOCX) », for the web form. */
  label: string;
  /** French description of what the file is for, e.g. « PDF prêt à signer ». */
  description: string;
  contentType: string;
  /** File name extension, without the dot. */
  extension: string;
  /**
   * The format prints (its render asks the PDF printer for `stages.printRequest()` and needs of the
   * view model only its `document`, `signataires` and `brouillon`): a render off the main thread
   * stops at the print request and the printing thread finishes it.
   */
  prints?: boolean;
  /** Produces the file from the stages of one render (each stage computed at most once). */
  render(stages: RenderStages): Promise<Buffer>;
}

const formats = new Map<string, OutputFormat>();

export function registerFormat(format: OutputFormat): OutputFormat {
  if (!/^[a-z][a-z0-9-]*$/.test(format.id)) throw new Error(`Invalid format id "${format.id}"`);
  if (formats.has(format.id)) throw new Error(`Format "${format.id}" is already registered`);
  formats.set(format.id, format);
  return format;
}

export function getFormat(id: string): OutputFormat {
  const format = formats.get(id);
  if (!format) {
    throw new NotFoundError(`Format inconnu : « ${id} ».`, [
      { path: 'format', type: 'any.only', message: `Formats disponibles : ${[...formats.keys()].join(', ')}.` },
    ]);
  }
  return format;
}

export function hasFormat(id: string): boolean {
  return formats.has(id);
}

export function listFormats(): OutputFormat[] {
  return [...formats.values()];
}
