/**
 * The tasks a worker thread runs: heavy parsing of uploaded files, kept off the event loop of the
 * service. Adding a task is one line here.
 */
import { parseFollowUpFiles } from '../bilans/tabular.js';
import type { SpreadsheetLimits } from '../config.js';
import type { UploadedFile } from '../core/uploads.js';

/** Buffers cross the thread boundary as plain Uint8Arrays: give them back their Buffer methods. */
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export const TASKS: Record<string, (payload: never) => Promise<unknown>> = {
  ping: async () => 'pong',
  followUpFiles: ({ files, limits }: { files: UploadedFile[]; limits: SpreadsheetLimits }) =>
    parseFollowUpFiles(files.map((f) => ({ ...f, bytes: asBuffer(f.bytes) })), limits),
};
