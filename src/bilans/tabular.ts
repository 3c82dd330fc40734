/**
 * Reading the follow-up data from spreadsheets: an XLSX workbook with the sheets "marches" and
 * "suivi", or two CSV files (";" or "," separated, UTF-8). Every problem is reported at once with
 * its line, column and a French message, and nothing is returned from a file read in part.
 */
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import type Joi from 'joi';
import { FieldError, InvalidInputError, UnsupportedMediaTypeError } from '../core/errors.js';
import { frenchMessage } from '../core/validation.js';
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
const NUMERIC = new Set(['objectifHeures', 'heures', 'heuresFormation']);

export interface UploadedFile {
  fieldname: string;
  originalname: string;
  mimetype: string;
  buffer: Buffer;
}

type Row = Record<string, unknown>;

function cell(value: unknown, field: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return field === 'mois' ? value.toISOString().slice(0, 7) : value.toISOString().slice(0, 10);
  if (typeof value === 'object' && value && 'result' in value) return cell((value as { result: unknown }).result, field);
  if (typeof value === 'object' && value && 'text' in value) return String((value as { text: unknown }).text);
  if (typeof value === 'string') {
    const v = value.trim();
    if (v === '') return undefined;
    // French spreadsheets write decimals with a comma.
    if (NUMERIC.has(field) && /^-?\d+(,\d+)?$/.test(v)) return Number(v.replace(',', '.'));
    return v;
  }
  return value;
}

/** Rows keyed by data-model field; `line` is the spreadsheet line (the header is line 1). */
function mapRows(sheet: Sheet, header: string[], rows: unknown[][], file: string, errors: FieldError[]): { line: number; data: Row }[] {
  const columns = COLUMNS[sheet] as Record<string, string>;
  const normalized = header.map((h) => String(h ?? '').trim().toLowerCase());
  const missing = Object.keys(columns).filter((c) => !normalized.includes(c) && !['lot', 'heures_formation', 'residence_qpv', 'sortie', 'sortie_6_mois'].includes(c));
  const unknown = normalized.filter((h) => h !== '' && !(h in columns));
  for (const c of missing) errors.push({ path: `${sheet}`, type: 'column.missing', message: `${file} : la colonne « ${c} » est absente (ligne 1).` });
  for (const c of unknown) errors.push({ path: `${sheet}`, type: 'column.unknown', message: `${file} : la colonne « ${c} » n’est pas attendue. Colonnes attendues : ${Object.keys(columns).join(', ')}.` });
  if (missing.length > 0) return [];
  return rows
    .map((values, i) => {
      const data: Row = {};
      normalized.forEach((h, j) => {
        const field = columns[h];
        if (field) {
          const v = cell(values[j], field);
          if (v !== undefined) data[field] = v;
        }
      });
      return { line: i + 2, data };
    })
    .filter((r) => Object.keys(r.data).length > 0);
}

function validateRows<T>(sheet: Sheet, schema: Joi.ObjectSchema, rows: { line: number; data: Row }[], file: string, errors: FieldError[]): T[] {
  const fieldToColumn = Object.fromEntries(Object.entries(COLUMNS[sheet]).map(([c, f]) => [f, c]));
  const out: T[] = [];
  for (const { line, data } of rows) {
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

async function xlsxSheets(file: UploadedFile): Promise<Partial<Record<Sheet, { header: string[]; rows: unknown[][] }>>> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(file.buffer as unknown as ArrayBuffer);
  } catch (error) {
    throw new InvalidInputError('Le classeur ne peut pas être lu.', [
      { path: file.fieldname, type: 'xlsx.unreadable', message: `Le fichier « ${file.originalname} » n’est pas un classeur XLSX lisible : ${(error as Error).message}` },
    ]);
  }
  const out: Partial<Record<Sheet, { header: string[]; rows: unknown[][] }>> = {};
  for (const sheet of Object.keys(COLUMNS) as Sheet[]) {
    const ws = workbook.getWorksheet(sheet);
    if (!ws) continue;
    const all: unknown[][] = [];
    ws.eachRow({ includeEmpty: true }, (row, number) => {
      const values = (row.values as unknown[]).slice(1);
      all[number - 1] = values;
    });
    const [header = [], ...rows] = all;
    out[sheet] = { header: (header as unknown[]).map((h) => String(cell(h, '') ?? '')), rows: rows.map((r) => r ?? []) };
  }
  return out;
}

