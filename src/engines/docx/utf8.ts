/**
 * The UTF-8 encoding of the rendered parts, done natively. docxtemplater ends the render of a part
 * (postrender.js) with its modules' postrender, its "uncorruption" (options.joinUncorrupt), then
 * an encoder of its own, in JavaScript, character by character: about a millisecond for the body
 * of a convention, the largest step of a render after the tags themselves.
 *
 * This module, the last one of the render (docxtemplater runs the modules given to it after its
 * own), does those last two steps itself, the same way, and hands back the part as one buffer of
 * bytes. docxtemplater then passes it through untouched: its uncorruption skips bytes, and its
 * encoder copies them (both take parts that are strings or bytes). The bytes are the ones
 * docxtemplater's encoder writes: for well-formed text, UTF-8 is UTF-8. Text with a lone surrogate
 * (which Buffer would replace by U+FFFD, and docxtemplater encodes as it is) is left to
 * docxtemplater, as is every part when docxtemplater does not hand its uncorruption to modules.
 * The DOCX engine's tests compare both encodings, byte for byte, on every kind.
 */
import type Docxtemplater from 'docxtemplater';

type JoinUncorrupt = (parts: string[], options: unknown) => string[];

/** A new instance per docxtemplater (a module is attached to one). */
export function nativeUtf8Module(): Docxtemplater.DXT.Module {
  return {
    name: 'NativeUtf8Module',
    postrender(parts: string[], options: { joinUncorrupt?: JoinUncorrupt }): string[] {
      const joinUncorrupt = options.joinUncorrupt;
      if (typeof joinUncorrupt !== 'function') return parts;
      for (const part of parts) if (typeof part !== 'string' || !part.isWellFormed()) return parts;
      // Well-formed strings stay well-formed when uncorruption empties, prefixes or joins them.
      const bytes = Buffer.from(joinUncorrupt(parts, options).join(''), 'utf8');
      // docxtemplater's parts are strings or bytes (its typings say strings only).
      return [bytes as unknown as string];
    },
  } as Docxtemplater.DXT.Module;
}
