/**
 * Entry point of the sizing rules: validates the input against the catalogue in force and sizes
 * the market. Used by the HTTP API, the CLI and the documents that quote the figures (DCE clause,
 * avis motivé).
 */
import { InvalidInputError, IncompleteDocumentError } from '../core/errors.js';
import { validate } from '../core/validation.js';
import { sizeMarket, type SizingResult } from './compute.js';
import { loadReference, valueAt, type Reference, type Source } from './reference.js';
import { sizingSchema, type SizingInput } from './schema.js';

let cached: Reference | undefined;

/** The reference data of src/sizing/data, read once. */
export function reference(): Reference {
  cached ??= loadReference();
  return cached;
}

/** Validates `input` (400 listing every problem) and sizes it. */
export function dimensionner(input: unknown, options: { ref?: Reference; today?: Date } = {}): SizingResult {
  const ref = options.ref ?? reference();
  let value: SizingInput;
  try {
    value = validate<SizingInput>(sizingSchema(ref), input, 'final').value;
  } catch (error) {
    // For a calculation, a missing value is as much an input error as a wrong one.
    if (error instanceof IncompleteDocumentError) {
      throw new InvalidInputError(`Données de dimensionnement incomplètes : ${error.errors.length} champ(s) à compléter.`, error.errors);
    }
    throw error;
  }
  return sizeMarket(ref, value, options.today ?? new Date());
}

/** The families and their values in force on `date`, with their sources: GET /api/v1/insertion-goals/catalog. */
export function catalogue(date = new Date(), ref = reference()) {
  const day = date.toISOString().slice(0, 10);
  const withSource = <T extends { source?: string }>(v: T | undefined): (T & { sourceDetail?: Source }) | undefined =>
    v?.source ? { ...v, sourceDetail: ref.sources[v.source] } : v;
  const p = ref.parametres;
  return {
    referentiel: { version: ref.version, dateReference: day },
    familles: ref.familles.map((f) => ({
      id: f.id,
      libelle: f.libelle,
      nature: f.nature,
      calculable: f.calculable,
      lotReservable: f.lotReservable,
      marcheInsertion: f.marcheInsertion,
      partMainOeuvre: withSource(valueAt(f.partMainOeuvre, day)),
      tauxInsertion: withSource(valueAt(f.tauxInsertion, day)),
      ...(f.avertissement ? { avertissement: f.avertissement.texte } : {}),
    })),
    parametres: {
      coutHoraire: withSource(valueAt(p.coutHoraire, day)),
      arrondi: p.arrondi,
      seuils: {
        montantMinimalHT: withSource(valueAt(p.seuils.montantMinimalHT, day)),
        dureeMinimaleMois: withSource(valueAt(p.seuils.dureeMinimaleMois, day)),
        heuresMinimales: withSource(valueAt(p.seuils.heuresMinimales, day)),
      },
      accordCadre: { trancheHT: withSource(valueAt(p.accordCadre.trancheHT, day)) },
      planchers: { qpvAnru: withSource(valueAt(p.planchers.qpvAnru, day)), gestionUrbaineProximite: withSource(valueAt(p.planchers.gestionUrbaineProximite, day)) },
      profilsTerritoire: p.profilsTerritoire,
      plausibilite: p.plausibilite,
      penalite: { parHeure: withSource(valueAt(p.penalite.parHeure, day)), regles: p.penalite.regles },
      seuilsEuropeens: p.seuilsEuropeens.filter((s) => s.depuis <= day && day <= s.jusqua).map((s) => ({ ...s, sourceDetail: ref.sources[s.source] })),
    },
    cpv: { correspondances: ref.cpv.correspondances, parDefaut: ref.cpv.parDefaut },
  };
}

export type { SizingResult, SizingInput };
