/** Small helpers for writing text into OOXML parts. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Adds namespace declarations to the root element of a part when they are missing. */
export function ensureNamespaces(xml: string, rootTag: string, namespaces: Record<string, string>): string {
  const open = new RegExp(`<${rootTag}\\b[^>]*>`);
  const match = open.exec(xml);
  if (!match) throw new Error(`No <${rootTag}> root element`);
  let tag = match[0];
  for (const [prefix, uri] of Object.entries(namespaces)) {
    if (!new RegExp(`\\sxmlns:${prefix}=`).test(tag)) tag = tag.replace(/>$/, ` xmlns:${prefix}="${uri}">`);
  }
  return xml.slice(0, match.index) + tag + xml.slice(match.index + match[0].length);
}
