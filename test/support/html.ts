/** Helpers of the web pages' tests: the text a reader sees, and a form as a browser would send it. */
import type { Test } from 'supertest';

/** Entities that mustache and the pages write. */
export function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&#x2F;/g, '/')
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The visible text of an HTML page: no tags, entities decoded, spaces of every kind folded. */
export function visibleText(html: string): string {
  return decodeEntities(html.replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ').replace(/<[^>]+>/g, ' ')).replace(/[\s\u00A0\u202F]+/g, ' ');
}

/** Text with its no-break spaces as plain ones, to compare with what a test writes. */
export function plain(text: string): string {
  return text.replace(/[\u00A0\u202F]/g, ' ');
}

const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? decodeEntities(m[1]!) : undefined;
};

/**
 * The fields a browser sends for the form of `html` whose action is `action`: text, date and hidden
 * inputs, ticked boxes and radios, the selected option of each list, the text areas (no button, no file).
 */
export function formFields(html: string, action: string): [string, string][] {
  const start = html.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`No form with action ${action}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const out: [string, string][] = [];
  for (const m of form.matchAll(/<input\b[^>]*>|<select\b[^>]*>[\s\S]*?<\/select>|<textarea\b[^>]*>[\s\S]*?<\/textarea>/g)) {
    const tag = m[0];
    const name = attr(tag, 'name');
    if (!name) continue;
    if (tag.startsWith('<input')) {
      const type = attr(tag, 'type') ?? 'text';
      if (type === 'file' || type === 'submit') continue;
      if ((type === 'checkbox' || type === 'radio') && !/\schecked\b/.test(tag)) continue;
      out.push([name, attr(tag, 'value') ?? '']);
    } else if (tag.startsWith('<select')) {
      const options = [...tag.matchAll(/<option value="([^"]*)"([^>]*)>/g)];
      const chosen = options.find((o) => /\sselected\b/.test(o[2]!)) ?? options[0];
      out.push([name, chosen ? decodeEntities(chosen[1]!) : '']);
    } else {
      out.push([name, decodeEntities(/>([\s\S]*)<\/textarea>/.exec(tag)![1]!)]);
    }
  }
  return out;
}

/** A request with these form fields (multipart, in their order), as a browser sends a form. */
export function withFields(req: Test, fields: Iterable<[string, string]> | Record<string, string>): Test {
  const entries = Symbol.iterator in fields ? fields : Object.entries(fields);
  for (const [name, value] of entries) req.field(name, value);
  return req;
}
