/** The entry point of a worker thread: runs one task and answers with its value or its typed error. */
import { ServiceError, serializeServiceError, type SerializedServiceError } from '../core/errors.js';
import { TASKS } from './tasks.js';

export type TaskOutcome = { ok: true; value: unknown } | { ok: false; error: SerializedServiceError };

export default async function run({ name, payload }: { name: string; payload: unknown }): Promise<TaskOutcome> {
  const task = TASKS[name];
  if (!task) throw new Error(`Unknown worker task "${name}"`);
  try {
    return { ok: true, value: await task(payload as never) };
  } catch (error) {
    // Client errors cross back as data; anything else is a fault, rethrown for the service's log.
    if (error instanceof ServiceError) return { ok: false, error: serializeServiceError(error) };
    throw error;
  }
}
