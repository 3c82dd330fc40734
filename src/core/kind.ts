/**
 * What a document kind is: its input schema, its view-model builder and its template. A kind knows
 * the document (its wording lives in its DOCX template, its logic in its view model) and nothing of
 * the output formats: the engines render any kind.
 */
import type Joi from 'joi';
import type { Mode } from './validation.js';
import type { FieldError } from './errors.js';
import type { UploadedFile } from './uploads.js';

/** Document properties written into the DOCX (core properties) and the PDF (Info dictionary). */
export interface DocumentProperties {
  titre: string;
  sujet: string;
  auteur: string;
  /** The document reference, printed in the header of every page. */
  reference: string;
  motsCles: string[];
}

/** One place to sign: the PDF gets a signature form field named after the person. */
export interface Signatory {
  /** PDF form field name, unique within the document, e.g. "Signature_Anne_MARTIN". */
  champ: string;
  nom: string;
  qualite: string;
  organisation: string;
}

/** The part of every view model that the engines read. */
export interface BaseViewModel {
  document: DocumentProperties;
  /** The signatories in the order of the signature zones of the template. */
  signataires: Signatory[];
  brouillon: boolean;
}

export interface BuildContext {
  mode: Mode;
  /** Draft mode: the fields rendered as markers. */
  missing: FieldError[];
  /** Draft mode: what `check` found that a final document could not carry (shown in the draft). */
  warnings: FieldError[];
  /** The date the document is generated (injected so that tests are reproducible). */
  now: Date;
}

export interface DocumentKind<Input = unknown, ViewModel extends BaseViewModel = BaseViewModel> {
  /** Stable id used in URLs and file names, e.g. "convention". */
  id: string;
  /** French name of the document, e.g. "Convention de partenariat". */
  title: string;
  /** One French sentence saying what the document is for. */
  description: string;
  schema: Joi.ObjectSchema;
  /** Absolute path of the DOCX template (docxtemplater, {{ }} delimiters). */
  template: string;
  /** Absolute path of a complete, valid input (the example offered in the web form and the docs). */
  example: string;
  buildViewModel(input: Input, context: BuildContext): ViewModel;
  /**
   * Checks beyond the schema that make a final document wrong (a date already past…): a final
   * document is refused with 422 listing them; a draft shows them.
   */
  check?(input: Input, context: Omit<BuildContext, 'warnings'>): FieldError[];
  /**
   * Reads uploaded data files other than JSON (spreadsheets…) into part of the input, merged with
   * the form fields. Kinds without it accept JSON files only.
   */
  readUploads?(files: UploadedFile[]): Promise<Record<string, unknown>>;
  /**
   * What this kind takes from a dossier (the latest input of each kind saved for one convention, the
   * convention's under "convention"), so that the user gives only what is new. Merged under the input.
   */
  fromDossier?(dossier: Record<string, unknown>): Record<string, unknown>;
  /** File name without extension, e.g. "convention-partenariat-cc-trois-vallees-2026-12-01". */
  fileName(viewModel: ViewModel): string;
}
