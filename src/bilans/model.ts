/**
 * The follow-up data of the bilans: the markets with a clause and one record per person, market and
 * month (exported from the facilitators' tracking tools). Codes are French, as in those exports.
 */
import Joi from 'joi';
import { date, text } from '../core/fields.js';

export const MODALITES = ['embauche-directe', 'mise-a-disposition', 'sous-traitance', 'cotraitance'] as const;
export const CONTRATS = ['cdi', 'cdd', 'interim', 'apprentissage', 'professionnalisation', 'insertion', 'contrat-aide', 'autre'] as const;
export const CATEGORIES = ['deld', 'rsa', 'ass-aah', 'th', 'jeune', 'senior', 'siae', 'qpv', 'autre'] as const;
export const SEXES = ['F', 'M'] as const;
export const TRANCHES_AGE = ['moins-26', '26-49', '50-plus'] as const;
export const SORTIES = ['emploi-durable', 'emploi-transition', 'sortie-positive', 'autre', 'en-cours'] as const;

export const LABELS: Record<string, Record<string, string>> = {
  modalite: { 'embauche-directe': 'Embauche directe', 'mise-a-disposition': 'Mise à disposition', 'sous-traitance': 'Sous-traitance', cotraitance: 'Cotraitance' },
  contrat: { cdi: 'CDI', cdd: 'CDD', interim: 'Intérim', apprentissage: 'Apprentissage', professionnalisation: 'Professionnalisation', insertion: 'Contrat d’insertion (SIAE)', 'contrat-aide': 'Contrat aidé', autre: 'Autre' },
  categorie: { deld: 'Demandeurs d’emploi de longue durée', rsa: 'Bénéficiaires du RSA', 'ass-aah': 'Bénéficiaires de l’ASS ou de l’AAH', th: 'Travailleurs handicapés', jeune: 'Jeunes de moins de 26 ans', senior: 'Demandeurs d’emploi de plus de 50 ans', siae: 'Salariés de SIAE', qpv: 'Habitants des QPV', autre: 'Autres publics validés' },
  sexe: { F: 'Femmes', M: 'Hommes' },
  trancheAge: { 'moins-26': 'Moins de 26 ans', '26-49': '26 à 49 ans', '50-plus': '50 ans et plus' },
  residenceQpv: { oui: 'Résident d’un QPV', non: 'Hors QPV' },
  sortie: { 'emploi-durable': 'Emploi durable', 'emploi-transition': 'Emploi de transition', 'sortie-positive': 'Sortie positive', autre: 'Autre sortie', 'en-cours': 'Parcours en cours' },
};

export interface Market {
  reference: string;
  acheteur: string;
  titulaire: string;
  lot?: string;
  objectifHeures: number;
  dateDebut: Date;
  dateFin: Date;
}

export interface FollowUp {
  marche: string;
  personne: string;
  mois: string;
  heures: number;
  heuresFormation: number;
  modalite: (typeof MODALITES)[number];
  contrat: (typeof CONTRATS)[number];
  categorie: (typeof CATEGORIES)[number];
  sexe: (typeof SEXES)[number];
  trancheAge: (typeof TRANCHES_AGE)[number];
  residenceQpv: boolean;
  sortie?: (typeof SORTIES)[number];
  sortie6mois?: (typeof SORTIES)[number];
}

export const marketSchema = Joi.object({
  reference: text('Référence du marché', 60).required(),
  acheteur: text('Acheteur', 200).required(),
  titulaire: text('Titulaire', 200).required(),
  lot: text('Lot', 200),
  objectifHeures: Joi.number().integer().min(1).max(10_000_000).label('Objectif d’heures').required(),
  dateDebut: date('Date de début').required(),
  dateFin: date('Date de fin').min(Joi.ref('dateDebut')).required(),
}).label('Marché');

export const followUpSchema = Joi.object({
  marche: text('Marché', 60).required(),
  personne: Joi.string().trim().pattern(/^[A-Za-z0-9_-]{1,40}$/, 'un identifiant anonyme (lettres, chiffres, tirets)').label('Identifiant anonyme de la personne').required(),
  mois: Joi.string().trim().pattern(/^\d{4}-(0[1-9]|1[0-2])$/, 'un mois AAAA-MM').label('Mois').required(),
  heures: Joi.number().min(0).max(744).label('Heures travaillées').required(),
  heuresFormation: Joi.number().min(0).max(744).label('Heures de formation').default(0),
  modalite: Joi.string().valid(...MODALITES).label('Modalité').required(),
  contrat: Joi.string().valid(...CONTRATS).label('Type de contrat').required(),
  categorie: Joi.string().valid(...CATEGORIES).label('Catégorie d’éligibilité').required(),
  sexe: Joi.string().valid(...SEXES).label('Sexe').required(),
  trancheAge: Joi.string().valid(...TRANCHES_AGE).label('Tranche d’âge').required(),
  residenceQpv: Joi.boolean().truthy('oui').falsy('non').label('Résidence en QPV').default(false),
  sortie: Joi.string().valid(...SORTIES).label('Situation à la sortie'),
  sortie6mois: Joi.string().valid(...SORTIES).label('Situation à six mois'),
}).label('Ligne de suivi');

export const followUpDataSchema = Joi.object({
  marches: Joi.array().items(marketSchema).min(1).max(5000).unique('reference').label('Marchés').required(),
  suivi: Joi.array().items(followUpSchema).max(500_000).label('Suivi').required(),
}).custom((value: { marches: Market[]; suivi: FollowUp[] }, helpers) => {
  // Hours of a record whose market is not listed would silently vanish from every bilan.
  const references = new Set(value.marches.map((m) => m.reference));
  const unknown = value.suivi.map((r, i) => [i, r.marche] as const).filter(([, m]) => !references.has(m));
  if (unknown.length === 0) return value;
  const list = unknown.slice(0, 10).map(([i, m]) => `ligne ${i + 1} (« ${m} »)`).join(', ');
  return helpers.error('marche.inconnu', { list, count: unknown.length });
});
