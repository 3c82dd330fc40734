/**
 * Reading the follow-up data from spreadsheets: an XLSX workbook with the sheets "marches" and
 * "suivi", or two CSV files (";" or "," separated, UTF-8). Every problem is reported at once with
 * its line, column and a French message, and nothing is returned from a file read in part.
 *
 * Reading is bounded: a workbook's zip directory and real inflated size are checked before it is
 * read, it is read as a stream with a cap on rows and columns, and the whole reading runs in a
 * worker thread (readFollowUpFiles), so that a hostile file neither exhausts the memory of the
 * service nor holds its event loop.
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import type Joi from 'joi';
import { DEFAULT_SPREADSHEET_LIMITS, settings, type SpreadsheetLimits } from '../config.js';
import { guessDelimiter, neutralizeCell, toCsv } from '../core/csv.js';
import { FieldError, InvalidInputError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../core/errors.js';
import { FORBIDDEN_KEYS, forbiddenKeyError } from '../core/input-guard.js';
import type { UploadedFile } from '../core/uploads.js';
import { brokenTextMessage, documentText, frenchMessage } from '../core/validation.js';
import { checkZip } from '../core/zip-guard.js';
import { runTask } from '../workers/index.js';
import { followUpSchema, marketSchema, type FollowUp, type Market } from './model.js';

/** Spreadsheet column → field of the data model, per sheet, in the order of the blank model. */
export const COLUMNS = {
  marches: {
    reference: 'reference',
    acheteur: 'acheteur',
    titulaire: 'titulaire',
    lot: 'lot',
    objectif_heures: 'objectifHeures',
    date_debut: 'dateDebut',
    date_fin: 'dateFin',
  },
  suivi: {
    marche: 'marche',
    personne: 'personne',
    mois: 'mois',
    heures: 'heures',
    heures_formation: 'heuresFormation',
    modalite: 'modalite',
    contrat: 'contrat',
    categorie: 'categorie',
    sexe: 'sexe',
    tranche_age: 'trancheAge',
    residence_qpv: 'residenceQpv',
    sortie: 'sortie',
    sortie_6_mois: 'sortie6mois',
  },
} as const;

export type Sheet = keyof typeof COLUMNS;
const SHEETS = Object.keys(COLUMNS) as Sheet[];
const isSheet = (name: unknown): name is Sheet => typeof name === 'string' && Object.hasOwn(COLUMNS, name);
const NUMERIC = new Set(['objectifHeures', 'heures', 'heuresFormation']);
const OPTIONAL_COLUMNS = new Set(['lot', 'heures_formation', 'residence_qpv', 'sortie', 'sortie_6_mois']);

/** Past this many errors the reading stops: the first ones are enough to correct the file. */
export const MAX_REPORTED_ERRORS = 500;

type Row = Record<string, unknown>;
/** A sheet's header and rows, each row with its spreadsheet line (the header is line 1). */
interface SheetContent {
  header: string[];
  rows: { line: number; values: unknown[] }[];
  file: string;
}

const fileLabel = (file: UploadedFile) => `Le fichier « ${file.name} »`;
const rowLimit = (sheet: Sheet, limits: SpreadsheetLimits) => (sheet === 'suivi' ? limits.followUpRows : limits.marketRows);

function tooManyRows(file: UploadedFile, sheet: Sheet, limit: number): PayloadTooLargeError {
  const what = sheet === 'suivi' ? 'lignes de suivi' : 'marchés';
  return new PayloadTooLargeError('Le fichier envoyé compte trop de lignes.', [
    { path: file.field, type: 'file.tooManyRows', message: `${fileLabel(file)} compte plus de ${limit.toLocaleString('fr-FR')} ${what} (« ${sheet} ») : envoyez-en moins à la fois.` },
  ]);
}

function tooManyColumns(file: UploadedFile, limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError('Le fichier envoyé compte trop de colonnes.', [
    { path: file.field, type: 'file.tooManyColumns', message: `${fileLabel(file)} compte plus de ${limit} colonnes.` },
  ]);
}

