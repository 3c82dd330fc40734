/**
 * Generation with memory: a document started from a dossier takes the dossier's data under the
 * user's input, its departures from the dossier are flagged, and the result is archived (final
 * documents always, drafts when asked) with everything needed to rebuild it byte for byte: the
 * input, the template's version and the generation date. Nothing here knows HTTP.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { canSee, requireScope, visibleOr404, type Principal } from '../access/index.js';
import { departures, mergeUnder } from '../core/dossier-merge.js';
import { ConflictError, InvalidInputError, NotFoundError, type FieldError } from '../core/errors.js';
import { PROJECT_ROOT } from '../core/paths.js';
import { getKind } from '../core/registry.js';
import type { DocumentKind } from '../core/kind.js';
import { checkOptions, type GeneratedDocument, type Generator } from '../generator.js';
import type { Dossier, DocumentRecord, Organisation, Store } from '../store/types.js';

const templateVersions = new Map<string, string>();

/** The template's version: the first 16 hex digits of its SHA-256 (a changed template is a new version). */
export function templateVersion(path: string): string {
  let version = templateVersions.get(path);
  if (!version) {
    version = createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
    templateVersions.set(path, version);
  }
  return version;
}

export interface GenerateRequest {
  /** The kind, already looked up by the caller, or its id. */
  kind: DocumentKind | string;
  input: unknown;
  format?: string;
  mode?: string;
  /** A dossier id, or "nouveau" to create one from a convention. */
  dossier?: string;
  /** Keep a draft too (final documents are always kept). */
  archiveDraft?: boolean;
  idempotencyKey?: string;
}

