/**
 * The service's settings, read once from the environment with documented defaults (see the README's
 * "Settings" table). Every limit that protects the service against hostile input lives here.
 */
import { resolve } from 'node:path';
import { fromRoot } from './core/paths.js';


export interface InputLimits {
  /** Largest JSON body, in bytes. */
  jsonBytes: number;
  /** Largest uploaded file, in bytes. */
  fileBytes: number;
}

export interface SpreadsheetLimits {
  /** Largest total size of a workbook's files once decompressed, in bytes. */
  inflatedBytes: number;
  /** Most files inside a workbook (an XLSX has about 10). */
  zipEntries: number;
  /** Largest ratio between a file's decompressed and compressed size (real sheets stay under 30). */
  compressionRatio: number;
  /** Most follow-up rows (per person, market and month) in one upload. */
  followUpRows: number;
  /** Most markets in one upload. */
  marketRows: number;
  /** Most columns in a sheet. */
  columns: number;
}

export interface ServerSettings {
  host: string;
  port: number;
  /** Most connections open at once; beyond, new ones are closed at once. */
  maxConnections: number;
  /** Time allowed to receive a request's headers, in ms. */
  headersTimeoutMs: number;
  /** Time allowed to receive a whole request (headers and body), in ms. */
  requestTimeoutMs: number;
  /** A connection with no traffic for this long is closed, in ms. */
  idleTimeoutMs: number;
  /** Keep-alive connections waiting for a next request are closed after this long, in ms. */
  keepAliveTimeoutMs: number;
  /** On SIGTERM, requests in flight have this long to finish before their connections close, in ms. */
  shutdownGraceMs: number;
  /** When set, /metrics needs `Authorization: Bearer <token>`. */
  metricsToken?: string;
}

export interface WorkerSettings {
  /** Worker threads for parsing uploads; default: one less than the cores, at least one. */
  threads?: number;
  /** Most parsing tasks waiting for a worker; beyond, 429. */
  queue: number;
  /** Time allowed to read one upload, in ms. */
  timeoutMs: number;
  /** Heap of a worker, in MiB. */
  memoryMb: number;
  /** Inputs with at least this many items in their lists are rendered in a worker thread. */
  renderMinItems: number;
}

export interface StoreSettings {
  /**
   * Which store keeps the organisations' work: "sqlite" (embedded, the default) or "postgres"
   * (chosen as well when DATABASE_URL is a postgres:// or postgresql:// address and STORE is unset).
   */
  strategy: string;
  /** Folder of the embedded database and of the archived files. */
  dataDir: string;
  /** Connection string of a networked store. */
  url?: string;
  /** Most connections to the database a process opens at once (networked store). */
  poolMax: number;
  /** The first facilitator key (all scopes), when set; otherwise the first start creates and prints one. */
  adminKey?: string;
  /** Name of the facilitator organisation created at the first start. */
  adminOrganisation: string;
}

export interface WebhookSettings {
  /** Notification addresses may be on this machine or a private network (tests, an intranet). */
  allowPrivateTargets: boolean;
}

/** The shared job queue of the replicas (PostgreSQL store only: pg-boss). */
export interface JobSettings {
  /** Jobs run at once by one replica. */
  concurrency: number;
  /** A job running longer is taken to be dead (its replica stopped) and run again, in seconds. */
  expireSeconds: number;
  /** Runs of a job failing by a fault, after the first. */
  retryLimit: number;
  /** How often an idle replica looks for a job, in seconds. */
  pollSeconds: number;
  /** How often expired jobs are looked for, in seconds. */
  maintenanceSeconds: number;
}

export interface Settings {
  server: ServerSettings;
  jobs: JobSettings;
  store: StoreSettings;
  input: InputLimits;
  spreadsheets: SpreadsheetLimits;
  workers: WorkerSettings;
  webhooks: WebhookSettings;
  /** pino log level: fatal, error, warn, info, debug, trace or silent. */
  logLevel: string;
}

const MB = 1024 * 1024;

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`Setting ${name} must be a positive number, got "${raw}"`);
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name]?.trim() ?? '';
  if (raw !== '' && raw !== 'true' && raw !== 'false') throw new Error(`Setting ${name} must be true or false, got "${raw}"`);
  return raw === 'true';
}

/** Bodies and files up to 20 MiB: a year of follow-up data of a large facilitator is about 8 MiB of JSON. */
export const DEFAULT_INPUT_LIMITS: InputLimits = { jsonBytes: 20 * MB, fileBytes: 20 * MB };

