/**
 * Batches: one call, many documents, one ZIP. A job is stored before it runs (it survives a restart:
 * a job left running starts again), reports its progress (done / total), and ends with a ZIP of the
 * files and a manifest (file names, hashes, the error of each item that failed). A queue (queue.ts)
 * decides which process runs a job: this one, one job at a time, or any replica's worker (pg-boss);
 * each item goes through the same generator as a single document. Three kinds
 * of batch: documents given one by one; the bilan of every market of a year; a mail merge (one
 * document per line of a CSV over common data: a convention per buyer, a letter per holder). A job may
 * ask for a signed notification of its end (src/webhooks), sent by the runner's WebhookDispatcher.
 */
import PizZip from 'pizzip';
import Joi from 'joi';
import type { Principal } from '../access/index.js';
import { InvalidInputError, ServiceError, type FieldError } from '../core/errors.js';
import { mergeUnder } from '../core/dossier-merge.js';
import { slug } from '../core/french.js';
import { listKinds } from '../core/registry.js';
import { validate } from '../core/validation.js';
import { FORMAT_IDS } from '../formats/index.js';
import type { Generator } from '../generator.js';
import { sha256 } from '../store/files.js';
import type { Job, Store } from '../store/types.js';
import { readWebhook, shownUrl, WebhookDispatcher, webhookSchema, type WebhookOptions } from '../webhooks/index.js';
import { JobInterrupted, LocalQueue, type JobQueue } from './queue.js';

export { JobInterrupted, LocalQueue, type JobQueue } from './queue.js';

export const MAX_JOB_ITEMS = 1000;

interface Item {
  kind: string;
  donnees: unknown;
  format: string;
  mode: string;
  nom?: string;
}

const itemSchema = Joi.object({
  kind: Joi.string().trim().max(60).label('Type de document').required(),
  donnees: Joi.object().unknown(true).label('Données').required(),
  format: Joi.string().valid(...FORMAT_IDS).label('Format').default('pdf'),
  mode: Joi.string().valid('final', 'draft').label('Mode').default('final'),
  nom: Joi.string().trim().max(100).label('Nom du fichier'),
}).label('Document');

export const jobSchema = Joi.alternatives()
  .try(
    Joi.object({
      type: Joi.string().valid('documents').required(),
      documents: Joi.array().items(itemSchema).min(1).max(MAX_JOB_ITEMS).label('Documents').required(),
      webhook: webhookSchema,
    }),
    Joi.object({
      type: Joi.string().valid('publipostage').required(),
      kind: Joi.string().trim().max(60).label('Type de document').required(),
      format: Joi.string().valid(...FORMAT_IDS).label('Format').default('pdf'),
      mode: Joi.string().valid('final', 'draft').label('Mode').default('final'),
      commun: Joi.object().unknown(true).label('Données communes').default({}),
      lignes: Joi.array().items(Joi.object().unknown(true).label('Ligne')).min(1).max(MAX_JOB_ITEMS).label('Lignes').required(),
      webhook: webhookSchema,
    }),
    Joi.object({
      type: Joi.string().valid('bilans-marches').required(),
      annee: Joi.number().integer().min(2000).max(2100).label('Année').required(),
      format: Joi.string().valid(...FORMAT_IDS).label('Format').default('pdf'),
      mode: Joi.string().valid('final', 'draft').label('Mode').default('draft'),
      bilan: Joi.object().unknown(true).label('Données communes des bilans').required(),
      webhook: webhookSchema,
    }),
  )
  .label('Lot de documents');

export type JobRequest =
  | { type: 'documents'; documents: Item[] }
  | { type: 'publipostage'; kind: string; format: string; mode: string; commun: Record<string, unknown>; lignes: Record<string, unknown>[] }
  | { type: 'bilans-marches'; annee: number; format: string; mode: string; bilan: Record<string, unknown> & { donnees?: { marches?: { reference: string; dateDebut: string; dateFin: string }[] } } };

