/**
 * The indicators of the bilans as data for procurement software (JSON or CSV), and the blank
 * spreadsheet models of the follow-up data.
 */
import Joi from 'joi';
import { InvalidInputError, IncompleteDocumentError } from '../core/errors.js';
import { toCsv } from '../core/csv.js';
import { validate } from '../core/validation.js';
import { annualIndicators, marketIndicators, STATUS_LABELS, type AnnualIndicators, type MarketIndicators } from './indicators.js';
import { CATEGORIES, CONTRATS, followUpDataSchema, MODALITES, SEXES, SORTIES, TRANCHES_AGE, type FollowUp, type Market } from './model.js';
import { blankCsv, blankWorkbook } from './tabular.js';

const requestSchema = Joi.object({
  moisArrete: Joi.string().pattern(/^\d{4}-(0[1-9]|1[0-2])$/, 'un mois AAAA-MM').label('Mois d’arrêté').required(),
  seuilConfidentialite: Joi.number().integer().min(2).max(20).label('Effectif minimal d’une case publiée').default(3),
  acheteur: Joi.string().trim().max(200).label('Acheteur (bilan annuel)'),
  annee: Joi.number().integer().min(2000).max(2100).label('Année (bilan annuel)'),
  marches: followUpDataSchema.extract('marches'),
  suivi: followUpDataSchema.extract('suivi'),
});

export interface IndicatorsResult {
  moisArrete: string;
  seuilConfidentialite: number;
  marches: MarketIndicators[];
  /** With `acheteur` and `annee`: the indicators of the annual bilan of that buyer. */
  annuel?: AnnualIndicators;
}

export function indicators(data: unknown): IndicatorsResult {
  let value: { moisArrete: string; seuilConfidentialite: number; acheteur?: string; annee?: number; marches: Market[]; suivi: FollowUp[] };
  try {
    value = validate<typeof value>(requestSchema, data, 'final').value;
  } catch (error) {
    if (error instanceof IncompleteDocumentError) throw new InvalidInputError('Données incomplètes.', error.errors);
    throw error;
  }
  const options = { moisArrete: value.moisArrete, seuilConfidentialite: value.seuilConfidentialite };
  const annual =
    value.acheteur !== undefined && value.annee !== undefined
      ? { annuel: annualIndicators(value.acheteur, value.annee, value.marches, value.suivi, { seuilConfidentialite: value.seuilConfidentialite }) }
      : {};
  return { ...options, marches: value.marches.map((m) => marketIndicators(m, value.suivi, options)), ...annual };
}

/** One line per market, ";" separated, decimal commas, as French spreadsheets expect. */
export function indicatorsCsv(result: IndicatorsResult): string {
  const header = ['reference', 'acheteur', 'titulaire', 'lot', 'objectif_heures', 'heures', 'heures_formation', 'taux_realisation', 'projection', 'statut', 'personnes', 'mois_ecoules', 'mois_total'];
  const decimal = (n: number) => String(n).replace('.', ',');
  const rows = result.marches.map((m) => [
    m.reference,
    m.acheteur,
    m.titulaire,
    m.lot,
    m.objectifHeures,
    decimal(m.heures),
    decimal(m.heuresFormation),
    decimal(m.tauxRealisation),
    decimal(m.projection),
    STATUS_LABELS[m.statut],
    m.personnes,
    m.moisEcoules,
    m.moisTotal,
  ]);
  return toCsv(header, rows);
}

export const CODES = {
  modalite: MODALITES,
  contrat: CONTRATS,
  categorie: CATEGORIES,
  sexe: SEXES,
  tranche_age: TRANCHES_AGE,
  residence_qpv: ['oui', 'non'],
  sortie: SORTIES,
  sortie_6_mois: SORTIES,
  mois: ['AAAA-MM'],
  date_debut: ['AAAA-MM-JJ'],
  date_fin: ['AAAA-MM-JJ'],
} as const;

export const blankModel = () => blankWorkbook(CODES);
export { blankCsv };
