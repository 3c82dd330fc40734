/** Where things are in a DOCX package, read through the DOM. */
import type { Element } from '@xmldom/xmldom';
import type PizZip from 'pizzip';
import { childElements, NS, readPart } from './xml.js';

export interface MarginParts {
  /** Part names (e.g. "word/header1.xml") of the default page header and footer, if any. */
  header?: string;
  footer?: string;
}

function elementsOf(element: Element | undefined | null, localName: string): Element[] {
  if (!element) return [];
  const list = element.getElementsByTagNameNS(NS.w, localName);
  const found: Element[] = [];
  for (let i = 0; i < list.length; i++) found.push(list.item(i)!);
  return found;
}

/** The default header and footer of the document's last section (or the first ones referenced). */
export function defaultMarginParts(zip: PizZip): MarginParts {
  const document = readPart(zip, 'word/document.xml')?.documentElement;
  const rels = readPart(zip, 'word/_rels/document.xml.rels')?.documentElement;
  const targets = new Map(rels ? childElements(rels, NS.relationships, 'Relationship').map((r) => [r.getAttribute('Id') ?? '', r.getAttribute('Target') ?? '']) : []);
  const part = (kind: 'header' | 'footer'): string | undefined => {
    const refs = elementsOf(document, `${kind}Reference`);
    const ref = [...refs].reverse().find((r) => r.getAttributeNS(NS.w, 'type') === 'default') ?? refs[0];
    const target = ref ? targets.get(ref.getAttributeNS(NS.r, 'id') ?? '') : undefined;
    if (!target) return undefined;
    const name = `word/${target.replace(/^\/?word\//, '')}`;
    return zip.file(name) ? name : undefined;
  };
  return { header: part('header'), footer: part('footer') };
}
