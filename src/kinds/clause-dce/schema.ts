/**
 * Input of the DCE clause: the buyer, the market and its lots, the facilitator's contact, the lever
 * chosen per lot, and per lot either the hours decided or the data the sizing rules need.
 */
import { Joi, choices, percent, civility, count, email, flag, phone, text } from '../../core/fields.js';
import { NATURE_LABELS, NATURES, type Nature } from '../../sizing/reference.js';
import { capitalize } from '../../core/french.js';
import { reference } from '../../sizing/index.js';
import { confirmationField } from '../_shared/reference-values.js';
import { lotIdentityKeys, lotSizingKeys, marketSizingKeys, territorySchema, type LotSizingFields, type MarketSizingFields, type TerritoryInput } from '../../sizing/schema.js';

export const LEVIERS = [
  'condition-execution',
  'critere-attribution',
  'marche-insertion',
  'lot-reserve-siae',
  'lot-reserve-ea-esat',
  'lot-reserve-siae-ea',
  'aucun',
] as const;
export type Levier = (typeof LEVIERS)[number];

/** Each lever as the clause names it in a sentence (« … retenu : condition d’exécution »). */
export const LEVER_LABELS: Record<Levier, string> = {
  'condition-execution': 'condition d’exécution',
  'critere-attribution': 'condition d’exécution et critère d’attribution',
  'marche-insertion': 'marché d’insertion et de qualification professionnelle',
  'lot-reserve-siae': 'lot réservé aux structures d’insertion par l’activité économique',
  'lot-reserve-ea-esat': 'lot réservé aux entreprises adaptées et aux ESAT',
  'lot-reserve-siae-ea': 'lot réservé aux SIAE, aux entreprises adaptées et aux ESAT',
  aucun: 'sans clause',
};

/** Levers under which the lot carries a number of insertion hours. */
export const HOUR_LEVERS: readonly Levier[] = ['condition-execution', 'critere-attribution', 'marche-insertion'];

export const PROCEDURES = {
  'appel-offres-ouvert': 'appel d’offres ouvert',
  'appel-offres-restreint': 'appel d’offres restreint',
  'procedure-adaptee': 'procédure adaptée',
  'procedure-avec-negociation': 'procédure avec négociation',
  'dialogue-competitif': 'dialogue compétitif',
  'marche-sans-publicite': 'marché sans publicité ni mise en concurrence préalables',
} as const;
export type Procedure = keyof typeof PROCEDURES;

/** The labels of a map of phrases, as a drop-down shows them: « Appel d’offres ouvert ». */
const capitalized = (phrases: Record<string, string>) => Object.fromEntries(Object.entries(phrases).map(([code, phrase]) => [code, capitalize(phrase)]));

const ref = reference();

const subCriterion = Joi.object({
  libelle: text('Sous-critère', 300).required(),
  ponderation: Joi.number().greater(0).max(100).label('Pondération du sous-critère (%)').meta(percent('points')).required(),
}).label('Sous-critère');

const criterion = Joi.object({
  numero: text('Numéro du critère dans le règlement', 10),
  ponderation: Joi.number().greater(0).max(60).label('Pondération du critère (% de la note)').meta(percent('points')).required(),
  sousCriteres: Joi.array().items(subCriterion).max(6).label('Sous-critères').description('Par défaut : heures au-delà du minimum, qualité des parcours, diversité des modalités.'),
})
  .custom((value: { sousCriteres?: { ponderation: number }[] }, helpers) => {
    const total = value.sousCriteres?.reduce((s, c) => s + c.ponderation, 0);
    return total === undefined || value.sousCriteres!.length === 0 || Math.abs(total - 100) < 1e-9
      ? value
      : helpers.error('ponderation.somme', { total });
  })
  .label('Critère d’attribution « insertion »');

/** Who takes the reference values of the calculation as its own: the buyer, who publishes the DCE. */
export const BUYER = 'l’acheteur';

/** The general administrative clauses of 2021 (arrêtés du 30 mars 2021), one per kind of market. */
export const CCAGS = {
  travaux: 'cahier des clauses administratives générales applicable aux marchés publics de travaux (CCAG-Travaux, arrêté du 30 mars 2021)',
  fcs: 'cahier des clauses administratives générales applicable aux marchés publics de fournitures courantes et de services (CCAG-FCS, arrêté du 30 mars 2021)',
  tic: 'cahier des clauses administratives générales applicable aux marchés publics de techniques de l’information et de la communication (CCAG-TIC, arrêté du 30 mars 2021)',
  pi: 'cahier des clauses administratives générales applicable aux marchés publics de prestations intellectuelles (CCAG-PI, arrêté du 30 mars 2021)',
  mi: 'cahier des clauses administratives générales applicable aux marchés publics industriels (CCAG-MI, arrêté du 30 mars 2021)',
  moe: 'cahier des clauses administratives générales applicable aux marchés publics de maîtrise d’œuvre (CCAG-MOE, arrêté du 30 mars 2021)',
} as const;
export type Ccag = keyof typeof CCAGS;

