/**
 * Tables written for spreadsheets (CSV and XLSX cells): French CSV (";" separated, UTF-8 with a BOM
 * so that Excel reads the accents, CRLF lines) written by csv-stringify, and every cell neutralised
 * against formula injection: a text that a spreadsheet would run as a formula is prefixed with a
 * quote (OWASP's rule), while real numbers are left as they are.
 */
import { stringify } from 'csv-stringify/sync';

/** What spreadsheets read as the start of a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A number as written in a French or English cell: "-12", "+3,5", "-0.25". */
const NUMBER = /^[+-]?\d+([.,]\d+)?$/;

/** The cell as a spreadsheet can show it without running it. */
export function neutralizeCell<T>(value: T): T | string {
  if (typeof value !== 'string') return value;
  if (!FORMULA_START.test(value) || NUMBER.test(value.trim())) return value;
  return `'${value}`;
}

/** A CSV of `rows` under `header`, every cell neutralised. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = [header, ...rows].map((row) => row.map((v) => neutralizeCell(v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v))));
  return `\uFEFF${stringify(cells, { delimiter: ';', record_delimiter: '\r\n' })}`;
}

/** The separator of a CSV as a French or English spreadsheet writes it: the most frequent of ";", tab and "," on its first line. */
export function guessDelimiter(bytes: Buffer): string {
  const firstLine = bytes.subarray(0, 64 * 1024).toString('utf8').split(/\r?\n/, 1)[0] ?? '';
  const count = (c: string) => firstLine.split(c).length - 1;
  return [';', '\t', ','].sort((a, b) => count(b) - count(a))[0]!;
}
