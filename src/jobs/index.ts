/**
 * Batches: one call, many documents, one ZIP. A job is stored before it runs (it survives a restart:
 * a job left running starts again), reports its progress (done / total), and ends with a ZIP of the
 * files and a manifest (file names, hashes, the error of each item that failed). Jobs run one at a
 * time beside the requests, each item through the same generator as a single document.
 */
import PizZip from 'pizzip';
import Joi from 'joi';
import type { Principal } from '../access/index.js';
import { InvalidInputError, ServiceError, type FieldError } from '../core/errors.js';
import { slug } from '../core/french.js';
import { listKinds } from '../core/registry.js';
import { validate } from '../core/validation.js';
import { FORMAT_IDS } from '../formats.js';
import type { Generator } from '../generator.js';
import { sha256 } from '../store/files.js';
import type { Job, Store } from '../store/types.js';

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
    }),
    Joi.object({
      type: Joi.string().valid('bilans-marches').required(),
      annee: Joi.number().integer().min(2000).max(2100).label('Année').required(),
      format: Joi.string().valid(...FORMAT_IDS).label('Format').default('pdf'),
      mode: Joi.string().valid('final', 'draft').label('Mode').default('draft'),
      bilan: Joi.object().unknown(true).label('Données communes des bilans').required(),
    }),
  )
  .label('Lot de documents');

export type JobRequest =
  | { type: 'documents'; documents: Item[] }
  | { type: 'bilans-marches'; annee: number; format: string; mode: string; bilan: Record<string, unknown> & { donnees?: { marches?: { reference: string; dateDebut: string; dateFin: string }[] } } };

/** The items of a job: given one by one, or one bilan per market active during the year. */
export function itemsOf(request: JobRequest): Item[] {
  if (request.type === 'documents') return request.documents;
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

export function checkJob(raw: unknown): { request: JobRequest; items: Item[] } {
  const request = validate<JobRequest>(jobSchema as unknown as Joi.ObjectSchema, raw, 'final').value;
  const items = itemsOf(request);
  const known = new Set(listKinds().map((k) => k.id));
  const errors: FieldError[] = items.flatMap((it, i) => (known.has(it.kind) ? [] : [[i, it.kind] as const])).map(([i, k]) => ({ path: `documents.${i}.kind`, type: 'any.only', message: `Type de document inconnu : « ${k} ».` }));
  if (items.length === 0) errors.push({ path: 'annee', type: 'annee.vide', message: 'Aucun marché en cours cette année dans les données : aucun bilan à produire.' });
  if (items.length > MAX_JOB_ITEMS) errors.push({ path: 'annee', type: 'array.max', message: `Au plus ${MAX_JOB_ITEMS} documents par lot.` });
  if (errors.length > 0) throw new InvalidInputError('Lot de documents invalide.', errors);
  return { request, items };
}

export async function submitJob(store: Store, principal: Principal, raw: unknown, webhook: string | null = null): Promise<Job> {
  const { request, items } = checkJob(raw);
  const job = await store.createJob({ type: request.type, proprietaireId: principal.organisation.id, organisationId: principal.organisation.id, cleId: principal.key.id, total: items.length, entree: request, webhook });
  await store.audit({ organisationId: principal.organisation.id, cleId: principal.key.id, action: 'lot.cree', cible: job.id, details: { type: request.type, total: items.length } });
  return job;
}

/** Runs the waiting jobs one after the other; `kick` after a submission, `stop` before closing the store. */
export class JobRunner {
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly generator: Generator,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  kick(): void {
    if (this.stopped || this.running) return;
    this.running = this.drain()
      .catch(this.onError)
      .finally(() => {
        this.running = undefined;
      });
  }

  /** Resolves when no job is waiting (for tests and a graceful stop). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const [job] = await this.store.pendingJobs();
      if (!job) return;
      await this.run(job);
    }
  }

  private async run(job: Job): Promise<void> {
    await this.store.updateJob(job.id, { statut: 'en-cours', faits: 0, erreurs: 0 });
    const items = itemsOf(job.entree as JobRequest);
    const zip = new PizZip();
    const manifest: { nom: string; kind: string; format: string; sha256?: string; taille?: number; erreur?: { message: string; erreurs: FieldError[] } }[] = [];
    const used = new Set<string>();
    let errors = 0;
    for (const [i, item] of items.entries()) {
      if (this.stopped) return;
      const base = slug(item.nom ?? `${String(i + 1).padStart(4, '0')}-${item.kind}`, 80) || `document-${i + 1}`;
      let name = `${base}.${item.format}`;
      for (let n = 2; used.has(name); n++) name = `${base}-${n}.${item.format}`;
      used.add(name);
      try {
        const doc = await this.generator.generate(item.kind, item.donnees, { format: item.format, mode: item.mode, now: new Date(job.creeLe) });
        zip.file(name, doc.bytes, { date: new Date(job.creeLe) });
        manifest.push({ nom: name, kind: item.kind, format: item.format, sha256: doc.sha256, taille: doc.bytes.length });
      } catch (error) {
        if (!(error instanceof ServiceError) || error.status >= 500) this.onError(error);
        errors++;
        const known = error instanceof ServiceError;
        manifest.push({ nom: name, kind: item.kind, format: item.format, erreur: { message: known ? error.message : 'Erreur interne : le document n’a pas pu être produit.', erreurs: known ? error.errors.slice(0, 100) : [] } });
      }
      await this.store.updateJob(job.id, { faits: i + 1, erreurs: errors });
    }
    zip.file('manifeste.json', JSON.stringify({ lot: job.id, type: job.type, creeLe: job.creeLe, total: items.length, erreurs: errors, fichiers: manifest }, null, 2), { date: new Date(job.creeLe) });
    const bytes = zip.generate({ type: 'nodebuffer', compression: 'DEFLATE' });
    await this.store.setJobResult(job.id, bytes);
    await this.store.updateJob(job.id, {
      statut: errors === items.length ? 'echec' : 'termine',
      message: errors > 0 ? `${errors} document${errors > 1 ? 's' : ''} sur ${items.length} n’${errors > 1 ? 'ont' : 'a'} pas pu être produit${errors > 1 ? 's' : ''} : voir manifeste.json.` : null,
    });
    await this.store.audit({ organisationId: job.organisationId, cleId: job.cleId, action: 'lot.termine', cible: job.id, details: { total: items.length, erreurs: errors, sha256: sha256(bytes) } });
  }
}
