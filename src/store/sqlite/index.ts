/**
 * The embedded store: SQLite (better-sqlite3) for the rows, the local disk for the files, both under
 * one data folder. Nothing to set up: the folder and the tables are created at the first start, and
 * versioned migrations run at every start.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FileArea, type PutFile, sha256 } from '../files.js';
import { registerStore } from '../registry.js';
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


const now = () => new Date().toISOString();
const json = (value: unknown) => JSON.stringify(value ?? null);
const parse = <T>(text: unknown): T => JSON.parse(String(text)) as T;

export function newSecret(): string {
  return `csk_${randomBytes(32).toString('base64url')}`;
}

/** Bound of the prepared statements kept (the store has about fifty). */
const MAX_STATEMENTS = 500;

export class SqliteStore implements Store {
  readonly strategy = 'sqlite';
  private readonly db: Database.Database;
  readonly files: FileArea;
  /** Prepared statements by SQL text: a statement is compiled once, not at every call. */
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    readonly dataDir: string,
    private readonly faults: StoreFaults = {},
  ) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, 'service.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    this.files = new FileArea(dataDir);
    this.recover();
  }

  /**
   * The statement of `text`, compiled on first use. The texts are the store's own (a few built
   * from a fixed set of filters or columns), so the map stays small; it is bounded all the same.
   */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      if (this.statements.size >= MAX_STATEMENTS) this.statements.clear();
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** Applies the migrations newer than the database's version, each in its own transaction. */
  private migrate(): void {
    const current = Number(this.db.pragma('user_version', { simple: true }));
    for (const [index, sql] of MIGRATIONS.entries()) {
      const version = index + 1;
      if (version <= current) continue;
      this.db.transaction(() => {
        this.db.exec(sql);
        this.db.pragma(`user_version = ${version}`);
      })();
    }
  }

  /** After a crash: temporary files and files without a row go; jobs that were running wait again. */
  private recover(): void {
    const referenced = new Set<string>();
    for (const r of this.sql('SELECT sha256 FROM fichiers UNION SELECT resultat_sha FROM jobs WHERE resultat_sha IS NOT NULL').all() as Row[]) {
      referenced.add(String(r.sha256));
    }
    this.files.sweep((hash) => referenced.has(hash));
  }

  // Organisations.

  async createOrganisation(input: { nom: string; type: OrganisationType }): Promise<Organisation> {
    const org: Organisation = { id: randomUUID(), nom: input.nom, type: input.type, creeLe: now() };
    this.sql('INSERT INTO organisations (id, nom, type, cree_le) VALUES (?, ?, ?, ?)').run(org.id, org.nom, org.type, org.creeLe);
    return org;
  }

  async getOrganisation(id: string): Promise<Organisation | undefined> {
    const r = this.sql('SELECT * FROM organisations WHERE id = ?').get(id) as Row | undefined;
    return r ? toOrganisation(r) : undefined;
  }

  async findOrganisation(type: OrganisationType, nom: string): Promise<Organisation | undefined> {
    const r = this.sql('SELECT * FROM organisations WHERE type = ? AND nom = ?').get(type, nom) as Row | undefined;
    return r ? toOrganisation(r) : undefined;
  }

  async listOrganisations(ids?: string[]): Promise<Organisation[]> {
    const rows = ids
      ? (this.sql(`SELECT * FROM organisations WHERE id IN (SELECT value FROM json_each(?)) ORDER BY nom`).all(json(ids)) as Row[])
      : (this.sql('SELECT * FROM organisations ORDER BY nom').all() as Row[]);
    return rows.map(toOrganisation);
  }

  async linkBuyer(facilitateurId: string, acheteurId: string): Promise<void> {
    this.sql('INSERT OR IGNORE INTO partenariats (facilitateur_id, acheteur_id) VALUES (?, ?)').run(facilitateurId, acheteurId);
  }

  async buyersOf(facilitateurId: string): Promise<string[]> {
    return (this.sql('SELECT acheteur_id FROM partenariats WHERE facilitateur_id = ?').all(facilitateurId) as Row[]).map((r) => String(r.acheteur_id));
  }

  // Keys.

  async createKey(input: { organisationId: string; nom: string; scopes: Scope[]; secret?: string }): Promise<{ key: ApiKey; secret: string }> {
    const secret = input.secret ?? newSecret();
    const key: ApiKey = { id: randomUUID(), organisationId: input.organisationId, nom: input.nom, scopes: input.scopes, prefixe: secret.slice(0, 10), creeLe: now(), revoqueeLe: null };
    this.sql('INSERT INTO cles (id, organisation_id, nom, scopes, prefixe, hash, cree_le) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(key.id, key.organisationId, key.nom, key.scopes.join(','), key.prefixe, sha256(secret), key.creeLe);
    return { key, secret };
  }

  async findKeyBySecret(secret: string): Promise<ApiKey | undefined> {
    const r = this.sql('SELECT * FROM cles WHERE hash = ? AND revoquee_le IS NULL').get(sha256(secret)) as Row | undefined;
    return r ? toKey(r) : undefined;
  }

  async getKey(id: string): Promise<ApiKey | undefined> {
    const r = this.sql('SELECT * FROM cles WHERE id = ?').get(id) as Row | undefined;
    return r ? toKey(r) : undefined;
  }

  async listKeys(organisationId: string): Promise<ApiKey[]> {
    return (this.sql('SELECT * FROM cles WHERE organisation_id = ? ORDER BY cree_le').all(organisationId) as Row[]).map(toKey);
  }

  async countKeys(): Promise<number> {
    return Number((this.sql('SELECT count(*) AS n FROM cles').get() as Row).n);
  }

  async revokeKey(id: string): Promise<boolean> {
    return this.sql('UPDATE cles SET revoquee_le = ? WHERE id = ? AND revoquee_le IS NULL').run(now(), id).changes > 0;
  }

  // Documents.

  async saveDocument(doc: NewDocument, files: NewFile[], audit?: DocumentAuditEntry): Promise<DocumentRecord> {
    const id = randomUUID();
    const creeLe = now();
    const puts: PutFile[] = [];
    try {
      for (const f of files) puts.push(await this.files.put(f.bytes));
      const stored: StoredFile[] = files.map((f, i) => ({ format: f.format, contentType: f.contentType, fileName: f.fileName, sha256: puts[i]!.hash, taille: f.bytes.length, creeLe }));
      this.faults.afterFilesWritten?.();
      this.db.transaction(() => {
        this.sql(
          `INSERT INTO documents (id, kind, mode, proprietaire_id, dossier_id, modele, version_modele, date_generation, donnees, cle_id, cree_le, ecarts, idem_cle, idem_valeur)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(id, doc.kind, doc.mode, doc.proprietaireId, doc.dossierId, doc.modele, doc.versionModele, doc.dateGeneration, json(doc.donnees), doc.cleId, creeLe, json(doc.ecarts), doc.idempotence?.cleId ?? null, doc.idempotence?.valeur ?? null);
        const insert = this.sql('INSERT INTO fichiers (document_id, format, content_type, file_name, sha256, taille, cree_le) VALUES (?, ?, ?, ?, ?, ?, ?)');
        for (const f of stored) insert.run(id, f.format, f.contentType, f.fileName, f.sha256, f.taille, f.creeLe);
        if (audit) this.writeAudit({ ...audit, cible: id });
      })();
      return { ...doc, id, fichiers: stored, creeLe };
    } catch (error) {
      // Files written for this document only go with it (not those another write is citing).
      this.rollBack(puts);
      throw error;
    } finally {
      for (const put of puts) put.release();
    }
  }

  /**
   * Releases these writes' holds and removes their files that no row cites and no other write
   * holds: whether this write created the file or found it (created by a write since given up).
   */
  private rollBack(puts: PutFile[]): void {
    for (const put of puts) put.release();
    for (const put of puts) if (!this.referenced(put.hash)) this.files.remove(put.hash);
  }

  private referenced(hash: string): boolean {
    return this.sql('SELECT 1 FROM fichiers WHERE sha256 = ? UNION SELECT 1 FROM jobs WHERE resultat_sha = ?').get(hash, hash) !== undefined;
  }

  async addFile(documentId: string, file: NewFile): Promise<StoredFile> {
    const put = await this.files.put(file.bytes);
    const stored: StoredFile = { format: file.format, contentType: file.contentType, fileName: file.fileName, sha256: put.hash, taille: file.bytes.length, creeLe: now() };
    try {
      this.sql('INSERT OR REPLACE INTO fichiers (document_id, format, content_type, file_name, sha256, taille, cree_le) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(documentId, stored.format, stored.contentType, stored.fileName, stored.sha256, stored.taille, stored.creeLe);
    } catch (error) {
      this.rollBack([put]);
      throw error;
    } finally {
      put.release();
    }
    return stored;
  }

  async getDocument(id: string): Promise<DocumentRecord | undefined> {
    const r = this.sql('SELECT * FROM documents WHERE id = ?').get(id) as Row | undefined;
    return r ? this.toDocuments([r])[0] : undefined;
  }

  async listDocuments(filter: DocumentFilter): Promise<{ total: number; items: DocumentRecord[] }> {
    const where = ['proprietaire_id IN (SELECT value FROM json_each(@owners))'];
    const params: Record<string, unknown> = { owners: json(filter.proprietaireIds), limit: filter.limit, offset: filter.offset };
    if (filter.kind) (where.push('kind = @kind'), (params.kind = filter.kind));
    if (filter.dossierId) (where.push('dossier_id = @dossier'), (params.dossier = filter.dossierId));
    if (filter.du) (where.push('cree_le >= @du'), (params.du = filter.du));
    if (filter.au) (where.push('cree_le < @au'), (params.au = filter.au));
    const clause = where.join(' AND ');
    const total = Number((this.sql(`SELECT count(*) AS n FROM documents WHERE ${clause}`).get(params) as Row).n);
    const rows = this.sql(`SELECT * FROM documents WHERE ${clause} ORDER BY cree_le DESC, id LIMIT @limit OFFSET @offset`).all(params) as Row[];
    return { total, items: this.toDocuments(rows) };
  }

  async findIdempotent(cleId: string, valeur: string): Promise<DocumentRecord | undefined> {
    const r = this.sql('SELECT * FROM documents WHERE idem_cle = ? AND idem_valeur = ?').get(cleId, valeur) as Row | undefined;
    return r ? this.toDocuments([r])[0] : undefined;
  }

  async readFile(hash: string): Promise<Buffer> {
    return this.files.read(hash);
  }

  /** Rows of documents with their files, read in one query for the whole page. */
  private toDocuments(rows: Row[]): DocumentRecord[] {
    if (rows.length === 0) return [];
    const files = new Map<string, StoredFile[]>();
    const fileRows = this.sql('SELECT * FROM fichiers WHERE document_id IN (SELECT value FROM json_each(?)) ORDER BY cree_le, format')
      .all(json(rows.map((r) => r.id))) as Row[];
    for (const f of fileRows) {
      const list = files.get(String(f.document_id)) ?? [];
      list.push({ format: String(f.format), contentType: String(f.content_type), fileName: String(f.file_name), sha256: String(f.sha256), taille: Number(f.taille), creeLe: String(f.cree_le) });
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
      donnees: parse(r.donnees),
      fichiers: files.get(String(r.id)) ?? [],
      cleId: (r.cle_id as string | null) ?? null,
      creeLe: String(r.cree_le),
      ecarts: parse(r.ecarts) ?? [],
    }));
  }

  // Dossiers.

  async createDossier(input: { titre: string; acheteurId: string; facilitateurId: string | null; donnees: Record<string, unknown> }): Promise<Dossier> {
    const d: Dossier = { id: randomUUID(), titre: input.titre, acheteurId: input.acheteurId, facilitateurId: input.facilitateurId, donnees: input.donnees, version: 1, creeLe: now(), modifieLe: now() };
    this.sql('INSERT INTO dossiers (id, titre, acheteur_id, facilitateur_id, donnees, version, cree_le, modifie_le) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(d.id, d.titre, d.acheteurId, d.facilitateurId, json(d.donnees), d.version, d.creeLe, d.modifieLe);
    return d;
  }

  async getDossier(id: string): Promise<Dossier | undefined> {
    const r = this.sql('SELECT * FROM dossiers WHERE id = ?').get(id) as Row | undefined;
    return r ? toDossier(r) : undefined;
  }

  async updateDossier(id: string, change: { titre?: string; donnees: Record<string, unknown> }): Promise<Dossier> {
    this.sql('UPDATE dossiers SET titre = coalesce(?, titre), donnees = ?, version = version + 1, modifie_le = ? WHERE id = ?')
      .run(change.titre ?? null, json(change.donnees), now(), id);
    return (await this.getDossier(id))!;
  }

  async listDossiers(proprietaireIds: string[]): Promise<Dossier[]> {
    return (this.sql('SELECT * FROM dossiers WHERE acheteur_id IN (SELECT value FROM json_each(?)) ORDER BY modifie_le DESC').all(json(proprietaireIds)) as Row[]).map(toDossier);
  }

  // Audit.

  async audit(entry: NewAuditEntry): Promise<void> {
    this.writeAudit(entry);
  }

  private writeAudit(entry: NewAuditEntry): void {
    this.sql('INSERT INTO audit (date, organisation_id, cle_id, action, cible, details) VALUES (?, ?, ?, ?, ?, ?)')
      .run(entry.date ?? now(), entry.organisationId, entry.cleId, entry.action, entry.cible, entry.details ? json(entry.details) : null);
  }

  async listAudit(filter: { organisationIds: string[]; du?: string; au?: string; limit: number }): Promise<AuditEntry[]> {
    const rows = this.sql(
      `SELECT * FROM audit WHERE organisation_id IN (SELECT value FROM json_each(?)) AND (? IS NULL OR date >= ?) AND (? IS NULL OR date < ?) ORDER BY id DESC LIMIT ?`,
    ).all(json(filter.organisationIds), filter.du ?? null, filter.du ?? null, filter.au ?? null, filter.au ?? null, filter.limit) as Row[];
    return rows.map((r) => ({
      id: Number(r.id),
      date: String(r.date),
      organisationId: (r.organisation_id as string | null) ?? null,
      cleId: (r.cle_id as string | null) ?? null,
      action: String(r.action),
      cible: (r.cible as string | null) ?? null,
      details: r.details ? parse(r.details) : null,
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
    this.db.transaction(() => {
      this.sql(
        `INSERT INTO jobs (id, type, statut, proprietaire_id, organisation_id, cle_id, total, faits, erreurs, entree, cree_le, modifie_le)
         VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?)`,
      ).run(job.id, job.type, job.statut, job.proprietaireId, job.organisationId, job.cleId, job.total, json(job.entree), job.creeLe, job.modifieLe);
      if (webhook && notification) {
        this.sql(`INSERT INTO notifications (id, job_id, url, secret, statut, tentatives, cree_le, modifie_le) VALUES (?, ?, ?, ?, 'en-attente', 0, ?, ?)`)
          .run(notification.id, job.id, webhook.url, webhook.secret, creeLe, creeLe);
      }
    })();
    return job;
  }

  async getJob(id: string): Promise<Job | undefined> {
    const r = this.sql(`${JOB_SELECT} WHERE j.id = ?`).get(id) as Row | undefined;
    return r ? toJob(r) : undefined;
  }

  async updateJob(id: string, change: Partial<Pick<Job, 'statut' | 'faits' | 'erreurs' | 'message' | 'total'>>): Promise<void> {
    const keys = Object.keys(change) as (keyof typeof change)[];
    if (keys.length === 0) return;
    const sets = keys.map((k) => `${k} = @${k}`).join(', ');
    this.sql(`UPDATE jobs SET ${sets}, modifie_le = @modifie WHERE id = @id`).run({ ...change, modifie: now(), id });
  }

  async setJobResult(id: string, bytes: Buffer): Promise<void> {
    const put = await this.files.put(bytes);
    try {
      this.sql('UPDATE jobs SET resultat_sha = ?, resultat_taille = ?, modifie_le = ? WHERE id = ?').run(put.hash, bytes.length, now(), id);
    } finally {
      put.release();
    }
  }

  async countPendingJobs(): Promise<number> {
    return (this.sql("SELECT COUNT(*) AS n FROM jobs WHERE statut IN ('en-attente', 'en-cours')").get() as { n: number }).n;
  }

  async ping(): Promise<void> {
    this.sql('SELECT 1').get();
  }

  async pendingJobs(): Promise<Job[]> {
    this.sql("UPDATE jobs SET statut = 'en-attente' WHERE statut = 'en-cours'").run();
    return (this.sql(`${JOB_SELECT} WHERE j.statut = 'en-attente' ORDER BY j.cree_le`).all() as Row[]).map(toJob);
  }

  async waitingJobs(): Promise<Job[]> {
    return (this.sql(`${JOB_SELECT} WHERE j.statut = 'en-attente' ORDER BY j.cree_le`).all() as Row[]).map(toJob);
  }

  // Notifications of a job's end: due once the job has ended, then at each retry's time.

  async claimNotifications(at: string, leaseUntil: string, limit: number): Promise<DueNotification[]> {
    return this.db.transaction(() => {
      const rows = this.sql(
        `SELECT n.* FROM notifications n JOIN jobs j ON j.id = n.job_id
         WHERE n.statut = 'en-attente' AND j.statut IN ('termine', 'echec') AND (n.prochaine_le IS NULL OR n.prochaine_le <= ?)
         ORDER BY coalesce(n.prochaine_le, j.modifie_le), n.id LIMIT ?`,
      ).all(at, limit) as Row[];
      const claim = this.sql('UPDATE notifications SET prochaine_le = ?, modifie_le = ? WHERE id = ?');
      const modified = now();
      for (const r of rows) claim.run(leaseUntil, modified, r.id);
      return rows.map((r) => ({ ...toNotification(r), prochaineLe: leaseUntil, jobId: String(r.job_id), secret: String(r.secret) }));
    })();
  }

  async updateNotification(id: string, change: NotificationChange): Promise<void> {
    const columns: Record<keyof NotificationChange, string> = { statut: 'statut', tentatives: 'tentatives', prochaineLe: 'prochaine_le', derniereErreur: 'derniere_erreur' };
    const keys = (Object.keys(change) as (keyof NotificationChange)[]).filter((k) => k in columns);
    if (keys.length === 0) return;
    const sets = keys.map((k) => `${columns[k]} = @${k}`).join(', ');
    this.sql(`UPDATE notifications SET ${sets}, modifie_le = @modifie WHERE id = @id`).run({ ...Object.fromEntries(keys.map((k) => [k, change[k]])), modifie: now(), id });
  }

  async nextNotificationDue(): Promise<string | undefined> {
    const r = this.sql(
      `SELECT min(coalesce(n.prochaine_le, j.modifie_le)) AS due FROM notifications n JOIN jobs j ON j.id = n.job_id
       WHERE n.statut = 'en-attente' AND j.statut IN ('termine', 'echec')`,
    ).get() as Row;
    return typeof r.due === 'string' ? r.due : undefined;
  }

  // Sessions: only the hash of the session id is kept.

  async createSession(cleId: string, ttlMs: number): Promise<Session> {
    const session: Session = { id: randomBytes(32).toString('base64url'), cleId, csrf: randomBytes(32).toString('base64url'), expireLe: new Date(Date.now() + ttlMs).toISOString() };
    this.sql('DELETE FROM sessions WHERE expire_le < ?').run(now());
    this.sql('INSERT INTO sessions (id_hash, cle_id, csrf, expire_le) VALUES (?, ?, ?, ?)').run(sha256(session.id), cleId, session.csrf, session.expireLe);
    return session;
  }

  async getSession(id: string): Promise<Session | undefined> {
    const r = this.sql('SELECT * FROM sessions WHERE id_hash = ? AND expire_le > ?').get(sha256(id), now()) as Row | undefined;
    return r ? { id, cleId: String(r.cle_id), csrf: String(r.csrf), expireLe: String(r.expire_le) } : undefined;
  }

  async deleteSession(id: string): Promise<void> {
    this.sql('DELETE FROM sessions WHERE id_hash = ?').run(sha256(id));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

const { toOrganisation, toKey, toDossier, toJob, toNotification } = rowMappers({
  date: (v) => String(v),
  dateOrNull: (v) => (v === null || v === undefined ? null : String(v)),
  json: (v) => parse(v),
  scopes: (v) => String(v).split(',').filter(Boolean) as Scope[],
});

registerStore('sqlite', (options) => new SqliteStore(options.dataDir, options.faults));
