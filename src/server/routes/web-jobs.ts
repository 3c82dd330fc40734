/**
 * A document produced in the background from a form: the form is submitted as a batch of one
 * document (src/jobs, type « documents »), and the browser follows it on /lots/:id, a page that
 * says its progress (« 0 sur 1 », its status in French) and, once done, links to the document.
 * formulaire.js refreshes the page's status from /lots/:id/etat (JSON, with the session cookie);
 * without script the page refreshes itself and offers a « Rafraîchir » link.
 */
import { Router, type Response } from 'express';
import PizZip from 'pizzip';
import { visibleOr404, type Principal } from '../../access/index.js';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { DocumentKind } from '../../core/kind.js';
import { getKind } from '../../core/registry.js';
import { submitJob, type JobRunner } from '../../jobs/index.js';
import type { Job } from '../../store/types.js';
import { jobPage, type JobPageModel } from '../../web/pages.js';
import { principal } from '../auth.js';
import type { RouteContext } from './context.js';
import { toLogin, webSession } from './web-session.js';

const STATUS_LABELS: Record<string, string> = {
  'en-attente': 'En attente',
  'en-cours': 'En cours',
  termine: 'Terminé',
  echec: 'Échec',
};

/** Submits the document of a form as a job of one document; the job's page follows. */
export async function submitWebJob(ctx: RouteContext & { jobs: JobRunner }, p: Principal, kind: DocumentKind, input: Record<string, unknown>, format: string, mode: string): Promise<Job> {
  const job = await submitJob(ctx.store, p, { type: 'documents', documents: [{ kind: kind.id, donnees: input, format, mode, nom: kind.id }] }, { allowPrivateTargets: ctx.jobs.webhooks.allowPrivateTargets });
  ctx.jobs.kick(job.id);
  return job;
}

interface ManifestEntry {
  nom: string;
  kind: string;
  format: string;
  erreur?: { message: string; erreurs: { path: string; message: string }[] };
}

/** The ZIP of a finished job, and its manifest. */
async function resultOf(ctx: RouteContext, job: Job): Promise<{ zip: PizZip; files: ManifestEntry[] } | undefined> {
  if (!job.resultat) return undefined;
  const zip = new PizZip(await ctx.store.readFile(job.resultat.sha256));
  const manifest = JSON.parse(zip.file('manifeste.json')?.asText() ?? '{}') as { fichiers?: ManifestEntry[] };
  return { zip, files: manifest.fichiers ?? [] };
}

/** What the page and its JSON say of a job. */
async function jobModel(ctx: RouteContext, job: Job): Promise<JobPageModel> {
  const done = job.statut === 'termine' || job.statut === 'echec';
  const result = done ? await resultOf(ctx, job) : undefined;
  const first = result?.files[0];
  const kindId = first?.kind ?? ((job.entree as { documents?: { kind?: string }[] } | null)?.documents?.[0]?.kind ?? '');
  let title = 'Document';
  try {
    title = kindId ? getKind(kindId).title : title;
  } catch {
    // A kind no longer known: the page says « Document ».
  }
  const errors = result ? result.files.flatMap((f) => (f.erreur ? [f.erreur.message, ...f.erreur.erreurs.map((e) => e.message)] : [])) : [];
  const file = first && !first.erreur ? first : undefined;
  return {
    id: job.id,
    titre: title,
    kind: kindId,
    statut: STATUS_LABELS[job.statut] ?? job.statut,
    faits: job.faits,
    total: job.total,
    progression: `${job.faits} sur ${job.total}`,
    termine: done,
    enCours: !done,
    telechargement: file ? { url: `/lots/${encodeURIComponent(job.id)}/document`, nom: file.nom, format: file.format.toUpperCase() } : undefined,
    erreurs: errors,
    message: job.statut === 'echec' && errors.length === 0 ? (job.message ?? 'Le document n’a pas pu être produit.') : '',
  };
}

export function webJobsRouter(ctx: RouteContext): Router {
  const router = Router();
  const { store } = ctx;

  const jobOf = async (res: Response, id: string): Promise<Job> => visibleOr404(principal(res), await store.getJob(id), (j) => j.proprietaireId, 'Lot');

  router.get('/lots/:id', async (req, res) => {
    const session = await webSession(store, req, res);
    if (!session) return toLogin(res);
    const model = await jobModel(ctx, await jobOf(res, String(req.params.id)));
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(jobPage(model, session));
  });

  // The status that formulaire.js reads to refresh the page (the session's cookie, no key needed).
  router.get('/lots/:id/etat', async (req, res) => {
    const session = await webSession(store, req, res);
    if (!session) throw new NotFoundError('Lot introuvable.');
    const model = await jobModel(ctx, await jobOf(res, String(req.params.id)));
    res.setHeader('Cache-Control', 'no-store');
    res.json(model);
  });

  // The job's single document, taken out of its ZIP.
  router.get('/lots/:id/document', async (req, res) => {
    const session = await webSession(store, req, res);
    if (!session) return toLogin(res);
    const job = await jobOf(res, String(req.params.id));
    const result = await resultOf(ctx, job);
    const entry = result?.files.find((f) => !f.erreur);
    const file = entry ? result!.zip.file(entry.nom) : null;
    if (!result || !entry || !file) {
      throw new ConflictError('Document pas encore disponible.', [{ path: 'statut', type: 'lot.en-cours', message: `La production est « ${STATUS_LABELS[job.statut] ?? job.statut} » : le document sera disponible à la fin.` }]);
    }
    const p = principal(res);
    await store.audit({ organisationId: p.organisation.id, cleId: p.key.id, action: 'lot.telecharge', cible: job.id, details: null });
    res.setHeader('Cache-Control', 'no-store');
    res.type(entry.nom.split('.').pop() ?? 'application/octet-stream').attachment(entry.nom.split('/').pop() ?? entry.nom);
    res.send(file.asNodeBuffer());
  });

  return router;
}
