/**
 * What the service keeps: organisations and their access keys, dossiers, the archive of generated
 * documents, the audit log, batch jobs and browser sessions. One interface, several strategies
 * (src/store/<strategy>/), chosen by the STORE setting; the routes only know this interface.
 *
 * Every method is asynchronous so that a networked strategy fits the same shape. Visibility
 * (which organisation may see what) is decided by the callers through `ownerIds` filters: the store
 * never guesses who asks.
 */

export type OrganisationType = 'facilitateur' | 'acheteur';
export const SCOPES = ['generate', 'read', 'manage'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Organisation {
  id: string;
  nom: string;
  type: OrganisationType;
  creeLe: string;
}

export interface ApiKey {
  id: string;
  organisationId: string;
  nom: string;
  scopes: Scope[];
  /** The first characters of the secret, to recognise a key in a list (never enough to use it). */
  prefixe: string;
  creeLe: string;
  revoqueeLe: string | null;
}

export interface StoredFile {
  format: string;
  contentType: string;
  fileName: string;
  sha256: string;
  taille: number;
  creeLe: string;
}

export interface NewFile {
  format: string;
  contentType: string;
  fileName: string;
  bytes: Buffer;
}

export interface DocumentRecord {
  id: string;
  kind: string;
  mode: 'final' | 'draft';
  /** The organisation whose document it is: the buyer of its dossier, else the organisation that generated it. */
  proprietaireId: string;
  dossierId: string | null;
  /** Template file and its version (hash of the file): with the input and `dateGeneration`, the document can be rebuilt byte for byte. */
  modele: string;
  versionModele: string;
  /** The generation date given to the generator (document properties, "now" of the checks). */
  dateGeneration: string;
  donnees: unknown;
  fichiers: StoredFile[];
  cleId: string | null;
  creeLe: string;
  /** Fields where the document's input departs from its dossier. */
  ecarts: { path: string; message: string }[];
}

export type NewDocument = Omit<DocumentRecord, 'id' | 'fichiers' | 'creeLe'> & { idempotence?: { cleId: string; valeur: string } };

export interface DocumentFilter {
  /** Only documents owned by these organisations (the caller's visibility). */
  proprietaireIds: string[];
  kind?: string;
  dossierId?: string;
  /** Created on or after / before this ISO date-time. */
  du?: string;
  au?: string;
  offset: number;
  limit: number;
}

export interface Dossier {
  id: string;
  titre: string;
  acheteurId: string;
  facilitateurId: string | null;
  /** The latest input of each kind saved for this convention (the convention's own under "convention"). */
  donnees: Record<string, unknown>;
  version: number;
  creeLe: string;
  modifieLe: string;
}

export interface AuditEntry {
  id: number;
  date: string;
  organisationId: string | null;
  cleId: string | null;
  action: string;
  cible: string | null;
  details: Record<string, unknown> | null;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'date'> & { date?: string };
/** The audit line of a document's creation: its target is the document saved with it. */
export type DocumentAuditEntry = Omit<NewAuditEntry, 'cible'>;

export type JobStatus = 'en-attente' | 'en-cours' | 'termine' | 'echec';

export type NotificationStatus = 'en-attente' | 'livree' | 'echec';

/**
 * The notification of a job's end to an address of the client (webhook). Its signing secret is
 * kept beside it but is not part of this view: only the dispatcher reads it (DueNotification).
 */
export interface JobNotification {
  /** The id of the notification, the same for each of its attempts (X-Webhook-Id). */
  id: string;
  url: string;
  statut: NotificationStatus;
  tentatives: number;
  /**
   * When the next attempt is due; null means "as soon as the job ends" while it is pending, and
   * nothing once it is delivered or given up.
   */
  prochaineLe: string | null;
  derniereErreur: string | null;
}

/** A notification claimed for an attempt, with what signing it needs. */
export interface DueNotification extends JobNotification {
  jobId: string;
  secret: string;
}

export type NotificationChange = Partial<Pick<JobNotification, 'statut' | 'tentatives' | 'prochaineLe' | 'derniereErreur'>>;

export interface Job {
  id: string;
  type: string;
  statut: JobStatus;
  proprietaireId: string;
  organisationId: string;
  cleId: string | null;
  total: number;
  faits: number;
  erreurs: number;
  entree: unknown;
  /** The result archive, once done. */
  resultat: { sha256: string; taille: number } | null;
  message: string | null;
  /** The notification of its end, when the client asked for one. */
  notification: JobNotification | null;
  creeLe: string;
  modifieLe: string;
}

export type NewJob = Pick<Job, 'type' | 'proprietaireId' | 'organisationId' | 'cleId' | 'total' | 'entree'> & {
  webhook?: { url: string; secret: string } | null;
};

export interface Session {
  id: string;
  cleId: string;
  csrf: string;
  expireLe: string;
}

/** Failures injected by tests to prove that an interrupted write leaves nothing behind. */
export interface StoreFaults {
  /** Called after a document's files are written and before its row is: throwing simulates a crash there. */
  afterFilesWritten?: () => void;
}

export interface Store {
  readonly strategy: string;

  createOrganisation(input: { nom: string; type: OrganisationType }): Promise<Organisation>;
  getOrganisation(id: string): Promise<Organisation | undefined>;
  findOrganisation(type: OrganisationType, nom: string): Promise<Organisation | undefined>;
  listOrganisations(ids?: string[]): Promise<Organisation[]>;
  /** The facilitator works with this buyer: its keys see the buyer's dossiers and documents. */
  linkBuyer(facilitateurId: string, acheteurId: string): Promise<void>;
  buyersOf(facilitateurId: string): Promise<string[]>;

  /** Creates a key; the secret is returned once and only its hash is kept. */
  createKey(input: { organisationId: string; nom: string; scopes: Scope[]; secret?: string }): Promise<{ key: ApiKey; secret: string }>;
  /** The active key with this secret, if any. */
  findKeyBySecret(secret: string): Promise<ApiKey | undefined>;
  getKey(id: string): Promise<ApiKey | undefined>;
  listKeys(organisationId: string): Promise<ApiKey[]>;
  countKeys(): Promise<number>;
  revokeKey(id: string): Promise<boolean>;

  /**
   * Writes the files then the row, and the audit line of its creation when given (its target the
   * new document), atomically: on failure none remains.
   */
  saveDocument(doc: NewDocument, files: NewFile[], audit?: DocumentAuditEntry): Promise<DocumentRecord>;
  /** Adds another format of a stored document (regeneration from its stored input). */
  addFile(documentId: string, file: NewFile): Promise<StoredFile>;
  getDocument(id: string): Promise<DocumentRecord | undefined>;
  listDocuments(filter: DocumentFilter): Promise<{ total: number; items: DocumentRecord[] }>;
  findIdempotent(cleId: string, valeur: string): Promise<DocumentRecord | undefined>;
  /** The bytes of a stored file, checked against its hash (a mismatch throws CorruptionError). */
  readFile(sha256: string): Promise<Buffer>;

  createDossier(input: { titre: string; acheteurId: string; facilitateurId: string | null; donnees: Record<string, unknown> }): Promise<Dossier>;
  getDossier(id: string): Promise<Dossier | undefined>;
  updateDossier(id: string, change: { titre?: string; donnees: Record<string, unknown> }): Promise<Dossier>;
  listDossiers(proprietaireIds: string[]): Promise<Dossier[]>;

  audit(entry: NewAuditEntry): Promise<void>;
  listAudit(filter: { organisationIds: string[]; du?: string; au?: string; limit: number }): Promise<AuditEntry[]>;

  /** With `webhook`, the job's end is notified to that address, signed with that secret (stored with the job, never shown). */
  createJob(input: NewJob): Promise<Job>;
  getJob(id: string): Promise<Job | undefined>;
  updateJob(id: string, change: Partial<Pick<Job, 'statut' | 'faits' | 'erreurs' | 'message' | 'total'>>): Promise<void>;
  setJobResult(id: string, bytes: Buffer): Promise<void>;
  /** Jobs left "en-cours" by a stopped process go back to "en-attente"; returns the waiting ones, oldest first. */
  pendingJobs(): Promise<Job[]>;
  /** Jobs not started yet, oldest first, changing nothing (a shared queue re-queues them at start). */
  waitingJobs(): Promise<Job[]>;
  /** Jobs waiting or running (a gauge of the metrics). */
  countPendingJobs(): Promise<number>;

  /**
   * Pending notifications due at `now` (those whose job has ended and whose next attempt, if set,
   * is not later than `now`), oldest first, at most `limit`. Each is claimed until `leaseUntil`:
   * its next attempt moves there, so that no other dispatcher takes it meanwhile and a process
   * that dies during the attempt leaves it due again later.
   */
  claimNotifications(now: string, leaseUntil: string, limit: number): Promise<DueNotification[]>;
  updateNotification(id: string, change: NotificationChange): Promise<void>;
  /** When the earliest pending notification is due (its job's end when not attempted yet), if any. */
  nextNotificationDue(): Promise<string | undefined>;

  createSession(cleId: string, ttlMs: number): Promise<Session>;
  getSession(id: string): Promise<Session | undefined>;
  deleteSession(id: string): Promise<void>;

  /** Resolves when the store answers a trivial query (readiness); throws otherwise. */
  ping(): Promise<void>;

  close(): Promise<void>;
}
