/**
 * DOCX engine: fills a kind's DOCX template with its view model (docxtemplater, {{ }} delimiters,
 * dotted paths only), then applies the package-level features every kind shares: images of the view
 * model, document properties, and the "PROJET" watermark of drafts.
 */
import { readFileSync } from 'node:fs';
import Docxtemplater from 'docxtemplater';
import PizZip from 'pizzip';
import type { BaseViewModel } from '../../core/kind.js';
import { TemplateError } from '../../core/errors.js';
import { dotPathParser } from './parser.js';
import { writeProperties } from './properties.js';
import { addWatermark } from './watermark.js';
import { embedImages, prepareImages } from './images.js';
import { generatePackage } from './package.js';

export const DOCX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const DRAFT_MARK = 'PROJET';

const templates = new Map<string, Buffer>();

/** Templates are read once and kept in memory; a new zip is opened from the bytes at each render. */
function templateBytes(path: string): Buffer {
  let bytes = templates.get(path);
  if (!bytes) {
    bytes = readFileSync(path);
    templates.set(path, bytes);
  }
  return bytes;
}

/** Forgets the cached templates (used after a template file is replaced). */
export function clearTemplateCache(): void {
  templates.clear();
}

interface DocxtemplaterErrorLike {
  properties?: { errors?: { properties?: { id?: string; explanation?: string; xtag?: string; file?: string } }[]; explanation?: string; id?: string };
  message: string;
}

function templateError(templatePath: string, error: unknown): TemplateError {
  const e = error as DocxtemplaterErrorLike;
  const list = e.properties?.errors?.length ? e.properties.errors.map((x) => x.properties ?? {}) : [e.properties ?? {}];
  return new TemplateError(
    `Le modèle ${templatePath} est invalide : ${list.map((x) => x.explanation ?? e.message).join(' ; ')}`,
    list.map((x) => ({ tag: (x as { xtag?: string }).xtag, explanation: x.explanation ?? e.message, file: (x as { file?: string }).file })),
  );
}

/** Opens and compiles a template: throws a TemplateError listing every malformed tag. */
export function compileTemplate(templatePath: string, onMissingTag?: (tag: string) => void): Docxtemplater {
  const zip = new PizZip(templateBytes(templatePath));
  try {
    return new Docxtemplater(zip, {
      delimiters: { start: '{{', end: '}}' },
      paragraphLoop: true,
      linebreaks: true,
      parser: dotPathParser,
      errorLogging: false,
      nullGetter(part: { value: string; module?: string }) {
        onMissingTag?.(part.value);
        return part.module === 'loop' ? false : '';
      },
    });
  } catch (error) {
    throw templateError(templatePath, error);
  }
}

export interface DocxRenderOptions {
  now: Date;
}

export function renderDocx(templatePath: string, viewModel: BaseViewModel, options: DocxRenderOptions): Buffer {
  const missingTags: string[] = [];
  const doc = compileTemplate(templatePath, (tag) => missingTags.push(tag));
  const { prepared, images } = prepareImages(viewModel);
  try {
    doc.render(prepared);
  } catch (error) {
    throw templateError(templatePath, error);
  }
  if (missingTags.length > 0) {
    // A tag the view model does not provide is a fault of the template or of the view model:
    // never let it vanish silently from a legal document.
    throw new TemplateError(
      `Le modèle ${templatePath} utilise des balises absentes du modèle de données : ${[...new Set(missingTags)].join(', ')}`,
      [...new Set(missingTags)].map((tag) => ({ tag, explanation: 'Balise inconnue' })),
    );
  }
  const zip = doc.getZip();
  embedImages(zip, images);
  writeProperties(zip, viewModel.document, options.now);
  if (viewModel.brouillon) addWatermark(zip, DRAFT_MARK);
  // Reproducible package: fixed entry dates, order and compression (package.ts).
  return generatePackage(zip, DOCX_CONTENT_TYPE);
}
