/**
 * Where the time goes: the generator's own stage timings (GeneratedDocument.timings), in-process,
 * one document at a time, for each kind and format. No HTTP, no archive: the stages only.
 */
import type { StageName, StageTimings } from '../../src/formats/index.js';
import type { Generator } from '../../src/generator.js';
import { median } from './stats.js';

/** The stages, in the order a render goes through them. */
export const STAGES: StageName[] = ['validation', 'viewModel', 'docx', 'package', 'html', 'printQueue', 'print', 'finishing', 'text', 'total'];

export interface StageRow {
  kind: string;
  format: string;
  count: number;
  /** Median milliseconds of each stage (undefined: the stage did not run for this format). */
  medians: Partial<Record<StageName, number>>;
}

export async function stageBreakdown(generator: Generator, kind: string, format: string, input: unknown, count: number, warmup = 5): Promise<StageRow> {
  for (let i = 0; i < warmup; i++) await generator.generate(kind, input, { format, mode: 'final' });
  const runs: StageTimings[] = [];
  for (let i = 0; i < count; i++) {
    const doc = await generator.generate(kind, input, { format, mode: 'final' });
    runs.push(doc.timings ?? {});
  }
  const medians: Partial<Record<StageName, number>> = {};
  for (const stage of STAGES) {
    const values = runs.map((t) => t[stage]).filter((v): v is number => v !== undefined);
    if (values.length > 0) medians[stage] = median(values);
  }
  return { kind, format, count, medians };
}
