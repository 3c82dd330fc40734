/**
 * The reference data of the sizing method (src/sizing/data/*.json): market families, CPV mapping,
 * parameters, sources. Values are dated; `valueAt` picks the one in force on a given date. The data
 * files are checked when loaded, so a malformed edit fails at start-up rather than in a result.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Joi from 'joi';
import { fromRoot } from '../core/paths.js';

export type Status = 'source' | 'a-valider';

export interface DatedValue<T = number> {
  depuis: string;
  jusqua?: string;
  valeur: T;
  statut: Status;
  source?: string;
  note?: string;
}

export interface Family {
  id: string;
  libelle: string;
  nature: Nature;
  partMainOeuvre: DatedValue[];
  tauxInsertion: DatedValue[];
  calculable: boolean;
  lotReservable: boolean;
  marcheInsertion: boolean;
  avertissement?: { texte: string; source: string };
}

export type Nature = 'travaux' | 'services' | 'fournitures';
export const NATURES: readonly Nature[] = ['travaux', 'services', 'fournitures'];
export const NATURE_LABELS: Record<Nature, string> = { travaux: 'Travaux', services: 'Services', fournitures: 'Fournitures' };

export type BuyerType = 'etat' | 'collectivite' | 'entite-adjudicatrice';
export const BUYER_TYPES: readonly BuyerType[] = ['etat', 'collectivite', 'entite-adjudicatrice'];
export const BUYER_TYPE_LABELS: Record<BuyerType, string> = {
  etat: 'État et ses établissements publics',
  collectivite: 'Collectivité territoriale ou autre pouvoir adjudicateur',
  'entite-adjudicatrice': 'Entité adjudicatrice (réseaux : eau, énergie, transports…)',
};

export interface TerritoryProfile {
  id: string;
  libelle: string;
  coefficientTaux: number;
  statut: Status;
  note?: string;
}

export interface EuThresholds {
  depuis: string;
  jusqua: string;
  travaux: number;
  fournituresServices: Record<BuyerType, number>;
  statut: Status;
  source: string;
}

export interface Parameters {
  version: string;
  coutHoraire: DatedValue[];
  arrondi: { pasHeures: number; statut: Status; note?: string };
  seuils: { montantMinimalHT: DatedValue[]; dureeMinimaleMois: DatedValue[]; heuresMinimales: DatedValue[] };
  accordCadre: { trancheHT: DatedValue[] };
  planchers: { qpvAnru: DatedValue[]; gestionUrbaineProximite: DatedValue[] };
  profilsTerritoire: TerritoryProfile[];
  plausibilite: { heuresParMilleEurosMin: number; heuresParMilleEurosMax: number; statut: Status; source?: string };
  dureeCourteMois: number;
  equivalentTempsPleinHeuresMois: number;
  etpMensuelsMax: number;
  critereAttribution: { montantMinimalHT: number; statut: Status; note?: string };
  penalite: { parHeure: DatedValue[]; regles: { texte: string; statut: Status; source?: string }[] };
  seuilsEuropeens: EuThresholds[];
  obligationClimatResilience: { depuis: string; statut: Status; source: string };
}

export interface CpvMapping {
  version: string;
  divisions: string[];
  correspondances: { prefixe: string; famille: string; libelle: string }[];
  parDefaut: Record<Nature, string>;
}

export interface Source {
  libelle: string;
  url: string | null;
}

export interface Reference {
  familles: Family[];
  cpv: CpvMapping;
  parametres: Parameters;
  sources: Record<string, Source>;
  version: string;
}

const isoDate = Joi.string().pattern(/^\d{4}-\d{2}-\d{2}$/);
const status = Joi.string().valid('source', 'a-valider').required();
const dated = (value: Joi.Schema = Joi.number().min(0)) =>
  Joi.array()
    .items(
      Joi.object({
        depuis: isoDate.required(),
        jusqua: isoDate,
        valeur: value.required(),
        statut: status,
        source: Joi.string(),
        note: Joi.string(),
      }),
    )
    .min(1)
    .required();

const familySchema = Joi.object({
  id: Joi.string().pattern(/^[a-z][a-z-]*$/).required(),
  libelle: Joi.string().required(),
  nature: Joi.string().valid(...NATURES).required(),
  partMainOeuvre: dated(Joi.number().min(0).max(1)),
  tauxInsertion: dated(Joi.number().min(0).max(1)),
  calculable: Joi.boolean().required(),
  lotReservable: Joi.boolean().required(),
  marcheInsertion: Joi.boolean().required(),
  avertissement: Joi.object({ texte: Joi.string().required(), source: Joi.string().required() }),
});

const referenceSchema = Joi.object({
  familles: Joi.array().items(familySchema).min(1).unique('id').required(),
  cpv: Joi.object({
    version: Joi.string().required(),
    divisions: Joi.array().items(Joi.string().pattern(/^\d{2}$/)).required(),
    correspondances: Joi.array()
      .items(Joi.object({ prefixe: Joi.string().pattern(/^\d{2,8}$/).required(), famille: Joi.string().required(), libelle: Joi.string().required() }))
      .unique('prefixe')
      .required(),
    parDefaut: Joi.object({ travaux: Joi.string().required(), services: Joi.string().required(), fournitures: Joi.string().required() }).required(),
  }).unknown(true),
  parametres: Joi.object({
    version: Joi.string().required(),
    coutHoraire: dated(Joi.number().min(1)),
    arrondi: Joi.object({ pasHeures: Joi.number().integer().min(1).required(), statut: status, note: Joi.string() }).required(),
    seuils: Joi.object({ montantMinimalHT: dated(), dureeMinimaleMois: dated(), heuresMinimales: dated() }).required(),
    accordCadre: Joi.object({ trancheHT: dated(Joi.number().min(1)) }).required(),
    planchers: Joi.object({ qpvAnru: dated(Joi.number().min(0).max(1)), gestionUrbaineProximite: dated(Joi.number().min(0).max(1)) }).required(),
    profilsTerritoire: Joi.array()
      .items(Joi.object({ id: Joi.string().required(), libelle: Joi.string().required(), coefficientTaux: Joi.number().min(0).max(5).required(), statut: status, note: Joi.string() }))
      .unique('id')
      .has(Joi.object({ id: Joi.valid('standard') }).unknown(true))
      .required(),
    plausibilite: Joi.object({ heuresParMilleEurosMin: Joi.number().min(0).required(), heuresParMilleEurosMax: Joi.number().min(0).required(), statut: status, source: Joi.string() }).required(),
    dureeCourteMois: Joi.number().min(0).required(),
    equivalentTempsPleinHeuresMois: Joi.number().min(1).required(),
    etpMensuelsMax: Joi.number().min(0).required(),
    critereAttribution: Joi.object({ montantMinimalHT: Joi.number().min(0).required(), statut: status, note: Joi.string() }).required(),
    penalite: Joi.object({
      parHeure: dated(),
      regles: Joi.array().items(Joi.object({ texte: Joi.string().required(), statut: status, source: Joi.string() })).required(),
    }).required(),
    seuilsEuropeens: Joi.array()
      .items(
        Joi.object({
          depuis: isoDate.required(),
          jusqua: isoDate.required(),
          travaux: Joi.number().min(0).required(),
          fournituresServices: Joi.object({ etat: Joi.number().required(), collectivite: Joi.number().required(), 'entite-adjudicatrice': Joi.number().required() }).required(),
          statut: status,
          source: Joi.string().required(),
        }),
      )
      .min(1)
      .required(),
    obligationClimatResilience: Joi.object({ depuis: isoDate.required(), statut: status, source: Joi.string().required() }).required(),
  })
    .unknown(true)
    .required(),
  sources: Joi.object().pattern(Joi.string(), Joi.object({ libelle: Joi.string().required(), url: Joi.string().allow(null).required() })).required(),
  version: Joi.string().required(),
});

/** The value in force on `date` (ISO yyyy-mm-dd): the latest `depuis` not after it, within `jusqua`. */
export function valueAt<T>(values: DatedValue<T>[], date: string): DatedValue<T> | undefined {
  return values
    .filter((v) => v.depuis <= date && (!v.jusqua || date <= v.jusqua))
    .sort((a, b) => b.depuis.localeCompare(a.depuis))[0];
}

