/**
 * Rows of the stores' tables as the store contract's objects. The tables are the same in every
 * strategy; what differs is how a column comes back (a date as text or as a Date, JSON as text or
 * parsed, the key's scopes as a list or a comma-separated text): each strategy gives its codec.
 */
import type { ApiKey, Dossier, Job, JobNotification, Organisation, OrganisationType, Scope } from './types.js';

export type Row = Record<string, unknown>;

export interface ColumnCodec {
  date(value: unknown): string;
  dateOrNull(value: unknown): string | null;
  json<T>(value: unknown): T;
  scopes(value: unknown): Scope[];
}

/** A job with its notification, never the notification's secret. */
export const JOB_SELECT = `SELECT j.*, n.id AS n_id, n.url AS n_url, n.statut AS n_statut, n.tentatives AS n_tentatives, n.prochaine_le AS n_prochaine_le, n.derniere_erreur AS n_derniere_erreur
  FROM jobs j LEFT JOIN notifications n ON n.job_id = j.id`;

const textOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

export function rowMappers(c: ColumnCodec) {
  const toNotification = (r: Row): JobNotification => ({
    id: String(r.id),
    url: String(r.url),
    statut: r.statut as JobNotification['statut'],
    tentatives: Number(r.tentatives),
    prochaineLe: c.dateOrNull(r.prochaine_le),
    derniereErreur: textOrNull(r.derniere_erreur),
  });
  return {
    toOrganisation: (r: Row): Organisation => ({ id: String(r.id), nom: String(r.nom), type: r.type as OrganisationType, creeLe: c.date(r.cree_le) }),
    toKey: (r: Row): ApiKey => ({
      id: String(r.id),
      organisationId: String(r.organisation_id),
      nom: String(r.nom),
      scopes: c.scopes(r.scopes),
      prefixe: String(r.prefixe),
      creeLe: c.date(r.cree_le),
      revoqueeLe: c.dateOrNull(r.revoquee_le),
    }),
    toDossier: (r: Row): Dossier => ({
      id: String(r.id),
      titre: String(r.titre),
      acheteurId: String(r.acheteur_id),
      facilitateurId: textOrNull(r.facilitateur_id),
      donnees: c.json<Record<string, unknown>>(r.donnees),
      version: Number(r.version),
      creeLe: c.date(r.cree_le),
      modifieLe: c.date(r.modifie_le),
    }),
    toJob: (r: Row): Job => ({
      id: String(r.id),
      type: String(r.type),
      statut: r.statut as Job['statut'],
      proprietaireId: String(r.proprietaire_id),
      organisationId: String(r.organisation_id),
      cleId: textOrNull(r.cle_id),
      total: Number(r.total),
      faits: Number(r.faits),
      erreurs: Number(r.erreurs),
      entree: c.json(r.entree),
      resultat: r.resultat_sha ? { sha256: String(r.resultat_sha), taille: Number(r.resultat_taille) } : null,
      message: textOrNull(r.message),
      notification: r.n_id
        ? toNotification({ id: r.n_id, url: r.n_url, statut: r.n_statut, tentatives: r.n_tentatives, prochaine_le: r.n_prochaine_le, derniere_erreur: r.n_derniere_erreur })
        : null,
      creeLe: c.date(r.cree_le),
      modifieLe: c.date(r.modifie_le),
    }),
    toNotification,
  };
}