/** A cell's value for the data model; texts as documentText() gives them (undefined: unusable text). */
function cell(value: unknown, field: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return field === 'mois' ? value.toISOString().slice(0, 7) : value.toISOString().slice(0, 10);
  if (typeof value === 'object' && value && 'result' in value) return cell((value as { result: unknown }).result, field);
  if (typeof value === 'object' && value && 'richText' in value && Array.isArray((value as { richText: unknown }).richText)) {
    return cell((value as { richText: { text?: unknown }[] }).richText.map((r) => String(r.text ?? '')).join(''), field);
  }
  if (typeof value === 'object' && value && 'text' in value) return cell(String((value as { text: unknown }).text), field);
  if (typeof value === 'string') {
    const v = documentText(value);
    if (v === undefined) return BROKEN;
    if (v === '') return undefined;
    // French spreadsheets write decimals with a comma.
    if (NUMERIC.has(field) && /^-?\d+(,\d+)?$/.test(v)) return Number(v.replace(',', '.'));
    return v;
  }
  return value;
}

/** A text cell that no document can carry (a lone UTF-16 surrogate). */
const BROKEN = Symbol('broken text');

/** Rows keyed by data-model field. */
function mapRows(sheet: Sheet, content: SheetContent, errors: FieldError[]): { line: number; data: Row }[] {
  const columns = COLUMNS[sheet] as Record<string, string>;
  const { file } = content;
  const normalized = content.header.map((h) => String(h ?? '').trim().toLowerCase());
  const forbidden = normalized.find((h) => FORBIDDEN_KEYS.has(h));
  if (forbidden) throw forbiddenKeyError(forbidden, `${sheet}.1`);
  const missing = Object.keys(columns).filter((c) => !normalized.includes(c) && !OPTIONAL_COLUMNS.has(c));
  const unknown = normalized.filter((h) => h !== '' && !Object.hasOwn(columns, h));
  for (const c of missing) errors.push({ path: `${sheet}`, type: 'column.missing', message: `${file} : la colonne « ${c} » est absente (ligne 1).` });
  for (const c of unknown.slice(0, 20)) {
    const shown = c.length > 40 ? `${c.slice(0, 40)}…` : c;
    errors.push({ path: `${sheet}`, type: 'column.unknown', message: `${file} : la colonne « ${shown} » n’est pas attendue. Colonnes attendues : ${Object.keys(columns).join(', ')}.` });
  }
  if (missing.length > 0) return [];
  const out: { line: number; data: Row }[] = [];
  for (const { line, values } of content.rows) {
    const data: Row = {};
    normalized.forEach((h, j) => {
      const field = Object.hasOwn(columns, h) ? columns[h] : undefined;
      if (!field) return;
      const v = cell(values[j], field);
      if (v === BROKEN) {
        if (errors.length < MAX_REPORTED_ERRORS) errors.push({ path: `${sheet}.${line}.${h}`, type: 'string.unicode', message: `${file}, ligne ${line} : ${brokenTextMessage(h)}` });
      } else if (v !== undefined) {
        data[field] = v;
      }
    });
    if (Object.keys(data).length > 0) out.push({ line, data });
  }
  return out;
}

function validateRows<T>(sheet: Sheet, schema: Joi.ObjectSchema, rows: { line: number; data: Row }[], file: string, errors: FieldError[]): T[] {
  const fieldToColumn = Object.fromEntries(Object.entries(COLUMNS[sheet]).map(([c, f]) => [f, c]));
  const out: T[] = [];
  for (const { line, data } of rows) {
    if (errors.length >= MAX_REPORTED_ERRORS) break;
    const { value, error } = schema.validate(data, { abortEarly: false, convert: true, errors: { wrap: { label: false } } });
    if (error) {
      for (const d of error.details) {
        const field = String(d.path[0] ?? '');
        const column = fieldToColumn[field] ?? field;
        errors.push({ path: `${sheet}.${line}.${column}`, type: d.type, message: `${file}, ligne ${line}, colonne « ${column} » : ${frenchMessage(d)}` });
      }
    } else {
      out.push(value as T);
    }
  }
  return out;
}

