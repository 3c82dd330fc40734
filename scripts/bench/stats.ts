/** Closed-loop load: `count` calls, `concurrency` at a time, each timed; and the figures drawn from them. */
import { performance } from 'node:perf_hooks';

export interface LoadResult {
  /** Latencies of the successful calls, in milliseconds, sorted. */
  latencies: number[];
  /** Wall time of the whole load, in milliseconds. */
  wallMs: number;
  /** Calls made (successful or not). */
  count: number;
  errors: string[];
}

export interface Figures {
  count: number;
  errors: number;
  median: number;
  p95: number;
  /** Successful calls per second over the wall time of the load. */
  throughput: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/**
 * `concurrency` workers, each calling `call` again as soon as its previous call ended, until
 * `count` calls were started (a closed loop, as that many clients would) and, with `minMs`, for
 * that long at least: a fast document gets enough calls for its median to mean something.
 */
export async function load(count: number, concurrency: number, call: (index: number) => Promise<void>, { minMs = 0 }: { minMs?: number } = {}): Promise<LoadResult> {
  const latencies: number[] = [];
  const errors: string[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, async () => {
      while (next < count || performance.now() - start < minMs) {
        const index = next++;
        const t = performance.now();
        try {
          await call(index);
          latencies.push(performance.now() - t);
        } catch (error) {
          errors.push(error instanceof Error ? error.message : String(error));
        }
      }
    }),
  );
  const wallMs = performance.now() - start;
  latencies.sort((a, b) => a - b);
  return { latencies, wallMs, count: next, errors };
}

export function figures(result: LoadResult): Figures {
  return {
    count: result.count,
    errors: result.errors.length,
    median: percentile(result.latencies, 50),
    p95: percentile(result.latencies, 95),
    throughput: result.latencies.length / (result.wallMs / 1000),
  };
}

/** Several loads of the same thing as one: latencies pooled, wall times added. */
export function merge(results: readonly LoadResult[]): LoadResult {
  return {
    latencies: results.flatMap((r) => r.latencies).sort((a, b) => a - b),
    wallMs: results.reduce((sum, r) => sum + r.wallMs, 0),
    count: results.reduce((sum, r) => sum + r.count, 0),
    errors: results.flatMap((r) => r.errors),
  };
}
