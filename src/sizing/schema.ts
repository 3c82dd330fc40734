/**
 * Input of the sizing rules (French field names). Families are checked against the catalogue in
 * force, so an unknown family is refused with the list of valid ones.
 */
import type BaseJoi from 'joi';
import { Joi, choices, percent, date } from '../core/fields.js';
import { BUYER_TYPE_LABELS, BUYER_TYPES, NATURE_LABELS, NATURES, type BuyerType, type Nature, type Reference } from './reference.js';

export interface LotInput extends LotSizingFields {
  numero: string;
  intitule: string;
}

/** What the sizing rules need to know of a lot. */
export interface LotSizingFields {
  famille?: string;
  cpv?: string;
  montantHT: number;
  dureeMois: number;
  formeMarche: 'ordinaire' | 'accord-cadre';
  gestionUrbaineProximite?: boolean;
  parametres?: { partMainOeuvre?: number; tauxInsertion?: number; coutHoraire?: number };
}

export interface TerritoryInput {
  communesInsee: string[];
  departements: string[];
  qpv: boolean;
  anru: boolean;
  gestionUrbaineProximite: boolean;
  profil: string;
  structure?: { communesInsee: string[]; departements: string[] };
}

/** Market-level context of the sizing (see marketSizingKeys). */
export interface MarketSizingFields {
  dateReference?: Date;
  dateLancement?: Date;
  typeAcheteur: BuyerType;
  defenseOuSecurite: boolean;
}

export interface SizingInput extends MarketSizingFields {
  nature: Nature;
  lots: LotInput[];
  territoire: TerritoryInput;
}

// `commune`: the web form offers a search of the communes by name or postal code beside the input.
const insee = Joi.string()
  .trim()
  .pattern(/^(?:\d{5}|2[AB]\d{3})$/, 'un code INSEE de commune à cinq caractères, par exemple 80620')
  .meta({ commune: true });
const departement = Joi.string().pattern(/^(?:0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-6])$/, 'un numéro de département, par exemple 80, 2A ou 974');

/** A lot's number and title, as every document that lists lots names them. */
export function lotIdentityKeys() {
  return {
    numero: Joi.alternatives(Joi.string().trim().max(20), Joi.number().integer().min(0)).label('Numéro du lot').required(),
    intitule: Joi.string().trim().max(300).label('Intitulé du lot').required(),
  };
}

/** The fields that describe a lot for the sizing rules (shared with the documents that size lots). */
export function lotSizingKeys(ref: Reference) {
  const familyIds = ref.familles.map((f) => f.id);
  const divisions = new Set(ref.cpv.divisions);
  return {
    famille: Joi.string()
      .valid(...familyIds)
      .label('Famille de marché')
      .meta(choices(Object.fromEntries(ref.familles.map((f) => [f.id, f.libelle])))),
    cpv: Joi.string()
      .trim()
      .pattern(/^\d{8}(?:-\d)?$/, 'un code CPV à huit chiffres, par exemple 45210000-2')
      .custom((value: string, helpers) => (divisions.has(value.slice(0, 2)) ? value : helpers.error('cpv.division', { division: value.slice(0, 2) })))
      .label('Code CPV'),
    montantHT: Joi.number().greater(0).max(10_000_000_000).label('Montant HT (€)').required(),
    dureeMois: Joi.number().greater(0).max(240).label('Durée (mois)').required(),
    formeMarche: Joi.string()
      .valid('ordinaire', 'accord-cadre')
      .label('Forme du marché')
      .meta(choices({ ordinaire: 'Marché ordinaire', 'accord-cadre': 'Accord-cadre' }))
      .default('ordinaire'),
    gestionUrbaineProximite: Joi.boolean().label('Marché de gestion urbaine de proximité'),
    parametres: Joi.object({
      partMainOeuvre: Joi.number().greater(0).max(1).label('Part de main-d’œuvre (par exemple 35\u00A0% ou 0,35)').meta(percent('fraction')),
      tauxInsertion: Joi.number().min(0).max(0.5).label('Taux d’insertion (par exemple 7\u00A0% ou 0,07)').meta(percent('fraction')),
      coutHoraire: Joi.number().min(10).max(200).label('Coût horaire chargé (€/h)'),
    }).label('Paramètres propres au lot'),
  };
}

/** Where the market is executed and the facilitator's own territory. */
export function territorySchema(ref: Reference) {
  const profiles = ref.parametres.profilsTerritoire.map((p) => p.id);
  const zone = {
    communesInsee: Joi.array().items(insee.label('Code INSEE')).max(500).default([]).label('Communes (codes INSEE)'),
    departements: Joi.array().items(departement.label('Département')).max(110).default([]).label('Départements'),
  };
  return Joi.object({
    ...zone,
    qpv: Joi.boolean().label('Exécuté dans ou pour un quartier prioritaire (QPV)').default(false),
    anru: Joi.boolean().label('Opération ANRU / NPNRU').default(false),
    gestionUrbaineProximite: Joi.boolean().label('Gestion urbaine de proximité').default(false),
    profil: Joi.string()
      .valid(...profiles)
      .label('Profil du territoire')
      .meta(choices(Object.fromEntries(ref.parametres.profilsTerritoire.map((p) => [p.id, p.libelle]))))
      .default('standard'),
    structure: Joi.object(zone).label('Territoire de la structure porteuse'),
  })
    .label('Territoire')
    .default();
}

/** Market-level context of the sizing: launch date (EU-threshold obligation), buyer type, defence. */
export function marketSizingKeys() {
  return {
    dateReference: date('Date de référence des valeurs'),
    dateLancement: date('Date de lancement de la consultation'),
    typeAcheteur: Joi.string().valid(...BUYER_TYPES).label('Type d’acheteur').meta(choices(BUYER_TYPE_LABELS)).default('collectivite'),
    defenseOuSecurite: Joi.boolean().label('Marché de défense ou de sécurité').default(false),
  };
}

export function sizingSchema(ref: Reference): BaseJoi.ObjectSchema {
  const lot = Joi.object({
    ...lotIdentityKeys(),
    ...lotSizingKeys(ref),
  })
    .or('famille', 'cpv')
    .label('Lot');

  return Joi.object({
    nature: Joi.string().valid(...NATURES).label('Nature du marché').meta(choices(NATURE_LABELS)).required(),
    ...marketSizingKeys(),
    lots: Joi.array().items(lot).min(1).max(200).unique('numero').label('Lots').required(),
    territoire: territorySchema(ref),
  }).label('Dimensionnement');
}