/** The sheets "marches" and "suivi" of a workbook, read as a stream after the zip checks. */
async function xlsxSheets(file: UploadedFile, limits: SpreadsheetLimits): Promise<Partial<Record<Sheet, SheetContent>>> {
  await checkZip(file.bytes, limits, file.field, fileLabel(file));
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([file.bytes]), {
    entries: 'ignore',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
  });
  const out: Partial<Record<Sheet, SheetContent>> = {};
  try {
    for await (const worksheet of reader) {
      const name = (worksheet as unknown as { name?: string }).name;
      const sheet = isSheet(name) ? name : undefined;
      const rows: { line: number; values: unknown[] }[] = [];
      for await (const row of worksheet as unknown as AsyncIterable<ExcelJS.Row>) {
        if (!sheet) continue; // other sheets (the codes…) are read through and ignored
        if (row.number > rowLimit(sheet, limits) + 1) throw tooManyRows(file, sheet, rowLimit(sheet, limits));
        const values = (row.values as unknown[]).slice(1);
        if (values.length > limits.columns) throw tooManyColumns(file, limits.columns);
        rows.push({ line: row.number, values });
      }
      if (!sheet) continue;
      const first = rows[0]?.line === 1 ? rows.shift()! : { values: [] };
      out[sheet] = { header: first.values.map((h) => String(cell(h, '') ?? '')), rows, file: file.name };
    }
  } catch (error) {
    if (error instanceof PayloadTooLargeError) throw error;
    throw new InvalidInputError('Le classeur ne peut pas être lu.', [
      { path: file.field, type: 'xlsx.unreadable', message: `${fileLabel(file)} n’est pas un classeur XLSX lisible.` },
    ]);
  }
  return out;
}

function csvSheet(file: UploadedFile, sheet: Sheet | undefined, limits: SpreadsheetLimits): Omit<SheetContent, 'file'> {
  const delimiter = guessDelimiter(file.bytes);
  // The limit of rows is checked on the larger of the two sheets until the header says which it is.
  const limit = sheet ? rowLimit(sheet, limits) : Math.max(limits.followUpRows, limits.marketRows);
  let records: string[][];
  try {
    // Every line has the header's number of columns: a relaxed count would make the parser build an
    // error object per short line, seconds for a few hundred thousand lines.
    records = parseCsv(file.bytes, { bom: true, delimiter, skip_empty_lines: true, to: limit + 2, max_record_size: 64 * 1024 }) as string[][];
  } catch (error) {
    const e = error as { code?: unknown; lines?: unknown; record?: unknown[]; columns?: unknown };
    const line = typeof e.lines === 'number' ? ` (ligne ${e.lines})` : '';
    const message =
      e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' && Array.isArray(e.record)
        ? `${fileLabel(file)}, ligne ${String(e.lines)} : ${e.record.length} colonne(s) au lieu des ${countColumns(file.bytes, delimiter)} de la ligne d’en-tête ; vérifiez le séparateur et les guillemets.`
        : `${fileLabel(file)} n’est pas un CSV lisible${line} : vérifiez les guillemets et le séparateur.`;
    throw new InvalidInputError('Le fichier CSV ne peut pas être lu.', [{ path: file.field, type: 'csv.unreadable', message }]);
  }
  const [header = [], ...rows] = records;
  if (header.length > limits.columns || rows.some((r) => r.length > limits.columns)) throw tooManyColumns(file, limits.columns);
  const which = sheet ?? (header.map((h) => h.trim().toLowerCase()).includes('personne') ? 'suivi' : 'marches');
  if (rows.length > rowLimit(which, limits)) throw tooManyRows(file, which, rowLimit(which, limits));
  return { header, rows: rows.map((values, i) => ({ line: i + 2, values })) };
}

/** Columns of a CSV's header line. */
function countColumns(buffer: Buffer, delimiter: string): number {
  const header = parseCsv(buffer, { bom: true, delimiter, to: 1, relax_quotes: true }) as string[][];
  return header[0]?.length ?? 0;
}

const isXlsx = (f: UploadedFile) => /\.xlsx$/i.test(f.name) || f.mediaType.includes('spreadsheetml');
const isCsv = (f: UploadedFile) => /\.csv$/i.test(f.name) || /csv/.test(f.mediaType);

