/**
 * Anchors in Chromium: the elements carrying the anchor attribute are made links to
 * "urn:x-pdf-anchor:<name>" just before printing; Chromium turns each link into a link annotation
 * carrying its rectangle, which is read back and removed here, with what the tagged PDF says of
 * it. Only this printer knows the trick.
 */
import { PDFArray, PDFDict, type PDFDocument, PDFHexString, PDFName, PDFNumber, type PDFObject, PDFRef, PDFString } from 'pdf-lib';
import type { PdfAnchor } from '../printer.js';
import { resolved } from '../reader.js';

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

/** Takes the entry `key` out of a number tree (its /Nums, or those of its /Kids) and returns its value. */
function takeNumberTreeEntry(pdf: PDFDocument, node: PDFDict, key: number): PDFObject | undefined {
  const nums = node.lookupMaybe(PDFName.of('Nums'), PDFArray);
  for (let i = 0; nums && i + 1 < nums.size(); i += 2) {
    const k = nums.lookup(i);
    if (k instanceof PDFNumber && k.asNumber() === key) {
      const value = nums.get(i + 1);
      nums.remove(i + 1);
      nums.remove(i);
      return value;
    }
  }
  const kids = node.lookupMaybe(PDFName.of('Kids'), PDFArray);
  for (let i = 0; kids && i < kids.size(); i++) {
    const kid = resolved(pdf.context, kids.get(i));
    const value = kid instanceof PDFDict ? takeNumberTreeEntry(pdf, kid, key) : undefined;
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * What the tagged PDF says of a removed link annotation: its structure element (found through the
 * /ParentTree entry of the annotation's /StructParent) loses the object reference to the
 * annotation and becomes a /Span (the text is not a link), and the entry goes. Says whether the
 * annotation is cited no more (so that it need not be written), and which element held it (where
 * an annotation put on the anchor is to be tagged).
 */
function untag(pdf: PDFDocument, ref: PDFRef, annot: PDFDict): { uncited: boolean; element?: PDFRef } {
  const key = annot.lookup(PDFName.of('StructParent'));
  // Not in the structure tree: nothing there cites it.
  if (!(key instanceof PDFNumber)) return { uncited: true };
  const parentTree = pdf.catalog.lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict)?.lookupMaybe(PDFName.of('ParentTree'), PDFDict);
  if (!parentTree) return { uncited: false };
  const elementRef = takeNumberTreeEntry(pdf, parentTree, key.asNumber());
  const element = resolved(pdf.context, elementRef);
  if (!(element instanceof PDFDict)) return { uncited: false };
  const citesAnnot = (kid: PDFObject | undefined) => {
    const object = resolved(pdf.context, kid);
    return object instanceof PDFDict && object.lookup(PDFName.of('Type')) === PDFName.of('OBJR') && object.get(PDFName.of('Obj')) === ref;
  };
  let removed = false;
  const kids = resolved(pdf.context, element.get(PDFName.of('K')));
  if (kids instanceof PDFArray) {
    for (let i = kids.size() - 1; i >= 0; i--) {
      if (citesAnnot(kids.get(i))) {
        kids.remove(i);
        removed = true;
      }
    }
  } else if (citesAnnot(element.get(PDFName.of('K')))) {
    element.set(PDFName.of('K'), pdf.context.obj([]));
    removed = true;
  }
  if (element.lookup(PDFName.of('S')) === PDFName.of('Link')) element.set(PDFName.of('S'), PDFName.of('Span'));
  return { uncited: removed, ...(elementRef instanceof PDFRef ? { element: elementRef } : {}) };
}

/**
 * Removes the anchors' link annotations from every page, and from the structure tree (see untag),
 * and returns where they were, in reading order: by page, then from top to bottom, then from left
 * to right (Chromium writes the annotations in an order of its own).
 */
export function takeAnchors(pdf: PDFDocument): PdfAnchor[] {
  const anchors: PdfAnchor[] = [];
  pdf.getPages().forEach((page, pageIndex) => {
    const annots = page.node.Annots();
    if (!annots) return;
    const found: PdfAnchor[] = [];
    for (let i = annots.size() - 1; i >= 0; i--) {
      const ref = annots.get(i);
      const annot = annots.lookup(i);
      if (!(annot instanceof PDFDict) || annot.lookup(PDFName.of('Subtype')) !== PDFName.of('Link')) continue;
      const uri = uriOf(annot);
      if (!uri?.startsWith(ANCHOR_URI_PREFIX)) continue;
      const rect = annot.lookup(PDFName.of('Rect'), PDFArray).asArray().map((n) => (n instanceof PDFNumber ? n.asNumber() : 0));
      const anchor: PdfAnchor = { name: decodeURIComponent(uri.slice(ANCHOR_URI_PREFIX.length)), page: pageIndex, rect: [rect[0] ?? 0, rect[1] ?? 0, rect[2] ?? 0, rect[3] ?? 0] };
      annots.remove(i);
      if (ref instanceof PDFRef) {
        const { uncited, element } = untag(pdf, ref, annot);
        if (element) anchor.element = element;
        // Written only if the structure tree still cites it somewhere this step did not look.
        if (uncited) pdf.context.delete(ref);
      }
      found.unshift(anchor);
    }
    found.sort((a, b) => b.rect[3] - a.rect[3] || a.rect[0] - b.rect[0]);
    anchors.push(...found);
  });
  return anchors;
}
