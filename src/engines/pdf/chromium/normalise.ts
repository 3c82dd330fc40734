/**
 * Makes Chromium's tagged PDF reproducible (see normaliseStructureIds): part of the Chromium
 * printer's promise that the same request gives the same document.
 */
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, type PDFObject, PDFRef, PDFString } from 'pdf-lib';
import { resolved } from '../reader.js';

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
 * sorted leaf. A structure tree without an /IDTree has no ids (ISO 32000-1 §14.7.2: the tree is
 * required as soon as one element has an id) and is left as it is, unread.
 */
export function normaliseStructureIds(pdf: PDFDocument): void {
  const root = pdf.catalog.lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict);
  if (!root) return;
  const idTreeRef = root.get(PDFName.of('IDTree'));
  const idTree = root.lookupMaybe(PDFName.of('IDTree'), PDFDict);
  if (!idTree) return;
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
    const node = resolved(pdf.context, kid);
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
    const attributes = resolved(pdf.context, element.get(PDFName.of('A')));
    const owners = attributes instanceof PDFArray ? attributes.asArray().map((a) => resolved(pdf.context, a)) : [attributes];
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
