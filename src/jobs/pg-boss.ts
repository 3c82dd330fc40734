/**
 * The shared job queue of the replicas, on the PostgreSQL store's database (pg-boss 10): a stored
 * job is sent to the queue under its own id (sent twice, it is queued once); any replica's worker
 * takes it. A job whose worker dies stays active until it expires (`expireSeconds`), then is taken
 * again; a replica that stops gracefully hands its running job back at once (pg-boss fails the
 * work in progress, which is retried). A run starts over from the stored input and writes the same
 * result; a job already ended is not run again. A fault (not an interruption) is retried up to
 * `retryLimit` times, then the job ends in failure, with its message.
 */
import PgBoss from 'pg-boss';
import type { Store } from '../store/types.js';
import { JobInterrupted, type JobQueue } from './queue.js';

export const QUEUE_NAME = 'lots-de-documents';

export interface PgBossQueueOptions {
  /** The PostgreSQL connection string (the store's). */
  url: string;
  /** Jobs run at once by this replica. */
  concurrency: number;
  /** A job running longer is taken to be dead and run again, in seconds. */
  expireSeconds: number;
  /** Runs of a job that fails by a fault, after the first. */
  retryLimit: number;
  /** How often an idle worker looks for a job, in seconds. */
  pollSeconds: number;
  /** How often expired jobs are looked for, in seconds. */
  maintenanceSeconds: number;
}

interface Message {
  jobId: string;
}

export class PgBossQueue implements JobQueue {
  readonly name = 'pg-boss';
  private readonly boss: PgBoss;
  private readonly running = new Set<Promise<void>>();
  private started = false;

  constructor(
    private readonly store: Store,
    private readonly options: PgBossQueueOptions,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    this.boss = new PgBoss({
      connectionString: options.url,
      schema: 'pgboss',
      max: Math.max(2, options.concurrency + 1),
      application_name: 'clauses-sociales-documents (file)',
      maintenanceIntervalSeconds: options.maintenanceSeconds,
      // No cron schedules here.
      schedule: false,
    });
    this.boss.on('error', onError);
  }

  async start(run: (jobId: string) => Promise<void>): Promise<void> {
    await this.boss.start();
    // Replicas starting together may create the queue at the same moment: PostgreSQL then picks a
    // deadlock victim (40P01), which tries again (creating the queue twice does nothing).
    for (let attempt = 1; ; attempt++) {
      try {
        await this.boss.createQueue(QUEUE_NAME, { name: QUEUE_NAME, retryLimit: this.options.retryLimit, retryDelay: 1, expireInSeconds: this.options.expireSeconds });
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== '40P01' || attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
    this.started = true;
    for (let i = 0; i < this.options.concurrency; i++) {
      await this.boss.work<Message>(QUEUE_NAME, { batchSize: 1, pollingIntervalSeconds: this.options.pollSeconds, includeMetadata: true }, async ([job]) => {
        if (!job) return;
        const running = this.runOne(run, job.data.jobId, job.retryCount >= job.retryLimit);
        this.running.add(running);
        try {
          await running;
        } finally {
          this.running.delete(running);
        }
      });
    }
    // Jobs stored but never queued (a process stopped between the two writes): queued now.
    for (const job of await this.store.waitingJobs()) await this.enqueue(job.id);
  }

  private async runOne(run: (jobId: string) => Promise<void>, jobId: string, lastTry: boolean): Promise<void> {
    try {
      await run(jobId);
    } catch (error) {
      // Interrupted: back to the queue (retried). A fault: retried, and on the last try the job fails.
      if (error instanceof JobInterrupted || !lastTry) throw error;
      this.onError(error);
      await this.store.updateJob(jobId, { statut: 'echec', message: 'Erreur interne : le lot n’a pas pu être produit.' });
    }
  }

  async enqueue(jobId?: string): Promise<void> {
    if (!jobId || !this.started) return;
    await this.boss.send(QUEUE_NAME, { jobId } satisfies Message, { id: jobId, retryLimit: this.options.retryLimit, retryDelay: 1, expireInSeconds: this.options.expireSeconds });
  }

  /** Takes no new job, leaving the running ones as they are (what a replica that died does). */
  async stopTaking(): Promise<void> {
    await this.boss.offWork(QUEUE_NAME);
  }

  async idle(): Promise<void> {
    for (;;) {
      while (this.running.size > 0) await Promise.allSettled([...this.running]);
      if (!this.started || (await this.boss.getQueueSize(QUEUE_NAME)) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    // The runner throws JobInterrupted at its next item; what is still running after the grace is failed, hence retried.
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}