/** The items of a job: given one by one, or one bilan per market active during the year. */
export function itemsOf(request: JobRequest): Item[] {
  if (request.type === 'documents') return request.documents;
  if (request.type === 'publipostage') {
    // Line n of the CSV is item n - 1 (line 1 is the header); a "fichier" column names the file.
    return request.lignes.map(({ fichier, ...row }, i) => ({
      kind: request.kind,
      donnees: mergeUnder(request.commun, row),
      format: request.format,
      mode: request.mode,
      nom: `ligne-${String(i + 2).padStart(4, '0')}${typeof fichier === 'string' && fichier.trim() ? `-${fichier}` : ''}`,
    }));
  }
  const markets = request.bilan.donnees?.marches ?? [];
  const year = String(request.annee);
  return markets
    .filter((m) => String(m.dateDebut).slice(0, 4) <= year && String(m.dateFin).slice(0, 4) >= year)
    .map((m) => ({
      kind: 'bilan-marche',
      donnees: { moisArrete: `${year}-12`, ...request.bilan, marche: m.reference },
      format: request.format,
      mode: request.mode,
      nom: `bilan-${m.reference}`,
    }));
}

/**
 * The checked submission: the request (without its `webhook`, which is kept apart so that its secret
 * never lands in the stored input), its items, and the notification asked for, if any.
 */
export function checkJob(raw: unknown, options: { allowPrivateTargets?: boolean } = {}): { request: JobRequest; items: Item[]; webhook?: { url: string; secret: string } } {
  let body = raw;
  let webhook: { url: string; secret: string } | undefined;
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'webhook' in raw) {
    const { webhook: given, ...rest } = raw as Record<string, unknown>;
    webhook = readWebhook(given, { allowPrivateTargets: options.allowPrivateTargets ?? false });
    body = rest;
  }
  const request = validate<JobRequest>(jobSchema as unknown as Joi.ObjectSchema, body, 'final').value;
  const items = itemsOf(request);
  const known = new Set(listKinds().map((k) => k.id));
  const kindPath = (i: number) => (request.type === 'documents' ? `documents.${i}.kind` : 'kind');
  const unknown = items.flatMap((it, i) => (known.has(it.kind) ? [] : [[i, it.kind] as const]));
  const errors: FieldError[] = (request.type === 'documents' ? unknown : unknown.slice(0, 1)).map(([i, k]) => ({ path: kindPath(i), type: 'any.only', message: `Type de document inconnu : « ${k} ».` }));
  if (items.length === 0) errors.push({ path: 'annee', type: 'annee.vide', message: 'Aucun marché en cours cette année dans les données : aucun bilan à produire.' });
  if (items.length > MAX_JOB_ITEMS) errors.push({ path: 'annee', type: 'array.max', message: `Au plus ${MAX_JOB_ITEMS} documents par lot.` });
  if (errors.length > 0) throw new InvalidInputError('Lot de documents invalide.', errors);
  return { request, items, webhook };
}

/** `allowPrivateTargets`: accept a notification address on this machine or the local network. */
export async function submitJob(store: Store, principal: Principal, raw: unknown, options: { allowPrivateTargets?: boolean } = {}): Promise<Job> {
  const { request, items, webhook } = checkJob(raw, options);
  const job = await store.createJob({ type: request.type, proprietaireId: principal.organisation.id, organisationId: principal.organisation.id, cleId: principal.key.id, total: items.length, entree: request, webhook });
  await store.audit({
    organisationId: principal.organisation.id,
    cleId: principal.key.id,
    action: 'lot.cree',
    cible: job.id,
    details: { type: request.type, total: items.length, ...(webhook ? { notification: shownUrl(webhook.url) } : {}) },
  });
  return job;
}

export interface JobRunnerOptions {
  /** The notifications of the jobs' ends: a dispatcher, or its options (default: the defaults). */
  webhooks?: WebhookDispatcher | WebhookOptions;
  /** Who runs the jobs (default: this process, one at a time: LocalQueue). */
  queue?: JobQueue;
}

/**
 * Runs the stored jobs its queue hands it; `kick` after a submission (and at start), `stop` before
 * closing the store. Its WebhookDispatcher (`webhooks`) is kicked, awaited and stopped with it.
 */
export class JobRunner {
  private stopped = false;
  private started: Promise<void> | undefined;
  readonly webhooks: WebhookDispatcher;
  readonly queue: JobQueue;

