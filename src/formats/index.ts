/** Registers every output format: one import per format folder (their order is the formats' order). */
import './docx/index.js';
import './html/index.js';
import './pdf/index.js';
import './md/index.js';
import './txt/index.js';
import { listFormats, type OutputFormat } from './registry.js';

export { getFormat, hasFormat, listFormats, registerFormat, type OutputFormat } from './registry.js';
export { createStages, timed, type RenderStages, type StageName, type StageTimings } from './stages.js';

/** The ids of the formats, in registration order. */
export const FORMAT_IDS: string[] = listFormats().map((f) => f.id);

/** The formats by id (for the callers that index them). */
export const FORMATS: Readonly<Record<string, OutputFormat>> = Object.fromEntries(listFormats().map((f) => [f.id, f]));
