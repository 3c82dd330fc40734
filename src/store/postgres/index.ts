/**
 * The networked store: everything in one PostgreSQL (pg), rows and file bytes alike, so that several
 * replicas of the service share one database and nothing else. Chosen by STORE=postgres, or when
 * DATABASE_URL is a postgres:// or postgresql:// address.
 *
 * Same behaviour as the embedded store (src/store/sqlite/): every write that takes more than one
 * statement runs in one transaction, so that it is all there or not at all, whichever replica or
 * crash interrupts it; a file's bytes are stored under their SHA-256 and checked on every read.
 * Migrations (./migrations.ts) run at every start under an advisory lock.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { CorruptionError, sha256 } from '../files.js';
import { registerStore, type StoreOptions } from '../registry.js';
import { JOB_SELECT, rowMappers, type Row } from '../rows.js';
import type {
  ApiKey,
  AuditEntry,
  Dossier,
  DocumentFilter,
  DocumentRecord,
  DueNotification,
  Job,
  JobNotification,
  NewJob,
  NotificationChange,
  DocumentAuditEntry,
  NewAuditEntry,
  NewDocument,
  NewFile,
  Organisation,
  OrganisationType,
  Scope,
  Session,
  Store,
  StoredFile,
  StoreFaults,
} from '../types.js';
import { MIGRATIONS } from './migrations.js';

type Queryable = Pick<pg.PoolClient, 'query'>;

const now = () => new Date().toISOString();
const json = (value: unknown) => JSON.stringify(value ?? null);
/** A timestamptz read back as the ISO string the contract speaks (text columns pass through). */
const iso = (value: unknown): string => (value instanceof Date ? value.toISOString() : String(value));
const isoOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : iso(value));

/** Key of the advisory lock under which migrations run (any constant shared by every replica). */
export const MIGRATION_LOCK = 7_413_220_561;

export const DEFAULT_POOL_MAX = 10;

function newSecret(): string {
  return `csk_${randomBytes(32).toString('base64url')}`;
}

/**
 * Applies the migrations the database lacks, each in its own transaction that first takes the
 * advisory lock: a replica that starts while another migrates waits, then finds the version applied.
 * Returns the versions this call applied.
 */
