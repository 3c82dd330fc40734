/**
 * Draft markers: in draft mode a missing value is rendered as "[à compléter : path]" so that the
 * reader sees what remains to be filled. Markers travel through the view model as plain strings.
 */
const PREFIX = '[à compléter : ';

export function marker(path: string): string {
  return `${PREFIX}${path}]`;
}

export function isMarker(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith(PREFIX) && value.endsWith(']');
}
