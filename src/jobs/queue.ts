/**
 * Who runs the stored jobs. A job (its input, progress and result) lives in the store, visible from
 * every replica; a queue only decides which process runs it and when:
 * - `LocalQueue`, the embedded default: this process runs the waiting jobs one after the other, and
 *   at its start the ones a stopped process left (the store sets them waiting again);
 * - `PgBossQueue` (pg-boss.ts), with the PostgreSQL store: any replica's worker takes a job; one
 *   whose worker died is taken again after its expiry, one handed back at a graceful stop at once.
 * A job runs at least once: its run starts over from its stored input and writes the same result
 * (same ZIP, same hash: stored once).
 */
import type { Store } from '../store/types.js';

/** A run stopped because its process is stopping: the job goes back to the queue, not to failure. */
export class JobInterrupted extends Error {
  constructor(readonly jobId: string) {
    super(`Job ${jobId} interrupted: its process is stopping`);
    this.name = 'JobInterrupted';
  }
}

export interface JobQueue {
  readonly name: string;
  /** Starts taking jobs; `run` runs one from its id (and throws JobInterrupted when stopping). */
  start(run: (jobId: string) => Promise<void>): Promise<void>;
  /** A job was stored (or may be waiting): have it run. */
  enqueue(jobId?: string): Promise<void>;
  /** Resolves when this process runs no job and none is waiting for it (tests, graceful stop). */
  idle(): Promise<void>;
  /** Takes no more jobs; the one running is handed back. */
  stop(): Promise<void>;
}

/** This process runs the waiting jobs, oldest first, one at a time. */
export class LocalQueue implements JobQueue {
  readonly name = 'local';
  private run: ((jobId: string) => Promise<void>) | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  async start(run: (jobId: string) => Promise<void>): Promise<void> {
    this.run = run;
    await this.enqueue();
  }

  async enqueue(): Promise<void> {
    if (this.stopped || !this.run) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch(this.onError)
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          void this.enqueue();
        }
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      this.again = false;
      if (this.stopped) return;
      const [job] = await this.store.pendingJobs();
      if (!job) return;
      try {
        await this.run!(job.id);
      } catch (error) {
        // Left for the next start, which finds it waiting again.
        if (error instanceof JobInterrupted) return;
        throw error;
      }
    }
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }
}