export async function migrate(pool: pg.Pool, migrations: readonly string[] = MIGRATIONS): Promise<number[]> {
  const applied: number[] = [];
  const client = await pool.connect();
  try {
    const inLock = async <T>(work: () => Promise<T>): Promise<T> => {
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
        const result = await work();
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    };
    await inLock(() =>
      client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applique_le timestamptz NOT NULL DEFAULT now())`),
    );
    for (const [index, sql] of migrations.entries()) {
      const version = index + 1;
      await inLock(async () => {
        const done = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [version]);
        if (done.rowCount) return;
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
        applied.push(version);
      });
    }
  } finally {
    client.release();
  }
  return applied;
}

export class PostgresStore implements Store {
  readonly strategy = 'postgres';
  private closed = false;

  private constructor(
    readonly pool: pg.Pool,
    private readonly faults: StoreFaults,
  ) {}

  /** Connects, migrates, and returns the store; a database that cannot be reached fails here. */
  static async open(options: StoreOptions): Promise<PostgresStore> {
    if (!options.url) throw new Error('The postgres store needs a connection string (DATABASE_URL)');
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolMax ?? DEFAULT_POOL_MAX });
    // An idle connection dropped by the server (restart, failover) must not stop the process: the
    // next query takes another connection, and one that cannot be had fails that query only.
    pool.on('error', () => undefined);
    try {
      await migrate(pool);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return new PostgresStore(pool, options.faults ?? {});
  }

  private async query(text: string, values?: unknown[]): Promise<Row[]> {
    return (await this.pool.query(text, values)).rows as Row[];
  }

  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  private async transaction<T>(work: (client: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw error;
    } finally {
      // A connection whose rollback failed is in an unknown state: it is closed, not reused.
      client.release(broken);
    }
  }

  /** Stores bytes under their hash, once (the same bytes are the same file). */
  private async putBlob(client: Queryable, bytes: Buffer): Promise<string> {
    const hash = sha256(bytes);
    await client.query('INSERT INTO blobs (sha256, taille, contenu, cree_le) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING', [hash, bytes.length, bytes, now()]);
    return hash;
  }

  // Organisations.

  async createOrganisation(input: { nom: string; type: OrganisationType }): Promise<Organisation> {
    const org: Organisation = { id: randomUUID(), nom: input.nom, type: input.type, creeLe: now() };
    await this.query('INSERT INTO organisations (id, nom, type, cree_le) VALUES ($1, $2, $3, $4)', [org.id, org.nom, org.type, org.creeLe]);
    return org;
  }

  async getOrganisation(id: string): Promise<Organisation | undefined> {
    const [r] = await this.query('SELECT * FROM organisations WHERE id = $1', [id]);
    return r ? toOrganisation(r) : undefined;
  }

  async findOrganisation(type: OrganisationType, nom: string): Promise<Organisation | undefined> {
    const [r] = await this.query('SELECT * FROM organisations WHERE type = $1 AND nom = $2', [type, nom]);
    return r ? toOrganisation(r) : undefined;
  }

  async listOrganisations(ids?: string[]): Promise<Organisation[]> {
    const rows = ids
      ? await this.query('SELECT * FROM organisations WHERE id = ANY($1::text[]) ORDER BY nom', [ids])
      : await this.query('SELECT * FROM organisations ORDER BY nom');
    return rows.map(toOrganisation);
  }

  async linkBuyer(facilitateurId: string, acheteurId: string): Promise<void> {
    await this.query('INSERT INTO partenariats (facilitateur_id, acheteur_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [facilitateurId, acheteurId]);
  }

  async buyersOf(facilitateurId: string): Promise<string[]> {
    return (await this.query('SELECT acheteur_id FROM partenariats WHERE facilitateur_id = $1', [facilitateurId])).map((r) => String(r.acheteur_id));
  }

  // Keys.

  async createKey(input: { organisationId: string; nom: string; scopes: Scope[]; secret?: string }): Promise<{ key: ApiKey; secret: string }> {
    const secret = input.secret ?? newSecret();
    const key: ApiKey = { id: randomUUID(), organisationId: input.organisationId, nom: input.nom, scopes: input.scopes, prefixe: secret.slice(0, 10), creeLe: now(), revoqueeLe: null };
    await this.query('INSERT INTO cles (id, organisation_id, nom, scopes, prefixe, hash, cree_le) VALUES ($1, $2, $3, $4::text[], $5, $6, $7)', [
      key.id,
      key.organisationId,
      key.nom,
      key.scopes,
      key.prefixe,
      sha256(secret),
      key.creeLe,
    ]);
    return { key, secret };
  }

  async findKeyBySecret(secret: string): Promise<ApiKey | undefined> {
    const [r] = await this.query('SELECT * FROM cles WHERE hash = $1 AND revoquee_le IS NULL', [sha256(secret)]);
    return r ? toKey(r) : undefined;
  }

  async getKey(id: string): Promise<ApiKey | undefined> {
    const [r] = await this.query('SELECT * FROM cles WHERE id = $1', [id]);
    return r ? toKey(r) : undefined;
  }

  async listKeys(organisationId: string): Promise<ApiKey[]> {
    return (await this.query('SELECT * FROM cles WHERE organisation_id = $1 ORDER BY cree_le', [organisationId])).map(toKey);
  }

  async countKeys(): Promise<number> {
    return Number((await this.query('SELECT count(*) AS n FROM cles'))[0]!.n);
  }

  async revokeKey(id: string): Promise<boolean> {
    return ((await this.pool.query('UPDATE cles SET revoquee_le = $1 WHERE id = $2 AND revoquee_le IS NULL', [now(), id])).rowCount ?? 0) > 0;
  }

  // Documents.

  async saveDocument(doc: NewDocument, files: NewFile[], audit?: DocumentAuditEntry): Promise<DocumentRecord> {
    const id = randomUUID();
    const creeLe = now();
    const stored = await this.transaction(async (client) => {
      const stored: StoredFile[] = [];
      for (const f of files) {
        const hash = await this.putBlob(client, f.bytes);
        stored.push({ format: f.format, contentType: f.contentType, fileName: f.fileName, sha256: hash, taille: f.bytes.length, creeLe });
      }
      // Throwing here (a test's injected crash) rolls the bytes back with the rest.
      this.faults.afterFilesWritten?.();
      await client.query(
        `INSERT INTO documents (id, kind, mode, proprietaire_id, dossier_id, modele, version_modele, date_generation, donnees, cle_id, cree_le, ecarts, idem_cle, idem_valeur)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::json, $10, $11, $12::json, $13, $14)`,
        [
          id,
          doc.kind,
          doc.mode,
          doc.proprietaireId,
          doc.dossierId,
          doc.modele,
          doc.versionModele,
          doc.dateGeneration,
          json(doc.donnees),
          doc.cleId,
          creeLe,
          json(doc.ecarts),
          doc.idempotence?.cleId ?? null,
          doc.idempotence?.valeur ?? null,
        ],
      );
      for (const f of stored) {
        await client.query('INSERT INTO fichiers (document_id, format, content_type, file_name, sha256, taille, cree_le) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
          id,
          f.format,
          f.contentType,
          f.fileName,
          f.sha256,
          f.taille,
          f.creeLe,
        ]);
      }
      if (audit) await this.writeAudit(client, { ...audit, cible: id });
      return stored;
    });
    return { ...doc, id, fichiers: stored, creeLe };
  }

  async addFile(documentId: string, file: NewFile): Promise<StoredFile> {
    const creeLe = now();
    return this.transaction(async (client) => {
      const hash = await this.putBlob(client, file.bytes);
      const stored: StoredFile = { format: file.format, contentType: file.contentType, fileName: file.fileName, sha256: hash, taille: file.bytes.length, creeLe };
      await client.query(
        `INSERT INTO fichiers (document_id, format, content_type, file_name, sha256, taille, cree_le) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (document_id, format) DO UPDATE SET content_type = excluded.content_type, file_name = excluded.file_name, sha256 = excluded.sha256, taille = excluded.taille, cree_le = excluded.cree_le`,
        [documentId, stored.format, stored.contentType, stored.fileName, stored.sha256, stored.taille, stored.creeLe],
      );
      return stored;
    });
  }

  async getDocument(id: string): Promise<DocumentRecord | undefined> {
    const rows = await this.query('SELECT * FROM documents WHERE id = $1', [id]);
    return rows.length ? (await this.toDocuments(rows))[0] : undefined;
  }

  async listDocuments(filter: DocumentFilter): Promise<{ total: number; items: DocumentRecord[] }> {
    const values: unknown[] = [filter.proprietaireIds];
    const where = ['proprietaire_id = ANY($1::text[])'];
    const add = (condition: (placeholder: string) => string, value: unknown) => {
      values.push(value);
      where.push(condition(`$${values.length}`));
    };
    if (filter.kind) add((p) => `kind = ${p}`, filter.kind);
    if (filter.dossierId) add((p) => `dossier_id = ${p}`, filter.dossierId);
    if (filter.du) add((p) => `cree_le >= ${p}::timestamptz`, filter.du);
    if (filter.au) add((p) => `cree_le < ${p}::timestamptz`, filter.au);
    const clause = where.join(' AND ');
    const total = Number((await this.query(`SELECT count(*) AS n FROM documents WHERE ${clause}`, values))[0]!.n);
    const page = [...values, filter.limit, filter.offset];
    const rows = await this.query(`SELECT * FROM documents WHERE ${clause} ORDER BY cree_le DESC, id LIMIT $${values.length + 1} OFFSET $${values.length + 2}`, page);
    return { total, items: await this.toDocuments(rows) };
  }

  async findIdempotent(cleId: string, valeur: string): Promise<DocumentRecord | undefined> {
    const rows = await this.query('SELECT * FROM documents WHERE idem_cle = $1 AND idem_valeur = $2', [cleId, valeur]);
    return rows.length ? (await this.toDocuments(rows))[0] : undefined;
  }

  async readFile(hash: string): Promise<Buffer> {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`Not a SHA-256: ${hash}`);
    const [r] = await this.query('SELECT contenu FROM blobs WHERE sha256 = $1', [hash]);
    if (!r) throw new CorruptionError(hash, null);
    const bytes = r.contenu as Buffer;
    const actual = sha256(bytes);
    if (actual !== hash) throw new CorruptionError(hash, actual);
    return bytes;
  }

  /** Rows of documents with their files, read in one query for the whole page. */
  private async toDocuments(rows: Row[]): Promise<DocumentRecord[]> {
    if (rows.length === 0) return [];
    const files = new Map<string, StoredFile[]>();
    const fileRows = await this.query('SELECT * FROM fichiers WHERE document_id = ANY($1::text[]) ORDER BY cree_le, format', [rows.map((r) => String(r.id))]);
    for (const f of fileRows) {
      const list = files.get(String(f.document_id)) ?? [];
      list.push({ format: String(f.format), contentType: String(f.content_type), fileName: String(f.file_name), sha256: String(f.sha256), taille: Number(f.taille), creeLe: iso(f.cree_le) });
      files.set(String(f.document_id), list);
    }
    return rows.map((r) => ({
      id: String(r.id),
      kind: String(r.kind),
      mode: r.mode as 'final' | 'draft',
      proprietaireId: String(r.proprietaire_id),
      dossierId: (r.dossier_id as string | null) ?? null,
      modele: String(r.modele),
      versionModele: String(r.version_modele),
      dateGeneration: String(r.date_generation),
      donnees: r.donnees,
      fichiers: files.get(String(r.id)) ?? [],
      cleId: (r.cle_id as string | null) ?? null,
      creeLe: iso(r.cree_le),
      ecarts: (r.ecarts as DocumentRecord['ecarts'] | null) ?? [],
    }));
  }

  // Dossiers.

  async createDossier(input: { titre: string; acheteurId: string; facilitateurId: string | null; donnees: Record<string, unknown> }): Promise<Dossier> {
    const d: Dossier = { id: randomUUID(), titre: input.titre, acheteurId: input.acheteurId, facilitateurId: input.facilitateurId, donnees: input.donnees, version: 1, creeLe: now(), modifieLe: now() };
    await this.query('INSERT INTO dossiers (id, titre, acheteur_id, facilitateur_id, donnees, version, cree_le, modifie_le) VALUES ($1, $2, $3, $4, $5::json, $6, $7, $8)', [
      d.id,
      d.titre,
      d.acheteurId,
      d.facilitateurId,
      json(d.donnees),
      d.version,
      d.creeLe,
      d.modifieLe,
    ]);
    return d;
  }

  async getDossier(id: string): Promise<Dossier | undefined> {
    const [r] = await this.query('SELECT * FROM dossiers WHERE id = $1', [id]);
    return r ? toDossier(r) : undefined;
  }

  async updateDossier(id: string, change: { titre?: string; donnees: Record<string, unknown> }): Promise<Dossier> {
    const [r] = await this.query('UPDATE dossiers SET titre = coalesce($1, titre), donnees = $2::json, version = version + 1, modifie_le = $3 WHERE id = $4 RETURNING *', [
      change.titre ?? null,
      json(change.donnees),
      now(),
      id,
    ]);
    return (r ? toDossier(r) : undefined)!;
  }

  async listDossiers(proprietaireIds: string[]): Promise<Dossier[]> {
    return (await this.query('SELECT * FROM dossiers WHERE acheteur_id = ANY($1::text[]) ORDER BY modifie_le DESC', [proprietaireIds])).map(toDossier);
  }

  // Audit.

  async audit(entry: NewAuditEntry): Promise<void> {
    await this.writeAudit(this.pool, entry);
  }

  private async writeAudit(client: Queryable, entry: NewAuditEntry): Promise<void> {
    await client.query('INSERT INTO audit (date, organisation_id, cle_id, action, cible, details) VALUES ($1, $2, $3, $4, $5, $6::json)', [
      entry.date ?? now(),
      entry.organisationId,
      entry.cleId,
      entry.action,
      entry.cible,
      entry.details ? json(entry.details) : null,
    ]);
  }

  async listAudit(filter: { organisationIds: string[]; du?: string; au?: string; limit: number }): Promise<AuditEntry[]> {
    const rows = await this.query(
      `SELECT * FROM audit WHERE organisation_id = ANY($1::text[]) AND ($2::timestamptz IS NULL OR date >= $2::timestamptz) AND ($3::timestamptz IS NULL OR date < $3::timestamptz)
       ORDER BY id DESC LIMIT $4`,
      [filter.organisationIds, filter.du ?? null, filter.au ?? null, filter.limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      date: iso(r.date),
      organisationId: (r.organisation_id as string | null) ?? null,
      cleId: (r.cle_id as string | null) ?? null,
      action: String(r.action),
      cible: (r.cible as string | null) ?? null,
      details: (r.details as Record<string, unknown> | null) ?? null,
    }));
  }

  // Jobs.

  async createJob(input: NewJob): Promise<Job> {
    const { webhook, ...fields } = input;
    const creeLe = now();
    const notification: JobNotification | null = webhook
      ? { id: randomUUID(), url: webhook.url, statut: 'en-attente', tentatives: 0, prochaineLe: null, derniereErreur: null }
      : null;
    const job: Job = { ...fields, id: randomUUID(), statut: 'en-attente', faits: 0, erreurs: 0, resultat: null, message: null, notification, creeLe, modifieLe: creeLe };
    await this.transaction(async (client) => {
      await client.query(
        `INSERT INTO jobs (id, type, statut, proprietaire_id, organisation_id, cle_id, total, faits, erreurs, entree, cree_le, modifie_le)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, $8::json, $9, $10)`,
        [job.id, job.type, job.statut, job.proprietaireId, job.organisationId, job.cleId, job.total, json(job.entree), job.creeLe, job.modifieLe],
      );
      if (webhook && notification) {
        await client.query(`INSERT INTO notifications (id, job_id, url, secret, statut, tentatives, cree_le, modifie_le) VALUES ($1, $2, $3, $4, 'en-attente', 0, $5, $6)`, [
          notification.id,
          job.id,
          webhook.url,
          webhook.secret,
          creeLe,
          creeLe,
        ]);
      }
    });
    return job;
  }

  async getJob(id: string): Promise<Job | undefined> {
    const [r] = await this.query(`${JOB_SELECT} WHERE j.id = $1`, [id]);
    return r ? toJob(r) : undefined;
  }

  async updateJob(id: string, change: Partial<Pick<Job, 'statut' | 'faits' | 'erreurs' | 'message' | 'total'>>): Promise<void> {
    // Column names come from this list only; values are parameters.
    const columns = ['statut', 'faits', 'erreurs', 'message', 'total'] as const;
    const keys = columns.filter((k) => k in change);
    if (keys.length === 0) return;
    const values: unknown[] = keys.map((k) => change[k] ?? null);
    const sets = keys.map((k, i) => `${k} = $${i + 1}`).join(', ');
    values.push(now(), id);
    await this.query(`UPDATE jobs SET ${sets}, modifie_le = $${keys.length + 1} WHERE id = $${keys.length + 2}`, values);
  }

  async setJobResult(id: string, bytes: Buffer): Promise<void> {
    await this.transaction(async (client) => {
      const hash = await this.putBlob(client, bytes);
      await client.query('UPDATE jobs SET resultat_sha = $1, resultat_taille = $2, modifie_le = $3 WHERE id = $4', [hash, bytes.length, now(), id]);
    });
  }

  async countPendingJobs(): Promise<number> {
    return Number((await this.query("SELECT count(*) AS n FROM jobs WHERE statut IN ('en-attente', 'en-cours')"))[0]!.n);
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('The postgres store is closed');
    await this.pool.query('SELECT 1');
  }

  async pendingJobs(): Promise<Job[]> {
    return this.transaction(async (client) => {
      await client.query("UPDATE jobs SET statut = 'en-attente' WHERE statut = 'en-cours'");
      return ((await client.query(`${JOB_SELECT} WHERE j.statut = 'en-attente' ORDER BY j.cree_le`)).rows as Row[]).map(toJob);
    });
  }

  async waitingJobs(): Promise<Job[]> {
    return ((await this.pool.query(`${JOB_SELECT} WHERE j.statut = 'en-attente' ORDER BY j.cree_le`)).rows as Row[]).map(toJob);
  }

  // Notifications of a job's end: due once the job has ended, then at each retry's time.

  async claimNotifications(at: string, leaseUntil: string, limit: number): Promise<DueNotification[]> {
    return this.transaction(async (client) => {
      // Rows another replica is claiming at this moment are skipped, not waited for: each is claimed once.
      const rows = (
        await client.query(
          `SELECT n.* FROM notifications n JOIN jobs j ON j.id = n.job_id
           WHERE n.statut = 'en-attente' AND j.statut IN ('termine', 'echec') AND (n.prochaine_le IS NULL OR n.prochaine_le <= $1::timestamptz)
           ORDER BY coalesce(n.prochaine_le, j.modifie_le), n.id LIMIT $2
           FOR UPDATE OF n SKIP LOCKED`,
          [at, limit],
        )
      ).rows as Row[];
      if (rows.length > 0) {
        await client.query('UPDATE notifications SET prochaine_le = $1, modifie_le = $2 WHERE id = ANY($3::text[])', [leaseUntil, now(), rows.map((r) => String(r.id))]);
      }
      return rows.map((r) => ({ ...toNotification(r), prochaineLe: leaseUntil, jobId: String(r.job_id), secret: String(r.secret) }));
    });
  }

  async updateNotification(id: string, change: NotificationChange): Promise<void> {
    const columns: Record<keyof NotificationChange, string> = { statut: 'statut', tentatives: 'tentatives', prochaineLe: 'prochaine_le', derniereErreur: 'derniere_erreur' };
    const keys = (Object.keys(columns) as (keyof NotificationChange)[]).filter((k) => k in change);
    if (keys.length === 0) return;
    const values: unknown[] = keys.map((k) => change[k] ?? null);
    const sets = keys.map((k, i) => `${columns[k]} = $${i + 1}`).join(', ');
    values.push(now(), id);
    await this.query(`UPDATE notifications SET ${sets}, modifie_le = $${keys.length + 1} WHERE id = $${keys.length + 2}`, values);
  }

  async nextNotificationDue(): Promise<string | undefined> {
    const [r] = await this.query(
      `SELECT min(coalesce(n.prochaine_le, j.modifie_le)) AS due FROM notifications n JOIN jobs j ON j.id = n.job_id
       WHERE n.statut = 'en-attente' AND j.statut IN ('termine', 'echec')`,
    );
    return r?.due ? iso(r.due) : undefined;
  }

  // Sessions: only the hash of the session id is kept.

  async createSession(cleId: string, ttlMs: number): Promise<Session> {
    const session: Session = { id: randomBytes(32).toString('base64url'), cleId, csrf: randomBytes(32).toString('base64url'), expireLe: new Date(Date.now() + ttlMs).toISOString() };
    await this.transaction(async (client) => {
      await client.query('DELETE FROM sessions WHERE expire_le < $1', [now()]);
      await client.query('INSERT INTO sessions (id_hash, cle_id, csrf, expire_le) VALUES ($1, $2, $3, $4)', [sha256(session.id), cleId, session.csrf, session.expireLe]);
    });
    return session;
  }

  async getSession(id: string): Promise<Session | undefined> {
    const [r] = await this.query('SELECT * FROM sessions WHERE id_hash = $1 AND expire_le > $2', [sha256(id), now()]);
    return r ? { id, cleId: String(r.cle_id), csrf: String(r.csrf), expireLe: iso(r.expire_le) } : undefined;
  }

  async deleteSession(id: string): Promise<void> {
    await this.query('DELETE FROM sessions WHERE id_hash = $1', [sha256(id)]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

const { toOrganisation, toKey, toDossier, toJob, toNotification } = rowMappers({
  date: iso,
  dateOrNull: isoOrNull,
  json: <T>(v: unknown) => v as T,
  scopes: (v) => [...(v as Scope[])],
});

registerStore('postgres', (options) => PostgresStore.open(options));
