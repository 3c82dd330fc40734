/**
 * Finishing of a printed PDF (pdf-lib): document properties, and one empty signature form field
 * per signatory, placed exactly over the signature zone of the layout: the printer reports where
 * each zone (an anchor of the print request) was printed, and a signature widget (/FT /Sig) is
 * added there, the form field that Acrobat and e-signature tools offer to sign.
 *
 * It also makes the file reproducible: the same print request and generation date give the same
 * bytes (see `finalizePdf`), so that a stored SHA-256 proves a document was not altered.
 */
import { createHash } from 'node:crypto';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString, type PDFPage } from 'pdf-lib';
import type { DocumentProperties, Signatory } from '../../core/kind.js';
import type { PdfAnchor, PrintedPdf } from './printer.js';
import { resolved } from './reader.js';
import { writePdf } from './writer.js';

interface Zone {
  page: PDFPage;
  rect: PdfAnchor['rect'];
  name: string;
  element?: PDFRef;
}

/** The anchors as zones of the document's pages (anchors out of the pages are ignored). */
function zonesOf(pdf: PDFDocument, anchors: PdfAnchor[]): Zone[] {
  const pages = pdf.getPages();
  return anchors.flatMap((anchor) => {
    const page = pages[anchor.page];
    return page ? [{ page, rect: anchor.rect, name: anchor.name, ...(anchor.element ? { element: anchor.element } : {}) }] : [];
  });
}

/**
 * Tags a widget in a tagged PDF (PDF/UA: a widget annotation sits in a Form structure element): a
 * Form element added under the anchor's structure element (or, without one, at the end of the
 * document's top element), its content the widget (an object reference), and the widget's
 * /StructParent leading back to it through the /ParentTree. Left untagged when the file has no
 * structure tree or a parent tree split in /Kids (Chromium writes one flat /Nums).
 */
function tagWidget(pdf: PDFDocument, zone: Zone, widgetRef: PDFRef, widget: PDFDict): void {
  const root = pdf.catalog.lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict);
  const parentTree = root?.lookupMaybe(PDFName.of('ParentTree'), PDFDict);
  const nums = parentTree?.lookupMaybe(PDFName.of('Nums'), PDFArray);
  // Under the anchor's element, or else (an anchor the printer could not place in the tree) at the
  // end of the document's top element.
  const top = root ? resolved(pdf.context, root.get(PDFName.of('K'))) : undefined;
  const parentRef = zone.element ?? (top instanceof PDFArray ? top.get(0) : root?.get(PDFName.of('K')));
  const parent = parentRef ? resolved(pdf.context, parentRef) : undefined;
  if (!root || !parentTree || !nums || parentTree.has(PDFName.of('Kids')) || !(parentRef instanceof PDFRef) || !(parent instanceof PDFDict)) return;
  let key = root.lookupMaybe(PDFName.of('ParentTreeNextKey'), PDFNumber)?.asNumber() ?? 0;
  for (let i = 0; i < nums.size(); i += 2) {
    const k = nums.lookup(i);
    if (k instanceof PDFNumber) key = Math.max(key, k.asNumber() + 1);
  }
  const form = pdf.context.register(
    pdf.context.obj({ Type: 'StructElem', S: 'Form', P: parentRef, Pg: zone.page.ref, K: [pdf.context.obj({ Type: 'OBJR', Obj: widgetRef, Pg: zone.page.ref })] }),
  );
  const kids = resolved(pdf.context, parent.get(PDFName.of('K')));
  if (kids instanceof PDFArray) kids.push(form);
  else parent.set(PDFName.of('K'), kids === undefined ? pdf.context.obj([form]) : pdf.context.obj([parent.get(PDFName.of('K'))!, form]));
  nums.push(PDFNumber.of(key));
  nums.push(form);
  root.set(PDFName.of('ParentTreeNextKey'), PDFNumber.of(key + 1));
  widget.set(PDFName.of('StructParent'), PDFNumber.of(key));
}

function addSignatureField(pdf: PDFDocument, zone: Zone, signatory: Signatory): void {
  const widget = pdf.context.obj({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    F: 4,
    Rect: zone.rect.map((n) => PDFNumber.of(n)),
    P: zone.page.ref,
    T: PDFString.of(signatory.champ),
    TU: PDFHexString.fromText(`Signature de ${signatory.nom}, ${signatory.qualite}, ${signatory.organisation}`),
  });
  const ref: PDFRef = pdf.context.register(widget);
  // Into the page's /Annots as they are: pdf-lib's addAnnot would first "normalise" the page,
  // wrapping its content in two new q/Q content streams.
  const annots = zone.page.node.Annots();
  if (annots) annots.push(ref);
  else zone.page.node.set(PDFName.of('Annots'), pdf.context.obj([ref]));
  tagWidget(pdf, zone, ref, widget);
  const acroForm = pdf.catalog.getOrCreateAcroForm();
  acroForm.addField(ref);
  acroForm.dict.set(PDFName.of('SigFlags'), PDFNumber.of(1));
}

/**
 * Forgets what the printer wrote about itself and the moment of printing: every entry of the
 * Info dictionary (the properties are then all set from the view model and the generation date),
 * and an XMP metadata stream, should a printer write one.
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
 * content, another one — without writing the file twice (a printer's own /ID is replaced).
 */
function setContentId(pdf: PDFDocument, options: FinalizeOptions): void {
  const { source, ...finishing } = options;
  const id = createHash('sha256').update(source).update(JSON.stringify(finishing)).digest('hex').slice(0, 32).toUpperCase();
  pdf.context.trailerInfo.ID = pdf.context.obj([PDFHexString.of(id), PDFHexString.of(id)]);
}

export interface FinalizeOptions {
  properties: DocumentProperties;
  signatories: Signatory[];
  /** Final documents get signature fields; drafts get none. */
  signatureFields: boolean;
  now: Date;
  producer: string;
  /** What the printed file was made from (its print request): the source of its /ID. */
  source: string;
}

/**
 * Properties, signature fields, and reproducibility: no clock of the printer reaches the file.
 * pdf-lib must not stamp the file (the printer parses it with `updateMetadata: false`); the
 * printer's Info entries (its name as Creator and Producer, the print time as CreationDate and
 * ModDate) are dropped and the properties set anew, the dates from the generation date (PDF dates,
 * in UTC, to the second); the file is written in object streams (writer.ts) with a /ID derived from its source.
 */
export async function finalizePdf(printed: PrintedPdf, options: FinalizeOptions): Promise<Buffer> {
  const pdf = printed.document;
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

  if (options.signatureFields) {
    const byName = new Map(options.signatories.map((s) => [s.champ, s]));
    for (const zone of zonesOf(pdf, printed.anchors)) {
      const signatory = byName.get(zone.name);
      if (signatory) addSignatureField(pdf, zone, signatory);
    }
  }
  setContentId(pdf, options);
  return Buffer.from(await writePdf(pdf));
}
