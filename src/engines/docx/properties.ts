/**
 * Writes the document properties (title, subject, author, keywords, reference) into the package:
 * docProps/core.xml (Word: File > Info) and a custom "Reference" property in docProps/custom.xml,
 * both built through the XML DOM, and listed in [Content_Types].xml and _rels/.rels.
 *
 * The listing is the same for every document of a template: it is done once, on the template
 * when it is loaded (listPropertyParts, template.ts), so that a render only writes the two parts
 * and leaves [Content_Types].xml and _rels/.rels as the prepared template has them (neither read,
 * parsed nor compressed again).
 */
import type { Document, Element } from '@xmldom/xmldom';
import type PizZip from 'pizzip';
import type { DocumentProperties } from '../../core/kind.js';
import { ensurePackagePart, NS, parseXml, writePart } from './xml.js';

const CUSTOM_PROPS_TYPE = 'application/vnd.openxmlformats-officedocument.custom-properties+xml';
const CUSTOM_PROPS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties';
const CORE_PROPS_TYPE = 'application/vnd.openxmlformats-package.core-properties+xml';
const CORE_PROPS_REL = 'http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties';
/** The format identifier of user-defined properties (Word's "Custom" tab). */
const USER_DEFINED_FMTID = '{D5CDD505-2E9C-101B-9397-08002B2CF9AE}';

const DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

function w3cdtf(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function append(doc: Document, parent: Element, ns: string, qualifiedName: string, text: string): Element {
  const element = doc.createElementNS(ns, qualifiedName);
  element.appendChild(doc.createTextNode(text));
  parent.appendChild(element);
  return element;
}

function coreProperties(props: DocumentProperties, now: Date): Document {
  const doc = parseXml(
    `${DECLARATION}<cp:coreProperties xmlns:cp="${NS.cp}" xmlns:dc="${NS.dc}" xmlns:dcterms="${NS.dcterms}" xmlns:dcmitype="${NS.dcmitype}" xmlns:xsi="${NS.xsi}"/>`,
  );
  const root = doc.documentElement!;
  append(doc, root, NS.dc, 'dc:title', props.titre);
  append(doc, root, NS.dc, 'dc:subject', props.sujet);
  append(doc, root, NS.dc, 'dc:creator', props.auteur);
  append(doc, root, NS.cp, 'cp:keywords', props.motsCles.join(', '));
  append(doc, root, NS.dc, 'dc:identifier', props.reference);
  append(doc, root, NS.dc, 'dc:language', 'fr-FR');
  append(doc, root, NS.cp, 'cp:lastModifiedBy', props.auteur);
  append(doc, root, NS.cp, 'cp:revision', '1');
  for (const name of ['dcterms:created', 'dcterms:modified']) {
    append(doc, root, NS.dcterms, name, w3cdtf(now)).setAttributeNS(NS.xsi, 'xsi:type', 'dcterms:W3CDTF');
  }
  return doc;
}

function customProperties(props: DocumentProperties): Document {
  const doc = parseXml(`${DECLARATION}<Properties xmlns="${NS.customProperties}" xmlns:vt="${NS.vt}"/>`);
  const property = doc.createElementNS(NS.customProperties, 'property');
  property.setAttribute('fmtid', USER_DEFINED_FMTID);
  property.setAttribute('pid', '2');
  property.setAttribute('name', 'Reference');
  append(doc, property, NS.vt, 'vt:lpwstr', props.reference);
  doc.documentElement!.appendChild(property);
  return doc;
}

/** Lists the property parts in [Content_Types].xml and _rels/.rels (a template, once: see above). */
export function listPropertyParts(zip: PizZip): void {
  ensurePackagePart(zip, 'docProps/core.xml', CORE_PROPS_TYPE, CORE_PROPS_REL);
  ensurePackagePart(zip, 'docProps/custom.xml', CUSTOM_PROPS_TYPE, CUSTOM_PROPS_REL);
}

/** Writes the property parts of a package whose template was prepared by listPropertyParts. */
export function writeProperties(zip: PizZip, props: DocumentProperties, now: Date): void {
  writePart(zip, 'docProps/core.xml', coreProperties(props, now));
  writePart(zip, 'docProps/custom.xml', customProperties(props));
}
