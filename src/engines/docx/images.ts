/**
 * Images of the view model (DocImage) embedded in the DOCX: each becomes the raw paragraph of an
 * inline DrawingML picture, placed by a `{{@path}}` tag (docxtemplater), and its PNG (rasterised
 * here from the kind's SVG) is added to word/media with its relationship. The drawing declares its
 * own namespaces, as Word writes them, so the document's root is left as the template has it.
 * mammoth then carries the picture into the HTML (data URI), and the PDF printer into the PDF.
 */
import type PizZip from 'pizzip';
import { DocImage } from '../../core/image.js';
import { imagePng } from '../charts/rasterise.js';
import { addRelationship, childElements, escapeXml, NS, readPart, writePart } from './xml.js';

const EMU_PER_CM = 360000;
const IMAGE_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/image';

export interface EmbeddedImage {
  id: string;
  file: string;
  png: Buffer;
}

function drawing(image: DocImage, index: number, rid: string): string {
  const cx = Math.round(image.widthCm * EMU_PER_CM);
  const cy = Math.round(image.heightCm * EMU_PER_CM);
  const alt = escapeXml(image.alt);
  return `<w:p><w:pPr><w:keepNext/><w:spacing w:before="120" w:after="120"/><w:jc w:val="center"/></w:pPr><w:r><w:drawing><wp:inline xmlns:wp="${NS.wp}" distT="0" distB="0" distL="0" distR="0"><wp:extent cx="${cx}" cy="${cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="${1000 + index}" name="Graphique ${index}" descr="${alt}"/><wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a="${NS.a}" noChangeAspect="1"/></wp:cNvGraphicFramePr><a:graphic xmlns:a="${NS.a}"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic xmlns:pic="${NS.pic}"><pic:nvPicPr><pic:cNvPr id="${1000 + index}" name="graphique-${index}.png" descr="${alt}"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip xmlns:r="${NS.r}" r:embed="${rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="${cx}" cy="${cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`;
}

/** A copy of the view model where every DocImage is replaced by its raw paragraph XML. */
export function prepareImages<T>(viewModel: T): { prepared: T; images: EmbeddedImage[] } {
  const images: EmbeddedImage[] = [];
  const walk = (value: unknown): unknown => {
    if (value instanceof DocImage) {
      const index = images.length + 1;
      const id = `rIdGraphique${index}`;
      images.push({ id, file: `graphique-${index}.png`, png: imagePng(value) });
      return drawing(value, index, id);
    }
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    }
    return value;
  };
  return { prepared: walk(viewModel) as T, images };
}

/** Adds the pictures to word/media, their relationships, and the PNG content type. */
export function embedImages(zip: PizZip, images: EmbeddedImage[]): void {
  if (images.length === 0) return;
  for (const image of images) {
    zip.file(`word/media/${image.file}`, image.png);
    addRelationship(zip, 'word/_rels/document.xml.rels', IMAGE_REL, `media/${image.file}`, image.id);
  }
  const types = readPart(zip, '[Content_Types].xml')!;
  const root = types.documentElement!;
  const defaults = childElements(root, NS.contentTypes, 'Default');
  if (!defaults.some((d) => d.getAttribute('Extension')?.toLowerCase() === 'png')) {
    const png = types.createElementNS(NS.contentTypes, 'Default');
    png.setAttribute('Extension', 'png');
    png.setAttribute('ContentType', 'image/png');
    root.insertBefore(png, defaults[0] ?? root.firstChild);
    writePart(zip, '[Content_Types].xml', types);
  }
}