export const DEFAULT_SPREADSHEET_LIMITS: SpreadsheetLimits = {
  inflatedBytes: 100 * MB,
  zipEntries: 1000,
  compressionRatio: 200,
  followUpRows: 500_000,
  marketRows: 5000,
  columns: 100,
};

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return {
    server: {
      host: env.HOST?.trim() || '127.0.0.1',
      port: positive(env, 'PORT', 3000),
      maxConnections: positive(env, 'MAX_CONNECTIONS', 1024),
      headersTimeoutMs: positive(env, 'HEADERS_TIMEOUT_MS', 10_000),
      requestTimeoutMs: positive(env, 'REQUEST_TIMEOUT_MS', 30_000),
      idleTimeoutMs: positive(env, 'IDLE_TIMEOUT_MS', 60_000),
      keepAliveTimeoutMs: positive(env, 'KEEP_ALIVE_TIMEOUT_MS', 5_000),
      shutdownGraceMs: positive(env, 'SHUTDOWN_GRACE_MS', 30_000),
      metricsToken: env.METRICS_TOKEN?.trim() || undefined,
    },
    store: {
      strategy: env.STORE?.trim() || (/^postgres(ql)?:\/\//i.test(env.DATABASE_URL?.trim() ?? '') ? 'postgres' : 'sqlite'),
      dataDir: resolve(env.DATA_DIR?.trim() || fromRoot('data')),
      url: env.DATABASE_URL?.trim() || undefined,
      poolMax: positive(env, 'PG_POOL_MAX', 10),
      adminKey: env.DOCS_ADMIN_KEY?.trim() || undefined,
      adminOrganisation: env.DOCS_ADMIN_ORGANISATION?.trim() || 'Structure porteuse de la clause',
    },
    input: {
      jsonBytes: positive(env, 'MAX_BODY_BYTES', DEFAULT_INPUT_LIMITS.jsonBytes),
      fileBytes: positive(env, 'MAX_FILE_BYTES', DEFAULT_INPUT_LIMITS.fileBytes),
    },
    spreadsheets: {
      inflatedBytes: positive(env, 'MAX_INFLATED_BYTES', DEFAULT_SPREADSHEET_LIMITS.inflatedBytes),
      zipEntries: positive(env, 'MAX_ZIP_ENTRIES', DEFAULT_SPREADSHEET_LIMITS.zipEntries),
      compressionRatio: positive(env, 'MAX_COMPRESSION_RATIO', DEFAULT_SPREADSHEET_LIMITS.compressionRatio),
      followUpRows: positive(env, 'MAX_FOLLOWUP_ROWS', DEFAULT_SPREADSHEET_LIMITS.followUpRows),
      marketRows: positive(env, 'MAX_MARKET_ROWS', DEFAULT_SPREADSHEET_LIMITS.marketRows),
      columns: positive(env, 'MAX_COLUMNS', DEFAULT_SPREADSHEET_LIMITS.columns),
    },
    workers: {
      threads: env.PARSE_THREADS ? positive(env, 'PARSE_THREADS', 1) : undefined,
      queue: positive(env, 'PARSE_QUEUE', 16),
      timeoutMs: positive(env, 'PARSE_TIMEOUT_MS', 120_000),
      memoryMb: positive(env, 'PARSE_MEMORY_MB', 2048),
      renderMinItems: positive(env, 'OFF_THREAD_ITEMS', 1000),
    },
    webhooks: { allowPrivateTargets: flag(env, 'WEBHOOK_ALLOW_PRIVATE') },
    jobs: {
      concurrency: Math.floor(positive(env, 'JOB_CONCURRENCY', 1)),
      expireSeconds: Math.floor(positive(env, 'JOB_EXPIRE_SECONDS', 900)),
      retryLimit: Math.floor(positive(env, 'JOB_RETRY_LIMIT', 3)),
      pollSeconds: positive(env, 'JOB_POLL_SECONDS', 2),
      maintenanceSeconds: Math.floor(positive(env, 'JOB_MAINTENANCE_SECONDS', 30)),
    },
    logLevel: env.LOG_LEVEL?.trim() || 'info',
  };
}

let current: Settings | undefined;

/** The settings of this process, read from the environment on first use. */
export function settings(): Settings {
  current ??= readSettings();
  return current;
}
