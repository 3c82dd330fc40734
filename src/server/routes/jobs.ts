/** Batches: submit (202 with the job's address; optionally a notification of its end), follow its progress, download its ZIP. */
import { Router } from 'express';
import { requireScope, visibleOr404 } from '../../access/index.js';
import { ConflictError } from '../../core/errors.js';
import { MAX_JOB_ITEMS, submitJob, type JobRunner } from '../../jobs/index.js';
import { readMergeUploads } from '../../jobs/rows.js';
import { jobView as view } from '../../jobs/view.js';
import { principal } from '../auth.js';
import { readDocumentInput } from '../input.js';
import type { RouteContext } from './context.js';

export function jobsRouter(ctx: RouteContext & { jobs: JobRunner }): Router {
  const router = Router();
  const { store, jobs } = ctx;

  router.post('/api/v1/jobs', readDocumentInput(ctx.limits, () => (files) => readMergeUploads(files, MAX_JOB_ITEMS)), async (_req, res) => {
    const p = principal(res);
    requireScope(p, 'generate');
    const job = await submitJob(store, p, res.locals.data, { allowPrivateTargets: jobs.webhooks.allowPrivateTargets });
    jobs.kick(job.id);
    res.status(202).location(`/api/v1/jobs/${job.id}`).json(view(job));
  });

  router.get('/api/v1/jobs/:id', async (req, res) => {
    const p = principal(res);
    requireScope(p, 'read');
    res.json(view(visibleOr404(p, await store.getJob(String(req.params.id)), (j) => j.proprietaireId, 'Lot')));
  });

  router.get('/api/v1/jobs/:id/result', async (req, res) => {
    const p = principal(res);
    requireScope(p, 'read');
    const job = visibleOr404(p, await store.getJob(String(req.params.id)), (j) => j.proprietaireId, 'Lot');
    if (!job.resultat) {
      throw new ConflictError('Le lot n’est pas terminé.', [{ path: 'statut', type: 'lot.en-cours', message: `Le lot est « ${job.statut} » (${job.faits} sur ${job.total}) : son archive sera disponible à la fin.` }]);
    }
    const bytes = await store.readFile(job.resultat.sha256);
    await store.audit({ organisationId: p.organisation.id, cleId: p.key.id, action: 'lot.telecharge', cible: job.id, details: null });
    res.type('application/zip').attachment(`lot-${job.id}.zip`).setHeader('X-Content-SHA256', job.resultat.sha256);
    res.setHeader('Cache-Control', 'no-store');
    res.send(bytes);
  });

  return router;
}
