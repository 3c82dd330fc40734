/** Rasterisation of vector images for the DOCX package: the engines' business, never a kind's. */
import { Resvg } from '@resvg/resvg-js';
import type { DocImage } from '../../core/image.js';

/** The PNG of an SVG, rendered with the machine's fonts at twice the SVG size for print. */
export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'Liberation Sans' }, fitTo: { mode: 'zoom', value: 2 } });
  return Buffer.from(resvg.render().asPng());
}

/** The PNG bytes of an image of the document. */
export function imagePng(image: DocImage): Buffer {
  return 'png' in image.source ? image.source.png : svgToPng(image.source.svg);
}
