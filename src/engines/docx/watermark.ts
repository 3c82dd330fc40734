/**
 * The draft mark of documents in draft mode: a diagonal text watermark placed in every header of
 * the package, so that it shows on every page, as Word's own "Filigrane" feature does (VML text
 * path, which Word and LibreOffice both display). The header parts are changed through their DOM.
 */
import type PizZip from 'pizzip';
import { declareNamespaces, escapeXml, importFragment, NS, readPart, writePart } from './xml.js';

const SHAPETYPE = `<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" path="m@7,l@8,m@5,21600l@6,21600e">\
<v:formulas><v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/><v:f eqn="sum 0 0 @2"/>\
<v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/><v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/>\
<v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/></v:formulas>\
<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>\
<v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>\
<o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>`;

/** The paragraph carrying the watermark shape (a fixed fragment; only the text varies). */
function watermarkParagraph(text: string, index: number): string {
  return `<w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr><w:r><w:rPr><w:noProof/></w:rPr><w:pict>${SHAPETYPE}\
<v:shape id="PowerPlusWaterMarkObject${index}" o:spid="_x0000_s${2049 + index}" type="#_x0000_t136" \
style="position:absolute;margin-left:0;margin-top:0;width:440pt;height:130pt;rotation:315;z-index:-251657216;\
mso-position-horizontal:center;mso-position-horizontal-relative:margin;mso-position-vertical:center;mso-position-vertical-relative:margin" \
o:allowincell="f" fillcolor="#c0c0c0" stroked="f"><v:fill opacity=".45"/>\
<v:textpath style="font-family:&quot;Liberation Sans&quot;;font-size:1pt" string="${escapeXml(text)}"/></v:shape></w:pict></w:r></w:p>`;
}

const HEADER_NAMESPACES = { w: NS.w, v: NS.v, o: NS.o };

/** The header parts of the package, in name order. */
function headerParts(zip: PizZip): string[] {
  return Object.keys(zip.files)
    .filter((name) => name.startsWith('word/header') && name.endsWith('.xml') && /^\d*$/.test(name.slice('word/header'.length, -'.xml'.length)))
    .sort();
}

/** Adds the watermark at the start of every header part; returns how many headers were marked. */
export function addWatermark(zip: PizZip, text: string): number {
  const headers = headerParts(zip);
  headers.forEach((name, i) => {
    const doc = readPart(zip, name)!;
    const root = doc.documentElement!;
    declareNamespaces(root, { v: NS.v, o: NS.o });
    const [paragraph] = importFragment(doc, watermarkParagraph(text, i), HEADER_NAMESPACES);
    root.insertBefore(paragraph!, root.firstChild);
    writePart(zip, name, doc);
  });
  return headers.length;
}