export interface GenerateResult {
  doc: GeneratedDocument;
  record?: DocumentRecord;
  dossier?: Dossier;
  ecarts: FieldError[];
  /** The same request was already served: this is the stored document. */
  replay: boolean;
  /** Milliseconds spent archiving the document (stored file, record and audit), when archived. */
  archiveMs?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The dossier a request refers to, if the caller may see it. */
export async function dossierFor(store: Store, principal: Principal, id: string): Promise<Dossier> {
  return visibleOr404(principal, await store.getDossier(id), (d) => d.acheteurId, 'Dossier');
}

/** The buyer organisation of a convention: the caller itself, or one the facilitator works with (created on first use). */
export async function buyerFor(store: Store, principal: Principal, name: string | undefined, acheteurId?: string): Promise<string> {
  if (principal.organisation.type === 'acheteur') return principal.organisation.id;
  if (acheteurId) {
    if (!canSee(principal, acheteurId) || acheteurId === principal.organisation.id) throw new NotFoundError('Acheteur introuvable.');
    return acheteurId;
  }
  if (!name) {
    throw new InvalidInputError('Acheteur inconnu.', [{ path: 'donneurOrdre.nom', type: 'any.required', message: 'Le nom du donneur d’ordre est nécessaire pour rattacher le dossier à son acheteur.' }]);
  }
  return (await linkedBuyer(store, principal, name)).organisation.id;
}

/**
 * The buyer of that name that this facilitator works with, created and linked on first use. A
 * buyer of the same name that works with another facilitator stays its own record.
 */
export async function linkedBuyer(store: Store, principal: Principal, name: string): Promise<{ organisation: Organisation; created: boolean }> {
  const existing = await store.findOrganisation('acheteur', name);
  if (existing && canSee(principal, existing.id)) return { organisation: existing, created: false };
  const organisation = await store.createOrganisation({ nom: existing ? `${name} (${principal.organisation.nom})` : name, type: 'acheteur' });
  await store.linkBuyer(principal.organisation.id, organisation.id);
  principal.visibles.push(organisation.id);
  await store.audit({ organisationId: principal.organisation.id, cleId: principal.key.id, action: 'organisation.creee', cible: organisation.id, details: { nom: organisation.nom } });
  return { organisation, created: true };
}

const conventionTitle = (c: Record<string, unknown>) => {
  const buyer = isObject(c.donneurOrdre) && typeof c.donneurOrdre.nom === 'string' ? c.donneurOrdre.nom : 'Convention';
  return typeof c.reference === 'string' ? `${buyer} – ${c.reference}` : buyer;
};

export async function createDossierFromConvention(store: Store, principal: Principal, convention: unknown, options: { titre?: string; acheteurId?: string } = {}): Promise<Dossier> {
  if (!isObject(convention)) {
    throw new InvalidInputError('Convention manquante.', [{ path: 'convention', type: 'object.base', message: '« Convention » doit contenir les données de la convention de partenariat.' }]);
  }
  const name = isObject(convention.donneurOrdre) && typeof convention.donneurOrdre.nom === 'string' ? convention.donneurOrdre.nom : undefined;
  const acheteurId = await buyerFor(store, principal, name, options.acheteurId);
  const dossier = await store.createDossier({
    titre: options.titre ?? conventionTitle(convention),
    acheteurId,
    facilitateurId: principal.organisation.type === 'facilitateur' ? principal.organisation.id : null,
    donnees: { convention },
  });
  await store.audit({ organisationId: principal.organisation.id, cleId: principal.key.id, action: 'dossier.cree', cible: dossier.id, details: { titre: dossier.titre } });
  return dossier;
}

export async function generateDocument(store: Store, generator: Generator, principal: Principal, request: GenerateRequest): Promise<GenerateResult> {
  requireScope(principal, 'generate');
  const kind = typeof request.kind === 'string' ? getKind(request.kind) : request.kind;
  const { format, mode } = checkOptions({ format: request.format, mode: request.mode });

  let dossier: Dossier | undefined;
  if (request.dossier && request.dossier !== 'nouveau') dossier = await dossierFor(store, principal, request.dossier);
  if (request.dossier === 'nouveau' && kind.id !== 'convention') {
    throw new InvalidInputError('Dossier inconnu.', [{ path: 'dossier', type: 'dossier.nouveau', message: 'Seule une convention peut ouvrir un nouveau dossier ; indiquez l’identifiant du dossier de la convention.' }]);
  }
  const base = dossier ? (kind.id === 'convention' ? dossier.donnees.convention : kind.fromDossier?.(dossier.donnees)) ?? {} : {};
  const input = mergeUnder(base, request.input);
  // For the convention itself, the input is the dossier's new state, not a departure from it.
  const ecarts = dossier && kind.id !== 'convention' ? departures(base, request.input, kind.schema) : [];

  /** The document stored earlier under this request's idempotency key, served again (or a conflict). */
  const replayOf = async (previous: DocumentRecord): Promise<GenerateResult> => {
    if (previous.kind !== kind.id || JSON.stringify(previous.donnees) !== JSON.stringify(input) || previous.mode !== mode) {
      throw new ConflictError('Clé d’idempotence déjà utilisée pour une autre demande.', [
        { path: 'Idempotency-Key', type: 'idempotence.conflit', message: 'Cette clé d’idempotence a déjà servi pour une demande différente : utilisez une nouvelle clé.' },
      ]);
    }
    const { doc } = await storedFile(store, generator, previous, format);
    return { doc, record: (await store.getDocument(previous.id))!, ecarts: previous.ecarts as FieldError[], replay: true };
  };
  if (request.idempotencyKey) {
    const previous = await store.findIdempotent(principal.key.id, request.idempotencyKey);
    if (previous) return replayOf(previous);
  }

  const now = new Date();
  const doc = await generator.generate(kind, input, { format, mode, now });

  if (request.dossier === 'nouveau') {
    dossier = await createDossierFromConvention(store, principal, input);
  } else if (dossier) {
    dossier = await store.updateDossier(dossier.id, { donnees: { ...dossier.donnees, [kind.id]: input } });
    await store.audit({ organisationId: principal.organisation.id, cleId: principal.key.id, action: 'dossier.modifie', cible: dossier.id, details: { kind: kind.id } });
  }

  let record: DocumentRecord | undefined;
  let archiveMs: number | undefined;
  if (mode === 'final' || request.archiveDraft) {
    const archiving = performance.now();
    const saving = store.saveDocument(
      {
        kind: kind.id,
        mode,
        proprietaireId: dossier ? dossier.acheteurId : principal.organisation.id,
        dossierId: dossier?.id ?? null,
        modele: relative(PROJECT_ROOT, kind.template),
        versionModele: templateVersion(kind.template),
        dateGeneration: now.toISOString(),
        donnees: input,
        cleId: principal.key.id,
        ecarts: ecarts.map(({ path, message }) => ({ path, message })),
        ...(request.idempotencyKey ? { idempotence: { cleId: principal.key.id, valeur: request.idempotencyKey } } : {}),
      },
      [{ format, contentType: doc.contentType, fileName: doc.fileName, bytes: doc.bytes }],
      // In the same transaction: no document without its audit line.
      { organisationId: principal.organisation.id, cleId: principal.key.id, action: 'document.genere', details: { kind: kind.id, format, mode, sha256: doc.sha256 } },
    );
    try {
      record = await saving;
    } catch (error) {
      // The same key sent at the same moment to another replica (or process), which stored it first:
      // the store's unique key refused this copy; the request is answered as the retry it is.
      const previous = request.idempotencyKey ? await store.findIdempotent(principal.key.id, request.idempotencyKey) : undefined;
      if (previous) return replayOf(previous);
      throw error;
    }
    archiveMs = performance.now() - archiving;
  }
  return { doc, record, dossier, ecarts, replay: false, archiveMs };
}

/** A stored document's file in a format: served from the archive (hash checked), or rebuilt from its stored input and kept. */
export async function storedFile(store: Store, generator: Generator, record: DocumentRecord, format: string): Promise<{ doc: GeneratedDocument; regenerated: boolean }> {
  checkOptions({ format });
  const file = record.fichiers.find((f) => f.format === format);
  if (file) {
    const bytes = await store.readFile(file.sha256);
    return { doc: { bytes, contentType: file.contentType, fileName: file.fileName, sha256: file.sha256, mode: record.mode, missing: [] }, regenerated: false };
  }
  const kind = getKind(record.kind);
  if (templateVersion(kind.template) !== record.versionModele) {
    throw new ConflictError('Le modèle a changé depuis la génération.', [
      { path: 'format', type: 'modele.change', message: `Le modèle de ce document a changé depuis sa génération : le format « ${format} » ne peut plus en être tiré à l’identique. Téléchargez un format conservé ou générez un nouveau document.` },
    ]);
  }
  const doc = await generator.generate(kind, record.donnees, { format, mode: record.mode, now: new Date(record.dateGeneration) });
  await store.addFile(record.id, { format, contentType: doc.contentType, fileName: doc.fileName, bytes: doc.bytes });
  return { doc, regenerated: true };
}

/**
 * A convention's draft saved as one works, without validation: a new dossier (its buyer found or
 * created from `donneurOrdre.nom`), or the convention of an existing dossier replaced.
 */
export async function saveConventionDraft(store: Store, principal: Principal, convention: Record<string, unknown>, dossierId?: string): Promise<Dossier> {
  requireScope(principal, 'generate');
  if (!dossierId) return createDossierFromConvention(store, principal, convention);
  const dossier = await dossierFor(store, principal, dossierId);
  // A title the service derived from the convention follows it (a reference typed since); one given by hand stays.
  const derived = isObject(dossier.donnees.convention) && dossier.titre === conventionTitle(dossier.donnees.convention);
  const updated = await store.updateDossier(dossier.id, { ...(derived ? { titre: conventionTitle(convention) } : {}), donnees: { ...dossier.donnees, convention } });
  await store.audit({ organisationId: principal.organisation.id, cleId: principal.key.id, action: 'dossier.modifie', cible: dossier.id, details: { kind: 'convention', brouillon: true } });
  return updated;
}