function csvSheet(file: UploadedFile): { header: string[]; rows: unknown[][] } {
  try {
    const firstLine = file.buffer.toString('utf8').split(/\r?\n/, 1)[0] ?? '';
    const count = (c: string) => firstLine.split(c).length - 1;
    const delimiter = [';', '\t', ','].sort((a, b) => count(b) - count(a))[0]!;
    const records = parseCsv(file.buffer, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: true }) as string[][];
    const [header = [], ...rows] = records;
    return { header, rows };
  } catch (error) {
    throw new InvalidInputError('Le fichier CSV ne peut pas être lu.', [
      { path: file.fieldname, type: 'csv.unreadable', message: `Le fichier « ${file.originalname} » n’est pas un CSV lisible : ${(error as Error).message}` },
    ]);
  }
}

const isXlsx = (f: UploadedFile) => /\.xlsx$/i.test(f.originalname) || f.mimetype.includes('spreadsheetml');
const isCsv = (f: UploadedFile) => /\.csv$/i.test(f.originalname) || /csv/.test(f.mimetype);

export function isTabular(file: UploadedFile): boolean {
  return isXlsx(file) || isCsv(file);
}

/**
 * The markets and follow-up records of uploaded spreadsheets: one XLSX workbook, or CSV files sent
 * in the fields "marches" and "suivi" (a CSV's sheet is also recognised by its header).
 */
export async function readFollowUpFiles(files: UploadedFile[]): Promise<{ marches: Market[]; suivi: FollowUp[] }> {
  const sheets: Partial<Record<Sheet, { header: string[]; rows: unknown[][]; file: string }>> = {};
  for (const file of files) {
    if (isXlsx(file)) {
      for (const [name, content] of Object.entries(await xlsxSheets(file))) sheets[name as Sheet] = { ...content!, file: file.originalname };
    } else if (isCsv(file)) {
      const content = csvSheet(file);
      const lower = content.header.map((h) => h.trim().toLowerCase());
      const sheet: Sheet = file.fieldname === 'marches' || file.fieldname === 'suivi' ? file.fieldname : lower.includes('personne') ? 'suivi' : 'marches';
      sheets[sheet] = { ...content, file: file.originalname };
    } else {
      throw new UnsupportedMediaTypeError('Fichier non pris en charge.', [
        { path: file.fieldname, type: 'file.type', message: `Le fichier « ${file.originalname} » n’est ni un classeur XLSX ni un fichier CSV.` },
      ]);
    }
  }
  const errors: FieldError[] = [];
  for (const sheet of Object.keys(COLUMNS) as Sheet[]) {
    if (!sheets[sheet]) errors.push({ path: sheet, type: 'sheet.missing', message: `Les données « ${sheet} » manquent : feuille « ${sheet} » du classeur, ou fichier CSV envoyé dans le champ « ${sheet} ».` });
  }
  if (errors.length > 0) throw new InvalidInputError('Données de suivi incomplètes.', errors);
  const m = sheets.marches!;
  const s = sheets.suivi!;
  const marches = validateRows<Market>('marches', marketSchema, mapRows('marches', m.header, m.rows, m.file, errors), m.file, errors);
  const suiviRows = mapRows('suivi', s.header, s.rows, s.file, errors);
  const suivi = validateRows<FollowUp>('suivi', followUpSchema, suiviRows, s.file, errors);
  const references = new Set(marches.map((x) => x.reference));
  for (const { line, data } of suiviRows) {
    if (typeof data.marche === 'string' && !references.has(data.marche)) {
      errors.push({ path: `suivi.${line}.marche`, type: 'marche.inconnu', message: `${s.file}, ligne ${line}, colonne « marche » : le marché « ${data.marche} » n’est pas dans la liste des marchés.` });
    }
  }
  if (errors.length > 0) {
    throw new InvalidInputError(`Les fichiers de suivi comportent ${errors.length} erreur(s) : rien n’a été produit.`, errors.slice(0, 500));
  }
  return { marches, suivi };
}

/** The blank model: a workbook with both sheets and their headers, and a sheet of the valid codes. */
export async function blankWorkbook(codes: Record<string, readonly string[]>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  for (const sheet of Object.keys(COLUMNS) as Sheet[]) {
    const ws = workbook.addWorksheet(sheet);
    ws.addRow(Object.keys(COLUMNS[sheet]));
    ws.getRow(1).font = { bold: true };
  }
  const ref = workbook.addWorksheet('codes');
  ref.addRow(['colonne', 'valeurs acceptées']);
  ref.getRow(1).font = { bold: true };
  for (const [column, values] of Object.entries(codes)) ref.addRow([column, values.join(', ')]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function blankCsv(sheet: Sheet): string {
  return `${Object.keys(COLUMNS[sheet]).join(';')}\n`;
}
