/**
 * The XML DOM of the package parts (@xmldom/xmldom): parts are read into a document, changed
 * through the DOM and written back, never edited as strings.
 */
import { DOMParser, onErrorStopParsing, XMLSerializer, type Document, type Element, type Node } from '@xmldom/xmldom';
import type PizZip from 'pizzip';

export const NS = {
  w: 'http://schemas.openxmlformats.org/wordprocessingml/2006/main',
  r: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships',
  v: 'urn:schemas-microsoft-com:vml',
  o: 'urn:schemas-microsoft-com:office:office',
  wp: 'http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing',
  a: 'http://schemas.openxmlformats.org/drawingml/2006/main',
  pic: 'http://schemas.openxmlformats.org/drawingml/2006/picture',
  relationships: 'http://schemas.openxmlformats.org/package/2006/relationships',
  contentTypes: 'http://schemas.openxmlformats.org/package/2006/content-types',
  cp: 'http://schemas.openxmlformats.org/package/2006/metadata/core-properties',
  dc: 'http://purl.org/dc/elements/1.1/',
  dcterms: 'http://purl.org/dc/terms/',
  dcmitype: 'http://purl.org/dc/dcmitype/',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  customProperties: 'http://schemas.openxmlformats.org/officeDocument/2006/custom-properties',
  vt: 'http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes',
  xmlns: 'http://www.w3.org/2000/xmlns/',
} as const;

/** Escapes text for an XML attribute or text node (for the fragments written as XML). */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function parseXml(text: string): Document {
  return new DOMParser({ onError: onErrorStopParsing }).parseFromString(text, 'text/xml');
}

export function serializeXml(doc: Document): string {
  return new XMLSerializer().serializeToString(doc);
}

/** A part of the package as a DOM document, or undefined when the package has no such part. */
export function readPart(zip: PizZip, name: string): Document | undefined {
  const file = zip.file(name);
  return file ? parseXml(file.asText()) : undefined;
}

export function writePart(zip: PizZip, name: string, doc: Document): void {
  zip.file(name, serializeXml(doc));
}

/** The element children of `parent` named `localName` in namespace `ns`. */
export function childElements(parent: Element | Document, ns: string, localName: string): Element[] {
  const found: Element[] = [];
  for (let node: Node | null = parent.firstChild; node; node = node.nextSibling) {
    const element = node as Element;
    if (node.nodeType === 1 && element.namespaceURI === ns && element.localName === localName) found.push(element);
  }
  return found;
}

/** Declares the namespaces on `element` when they are not declared there yet. */
export function declareNamespaces(element: Element, namespaces: Record<string, string>): void {
  for (const [prefix, uri] of Object.entries(namespaces)) {
    if (!element.hasAttribute(`xmlns:${prefix}`)) element.setAttributeNS(NS.xmlns, `xmlns:${prefix}`, uri);
  }
}

/**
 * Parses a fragment written with the given prefixes and imports its nodes into `doc`, ready to be
 * inserted (the prefixes must be declared on the element they are inserted under or above it).
 */
export function importFragment(doc: Document, xml: string, namespaces: Record<string, string>): Node[] {
  const declarations = Object.entries(namespaces)
    .map(([prefix, uri]) => `xmlns:${prefix}="${escapeXml(uri)}"`)
    .join(' ');
  const wrapper = parseXml(`<fragment ${declarations}>${xml}</fragment>`).documentElement!;
  const nodes: Node[] = [];
  for (let node: Node | null = wrapper.firstChild; node; node = node.nextSibling) nodes.push(doc.importNode(node, true));
  return nodes;
}

/**
 * Makes sure the package lists `partName` (an override in [Content_Types].xml and a relationship
 * from the package in _rels/.rels).
 */
export function ensurePackagePart(zip: PizZip, partName: string, contentType: string, relType: string): void {
  const types = readPart(zip, '[Content_Types].xml');
  if (types?.documentElement) {
    const listed = childElements(types.documentElement, NS.contentTypes, 'Override').some((o) => o.getAttribute('PartName') === `/${partName}`);
    if (!listed) {
      const override = types.createElementNS(NS.contentTypes, 'Override');
      override.setAttribute('PartName', `/${partName}`);
      override.setAttribute('ContentType', contentType);
      types.documentElement.appendChild(override);
      writePart(zip, '[Content_Types].xml', types);
    }
  }
  addRelationship(zip, '_rels/.rels', relType, partName);
}

/** Adds a relationship to a .rels part (unless one already targets `target`); returns its id. */
export function addRelationship(zip: PizZip, relsPath: string, type: string, target: string, id?: string): string {
  const rels = readPart(zip, relsPath) ?? parseXml(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${NS.relationships}"/>`);
  const root = rels.documentElement!;
  const existing = childElements(root, NS.relationships, 'Relationship');
  const same = existing.find((r) => r.getAttribute('Target') === target && r.getAttribute('Type') === type);
  if (same) return same.getAttribute('Id')!;
  const numbers = existing.map((r) => Number(/^rId(\d+)$/.exec(r.getAttribute('Id') ?? '')?.[1] ?? 0));
  const newId = id ?? `rId${Math.max(0, ...numbers) + 1}`;
  const relationship = rels.createElementNS(NS.relationships, 'Relationship');
  relationship.setAttribute('Id', newId);
  relationship.setAttribute('Type', type);
  relationship.setAttribute('Target', target);
  root.appendChild(relationship);
  writePart(zip, relsPath, rels);
  return newId;
}
