/**
 * The communes of France (overseas included: 971 to 976), from the data file of the npm package
 * @etalab/decoupage-administratif (its communes.json: INSEE code, name, postal codes, department);
 * nothing is fetched at run time. Only the current communes are kept (not the delegated or
 * associated ones, nor the municipal arrondissements), in a compact index built at first use:
 * code INSEE, name, postal codes, department, and the population to rank the answers.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface Commune {
  codeInsee: string;
  nom: string;
  codesPostaux: string[];
  departement: string;
}

interface Entry extends Commune {
  /** The name without accents, case, hyphens nor apostrophes: « saint etienne du rouvray ». */
  cle: string;
  population: number;
}

interface RawCommune {
  code: string;
  nom: string;
  type: string;
  departement: string;
  codesPostaux?: string[];
  population?: number;
}

export const MAX_COMMUNES = 20;

/** A name as the search compares it: « Saint-Étienne-du-Rouvray » → « saint etienne du rouvray ». */
export function searchKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

let index: Entry[] | undefined;
let byPostalCode: Map<string, Entry[]> | undefined;

/** The file of the package, found as Node finds the package. */
export function communesFile(): string {
  return createRequire(import.meta.url).resolve('@etalab/decoupage-administratif/data/communes.json');
}

function load(): Entry[] {
  if (index) return index;
  const raw = JSON.parse(readFileSync(communesFile(), 'utf8')) as RawCommune[];
  const entries: Entry[] = [];
  for (const c of raw) {
    if (c.type !== 'commune-actuelle') continue;
    entries.push({ codeInsee: c.code, nom: c.nom, codesPostaux: c.codesPostaux ?? [], departement: c.departement, cle: searchKey(c.nom), population: c.population ?? 0 });
  }
  // The most populated first: « Saint-Denis » gives the one of La Réunion and of Seine-Saint-Denis before the small ones.
  entries.sort((a, b) => b.population - a.population || a.nom.localeCompare(b.nom, 'fr'));
  const postal = new Map<string, Entry[]>();
  for (const e of entries) {
    for (const cp of e.codesPostaux) {
      const list = postal.get(cp);
      if (list) list.push(e);
      else postal.set(cp, [e]);
    }
  }
  byPostalCode = postal;
  index = entries;
  return entries;
}

const shown = (e: Entry): Commune => ({ codeInsee: e.codeInsee, nom: e.nom, codesPostaux: e.codesPostaux, departement: e.departement });

/**
 * The communes a query names, at most `limit`: a postal code of five digits gives its communes; an
 * INSEE code gives its commune; else the communes whose name starts with the query (accents, case,
 * hyphens and apostrophes aside), an exact name first, then the most populated.
 */
export function searchCommunes(query: string, limit = MAX_COMMUNES): Commune[] {
  const q = query.trim();
  if (q === '') return [];
  const entries = load();
  if (/^\d{5}$/.test(q)) {
    const found = [...(byPostalCode!.get(q) ?? [])];
    const insee = entries.find((e) => e.codeInsee === q);
    if (insee && !found.includes(insee)) found.push(insee);
    return found.slice(0, limit).map(shown);
  }
  if (/^2[AB]\d{3}$/i.test(q)) return entries.filter((e) => e.codeInsee === q.toUpperCase()).map(shown);
  const key = searchKey(q);
  if (key === '') return [];
  const exact: Entry[] = [];
  const prefix: Entry[] = [];
  for (const e of entries) {
    if (e.cle === key) exact.push(e);
    else if (e.cle.startsWith(key) && prefix.length < limit) prefix.push(e);
    if (exact.length >= limit) break;
  }
  return [...exact, ...prefix].slice(0, limit).map(shown);
}

/** The commune of an INSEE code, if it is a current one. */
export function communeOf(codeInsee: string): Commune | undefined {
  const found = load().find((e) => e.codeInsee === codeInsee);
  return found ? shown(found) : undefined;
}
