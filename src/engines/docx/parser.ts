/**
 * The tag parser of the DOCX templates: a tag is a dotted path into the view model
 * ("donneurOrdre.representant.nom") or "." for the current item of a loop. Nothing else: templates
 * stay logic-less, every computation happens in the view model.
 */
export function dotPathParser(tag: string) {
  const trimmed = tag.trim();
  const path = trimmed === '.' ? [] : trimmed.split('.');
  return {
    get(scope: unknown): unknown {
      let value: unknown = scope;
      for (const key of path) {
        if (value === null || value === undefined || typeof value !== 'object') return undefined;
        value = (value as Record<string, unknown>)[key];
      }
      return value;
    },
  };
}
