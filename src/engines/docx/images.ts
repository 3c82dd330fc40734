/**
 * Images of the view model (DocImage) embedded in the DOCX: each becomes the raw paragraph of an
 * inline DrawingML picture, placed by a `{{@path}}` tag, and its PNG is added to word/media with its
 * relationship. mammoth then carries it into the HTML (data URI), and Chromium into the PDF.
 */
import type PizZip from 'pizzip';
import { DocImage } from '../../core/image.js';
import { ensureNamespaces, escapeXml } from './xml.js';

const EMU_PER_CM = 360000;

export interface EmbeddedImage {
  id: string;
  file: string;
  png: Buffer;
}

function drawing(image: DocImage, index: number, rid: string): string {
  const cx = Math.round(image.widthCm * EMU_PER_CM);
  const cy = Math.round(image.heightCm * EMU_PER_CM);
  const alt = escapeXml(image.alt);
  return `<w:p><w:pPr><w:keepNext/><w:spacing w:before="120" w:after="120"/><w:jc w:val="center"/></w:pPr><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="${cx}" cy="${cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="${1000 + index}" name="Graphique ${index}" descr="${alt}"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="${1000 + index}" name="graphique-${index}.png" descr="${alt}"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="${rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="${cx}" cy="${cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`;
}

/** A copy of the view model where every DocImage is replaced by its raw paragraph XML. */
export function prepareImages<T>(viewModel: T): { prepared: T; images: EmbeddedImage[] } {
  const images: EmbeddedImage[] = [];
  const walk = (value: unknown): unknown => {
    if (value instanceof DocImage) {
      const index = images.length + 1;
      const id = `rIdGraphique${index}`;
      images.push({ id, file: `graphique-${index}.png`, png: value.png });
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

export function embedImages(zip: PizZip, images: EmbeddedImage[]): void {
  if (images.length === 0) return;
  for (const image of images) zip.file(`word/media/${image.file}`, image.png);
  const relsPath = 'word/_rels/document.xml.rels';
  const rels = zip.file(relsPath)!.asText();
  const added = images
    .map((i) => `<Relationship Id="${i.id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/${i.file}"/>`)
    .join('');
  zip.file(relsPath, rels.replace('</Relationships>', `${added}</Relationships>`));
  const types = zip.file('[Content_Types].xml')!.asText();
  if (!/Extension="png"/i.test(types)) zip.file('[Content_Types].xml', types.replace('<Default ', '<Default Extension="png" ContentType="image/png"/><Default '));
  const document = zip.file('word/document.xml')!.asText();
  zip.file(
    'word/document.xml',
    ensureNamespaces(document, 'w:document', {
      wp: 'http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing',
      a: 'http://schemas.openxmlformats.org/drawingml/2006/main',
      pic: 'http://schemas.openxmlformats.org/drawingml/2006/picture',
      r: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships',
    }),
  );
}
