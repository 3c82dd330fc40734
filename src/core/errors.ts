/**
 * Typed errors of the core. Every error a client can cause is a ServiceError carrying a stable
 * problem slug, a French title and the list of field errors. The core knows no HTTP: the edge
 * (server/problem.ts) chooses each error's status in one table and writes problem+json or a page.
 */

export interface FieldError {
  /** Dotted path of the field in the input, e.g. "donneurOrdre.representant.nom" ("" for the whole input). */
  path: string;
  /** French message for the person who filled the field. */
  message: string;
  /** Stable machine code, e.g. "any.required", "string.email", "any.placeholder". */
  type: string;
}

export abstract class ServiceError extends Error {
  /** Stable identifier of the kind of problem, used in the problem "type" URI. */
  abstract readonly slug: string;
  /** Short French title of the problem. */
  abstract readonly title: string;
  readonly errors: FieldError[];
  /**
   * The fault is the service's momentary state (busy, engine unavailable), not the input: the
   * same request may succeed later, so it is never shown as a correction to make in a form.
   */
  readonly transient: boolean = false;

  /** `options.cause`: the underlying error, for the log only (never shown to the client). */
  constructor(detail: string, errors: FieldError[] = [], options?: ErrorOptions) {
    super(detail, options);
    this.name = new.target.name;
    this.errors = errors;
  }
}

/** The input cannot be read or has values of the wrong type or format. */
export class InvalidInputError extends ServiceError {
  readonly slug = 'donnees-invalides';
  readonly title = 'Données invalides';
}

/** The input is well-formed but a final document cannot be produced from it: missing or placeholder values. */
export class IncompleteDocumentError extends ServiceError {
  readonly slug = 'document-incomplet';
  readonly title = 'Document incomplet';
}

/** The input is complete but a final document would be wrong (a notice already out of time…) */
export class NonConformingDocumentError extends ServiceError {
  readonly slug = 'document-non-conforme';
  readonly title = 'Document non conforme';
}

export class PayloadTooLargeError extends ServiceError {
  readonly slug = 'contenu-trop-volumineux';
  readonly title = 'Contenu trop volumineux';
}

export class UnsupportedMediaTypeError extends ServiceError {
  readonly slug = 'type-de-contenu-non-pris-en-charge';
  readonly title = 'Type de contenu non pris en charge';
}

export class NotFoundError extends ServiceError {
  readonly slug = 'introuvable';
  readonly title = 'Ressource introuvable';
}

/** The rendering engine could not produce the file in time or is unavailable: the client may retry. */
export class RenderUnavailableError extends ServiceError {
  override readonly transient = true;
  readonly slug = 'rendu-indisponible';
  readonly title = 'Rendu momentanément indisponible';
}

/**
 * A template does not match what the generator expects (malformed tag, unknown tag). This is a
 * fault of the service's configuration, not of the client (a server error), with the template details kept
 * for the logs and for whoever edits the template.
 */
export class TemplateError extends Error {
  readonly details: { tag?: string; explanation: string; file?: string }[];
  constructor(message: string, details: { tag?: string; explanation: string; file?: string }[] = []) {
    super(message);
    this.name = 'TemplateError';
    this.details = details;
  }
}

/** Too much work queued: the client may retry after a moment. */
export class BusyError extends ServiceError {
  override readonly transient = true;
  readonly slug = 'service-occupe';
  readonly title = 'Service occupé';
}

/** No key, or a key that is unknown or revoked. */
export class UnauthorizedError extends ServiceError {
  readonly slug = 'non-authentifie';
  readonly title = 'Authentification requise';
}

/** The key is valid but lacks the scope the operation needs. */
export class ForbiddenError extends ServiceError {
  readonly slug = 'droits-insuffisants';
  readonly title = 'Droits insuffisants';
}

/** The request contradicts the state of a stored resource (a reused idempotency key…) */
export class ConflictError extends ServiceError {
  readonly slug = 'conflit';
  readonly title = 'Conflit';
}

/** The resource exists but not with this method; `allow` lists the methods it has. */
export class MethodNotAllowedError extends ServiceError {
  readonly slug = 'methode-non-autorisee';
  readonly title = 'Méthode non autorisée';
  constructor(
    detail: string,
    readonly allow: string[] = [],
  ) {
    super(detail, []);
  }
}

/** No representation matches the Accept header. */
export class NotAcceptableError extends ServiceError {
  readonly slug = 'format-non-acceptable';
  readonly title = 'Format non acceptable';
}

/** A ServiceError as plain data, to cross a worker thread's boundary and be rebuilt on the other side. */
export interface SerializedServiceError {
  name: string;
  message: string;
  errors: FieldError[];
}

const SERVICE_ERRORS: Record<string, new (detail: string, errors?: FieldError[]) => ServiceError> = {
  InvalidInputError,
  IncompleteDocumentError,
  NonConformingDocumentError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  NotFoundError,
  RenderUnavailableError,
  BusyError,
  UnauthorizedError,
  ForbiddenError,
  ConflictError,
};

export function serializeServiceError(error: ServiceError): SerializedServiceError {
  return { name: error.name, message: error.message, errors: error.errors };
}

export function deserializeServiceError(data: SerializedServiceError): ServiceError {
  const Type = SERVICE_ERRORS[data.name] ?? InvalidInputError;
  return new Type(data.message, data.errors);
}
