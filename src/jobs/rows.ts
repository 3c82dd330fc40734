/**
 * The rows of a mail merge: a CSV whose header names fields of a kind by their dotted names
 * ("donneurOrdre.nom", "donneurOrdre.adresse.commune", "reference"), one document per line. Empty
 * cells leave the common data as it is. Reading stops past the limit of rows: a hostile file costs
 * no more than an allowed one.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { guessDelimiter } from '../core/csv.js';
import { InvalidInputError, PayloadTooLargeError, type FieldError } from '../core/errors.js';
import { nestFields } from '../core/input-guard.js';
import type { UploadedFile } from '../core/uploads.js';

/** A dotted field name: letters and digits, segments separated by dots. */
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+){0,8}$/;

export interface MergeRow {
  /** Line of the file (the header is line 1). */
  ligne: number;
  donnees: Record<string, unknown>;
}

const columnName = (index: number): string => {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
};

export function mergeRows(file: UploadedFile, maxRows: number): MergeRow[] {
  const label = `Le fichier « ${file.name} »`;
  const delimiter = guessDelimiter(file.bytes);
  let records: string[][];
  try {
    records = parseCsv(file.bytes, { bom: true, delimiter, skip_empty_lines: true, to: maxRows + 2, max_record_size: 64 * 1024 }) as string[][];
  } catch (error) {
    const e = error as { code?: unknown; lines?: unknown };
    const where = typeof e.lines === 'number' ? `, ligne ${e.lines}` : '';
    const detail = e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' ? ' : le nombre de colonnes diffère de celui de la ligne d’en-tête' : ' : vérifiez les guillemets et le séparateur';
    throw new InvalidInputError('Le fichier CSV ne peut pas être lu.', [{ path: file.field, type: 'csv.unreadable', message: `${label}${where} n’est pas lisible${detail}.` }]);
  }
  const [header = [], ...lines] = records;
  const names = header.map((h) => h.trim());
  const errors: FieldError[] = names.flatMap((name, i) =>
    FIELD_NAME.test(name)
      ? []
      : [{ path: file.field, type: 'csv.header', message: `${label}, ligne 1, colonne ${columnName(i)} : « ${name.slice(0, 60)} » n’est pas un nom de champ (par exemple donneurOrdre.nom).` }],
  );
  if (lines.length === 0) errors.push({ path: file.field, type: 'csv.empty', message: `${label} ne compte aucune ligne après l’en-tête : aucun document à produire.` });
  if (errors.length > 0) throw new InvalidInputError('Le fichier CSV est invalide.', errors);
  if (lines.length > maxRows) {
    throw new PayloadTooLargeError('Trop de lignes.', [{ path: file.field, type: 'csv.tooManyRows', message: `${label} compte plus de ${maxRows} lignes : au plus ${maxRows} documents par lot.` }]);
  }
  return lines.map((values, i) => {
    const fields = Object.fromEntries(names.map((name, c) => [name, values[c]?.trim() ?? '']).filter(([, v]) => v !== ''));
    return { ligne: i + 2, donnees: nestFields(fields) };
  });
}

/** The CSV of a mail merge sent with the job (multipart field « lignes »), as the job's `lignes`. */
export async function readMergeUploads(files: UploadedFile[], maxRows: number): Promise<Record<string, unknown>> {
  const [file, ...more] = files;
  if (!file || more.length > 0 || file.field !== 'lignes' || !(/\.csv$/i.test(file.name) || /csv|text\/plain/.test(file.mediaType))) {
    const given = file ?? more[0];
    throw new InvalidInputError('Fichier inattendu.', [
      { path: given?.field ?? 'lignes', type: 'file.unexpected', message: 'Un lot accepte un seul fichier : le CSV des lignes d’un publipostage, dans le champ « lignes ».' },
    ]);
  }
  return { lignes: mergeRows(file, maxRows).map((r) => r.donnees) };
}