  constructor(
    private readonly store: Store,
    private readonly generator: Generator,
    private readonly onError: (error: unknown) => void = () => {},
    options: JobRunnerOptions = {},
  ) {
    this.webhooks = options.webhooks instanceof WebhookDispatcher ? options.webhooks : new WebhookDispatcher(store, options.webhooks, onError);
    this.queue = options.queue ?? new LocalQueue(store, onError);
  }

  /** Have the job (or any waiting job) run, and the due notifications sent. */
  kick(jobId?: string): void {
    this.webhooks.kick();
    if (this.stopped) return;
    this.started ??= this.queue.start((id) => this.runById(id));
    void this.started.then(() => this.queue.enqueue(jobId)).catch(this.onError);
  }

  /** Resolves when no job runs here and no notification is being sent (for tests and a graceful stop). */
  async idle(): Promise<void> {
    await this.started?.catch(() => undefined);
    await this.queue.idle();
    await this.webhooks.idle();
    await this.queue.idle();
  }

  /** Takes no more jobs; a job running here is handed back to the queue (another process, or the next start, runs it). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.started?.catch(() => undefined);
    await Promise.all([this.queue.stop(), this.webhooks.stop()]);
  }

  /** Runs a job from its id; one already ended (run by another process, or twice delivered) is left as it is. */
  private async runById(id: string): Promise<void> {
    const job = await this.store.getJob(id);
    if (!job || job.statut === 'termine' || job.statut === 'echec') return;
    await this.run(job);
  }

  private async run(job: Job): Promise<void> {
    await this.store.updateJob(job.id, { statut: 'en-cours', faits: 0, erreurs: 0 });
    const items = itemsOf(job.entree as JobRequest);
    const zip = new PizZip();
    const manifest: { nom: string; kind: string; format: string; sha256?: string; taille?: number; erreur?: { message: string; erreurs: FieldError[] } }[] = [];
    const used = new Set<string>();
    let errors = 0;
    for (const [i, item] of items.entries()) {
      if (this.stopped) throw new JobInterrupted(job.id);
      const base = slug(item.nom ?? `${String(i + 1).padStart(4, '0')}-${item.kind}`, 80) || `document-${i + 1}`;
      let name = `${base}.${item.format}`;
      for (let n = 2; used.has(name); n++) name = `${base}-${n}.${item.format}`;
      used.add(name);
      try {
        const doc = await this.generator.generate(item.kind, item.donnees, { format: item.format, mode: item.mode, now: new Date(job.creeLe) });
        zip.file(name, doc.bytes, { date: new Date(job.creeLe) });
        manifest.push({ nom: name, kind: item.kind, format: item.format, sha256: doc.sha256, taille: doc.bytes.length });
      } catch (error) {
        if (!(error instanceof ServiceError) || error.transient) this.onError(error);
        errors++;
        const known = error instanceof ServiceError;
        manifest.push({ nom: name, kind: item.kind, format: item.format, erreur: { message: known ? error.message : 'Erreur interne : le document n’a pas pu être produit.', erreurs: known ? error.errors.slice(0, 100) : [] } });
      }
      await this.store.updateJob(job.id, { faits: i + 1, erreurs: errors });
    }
    zip.file('manifeste.json', JSON.stringify({ lot: job.id, type: job.type, creeLe: job.creeLe, total: items.length, erreurs: errors, fichiers: manifest }, null, 2), { date: new Date(job.creeLe) });
    const bytes = zip.generate({ type: 'nodebuffer', compression: 'DEFLATE' });
    // A run taken for dead (its job expired and was run again elsewhere) that wakes up writes nothing.
    const current = await this.store.getJob(job.id);
    if (current?.statut === 'termine' || current?.statut === 'echec') return;
    await this.store.setJobResult(job.id, bytes);
    await this.store.updateJob(job.id, {
      statut: errors === items.length ? 'echec' : 'termine',
      message: errors > 0 ? `${errors} document${errors > 1 ? 's' : ''} sur ${items.length} n’${errors > 1 ? 'ont' : 'a'} pas pu être produit${errors > 1 ? 's' : ''} : voir manifeste.json.` : null,
    });
    await this.store.audit({ organisationId: job.organisationId, cleId: job.cleId, action: 'lot.termine', cible: job.id, details: { total: items.length, erreurs: errors, sha256: sha256(bytes) } });
    // The notification is due from now on (the store knows it from the job's end): send it.
    if (job.notification) this.webhooks.kick();
  }
}
