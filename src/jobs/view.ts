/**
 * The public view of a job: what GET /api/v1/jobs/:id answers and what its end's notification
 * carries. Never the input, never the notification's secret; the notification's address without
 * its query string (which may hold a token of the client's).
 */
import type { Job } from '../store/types.js';
import { shownUrl } from '../webhooks/target.js';

export function jobView(j: Job) {
  return {
    id: j.id,
    type: j.type,
    statut: j.statut,
    total: j.total,
    faits: j.faits,
    erreurs: j.erreurs,
    message: j.message,
    creeLe: j.creeLe,
    modifieLe: j.modifieLe,
    resultat: j.resultat ? { url: `/api/v1/jobs/${j.id}/result`, sha256: j.resultat.sha256, taille: j.resultat.taille } : null,
    notification: j.notification
      ? { url: shownUrl(j.notification.url), statut: j.notification.statut, tentatives: j.notification.tentatives, derniereErreur: j.notification.derniereErreur }
      : null,
  };
}

export type JobView = ReturnType<typeof jobView>;
