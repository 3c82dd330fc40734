/**
 * The embedded store's schema, as versioned migrations: the n-th entry takes the database from
 * version n-1 to n (PRAGMA user_version). Never edit a migration that has shipped: add one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    nom TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('facilitateur', 'acheteur')),
    cree_le TEXT NOT NULL,
    UNIQUE (type, nom)
  );
  CREATE TABLE partenariats (
    facilitateur_id TEXT NOT NULL REFERENCES organisations (id),
    acheteur_id TEXT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (facilitateur_id, acheteur_id)
  );
  CREATE TABLE cles (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    nom TEXT NOT NULL,
    scopes TEXT NOT NULL,
    prefixe TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    cree_le TEXT NOT NULL,
    revoquee_le TEXT
  );
  CREATE TABLE dossiers (
    id TEXT PRIMARY KEY,
    titre TEXT NOT NULL,
    acheteur_id TEXT NOT NULL REFERENCES organisations (id),
    facilitateur_id TEXT REFERENCES organisations (id),
    donnees TEXT NOT NULL,
    version INTEGER NOT NULL,
    cree_le TEXT NOT NULL,
    modifie_le TEXT NOT NULL
  );
  CREATE INDEX dossiers_acheteur ON dossiers (acheteur_id);
  CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    mode TEXT NOT NULL,
    proprietaire_id TEXT NOT NULL REFERENCES organisations (id),
    dossier_id TEXT REFERENCES dossiers (id),
    modele TEXT NOT NULL,
    version_modele TEXT NOT NULL,
    date_generation TEXT NOT NULL,
    donnees TEXT NOT NULL,
    cle_id TEXT,
    cree_le TEXT NOT NULL,
    ecarts TEXT NOT NULL,
    idem_cle TEXT,
    idem_valeur TEXT,
    UNIQUE (idem_cle, idem_valeur)
  );
  CREATE INDEX documents_proprietaire ON documents (proprietaire_id, cree_le);
  CREATE INDEX documents_dossier ON documents (dossier_id);
  CREATE TABLE fichiers (
    document_id TEXT NOT NULL REFERENCES documents (id),
    format TEXT NOT NULL,
    content_type TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    taille INTEGER NOT NULL,
    cree_le TEXT NOT NULL,
    PRIMARY KEY (document_id, format)
  );
  CREATE INDEX fichiers_sha ON fichiers (sha256);
  CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    date TEXT NOT NULL,
    organisation_id TEXT,
    cle_id TEXT,
    action TEXT NOT NULL,
    cible TEXT,
    details TEXT
  );
  CREATE INDEX audit_organisation ON audit (organisation_id, date);
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    statut TEXT NOT NULL,
    proprietaire_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    cle_id TEXT,
    total INTEGER NOT NULL,
    faits INTEGER NOT NULL,
    erreurs INTEGER NOT NULL,
    entree TEXT NOT NULL,
    resultat_sha TEXT,
    resultat_taille INTEGER,
    message TEXT,
    webhook TEXT,
    cree_le TEXT NOT NULL,
    modifie_le TEXT NOT NULL
  );
  CREATE INDEX jobs_statut ON jobs (statut, cree_le);
  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    cle_id TEXT NOT NULL,
    csrf TEXT NOT NULL,
    expire_le TEXT NOT NULL
  );
  `,
  // 2: notifications of a job's end (webhooks). One per job for now; its id is the delivery id
  // sent with every attempt. The jobs.webhook column of version 1 was never used and stays empty.
  `
  CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL UNIQUE REFERENCES jobs (id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    statut TEXT NOT NULL CHECK (statut IN ('en-attente', 'livree', 'echec')),
    tentatives INTEGER NOT NULL DEFAULT 0,
    prochaine_le TEXT,
    derniere_erreur TEXT,
    cree_le TEXT NOT NULL,
    modifie_le TEXT NOT NULL
  );
  CREATE INDEX notifications_dues ON notifications (statut, prochaine_le);
  `,
];
