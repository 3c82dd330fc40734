/**
 * Prometheus metrics (prom-client), one registry per app: documents rendered by kind, format and
 * outcome with their durations, HTTP requests by route pattern and status, the PDF engine's queue,
 * pages, restarts and memory, batch jobs waiting, and the process's own metrics. Labels are
 * bounded sets (kinds, formats, route patterns): never a value sent by a client.
 */
import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ServiceError } from '../core/errors.js';
import type { DocumentKind } from '../core/kind.js';
import { listKinds } from '../core/registry.js';
import { FORMAT_IDS } from '../formats/index.js';
import type { Generator } from '../generator.js';
import { statusOf } from './problem.js';

/** What the PDF engine tells about itself, read at each scrape. */
export interface EngineStats {
  pages: number;
  busy: number;
  queued: number;
  restarts: number;
  launches: number;
  memoryBytes: number;
}

export interface MetricsSources {
  /** The PDF engine's state (absent: the engine's gauges stay at 0). */
  engine?: () => EngineStats | Promise<EngineStats>;
  /** Jobs waiting or running. */
  pendingJobs?: () => Promise<number>;
}

export type RenderOutcome = 'ok' | 'refused' | 'busy' | 'unavailable' | 'error';

export class Metrics {
  readonly registry = new Registry();
  private readonly renders: Counter<'kind' | 'format' | 'outcome'>;
  private readonly renderSeconds: Histogram<'kind' | 'format'>;
  private readonly httpSeconds: Histogram<'method' | 'route' | 'status'>;
  private readonly inFlight: Gauge;
  private sources: MetricsSources = {};

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.renders = new Counter({ name: 'documents_renders_total', help: 'Documents rendered, by kind, format and outcome.', labelNames: ['kind', 'format', 'outcome'], registers });
    this.renderSeconds = new Histogram({
      name: 'documents_render_duration_seconds',
      help: 'Duration of successful renders, from the input to the bytes.',
      labelNames: ['kind', 'format'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.httpSeconds = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Duration of HTTP requests, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.inFlight = new Gauge({ name: 'http_requests_in_flight', help: 'HTTP requests being served.', registers });
    const engine = async () => (await this.sources.engine?.()) ?? undefined;
    const gauge = (name: string, help: string, read: (s: EngineStats) => number) =>
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          const stats = await engine();
          this.set(stats ? read(stats) : 0);
        },
      });
    gauge('pdf_queue_depth', 'PDF renders waiting for a page.', (s) => s.queued);
    gauge('pdf_pages', 'Pages of the PDF engine.', (s) => s.pages);
    gauge('pdf_pages_busy', 'Pages of the PDF engine rendering now.', (s) => s.busy);
    gauge('pdf_engine_restarts', 'Restarts of the PDF engine since start (renders count, memory, crash).', (s) => s.restarts);
    gauge('pdf_engine_launches', 'Launches of the PDF engine since start.', (s) => s.launches);
    gauge('pdf_engine_memory_bytes', 'Memory of the PDF engine (proportional set size of its processes).', (s) => s.memoryBytes);
    const sources = () => this.sources;
    new Gauge({
      name: 'jobs_pending',
      help: 'Batch jobs waiting or running.',
      registers,
      async collect() {
        this.set((await sources().pendingJobs?.()) ?? 0);
      },
    });
  }

  /** Where the gauges read the engine's and the jobs' state. */
  observe(sources: MetricsSources): void {
    this.sources = { ...this.sources, ...sources };
  }

  render(kind: string, format: string, outcome: RenderOutcome, seconds: number): void {
    this.renders.inc({ kind, format, outcome });
    if (outcome === 'ok') this.renderSeconds.observe({ kind, format }, seconds);
  }

  /** Times every request, labelled with its route pattern (never its path: ids stay out). */
  httpMiddleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const start = performance.now();
      this.inFlight.inc();
      res.once('close', () => this.inFlight.dec());
      res.once('finish', () => {
        const pattern = (req.route as { path?: unknown } | undefined)?.path;
        const route = typeof pattern === 'string' ? `${req.baseUrl}${pattern}` : res.statusCode === 404 ? 'inconnue' : 'autre';
        this.httpSeconds.observe({ method: req.method, route, status: String(res.statusCode) }, (performance.now() - start) / 1000);
      });
      next();
    };
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }
}

const KNOWN_KINDS = () => new Set(listKinds().map((k) => k.id));

function outcomeOf(error: unknown): RenderOutcome {
  if (!(error instanceof ServiceError)) return 'error';
  const status = statusOf(error);
  if (status === 429) return 'busy';
  if (status === 503) return 'unavailable';
  return status < 500 ? 'refused' : 'error';
}

/**
 * The generator with every render counted and timed: the same object for the rest of the service
 * (routes, archive, jobs), which need not know about metrics.
 */
export function instrument(generator: Generator, metrics: Metrics): Generator {
  const known = KNOWN_KINDS();
  const formats = new Set<string>(FORMAT_IDS);
  const measured = Object.create(generator) as Generator;
  measured.generate = async (kindOrId, input, options = {}) => {
    const id = typeof kindOrId === 'string' ? kindOrId : (kindOrId as DocumentKind).id;
    const kind = known.has(id) ? id : 'inconnu';
    const format = options.format === undefined ? 'pdf' : formats.has(options.format) ? options.format : 'autre';
    const start = performance.now();
    try {
      const doc = await generator.generate(kindOrId, input, options);
      metrics.render(kind, format, 'ok', (performance.now() - start) / 1000);
      return doc;
    } catch (error) {
      metrics.render(kind, format, outcomeOf(error), (performance.now() - start) / 1000);
      throw error;
    }
  };
  return measured;
}
