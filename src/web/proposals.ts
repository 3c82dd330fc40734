/**
 * Values a web form proposes when the user left them empty but typed what tells them: the civility
 * of a person (the gender of « représenté(e) », « habilité(e) », « Madame la Directrice ») from the
 * title typed (« qualité », « fonction »), and the grammatical gender of an organisation's name from
 * that name (what the documents deduce anyway when it is absent). A proposal is shown pre-selected
 * in the form that comes back, marked as proposed: the user sees it before any document is produced
 * with it (the preview may use it; « Générer » first shows the form with the proposals to check).
 */
import type Joi from 'joi';
import { guessGender } from '../core/french.js';
import { civilityFromTitle } from '../core/gender.js';
import { CIVILITE_LABELS } from '../core/fields.js';
import { isMarker } from '../core/markers.js';

export interface Proposal {
  /** The dotted path of the field (« donneurOrdre.representant.civilite »). */
  path: string;
  value: string;
  /** « civilite »: a civility, which « Générer » asks to check first; « genre »: an organisation's name. */
  kind: 'civilite' | 'genre';
  /** What it was proposed from, as the form says it: « d’après la qualité ». */
  from: string;
  /** The text it was proposed from: « Directrice générale ». */
  source: string;
  /** The value as the form shows it: « Madame ». */
  label: string;
}

interface Description {
  type?: string;
  keys?: Record<string, Description>;
  items?: Description[];
  allow?: unknown[];
  metas?: Record<string, unknown>[];
}

const hidden = (d: Description) => d.metas?.some((m) => m.hidden === true) === true;
const empty = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const typed = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '' && !isMarker(v);

const GENRE_SHOWN: Record<string, string> = { masculin: 'Masculin', feminin: 'Féminin' };

/** The proposals for the empty gender fields of `values`, in the order of the schema. */
export function proposeGenders(schema: Joi.ObjectSchema, values: Record<string, unknown>): Proposal[] {
  const out: Proposal[] = [];
  const walk = (desc: Description, value: unknown, path: string[]) => {
    if (value === null || typeof value !== 'object') return;
    if (desc.type === 'array') {
      const item = desc.items?.[0];
      if (item && Array.isArray(value)) value.forEach((v, i) => walk(item, v, [...path, String(i)]));
      return;
    }
    if (desc.type !== 'object' || !desc.keys) return;
    const here = value as Record<string, unknown>;
    const keys = desc.keys;
    const at = (key: string) => [...path, key].join('.');
    if (keys.civilite && !hidden(keys.civilite) && empty(here.civilite)) {
      const titleKey = ['qualite', 'fonction'].find((k) => keys[k] && typed(here[k]));
      const civility = titleKey ? civilityFromTitle(String(here[titleKey])) : undefined;
      if (titleKey && civility) {
        out.push({ path: at('civilite'), value: civility, kind: 'civilite', from: titleKey === 'qualite' ? 'd’après la qualité' : 'd’après la fonction', source: String(here[titleKey]).trim(), label: CIVILITE_LABELS[civility] });
      }
    }
    const genre = keys.genre;
    if (genre && !hidden(genre) && genre.allow?.includes('feminin') && keys.nom && empty(here.genre) && typed(here.nom)) {
      const value = guessGender(String(here.nom));
      out.push({ path: at('genre'), value, kind: 'genre', from: 'd’après le nom', source: String(here.nom).trim(), label: GENRE_SHOWN[value] ?? value });
    }
    for (const [key, child] of Object.entries(keys)) {
      if (!hidden(child) && (child.type === 'object' || child.type === 'array')) walk(child, here[key], [...path, key]);
    }
  };
  walk(schema.describe() as Description, values, []);
  return out;
}

/** The values with the proposals filled in (a copy; the lists and objects on the way are kept). */
export function withProposals(values: Record<string, unknown>, proposals: Proposal[]): Record<string, unknown> {
  if (proposals.length === 0) return values;
  const copy = structuredClone(values);
  for (const p of proposals) {
    const segments = p.path.split('.');
    let node: Record<string, unknown> = copy;
    for (const segment of segments.slice(0, -1)) {
      const next = node[segment];
      if (next === null || typeof next !== 'object') break;
      node = next as Record<string, unknown>;
    }
    node[segments[segments.length - 1]!] = p.value;
  }
  return copy;
}
