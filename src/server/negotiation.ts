/** `Accept` chooses the format of a generated document when no `format` is given; 406 if none fits. */
import type { Request } from 'express';
import { NotAcceptableError } from '../core/errors.js';
import { FORMAT_IDS, FORMATS } from '../formats/index.js';

const mediaType = (contentType: string) => contentType.split(';')[0]!.trim().toLowerCase();

export function formatFromAccept(req: Request): string | undefined {
  const accept = req.headers.accept;
  if (!accept) return undefined;
  const types = FORMAT_IDS.map((id) => mediaType(FORMATS[id]!.contentType));
  const chosen = req.accepts(types);
  if (!chosen) {
    // A program that asks for JSON (its errors) names no document format: the default applies.
    if (req.accepts(['application/problem+json', 'application/json'])) return undefined;
    throw new NotAcceptableError('Aucun format ne correspond à l’en-tête Accept.', [
      { path: 'Accept', type: 'accept.none', message: `Formats disponibles : ${FORMAT_IDS.map((id) => `${id} (${mediaType(FORMATS[id]!.contentType)})`).join(', ')}.` },
    ]);
  }
  // A type reached only through a wildcard (*/*, application/*) is no choice: the default applies.
  if (!accept.toLowerCase().includes(chosen)) return undefined;
  return FORMAT_IDS.find((id) => mediaType(FORMATS[id]!.contentType) === chosen);
}
