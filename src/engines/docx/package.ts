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
 * - Compression: DEFLATE at a fixed level with a pure-JS deflate (pako, pinned by the lockfile:
 *   Node's zlib is Chromium's, whose hashing, and so whose output, depends on the CPU's
 *   instructions), and a fixed "made by" platform (never process.platform). Parts left untouched
 *   keep the template's compressed bytes. The level is 1, zlib's fastest: the parts written are a
 *   render's own (the body, the header and footer, the properties), and level 6 took about 1 ms
 *   more per convention (33 KB of XML deflated) for a file 10 % smaller (12 984 bytes instead of
 *   14 337).
 * - The deflate is pizzip's own pako, the version pizzip depends on, but loaded from its modules
 *   rather than from the ES5 bundle pizzip loads: the same bytes (tested against pizzip's DEFLATE
 *   for every kind), 0.65 ms instead of 0.9 for the convention's body. It is handed to pizzip the
 *   way pizzip takes custom compressions, under a name of its own (DEFLATE_MODULES).
 */
import pako, { type DeflateOptions } from 'pako';
import PizZip from 'pizzip';

export const DOCX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The MS-DOS epoch, the earliest date a zip entry can carry. */
export const ZIP_ENTRY_DATE_FIELDS = [1980, 0, 1, 0, 0, 0] as const;

/** The DEFLATE level of the parts written (see above; parts left untouched keep the template's compressed bytes). */
export const COMPRESSION_LEVEL = 1;

const FIRST_PARTS = ['[Content_Types].xml', '_rels/.rels'];

/** A compression method as pizzip's registry (PizZip.compressions) holds them. */
interface ZipCompression {
  magic: string;
  compress(input: Uint8Array, options: { level?: number }): Uint8Array;
  uncompress(input: Uint8Array): Uint8Array;
  compressInputType: string;
  uncompressInputType: string;
}

/** The name the deflate of package.ts is registered under (see above). */
export const DEFLATE_MODULES = 'DEFLATE_MODULES';

const compressions = (PizZip as unknown as { compressions: Record<string, ZipCompression> }).compressions;
compressions[DEFLATE_MODULES] ??= {
  // DEFLATE's method number in a zip entry, as pizzip's own DEFLATE writes it.
  magic: '\x08\x00',
  // pizzip's DEFLATE passes the level the same way (0 or absent: zlib's default).
  compress: (input, options) => pako.deflateRaw(input, { level: (options.level || -1) as DeflateOptions['level'] }),
  uncompress: (input) => pako.inflateRaw(input),
  compressInputType: 'uint8array',
  uncompressInputType: 'uint8array',
};

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
    compression: DEFLATE_MODULES as 'DEFLATE',
    compressionOptions: { level: COMPRESSION_LEVEL },
    platform: 'DOS',
    mimeType,
    // pizzip hands its own files map to this function; the order is computed above.
    fileOrder: () => order,
  });
}
