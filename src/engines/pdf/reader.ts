/**
 * Reads a printed PDF for the finishing (pdf-lib), leaving unparsed the objects the finishing does
 * not read: a printer's tagged PDF is mostly small structure elements (260 of the 330 objects of
 * a six-page convention), font dictionaries and outline items, which pdf-lib would parse into
 * objects then write back token by token. Objects of the types (or first keys) named by the caller
 * are kept as their bytes (`PDFVerbatim`), written unchanged into the output's object streams, and
 * parsed on demand by `resolved` when some finishing step walks into one (the structure tree, when
 * its ids are renamed). Parsing the convention printed by Chromium: 3.3 → 1.3 ms (pdf-lib's own
 * parse, then this reader); writing it: 3.0 → 2.0 ms.
 *
 * The cross-reference table, which pdf-lib parses entry by entry and drops, is skipped.
 *
 * An object is kept as bytes only when it is a dictionary whose first entry is `/Type /<type>` (or
 * one of the first keys named, for objects without a type: outline items start with `/Title`), it
 * is neither the catalog nor the information dictionary (pdf-lib reads both itself), and nothing
 * in it can hide the end of the object: up to the first `endobj` there is no literal
 * string, comment or stream (where an `endobj` could be text or binary data). Any other object,
 * and any object of a file that is not laid out that way, is parsed as pdf-lib parses it.
 *
 * pdf-lib 1.17 has no hook for this: two methods of its parser (`parseIndirectObjects`, its loop
 * over the objects, and `maybeParseCrossRefSection`) are replaced on the parser instance, the
 * replacement calling the parser's own steps (header, object, keyword, invalid object, object and
 * cross-reference streams) in pdf-lib's order, and the document is built from the parsed context
 * as `PDFDocument.load` builds it. pdf-lib is pinned to 1.17.1 (package.json)
 * and the tests of this module check each of these.
 */
import { Buffer } from 'node:buffer';
import { PDFContext, PDFDocument, PDFName, PDFObject, PDFObjectParser, PDFObjectStreamParser, PDFParser, PDFRawStream, PDFRef, PDFXRefStreamParser } from 'pdf-lib';

/** An indirect object kept as the bytes between `N G obj` and `endobj`, written as they are. */
export class PDFVerbatim extends PDFObject {
  constructor(readonly body: Uint8Array) {
    super();
  }

  override clone(): PDFVerbatim {
    return new PDFVerbatim(this.body.slice());
  }

  override toString(): string {
    return Buffer.from(this.body.buffer, this.body.byteOffset, this.body.byteLength).toString('latin1');
  }

  override sizeInBytes(): number {
    return this.body.length;
  }

  override copyBytesInto(buffer: Uint8Array, offset: number): number {
    buffer.set(this.body, offset);
    return this.body.length;
  }
}

/** The members of pdf-lib's PDFParser this module uses (not in its public typings). */
interface ParserInternals {
  readonly bytes: { offset(): number; moveTo(offset: number): void; done(): boolean };
  readonly context: PDFContext;
  readonly shouldWaitForTick: () => boolean;
  maybeParseCrossRefSection(): unknown;
  parseIndirectObjects(): Promise<void>;
  parseIndirectObjectHeader(): PDFRef;
  parseObject(): PDFObject;
  matchKeyword(keyword: number[]): boolean;
  tryToParseInvalidIndirectObject(): PDFRef;
  skipJibberish(): void;
  skipWhitespaceAndComments(): void;
  parseDocument(): Promise<PDFContext>;
}

/** pdf-lib's PDFDocument constructor (private in its typings), as `PDFDocument.load` calls it. */
const DocumentOf = PDFDocument as unknown as new (context: PDFContext, ignoreEncryption: boolean, updateMetadata: boolean) => PDFDocument;

