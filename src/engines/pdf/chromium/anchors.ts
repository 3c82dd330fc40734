/**
 * Anchors in Chromium: the elements carrying the anchor attribute are made links to
 * "urn:x-pdf-anchor:<name>" just before printing; Chromium turns each link into a link annotation
 * carrying its rectangle, which is read back and removed here. Only this printer knows the trick.
 */
import { PDFArray, PDFDict, type PDFDocument, PDFHexString, PDFName, PDFNumber, PDFString } from 'pdf-lib';
import type { PdfAnchor } from '../printer.js';

export const ANCHOR_URI_PREFIX = 'urn:x-pdf-anchor:';

/**
 * Runs in the page (puppeteer's evaluate, which works with the page's own scripts disabled): an
 * <a> anchor gets the href; any other element gets an empty link covering its box.
 */
export function linkAnchors(attribute: string, prefix: string): number {
  const elements = document.querySelectorAll(`[${attribute}]`);
  elements.forEach((element) => {
    const href = prefix + encodeURIComponent(element.getAttribute(attribute) ?? '');
    if (element.localName === 'a') {
      element.setAttribute('href', href);
      return;
    }
    const link = document.createElement('a');
    link.setAttribute('href', href);
    link.setAttribute('style', 'position:absolute;inset:0;display:block;');
    if (getComputedStyle(element).position === 'static') (element as HTMLElement).style.position = 'relative';
    element.prepend(link);
  });
  return elements.length;
}

function uriOf(annot: PDFDict): string | undefined {
  const action = annot.lookup(PDFName.of('A'));
  if (!(action instanceof PDFDict)) return undefined;
  const uri = action.lookup(PDFName.of('URI'));
  if (uri instanceof PDFString || uri instanceof PDFHexString) return uri.decodeText();
  return undefined;
}

/**
 * Removes the anchors' link annotations from every page and returns where they were, in reading
 * order: by page, then from top to bottom, then from left to right (Chromium writes the
 * annotations in an order of its own).
 */
export function takeAnchors(pdf: PDFDocument): PdfAnchor[] {
  const anchors: PdfAnchor[] = [];
  pdf.getPages().forEach((page, pageIndex) => {
    const annots = page.node.Annots();
    if (!annots) return;
    const found: PdfAnchor[] = [];
    for (let i = annots.size() - 1; i >= 0; i--) {
      const annot = annots.lookup(i);
      if (!(annot instanceof PDFDict) || annot.lookup(PDFName.of('Subtype')) !== PDFName.of('Link')) continue;
      const uri = uriOf(annot);
      if (!uri?.startsWith(ANCHOR_URI_PREFIX)) continue;
      const rect = annot.lookup(PDFName.of('Rect'), PDFArray).asArray().map((n) => (n instanceof PDFNumber ? n.asNumber() : 0));
      found.unshift({ name: decodeURIComponent(uri.slice(ANCHOR_URI_PREFIX.length)), page: pageIndex, rect: [rect[0] ?? 0, rect[1] ?? 0, rect[2] ?? 0, rect[3] ?? 0] });
      annots.remove(i);
    }
    found.sort((a, b) => b.rect[3] - a.rect[3] || a.rect[0] - b.rect[0]);
    anchors.push(...found);
  });
  return anchors;
}
