/**
 * The PostgreSQL store's schema, as versioned migrations: the n-th entry takes the database from
 * version n-1 to n. Applied versions are recorded in `schema_migrations`; each migration runs in its
 * own transaction under an advisory lock, so that replicas starting together apply it exactly once.
 * Never edit a migration that has shipped: add one.
 *
 * The same tables as the embedded store (src/store/sqlite/migrations.ts), with PostgreSQL types:
 * - the store's own dates are `timestamptz` (read back as the same ISO strings); the generation date
 *   given by the caller stays `text`, returned exactly as given;
 * - the inputs kept for regeneration are `json`, not `jsonb`: `json` keeps the text as written (key
 *   order, duplicate keys), as the embedded store does, so an export or a regeneration sees the
 *   input exactly as it was received;
 * - the files' bytes live in `blobs`, addressed by their SHA-256, so that one PostgreSQL is all a
 *   deployment needs;
 * - identifiers and names used for ordering are `COLLATE "C"` (byte order, as SQLite), whatever the
 *   database's own collation.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE organisations (
    id text COLLATE "C" PRIMARY KEY,
    nom text COLLATE "C" NOT NULL,
    type text NOT NULL CHECK (type IN ('facilitateur', 'acheteur')),
    cree_le timestamptz NOT NULL,
    UNIQUE (type, nom)
  );
  CREATE TABLE partenariats (
    facilitateur_id text COLLATE "C" NOT NULL REFERENCES organisations (id),
    acheteur_id text COLLATE "C" NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (facilitateur_id, acheteur_id)
  );
  CREATE TABLE cles (
    id text COLLATE "C" PRIMARY KEY,
    organisation_id text COLLATE "C" NOT NULL REFERENCES organisations (id),
    nom text NOT NULL,
    scopes text[] NOT NULL,
    prefixe text NOT NULL,
    hash text NOT NULL UNIQUE,
    cree_le timestamptz NOT NULL,
    revoquee_le timestamptz
  );
  CREATE INDEX cles_organisation ON cles (organisation_id, cree_le);
  CREATE TABLE dossiers (
    id text COLLATE "C" PRIMARY KEY,
    titre text NOT NULL,
    acheteur_id text COLLATE "C" NOT NULL REFERENCES organisations (id),
    facilitateur_id text COLLATE "C" REFERENCES organisations (id),
    donnees json NOT NULL,
    version integer NOT NULL,
    cree_le timestamptz NOT NULL,
    modifie_le timestamptz NOT NULL
  );
  CREATE INDEX dossiers_acheteur ON dossiers (acheteur_id, modifie_le);
  CREATE TABLE blobs (
    sha256 text COLLATE "C" PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    taille bigint NOT NULL,
    contenu bytea NOT NULL,
    cree_le timestamptz NOT NULL
  );
  -- PDF, DOCX and ZIP are compressed already: stored out of line without another compression.
  ALTER TABLE blobs ALTER COLUMN contenu SET STORAGE EXTERNAL;
  CREATE TABLE documents (
    id text COLLATE "C" PRIMARY KEY,
    kind text NOT NULL,
    mode text NOT NULL,
    proprietaire_id text COLLATE "C" NOT NULL REFERENCES organisations (id),
    dossier_id text COLLATE "C" REFERENCES dossiers (id),
    modele text NOT NULL,
    version_modele text NOT NULL,
    date_generation text NOT NULL,
    donnees json NOT NULL,
    cle_id text,
    cree_le timestamptz NOT NULL,
    ecarts json NOT NULL,
    idem_cle text,
    idem_valeur text,
    UNIQUE (idem_cle, idem_valeur)
  );
  CREATE INDEX documents_proprietaire ON documents (proprietaire_id, cree_le);
  CREATE INDEX documents_dossier ON documents (dossier_id);
  CREATE TABLE fichiers (
    document_id text COLLATE "C" NOT NULL REFERENCES documents (id),
    format text COLLATE "C" NOT NULL,
    content_type text NOT NULL,
    file_name text NOT NULL,
    sha256 text COLLATE "C" NOT NULL REFERENCES blobs (sha256),
    taille bigint NOT NULL,
    cree_le timestamptz NOT NULL,
    PRIMARY KEY (document_id, format)
  );
  CREATE INDEX fichiers_sha ON fichiers (sha256);
  CREATE TABLE audit (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    date timestamptz NOT NULL,
    organisation_id text,
    cle_id text,
    action text NOT NULL,
    cible text,
    details json
  );
  CREATE INDEX audit_organisation ON audit (organisation_id, date);
  CREATE TABLE jobs (
    id text COLLATE "C" PRIMARY KEY,
    type text NOT NULL,
    statut text NOT NULL,
    proprietaire_id text NOT NULL,
    organisation_id text NOT NULL,
    cle_id text,
    total integer NOT NULL,
    faits integer NOT NULL,
    erreurs integer NOT NULL,
    entree json NOT NULL,
    resultat_sha text COLLATE "C" REFERENCES blobs (sha256),
    resultat_taille bigint,
    message text,
    cree_le timestamptz NOT NULL,
    modifie_le timestamptz NOT NULL
  );
  CREATE INDEX jobs_statut ON jobs (statut, cree_le);
  CREATE TABLE notifications (
    id text COLLATE "C" PRIMARY KEY,
    job_id text COLLATE "C" NOT NULL UNIQUE REFERENCES jobs (id),
    url text NOT NULL,
    secret text NOT NULL,
    statut text NOT NULL CHECK (statut IN ('en-attente', 'livree', 'echec')),
    tentatives integer NOT NULL DEFAULT 0,
    prochaine_le timestamptz,
    derniere_erreur text,
    cree_le timestamptz NOT NULL,
    modifie_le timestamptz NOT NULL
  );
  CREATE INDEX notifications_dues ON notifications (statut, prochaine_le);
  CREATE TABLE sessions (
    id_hash text PRIMARY KEY,
    cle_id text NOT NULL,
    csrf text NOT NULL,
    expire_le timestamptz NOT NULL
  );
  CREATE INDEX sessions_expiration ON sessions (expire_le);
  `,
];
