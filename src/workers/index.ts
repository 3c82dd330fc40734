/**
 * A pool of worker threads for the heavy parsing of uploads and the render of large inputs
 * (piscina): the event loop of the service keeps answering while a large or hostile file is read
 * or a 50 000-line bilan is validated. Each task has a time limit and the workers
 * a memory limit; a worker that runs out of either is replaced and the task is refused as too large.
 * Too many tasks waiting: 429.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { settings } from '../config.js';
import { BusyError, deserializeServiceError, PayloadTooLargeError } from '../core/errors.js';
import type { TaskOutcome } from './worker.js';

let pool: Piscina | undefined;

/** The worker's file: compiled JavaScript in production, TypeScript run through tsx in development. */
function workerFile(): string {
  const js = fileURLToPath(new URL('./worker.js', import.meta.url));
  return existsSync(js) ? js : fileURLToPath(new URL('./worker.ts', import.meta.url));
}

function getPool(): Piscina {
  const { workers } = settings();
  pool ??= new Piscina({
    filename: workerFile(),
    // One worker stays warm (idle workers do not keep a process alive: a CLI run still exits).
    minThreads: 1,
    maxThreads: workers.threads ?? Math.max(1, availableParallelism() - 1),
    maxQueue: workers.queue,
    // Workers beyond the first end when idle.
    idleTimeout: 10_000,
    resourceLimits: { maxOldGenerationSizeMb: workers.memoryMb },
  });
  return pool;
}

/** What a task works on, in the words of its refusals. */
export type TaskSubject = 'file' | 'document';

function refusal(reason: string, subject: TaskSubject): PayloadTooLargeError {
  if (subject === 'document') {
    return new PayloadTooLargeError('Le document demandé est trop lourd à produire.', [
      { path: '', type: 'document.tooHeavy', message: `Le document est refusé : ${reason.replace('sa lecture', 'sa production')}. Envoyez moins de données à la fois.` },
    ]);
  }
  return new PayloadTooLargeError('Le fichier envoyé est trop lourd à lire.', [{ path: '', type: 'file.tooHeavy', message: `Le fichier envoyé est refusé : ${reason}. Envoyez moins de données à la fois.` }]);
}

/** Runs a task of workers/tasks.ts in a worker thread; its ServiceErrors are rethrown as they were. */
export async function runTask<T>(name: string, payload: unknown, subject: TaskSubject = 'file'): Promise<T> {
  const { workers } = settings();
  let outcome: TaskOutcome;
  try {
    outcome = (await getPool().run({ name, payload }, { signal: AbortSignal.timeout(workers.timeoutMs) })) as TaskOutcome;
  } catch (error) {
    const e = error as { name?: string; code?: string; message?: string };
    if (e.name === 'AbortError') throw refusal(`sa lecture dépasse ${Math.round(workers.timeoutMs / 1000)} s`, subject);
    if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') throw refusal('sa lecture demande plus de mémoire que permis', subject);
    if (e.message === 'Task queue is at limit') {
      const message = subject === 'file' ? 'Trop de fichiers sont en cours de lecture : réessayez dans un moment.' : 'Trop de documents volumineux sont en cours de production : réessayez dans un moment.';
      throw new BusyError(message, [{ path: '', type: 'queue.full', message }]);
    }
    throw error;
  }
  if (!outcome.ok) throw deserializeServiceError(outcome.error);
  return outcome.value as T;
}

/** Starts the pool's first worker, so that the first upload does not wait for it. */
export async function warmWorkers(): Promise<void> {
  await runTask('ping', null);
}

/** Ends the workers (graceful shutdown). */
export async function closeWorkers(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.destroy();
}
