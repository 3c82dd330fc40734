/**
 * Post-processing of the PDF printed by Chromium (pdf-lib): document properties, and one empty
 * signature form field per signatory, placed exactly over the signature zone of the layout. The
 * zones are printed as links to "urn:signature:<field name>"; Chromium turns them into link
 * annotations carrying their rectangle, which are replaced here by signature widgets (/FT /Sig),
 * the form fields that Acrobat and e-signature tools offer to sign.
 *
 * It also makes the file reproducible: the same HTML and generation date give the same bytes
 * (see `finalizePdf`), so that a stored SHA-256 proves a document was not altered.
 */
import { createHash } from 'node:crypto';
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  type PDFObject,
  PDFRef,
  PDFString,
  type PDFPage,
} from 'pdf-lib';
import type { DocumentProperties, Signatory } from '../../core/kind.js';

export const SIGNATURE_URI_PREFIX = 'urn:signature:';

interface Zone {
  page: PDFPage;
  rect: PDFArray;
  name: string;
}

function uriOf(annot: PDFDict): string | undefined {
  const action = annot.lookup(PDFName.of('A'));
  if (!(action instanceof PDFDict)) return undefined;
  const uri = action.lookup(PDFName.of('URI'));
  if (uri instanceof PDFString || uri instanceof PDFHexString) return uri.decodeText();
  return undefined;
}

/** Removes the signature-zone links from every page and returns where they were. */
function takeSignatureZones(pdf: PDFDocument): Zone[] {
  const zones: Zone[] = [];
  for (const page of pdf.getPages()) {
    const annots = page.node.Annots();
    if (!annots) continue;
    for (let i = annots.size() - 1; i >= 0; i--) {
      const annot = annots.lookup(i);
      if (!(annot instanceof PDFDict) || annot.lookup(PDFName.of('Subtype')) !== PDFName.of('Link')) continue;
      const uri = uriOf(annot);
      if (!uri?.startsWith(SIGNATURE_URI_PREFIX)) continue;
      zones.unshift({ page, rect: annot.lookup(PDFName.of('Rect'), PDFArray), name: decodeURIComponent(uri.slice(SIGNATURE_URI_PREFIX.length)) });
      annots.remove(i);
    }
  }
  return zones;
}

function addSignatureField(pdf: PDFDocument, zone: Zone, signatory: Signatory): void {
  const widget = pdf.context.obj({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    F: 4,
    Rect: zone.rect,
    P: zone.page.ref,
    T: PDFString.of(signatory.champ),
    TU: PDFHexString.fromText(`Signature de ${signatory.nom}, ${signatory.qualite}, ${signatory.organisation}`),
  });
  const ref: PDFRef = pdf.context.register(widget);
  zone.page.node.addAnnot(ref);
  const acroForm = pdf.catalog.getOrCreateAcroForm();
  acroForm.addField(ref);
  acroForm.dict.set(PDFName.of('SigFlags'), PDFNumber.of(1));
}

/** How every finalised PDF is written: fixed, rather than pdf-lib's defaults of the day. */
const SAVE_OPTIONS = { useObjectStreams: true, addDefaultPage: false, updateFieldAppearances: false } as const;

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function textOf(value: PDFObject | undefined): string | undefined {
  return value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : undefined;
}

/**
 * Structure element ids (tagged PDF). Chromium names the structure element of each table header
 * cell "node" + the DOM node id of the cell, and table data cells point to their headers by these
 * names (/Headers). DOM node ids come from a counter of the renderer process that grows with every
 * page rendered, so the names change from one render to the next. They are renamed here by their
 * order in the structure tree ("node00000001"…, the same fixed width as Chromium's), in the
 * elements' /ID, in the /Headers of their attributes and in the /IDTree name tree, rebuilt as one
 * sorted leaf.
 */
