/**
 * An image placed in a document by its view model (a chart…). The DOCX engine embeds it where the
 * template has a raw tag `{{@path}}` alone in its paragraph; the HTML and PDF follow from the DOCX.
 * A kind hands the picture as SVG; only the engines rasterise it (PNG bytes are accepted as they are).
 */
export type ImageSource = { svg: string } | { png: Buffer };

export class DocImage {
  constructor(
    readonly source: ImageSource,
    readonly widthCm: number,
    readonly heightCm: number,
    /** Alternative text: what the image shows, for readers who cannot see it and for text outputs. */
    readonly alt: string,
  ) {}
}