/**
 * The markets and follow-up records of uploaded spreadsheets, read here, in the calling thread:
 * the worker's task. Call readFollowUpFiles() from the service.
 */
export async function parseFollowUpFiles(files: UploadedFile[], limits: SpreadsheetLimits = DEFAULT_SPREADSHEET_LIMITS): Promise<{ marches: Market[]; suivi: FollowUp[] }> {
  const sheets: Partial<Record<Sheet, SheetContent>> = {};
  for (const file of files) {
    if (isXlsx(file)) {
      Object.assign(sheets, await xlsxSheets(file, limits));
    } else if (isCsv(file)) {
      const named = isSheet(file.field) ? file.field : undefined;
      const content = csvSheet(file, named, limits);
      const lower = content.header.map((h) => h.trim().toLowerCase());
      const sheet: Sheet = named ?? (lower.includes('personne') ? 'suivi' : 'marches');
      sheets[sheet] = { ...content, file: file.name };
    } else {
      throw new UnsupportedMediaTypeError('Fichier non pris en charge.', [
        { path: file.field, type: 'file.type', message: `${fileLabel(file)} n’est ni un classeur XLSX ni un fichier CSV.` },
      ]);
    }
  }
  const errors: FieldError[] = [];
  for (const sheet of SHEETS) {
    if (!sheets[sheet]) errors.push({ path: sheet, type: 'sheet.missing', message: `Les données « ${sheet} » manquent : feuille « ${sheet} » du classeur, ou fichier CSV envoyé dans le champ « ${sheet} ».` });
  }
  if (errors.length > 0) throw new InvalidInputError('Données de suivi incomplètes.', errors);
  const m = sheets.marches!;
  const s = sheets.suivi!;
  const marches = validateRows<Market>('marches', marketSchema, mapRows('marches', m, errors), m.file, errors);
  const suiviRows = mapRows('suivi', s, errors);
  const suivi = validateRows<FollowUp>('suivi', followUpSchema, suiviRows, s.file, errors);
  const references = new Set(marches.map((x) => x.reference));
  for (const { line, data } of suiviRows) {
    if (errors.length >= MAX_REPORTED_ERRORS) break;
    if (typeof data.marche === 'string' && !references.has(data.marche)) {
      errors.push({ path: `suivi.${line}.marche`, type: 'marche.inconnu', message: `${s.file}, ligne ${line}, colonne « marche » : le marché « ${data.marche} » n’est pas dans la liste des marchés.` });
    }
  }
  if (errors.length > 0) {
    const count = errors.length >= MAX_REPORTED_ERRORS ? `au moins ${MAX_REPORTED_ERRORS} erreurs` : `${errors.length} erreur(s)`;
    throw new InvalidInputError(`Les fichiers de suivi comportent ${count} : rien n’a été produit.`, errors.slice(0, MAX_REPORTED_ERRORS));
  }
  return { marches, suivi };
}

/**
 * The markets and follow-up records of uploaded spreadsheets: one XLSX workbook, or CSV files sent
 * in the fields "marches" and "suivi" (a CSV's sheet is also recognised by its header). Read in a
 * worker thread, within `limits`.
 */
export function readFollowUpFiles(files: UploadedFile[], limits: SpreadsheetLimits = settings().spreadsheets): Promise<{ marches: Market[]; suivi: FollowUp[] }> {
  return runTask('followUpFiles', { files, limits });
}

/** The blank model: a workbook with both sheets and their headers, and a sheet of the valid codes. */
export async function blankWorkbook(codes: Record<string, readonly string[]>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  for (const sheet of Object.keys(COLUMNS) as Sheet[]) {
    const ws = workbook.addWorksheet(sheet);
    ws.addRow(Object.keys(COLUMNS[sheet]).map(neutralizeCell));
    ws.getRow(1).font = { bold: true };
  }
  const ref = workbook.addWorksheet('codes');
  ref.addRow(['colonne', 'valeurs acceptées']);
  ref.getRow(1).font = { bold: true };
  for (const [column, values] of Object.entries(codes)) ref.addRow([column, values.join(', ')].map(neutralizeCell));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function blankCsv(sheet: Sheet): string {
  return toCsv(Object.keys(COLUMNS[sheet]), []);
}
