/**
 * Draft markers: in draft mode a missing value is rendered as "[à compléter : name]" so that the
 * reader sees what remains to be filled, the field named in French by its labels (sections, then
 * the field: « [à compléter : Signature – Date de signature] », see fieldName() in field-names.ts),
 * never by its dotted path. Markers travel through the view model as plain strings.
 */
const PREFIX = '[à compléter : ';

/**
 * The marker of a field named `name` (its French name, not its path). A "]" would end the marker
 * early for whoever finds markers in a text (the HTML highlighting): none is let through.
 */
export function marker(name: string): string {
  return `${PREFIX}${name.replace(/\[/g, '(').replace(/\]/g, ')')}]`;
}

export function isMarker(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith(PREFIX) && value.endsWith(']');
}

/** How the marker of a field reads, as the documentation shows it. */
export const MARKER_EXAMPLE = marker('Section – Champ');