export function normaliseStructureIds(pdf: PDFDocument): void {
  const root = pdf.catalog.lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict);
  if (!root) return;
  const renamed = new Map<string, string>();
  const rename = (old: string): string => {
    let name = renamed.get(old);
    if (name === undefined) {
      name = `node${String(renamed.size + 1).padStart(8, '0')}`;
      renamed.set(old, name);
    }
    return name;
  };

  // The structure elements, depth first in document order.
  const elements: PDFDict[] = [];
  const seen = new Set<PDFDict>();
  const visit = (kid: PDFObject | undefined): void => {
    const node = kid instanceof PDFRef ? pdf.context.lookup(kid) : kid;
    if (node instanceof PDFArray) {
      for (let i = 0; i < node.size(); i++) visit(node.get(i));
      return;
    }
    if (!(node instanceof PDFDict) || seen.has(node)) return;
    const type = node.lookup(PDFName.of('Type'));
    if (type === PDFName.of('MCR') || type === PDFName.of('OBJR')) return;
    seen.add(node);
    if (node !== root) elements.push(node);
    visit(node.get(PDFName.of('K')));
  };
  visit(root);

  for (const element of elements) {
    const id = textOf(element.lookup(PDFName.of('ID')));
    if (id !== undefined) element.set(PDFName.of('ID'), PDFString.of(rename(id)));
  }
  for (const element of elements) {
    const attributes = element.lookup(PDFName.of('A'));
    const owners = attributes instanceof PDFArray ? attributes.asArray().map((a) => pdf.context.lookup(a)) : [attributes];
    for (const owner of owners) {
      if (!(owner instanceof PDFDict)) continue;
      const headers = owner.lookup(PDFName.of('Headers'));
      if (!(headers instanceof PDFArray)) continue;
      for (let i = 0; i < headers.size(); i++) {
        const header = textOf(headers.lookup(i));
        if (header !== undefined) headers.set(i, PDFString.of(rename(header)));
      }
    }
  }

  const idTreeRef = root.get(PDFName.of('IDTree'));
  const idTree = root.lookupMaybe(PDFName.of('IDTree'), PDFDict);
  if (!idTree) return;
  const entries: [string, PDFObject][] = [];
  const collect = (node: PDFDict): void => {
    const names = node.lookupMaybe(PDFName.of('Names'), PDFArray);
    for (let i = 0; names && i + 1 < names.size(); i += 2) {
      const name = textOf(names.lookup(i));
      if (name !== undefined) entries.push([name, names.get(i + 1)]);
    }
    const kids = node.lookupMaybe(PDFName.of('Kids'), PDFArray);
    for (let i = 0; kids && i < kids.size(); i++) {
      const kidRef = kids.get(i);
      const kid = kids.lookup(i);
      if (kid instanceof PDFDict) collect(kid);
      if (kidRef instanceof PDFRef) pdf.context.delete(kidRef);
    }
  };
  collect(idTree);
  // Names found in the tree only (no element carries them): numbered after the others, in the
  // order of their old numbers.
  const numeric = (name: string) => Number(/\d+$/.exec(name)?.[0] ?? Number.MAX_SAFE_INTEGER);
  for (const [old] of [...entries].sort((a, b) => numeric(a[0]) - numeric(b[0]) || byCodePoint(a[0], b[0]))) rename(old);
  const leaf = entries
    .map(([old, value]) => [rename(old), value] as const)
    .sort((a, b) => byCodePoint(a[0], b[0]))
    .flatMap(([name, value]) => [PDFString.of(name), value]);
  const tree = pdf.context.obj({});
  tree.set(PDFName.of('Names'), pdf.context.obj(leaf));
  if (idTreeRef instanceof PDFRef) pdf.context.assign(idTreeRef, tree);
  else root.set(PDFName.of('IDTree'), tree);
}

/**
 * Forgets what the browser wrote about itself and the moment of printing: every entry of the
 * Info dictionary (the properties are then all set from the view model and the generation date),
 * and an XMP metadata stream, should a Chromium version write one.
 */
function dropBrowserMetadata(pdf: PDFDocument): void {
  const info = pdf.context.lookup(pdf.context.trailerInfo.Info);
  if (info instanceof PDFDict) for (const key of info.keys()) info.delete(key);
  const metadata = pdf.catalog.get(PDFName.of('Metadata'));
  if (metadata) {
    pdf.catalog.delete(PDFName.of('Metadata'));
    if (metadata instanceof PDFRef) pdf.context.delete(metadata);
  }
}

/**
 * The file identifier (/ID of the trailer): the first 16 bytes of the SHA-256 of what the file is
 * made of (the printed HTML and the finishing options). Same content, same identifier; any other
 * content, another one — without writing the file twice. Chromium writes none.
 */
function setContentId(pdf: PDFDocument, options: FinalizeOptions): void {
  const { source, ...finishing } = options;
  const id = createHash('sha256').update(source).update(JSON.stringify(finishing)).digest('hex').slice(0, 32).toUpperCase();
  pdf.context.trailerInfo.ID = pdf.context.obj([PDFHexString.of(id), PDFHexString.of(id)]);
}

export interface FinalizeOptions {
  properties: DocumentProperties;
  signatories: Signatory[];
  /** Final documents get signature fields; drafts only lose the zone links. */
  signatureFields: boolean;
  now: Date;
  producer: string;
  /** What the printed file was made from (its HTML, header and footer): the source of its /ID. */
  source: string;
}

/**
 * Properties, signature fields, and reproducibility: no clock and no counter of the browser reach
 * the file. pdf-lib must not stamp the file (`updateMetadata: false`); Chromium's Info entries
 * (its version as Creator and Producer, the print time as CreationDate and ModDate) are dropped
 * and the properties set anew, the dates from the generation date (PDF dates, in UTC, to the
 * second); Chromium's structure ids are renumbered (normaliseStructureIds); the file is written
 * with fixed options and a /ID derived from its source.
 */
export async function finalizePdf(bytes: Uint8Array, options: FinalizeOptions): Promise<Buffer> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  dropBrowserMetadata(pdf);
  const p = options.properties;
  pdf.setTitle(p.titre, { showInWindowTitleBar: true });
  pdf.setSubject(p.sujet);
  pdf.setAuthor(p.auteur);
  pdf.setKeywords(p.motsCles);
  pdf.setCreator(options.producer);
  pdf.setProducer(options.producer);
  pdf.setLanguage('fr-FR');
  pdf.setCreationDate(options.now);
  pdf.setModificationDate(options.now);

  const zones = takeSignatureZones(pdf);
  if (options.signatureFields) {
    const byName = new Map(options.signatories.map((s) => [s.champ, s]));
    for (const zone of zones) {
      const signatory = byName.get(zone.name);
      if (signatory) addSignatureField(pdf, zone, signatory);
    }
  }
  normaliseStructureIds(pdf);
  setContentId(pdf, options);
  return Buffer.from(await pdf.save(SAVE_OPTIONS));
}
