/**
 * DOCX engine: fills a kind's DOCX template with its view model (docxtemplater, {{ }} delimiters,
 * dotted paths only), then applies the package-level features every kind shares: images of the view
 * model, document properties, and the draft watermark. The filled package stays open (PizZip) for
 * the next stages (HTML reads it as it is); it is written as a file only for the DOCX format.
 */
import type PizZip from 'pizzip';
import type { BaseViewModel } from '../../core/kind.js';
import { TemplateError } from '../../core/errors.js';
import { DRAFT_MARK } from '../draft.js';
import { writeProperties } from './properties.js';
import { addWatermark } from './watermark.js';
import { embedImages, prepareImages } from './images.js';
import { DOCX_CONTENT_TYPE, generatePackage } from './package.js';
import type { MarginParts } from './structure.js';
import { fillTemplate } from './template.js';

export { clearTemplateCache } from './template.js';
export type { MarginParts } from './structure.js';

export { DOCX_CONTENT_TYPE };

export interface DocxRenderOptions {
  now: Date;
}

/** A filled DOCX package, open: the parts are in memory, nothing is zipped yet. */
export interface FilledDocx {
  zip: PizZip;
  /** The default page header and footer parts. */
  margins: MarginParts;
}

export function fillDocx(templatePath: string, viewModel: BaseViewModel, options: DocxRenderOptions): FilledDocx {
  const { prepared, images } = prepareImages(viewModel);
  const { zip, missingTags, margins } = fillTemplate(templatePath, prepared);
  if (missingTags.length > 0) {
    // A tag the view model does not provide is a fault of the template or of the view model:
    // never let it vanish silently from a legal document.
    const tags = [...new Set(missingTags)];
    throw new TemplateError(
      `Le modèle ${templatePath} utilise des balises absentes du modèle de données : ${tags.join(', ')}`,
      tags.map((tag) => ({ tag, explanation: 'Balise inconnue' })),
    );
  }
  embedImages(zip, images);
  writeProperties(zip, viewModel.document, options.now);
  if (viewModel.brouillon) addWatermark(zip, DRAFT_MARK);
  return { zip, margins };
}

/** The DOCX file of a filled package: reproducible (fixed entry dates, order and compression, package.ts). */
export function packageDocx(filled: FilledDocx): Buffer {
  return generatePackage(filled.zip, DOCX_CONTENT_TYPE);
}

/** Fills and writes the DOCX file in one step. */
export function renderDocx(templatePath: string, viewModel: BaseViewModel, options: DocxRenderOptions): Buffer {
  return packageDocx(fillDocx(templatePath, viewModel, options));
}
