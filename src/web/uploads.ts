/**
 * The follow-up files of a bilan's form across a refused submission. A browser cannot fill a file
 * input again, so what could be read is carried back in the page (the hidden `donnees` field) and a
 * note says so: when one of the files is refused (a wrong line or column), the other sheet is kept,
 * and only the corrected file has to be sent again. A sheet not sent again is taken from what was
 * kept; a sheet sent again replaces it.
 */
import { blankCsv, COLUMNS, type Sheet } from '../bilans/tabular.js';
import { toCsv } from '../core/csv.js';
import { ServiceError } from '../core/errors.js';
import { formatNumber, typography } from '../core/french.js';
import type { UploadedFile } from '../core/uploads.js';

const SHEETS = Object.keys(COLUMNS) as Sheet[];
const isSheet = (name: unknown): name is Sheet => typeof name === 'string' && (SHEETS as string[]).includes(name);
const isXlsx = (f: UploadedFile) => /\.xlsx$/i.test(f.name) || f.mediaType.includes('spreadsheetml');

/** The sheets a file holds: both for a workbook, else the one its field or its header line names. */
export function sheetsOf(file: UploadedFile): Sheet[] {
  if (isXlsx(file)) return SHEETS;
  if (isSheet(file.field)) return [file.field];
  const header = (file.bytes.subarray(0, 4096).toString('utf8').split(/\r?\n/, 1)[0] ?? '').toLowerCase();
  return [/(^|[;,\t"\s\uFEFF])personne([;,\t"\s]|$)/.test(header) ? 'suivi' : 'marches'];
}

/** A cell as the spreadsheet reading takes it back: dates as days, booleans as « oui »/« non ». */
function cellOf(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 'oui' : 'non';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return value.slice(0, 10);
  return value;
}

/** The kept rows of a sheet as a CSV file, read again with the new files (for the cross-checks). */
function keptFile(sheet: Sheet, rows: unknown[]): UploadedFile {
  const columns = Object.entries(COLUMNS[sheet]);
  const lines = rows.map((row) => columns.map(([, field]) => cellOf((row as Record<string, unknown>)?.[field])));
  return { field: sheet, name: `${sheet}.csv`, mediaType: 'text/csv', bytes: Buffer.from(toCsv(columns.map(([c]) => c), lines)) };
}

const blankFile = (sheet: Sheet): UploadedFile => ({ field: sheet, name: `${sheet}.csv`, mediaType: 'text/csv', bytes: Buffer.from(blankCsv(sheet)) });

export type FollowUpData = Partial<Record<Sheet, unknown[]>>;

/** The follow-up data kept in a form's hidden `donnees` field, if any. */
export function keptFollowUp(hidden: unknown): FollowUpData | undefined {
  let value: unknown = hidden;
  if (typeof hidden === 'string') {
    try {
      value = JSON.parse(hidden);
    } catch {
      return undefined;
    }
  }
  const donnees = (value as { donnees?: unknown } | null)?.donnees;
  if (!donnees || typeof donnees !== 'object') return undefined;
  const out: FollowUpData = {};
  for (const sheet of SHEETS) {
    const rows = (donnees as Record<string, unknown>)[sheet];
    if (Array.isArray(rows)) out[sheet] = rows;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Uploads that could not be read: the problem, and what could be kept of them. */
export interface RefusedUpload {
  error: ServiceError;
  /** The data read from the files the refusal does not concern (and the sheets kept before). */
  kept?: { donnees: FollowUpData };
  /** The files sent whose content is kept. */
  keptFiles: string[];
}

type Reader = (files: UploadedFile[]) => Promise<Record<string, unknown>>;

/** The sheets a refusal concerns; undefined when one of its errors cannot be placed in a sheet. */
function faultySheets(error: ServiceError, files: UploadedFile[]): Set<Sheet> | undefined {
  const out = new Set<Sheet>();
  for (const e of error.errors) {
    const first = e.path.split('.')[0];
    if (isSheet(first)) {
      out.add(first);
      continue;
    }
    const named = files.filter((f) => e.message.includes(`« ${f.name} »`));
    if (named.length === 0) return undefined;
    named.flatMap(sheetsOf).forEach((s) => out.add(s));
  }
  return out;
}

/**
 * The reader of a form's uploads: the sheets not sent again are completed from `kept`; a refusal is
 * not thrown but handed to `refused` (the form comes back with it), with what could be kept.
 */
export function keepingReader(read: Reader, kept: FollowUpData | undefined, refused: (r: RefusedUpload) => void): Reader {
  return async (files) => {
    const sent = new Set(files.flatMap(sheetsOf));
    const completed = [...files, ...SHEETS.filter((s) => !sent.has(s) && kept?.[s]).map((s) => keptFile(s, kept![s]!))];
    try {
      return await read(completed);
    } catch (error) {
      if (!(error instanceof ServiceError) || error.transient) throw error;
      const faulty = faultySheets(error, completed);
      const good = faulty ? completed.filter((f) => sheetsOf(f).every((s) => !faulty.has(s))) : [];
      let keptNow: RefusedUpload['kept'];
      if (good.length > 0) {
        const goodSheets = new Set(good.flatMap(sheetsOf));
        try {
          // The good sheets alone, the others blank: what the next submission will not have to send.
          const partial = (await read([...good, ...SHEETS.filter((s) => !goodSheets.has(s)).map(blankFile)])) as { donnees?: FollowUpData };
          const donnees: FollowUpData = {};
          for (const s of goodSheets) if (partial.donnees?.[s]) donnees[s] = partial.donnees[s];
          keptNow = { donnees };
        } catch {
          keptNow = undefined;
        }
      }
      refused({ error, kept: keptNow, keptFiles: keptNow ? good.filter((f) => files.includes(f)).map((f) => f.name) : [] });
      return {};
    }
  };
}

/** « Données de suivi conservées : 2 marchés et 143 lignes de suivi. » for the page. */
export function keptNote(data: FollowUpData | undefined, files: string[] = []): string {
  if (!data) return '';
  const count = (n: number, one: string, many: string) => `${formatNumber(n)} ${n > 1 ? many : one}`;
  const parts = [
    data.marches ? count(data.marches.length, 'marché', 'marchés') : '',
    data.suivi ? count(data.suivi.length, 'ligne de suivi', 'lignes de suivi') : '',
  ].filter(Boolean);
  if (parts.length === 0) return '';
  const from = files.length > 0 ? ` (${files.map((f) => `« ${f} »`).join(', ')})` : '';
  return typography(
    `Données de suivi conservées${from} : ${parts.join(' et ')}. Vous n’avez pas à les envoyer de nouveau ; un fichier envoyé pour la même feuille (marchés ou suivi) les remplace.`,
  );
}
