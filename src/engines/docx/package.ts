/**
 * Writes the DOCX package (zip) reproducibly: the same parts give the same bytes, whenever and
 * wherever they are written, so that a stored SHA-256 of a document can be checked by generating
 * it again.
 *
 * - Entry dates: pizzip stamps every part it writes with the clock (and parts read from the
 *   template keep the template's dates). Every entry gets the zip format's own epoch instead,
 *   1980-01-01 00:00:00. The date of generation is recorded where Word shows it, in
 *   docProps/core.xml. The epoch is built from local date fields because pizzip encodes the
 *   MS-DOS date and time from the local fields (getHours…): the entries then carry the same
 *   bytes in every time zone (a UTC instant would not, and the generation date itself could
 *   fall in a daylight-saving gap of the server's zone).
 * - Entry order: [Content_Types].xml, then _rels/.rels, then every other part by name (code
 *   point order, not a locale's), whatever order the template and the engine added them in.
 * - Compression: DEFLATE at a fixed level with pizzip's own pure-JS deflate (pako, pinned by the
 *   lockfile, so neither Node's zlib nor the CPU changes the bytes), and a fixed "made by"
 *   platform (never process.platform). Parts left untouched keep the template's compressed bytes.
 *   The level is 1, zlib's fastest: the parts written are a render's own (the body, the header
 *   and footer, the properties), and level 6 took about 1 ms more per convention (33 KB of XML
 *   deflated) for a file 10 % smaller (12 984 bytes instead of 14 337).
 */
import type PizZip from 'pizzip';

export const DOCX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The MS-DOS epoch, the earliest date a zip entry can carry. */
export const ZIP_ENTRY_DATE_FIELDS = [1980, 0, 1, 0, 0, 0] as const;

/** The DEFLATE level of the parts written (see above; parts left untouched keep the template's compressed bytes). */
export const COMPRESSION_LEVEL = 1;

const FIRST_PARTS = ['[Content_Types].xml', '_rels/.rels'];

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The part names of the package in the order they are written. */
export function entryOrder(names: string[]): string[] {
  const first = FIRST_PARTS.filter((name) => names.includes(name));
  const rest = names.filter((name) => !FIRST_PARTS.includes(name)).sort(byCodePoint);
  return [...first, ...rest];
}

export function generatePackage(zip: PizZip, mimeType: string): Buffer {
  const [year, month, day, hours, minutes, seconds] = ZIP_ENTRY_DATE_FIELDS;
  for (const file of Object.values(zip.files)) {
    // A new Date per entry: pizzip compares `date` with the one the entry was created with.
    file.date = new Date(year, month, day, hours, minutes, seconds);
  }
  const order = entryOrder(Object.keys(zip.files));
  return zip.generate({
    type: 'nodebuffer',
    compression: 'DEFLATE',
    compressionOptions: { level: COMPRESSION_LEVEL },
    platform: 'DOS',
    mimeType,
    // pizzip hands its own files map to this function; the order is computed above.
    fileOrder: () => order,
  });
}
