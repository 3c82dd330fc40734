/**
 * Writes the document properties (title, subject, author, keywords, reference) into the package:
 * docProps/core.xml (Word: File > Info) and a custom "Reference" property in docProps/custom.xml.
 */
import type PizZip from 'pizzip';
import type { DocumentProperties } from '../../core/kind.js';
import { escapeXml } from './xml.js';

const CUSTOM_PROPS_TYPE = 'application/vnd.openxmlformats-officedocument.custom-properties+xml';
const CUSTOM_PROPS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties';
const CORE_PROPS_TYPE = 'application/vnd.openxmlformats-package.core-properties+xml';
const CORE_PROPS_REL = 'http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties';

function w3cdtf(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function ensurePart(zip: PizZip, partName: string, contentType: string, relType: string): void {
  const types = zip.file('[Content_Types].xml')?.asText() ?? '';
  if (!types.includes(`PartName="/${partName}"`)) {
    zip.file(
      '[Content_Types].xml',
      types.replace('</Types>', `<Override PartName="/${partName}" ContentType="${contentType}"/></Types>`),
    );
  }
  const rels = zip.file('_rels/.rels')?.asText() ?? '';
  if (!rels.includes(`Target="${partName}"`)) {
    const ids = [...rels.matchAll(/Id="rId(\d+)"/g)].map((m) => Number(m[1]));
    const id = `rId${Math.max(0, ...ids) + 1}`;
    zip.file('_rels/.rels', rels.replace('</Relationships>', `<Relationship Id="${id}" Type="${relType}" Target="${partName}"/></Relationships>`));
  }
}

export function writeProperties(zip: PizZip, props: DocumentProperties, now: Date): void {
  const core = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\
<dc:title>${escapeXml(props.titre)}</dc:title>\
<dc:subject>${escapeXml(props.sujet)}</dc:subject>\
<dc:creator>${escapeXml(props.auteur)}</dc:creator>\
<cp:keywords>${escapeXml(props.motsCles.join(', '))}</cp:keywords>\
<dc:identifier>${escapeXml(props.reference)}</dc:identifier>\
<dc:language>fr-FR</dc:language>\
<cp:lastModifiedBy>${escapeXml(props.auteur)}</cp:lastModifiedBy>\
<cp:revision>1</cp:revision>\
<dcterms:created xsi:type="dcterms:W3CDTF">${w3cdtf(now)}</dcterms:created>\
<dcterms:modified xsi:type="dcterms:W3CDTF">${w3cdtf(now)}</dcterms:modified>\
</cp:coreProperties>`;
  zip.file('docProps/core.xml', core);
  ensurePart(zip, 'docProps/core.xml', CORE_PROPS_TYPE, CORE_PROPS_REL);

  const custom = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">\
<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Reference"><vt:lpwstr>${escapeXml(props.reference)}</vt:lpwstr></property>\
</Properties>`;
  zip.file('docProps/custom.xml', custom);
  ensurePart(zip, 'docProps/custom.xml', CUSTOM_PROPS_TYPE, CUSTOM_PROPS_REL);
}