/** The short names of the CCAG: « CCAG-Travaux ». */
export const CCAG_LABELS = Object.fromEntries(Object.entries(CCAGS).map(([code, text]) => [code, /\((CCAG-[^,]+),/.exec(text)![1]!])) as Record<Ccag, string>;

const lot = Joi.object({
  ...lotIdentityKeys(),
  levier: Joi.string()
    .valid(...LEVIERS)
    .label('Levier retenu')
    .meta(choices(capitalized(LEVER_LABELS)))
    .default('condition-execution'),
  heures: Joi.number().integer().min(1).max(1_000_000).label('Heures d’insertion décidées').description('À défaut, les heures sont calculées par les règles de dimensionnement.'),
  dimensionnement: Joi.object(lotSizingKeys(ref)).or('famille', 'cpv').label('Données de dimensionnement du lot'),
  critere: criterion.when('levier', { is: 'critere-attribution', then: Joi.required(), otherwise: Joi.forbidden() }),
  motifSansClause: text('Motif de l’absence de clause', 500).when('levier', { is: 'aucun', then: Joi.required(), otherwise: Joi.forbidden() }),
})
  .when(Joi.object({ levier: Joi.valid(...HOUR_LEVERS).optional() }).unknown(), { then: Joi.object().xor('heures', 'dimensionnement') })
  .label('Lot');

export const clauseDceSchema = Joi.object({
  reference: text('Référence du document', 60).description('Imprimée en tête de chaque page. Par défaut, celle du marché.'),
  acheteur: Joi.object({
    nom: text('Nom de l’acheteur', 200).required(),
    service: text('Service qui porte le marché', 200),
  })
    .label('Acheteur')
    .required(),
  marche: Joi.object({
    objet: text('Objet du marché', 500).required(),
    reference: text('Référence du marché', 60).required(),
    procedure: Joi.string()
      .valid(...Object.keys(PROCEDURES))
      .label('Procédure')
      .meta(choices(capitalized(PROCEDURES)))
      .required(),
    nature: Joi.string()
      .valid(...NATURES)
      .label('Nature du marché')
      .meta(choices(NATURE_LABELS))
      .required(),
    lieuExecution: text('Lieu d’exécution', 300).required(),
    articleCcap: text('Numéro de l’article dans le CCAP', 10).description('Par exemple 9 : les sous-articles sont alors numérotés 9.1, 9.2…'),
    articleRc: text('Numéro de l’article dans le règlement de la consultation', 10),
    ccag: Joi.string()
      .valid(...Object.keys(CCAGS))
      .label('CCAG applicable')
      .meta(choices(CCAG_LABELS))
      .description('Par défaut : CCAG-Travaux pour des travaux, CCAG-FCS pour des fournitures ou des services.'),
    ...marketSizingKeys(),
  })
    .label('Marché')
    .required(),
  territoire: territorySchema(ref),
  facilitateur: Joi.object({
    civilite: civility(),
    prenom: text('Prénom', 100).required(),
    nom: text('Nom', 100).required(),
    fonction: text('Fonction', 200),
    structure: text('Structure', 200).required(),
    telephone: phone().required(),
    email: email().required(),
  })
    .label('Facilitateur')
    .required(),
  lots: Joi.array().items(lot).min(1).max(100).unique('numero').label('Lots').required(),
  valeursReferenceRetenues: confirmationField(BUYER),
  options: Joi.object({
    globalisation: flag('Globalisation des heures possible, à la demande du titulaire').default(true),
    penaliteParHeure: Joi.number().min(1).max(1000).label('Pénalité par heure non réalisée (€)').description('Par défaut, la valeur des règles de dimensionnement.'),
    delaiObservationsJours: count('Délai pour présenter des observations avant pénalité (jours)', 5, 60).default(15),
    plafondPenalitePourcent: Joi.number()
      .min(1)
      .max(100)
      .label('Plafond de la pénalité d’insertion (% du montant HT du lot)')
      .meta(percent('points'))
      .default(10)
      .description('Valeur proposée : 10 %. La pénalité totale pour heures non réalisées ne peut dépasser ce pourcentage.'),
    penaliteEtatMensuel: Joi.number().min(1).max(10_000).label('Pénalité par état mensuel non transmis (€)').default(100).description('Valeur proposée : 100 €, après mise en demeure restée sans effet pendant huit jours.'),
  })
    .label('Options')
    .default(),
}).label('Clause sociale du DCE');


export interface ClauseLotInput {
  numero: string | number;
  intitule: string;
  levier: Levier;
  heures?: number;
  dimensionnement?: LotSizingFields;
  critere?: { numero?: string; ponderation: number; sousCriteres?: { libelle: string; ponderation: number }[] };
  motifSansClause?: string;
}

export interface ClauseDceInput {
  reference?: string;
  acheteur: { nom: string; service?: string };
  marche: MarketSizingFields & {
    objet: string;
    reference: string;
    procedure: Procedure;
    nature: Nature;
    lieuExecution: string;
    articleCcap?: string;
    articleRc?: string;
    ccag?: Ccag;
  };
  territoire: TerritoryInput;
  facilitateur: { civilite?: 'M.' | 'Mme'; prenom: string; nom: string; fonction?: string; structure: string; telephone: string; email: string };
  lots: ClauseLotInput[];
  valeursReferenceRetenues: boolean;
  options: { globalisation: boolean; penaliteParHeure?: number; delaiObservationsJours: number; plafondPenalitePourcent: number; penaliteEtatMensuel: number };
}