const ENDOBJ = Buffer.from('endobj', 'latin1');
const ENDOBJ_CODES = [...ENDOBJ];
const OBJ = Buffer.from('obj', 'latin1');
const XREF = Buffer.from('xref', 'latin1');
const TRAILER = Buffer.from('trailer', 'latin1');
const STREAM = Buffer.from('stream', 'latin1');
/** White space (ISO 32000-1 §7.2.2). */
const WHITE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
/** Bytes ending a name: white space and delimiters. */
const NAME_END = new Set([...WHITE, 0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);
const LESS_THAN = 0x3c;
const GREATER_THAN = 0x3e;
const SOLIDUS = 0x2f;
const LEFT_PARENTHESIS = 0x28;
const PERCENT = 0x25;

const isDigit = (byte: number) => byte >= 0x30 && byte <= 0x39;

/** The object number and generation of the header `objectHeader` read last. */
const header = { objectNumber: 0, generation: 0 };

/** The end of the white space starting at `at`. */
function skipWhite(file: Buffer, at: number): number {
  let i = at;
  while (i < file.length && WHITE.has(file[i]!)) i++;
  return i;
}

/** The end of the name whose solidus is at `at`. */
function nameEnd(file: Buffer, at: number): number {
  let i = at + 1;
  while (i < file.length && !NAME_END.has(file[i]!)) i++;
  return i;
}

/**
 * The indirect object header `N G obj` at `at`, when it is plainly one (digits, white space,
 * digits, white space, obj): the offset after "obj", its numbers in `header`; else -1. Anything
 * else (a comment inside, no header) is left to pdf-lib's own reading. Called twice per object:
 * it allocates nothing.
 */
function objectHeader(file: Buffer, at: number): number {
  let i = at;
  for (let field = 0; field < 2; field++) {
    const start = i;
    let value = 0;
    while (i < file.length && isDigit(file[i]!)) value = value * 10 + file[i++]! - 0x30;
    if (i === start || i - start > 15) return -1;
    const end = skipWhite(file, i);
    if (end === i) return -1;
    i = end;
    if (field === 0) header.objectNumber = value;
    else header.generation = value;
  }
  return file.compare(OBJ, 0, OBJ.length, i, i + OBJ.length) === 0 ? i + OBJ.length : -1;
}

/**
 * How the dictionary starting at `at` begins: its first key, and the name it maps to when that is
 * a name (`<< /Type /StructElem` gives Type and StructElem; `<< /Title <FEFF…>`, Title alone).
 */
function leadingEntry(file: Buffer, at: number): { key: string; name?: string } | undefined {
  if (file[at] !== LESS_THAN || file[at + 1] !== LESS_THAN) return undefined;
  const keyAt = skipWhite(file, at + 2);
  if (file[keyAt] !== SOLIDUS) return undefined;
  const keyEnd = nameEnd(file, keyAt);
  const key = file.toString('latin1', keyAt + 1, keyEnd);
  const valueAt = skipWhite(file, keyEnd);
  return file[valueAt] === SOLIDUS ? { key, name: file.toString('latin1', valueAt + 1, nameEnd(file, valueAt)) } : { key };
}

/** The body of the object starting at `start` if it can be kept as bytes, else undefined. */
function verbatimBody(file: Buffer, start: number, types: ReadonlySet<string>, firstKeys: ReadonlySet<string>): Buffer | undefined {
  const entry = leadingEntry(file, start);
  if (!entry || !(firstKeys.has(entry.key) || (entry.key === 'Type' && entry.name !== undefined && types.has(entry.name)))) return undefined;
  const end = file.indexOf(ENDOBJ, start);
  if (end < 0) return undefined;
  const body = file.subarray(start, end);
  if (body.includes(LEFT_PARENTHESIS) || body.includes(PERCENT) || body.includes(STREAM)) return undefined;
  // The dictionary ends right before the keyword (it would not before an "endobj" inside a name, /Xendobj).
  let last = body.length - 1;
  while (last > 0 && WHITE.has(body[last]!)) last--;
  if (body[last] !== GREATER_THAN || body[last - 1] !== GREATER_THAN) return undefined;
  return body;
}

export interface ReadOptions {
  /** Types (`/Type` of the object's dictionary, its first entry) whose objects are kept as bytes until resolved. */
  verbatimTypes?: readonly string[];
  /**
   * First keys of dictionaries kept as bytes until resolved, for objects without a /Type (outline
   * items: `<< /Title …`). The document's catalog and information dictionary are always parsed.
   */
  verbatimFirstKeys?: readonly string[];
}

/**
 * The PDF parsed as `PDFDocument.load(bytes, { updateMetadata: false, parseSpeed: Fastest })`
 * parses it, but objects of the verbatim types kept as bytes (see `resolved`).
 */
export async function readPdf(bytes: Uint8Array, options: ReadOptions = {}): Promise<PDFDocument> {
  const parser = PDFParser.forBytesWithOptions(bytes, Number.POSITIVE_INFINITY, false, false) as unknown as ParserInternals;
  const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // pdf-lib reads a classic cross-reference table entry by entry, then drops it (it finds the
  // objects by reading them in order): the table is skipped, up to its trailer.
  const parseCrossRefSection = parser.maybeParseCrossRefSection.bind(parser);
  parser.maybeParseCrossRefSection = () => {
    parser.skipWhitespaceAndComments();
    const at = parser.bytes.offset();
    const trailer = file.compare(XREF, 0, XREF.length, at, at + XREF.length) === 0 ? file.indexOf(TRAILER, at) : -1;
    if (trailer < 0) return parseCrossRefSection();
    parser.bytes.moveTo(trailer);
    return undefined;
  };
  const types = new Set(options.verbatimTypes ?? []);
  const firstKeys = new Set(options.verbatimFirstKeys ?? []);
  const keepsBytes = types.size > 0 || firstKeys.size > 0;

  /**
   * Reads the object at `at` as pdf-lib's parseIndirectObject does, or keeps it as bytes; returns
   * the parsing of an object stream (the only step pdf-lib does asynchronously), else nothing.
   */
  const readObject = (at: number): Promise<void> | undefined => {
    const headerEnd = objectHeader(file, at);
    let ref: PDFRef;
    if (headerEnd >= 0) {
      ref = PDFRef.of(header.objectNumber, header.generation);
      parser.bytes.moveTo(headerEnd);
    } else ref = parser.parseIndirectObjectHeader();
    parser.skipWhitespaceAndComments();
    const bodyStart = parser.bytes.offset();
    const body = keepsBytes ? verbatimBody(file, bodyStart, types, firstKeys) : undefined;
    if (body) {
      parser.context.assign(ref, new PDFVerbatim(body));
      parser.bytes.moveTo(bodyStart + body.length + ENDOBJ.length);
      return undefined;
    }
    const object = parser.parseObject();
    parser.skipWhitespaceAndComments();
    parser.matchKeyword(ENDOBJ_CODES);
    const type = object instanceof PDFRawStream ? object.dict.lookup(PDFName.of('Type')) : undefined;
    if (type === PDFName.of('ObjStm')) return PDFObjectStreamParser.forStream(object as PDFRawStream, parser.shouldWaitForTick).parseIntoContext();
    if (type === PDFName.of('XRef')) PDFXRefStreamParser.forStream(object as PDFRawStream).parseIntoContext();
    else parser.context.assign(ref, object);
    return undefined;
  };
  // pdf-lib's loop over the objects, without awaiting each object (a promise and a microtask per
  // object, 330 of them in a convention) nor reading each header twice: its skipJibberish, which
  // looks for the next object header, is only called when the next bytes are not plainly one.
  parser.parseIndirectObjects = async () => {
    parser.skipWhitespaceAndComments();
    while (!parser.bytes.done() && isDigit(file[parser.bytes.offset()]!)) {
      const initialOffset = parser.bytes.offset();
      try {
        const objectStream = readObject(initialOffset);
        if (objectStream) await objectStream;
      } catch {
        parser.bytes.moveTo(initialOffset);
        parser.tryToParseInvalidIndirectObject();
      }
      parser.skipWhitespaceAndComments();
      if (objectHeader(file, parser.bytes.offset()) < 0) parser.skipJibberish();
    }
  };
  const context = await parser.parseDocument();
  // pdf-lib reads these two itself (document properties, pages…): never left as bytes.
  resolved(context, context.trailerInfo.Root);
  resolved(context, context.trailerInfo.Info);
  return new DocumentOf(context, false, false);
}

/**
 * The object a value stands for: a reference looked up, and an object kept as bytes parsed now
 * (and put in the document in place of its bytes, so that changes to it are written).
 */
export function resolved(context: PDFContext, value: PDFObject | undefined): PDFObject | undefined {
  const object = value instanceof PDFRef ? context.lookup(value) : value;
  if (!(object instanceof PDFVerbatim)) return object;
  const parsed = PDFObjectParser.forBytes(object.body, context).parseObject();
  if (value instanceof PDFRef) context.assign(value, parsed);
  return parsed;
}