/** Checks the cross-references of the data: every source and family cited exists. */
function checkLinks(ref: Reference): string[] {
  const problems: string[] = [];
  const families = new Set(ref.familles.map((f) => f.id));
  const cite = (source: string | undefined, where: string) => {
    if (source && !ref.sources[source]) problems.push(`${where}: unknown source "${source}"`);
  };
  for (const f of ref.familles) {
    for (const v of [...f.partMainOeuvre, ...f.tauxInsertion]) cite(v.source, `famille ${f.id}`);
    if (f.avertissement) cite(f.avertissement.source, `famille ${f.id}`);
  }
  for (const c of ref.cpv.correspondances) if (!families.has(c.famille)) problems.push(`cpv ${c.prefixe}: unknown family "${c.famille}"`);
  for (const [nature, id] of Object.entries(ref.cpv.parDefaut)) if (!families.has(id)) problems.push(`cpv default ${nature}: unknown family "${id}"`);
  const p = ref.parametres;
  for (const v of [...p.coutHoraire, ...p.seuils.montantMinimalHT, ...p.seuils.dureeMinimaleMois, ...p.seuils.heuresMinimales, ...p.accordCadre.trancheHT, ...p.planchers.qpvAnru, ...p.planchers.gestionUrbaineProximite, ...p.penalite.parHeure]) {
    cite(v.source, 'parametres');
  }
  for (const s of p.seuilsEuropeens) cite(s.source, 'seuilsEuropeens');
  cite(p.obligationClimatResilience.source, 'obligationClimatResilience');
  cite(p.plausibilite.source, 'plausibilite');
  for (const r of p.penalite.regles) cite(r.source, 'penalite.regles');
  return problems;
}

export const DEFAULT_DATA_DIR = fromRoot('src', 'sizing', 'data');

export function loadReference(dir = DEFAULT_DATA_DIR): Reference {
  const read = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;
  const familles = read('familles.json');
  const parametres = read('parametres.json');
  const candidate = {
    familles: familles.familles,
    cpv: read('cpv.json'),
    parametres,
    sources: read('sources.json').sources,
    version: `${String(familles.version)}/${String(parametres.version)}`,
  };
  const { error, value } = referenceSchema.validate(candidate, { abortEarly: false });
  if (error) throw new Error(`Invalid sizing reference data in ${dir}: ${error.message}`);
  const ref = value as Reference;
  const problems = checkLinks(ref);
  if (problems.length > 0) throw new Error(`Invalid sizing reference data in ${dir}: ${problems.join('; ')}`);
  return ref;
}
