/**
 * Post-processing of the PDF printed by Chromium (pdf-lib): document properties, and one empty
 * signature form field per signatory, placed exactly over the signature zone of the layout. The
 * zones are printed as links to "urn:signature:<field name>"; Chromium turns them into link
 * annotations carrying their rectangle, which are replaced here by signature widgets (/FT /Sig),
 * the form fields that Acrobat and e-signature tools offer to sign.
 */
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
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

export interface FinalizeOptions {
  properties: DocumentProperties;
  signatories: Signatory[];
  /** Final documents get signature fields; drafts only lose the zone links. */
  signatureFields: boolean;
  now: Date;
  producer: string;
}

export async function finalizePdf(bytes: Uint8Array, options: FinalizeOptions): Promise<Buffer> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
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
  return Buffer.from(await pdf.save());
}
