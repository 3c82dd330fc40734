/**
 * Input of the partnership convention (model convention of the facilitator network): every blank
 * of the model is a field here. Durations default to the model's values.
 */
import Joi from 'joi';
import { address, count, date, email, flag, longText, person, phone, siret, text, type Address, type Person } from '../../core/fields.js';

export const GENRES = ['masculin', 'feminin'] as const;

const party = (label: string, withTerritory: boolean) =>
  Joi.object({
    nom: text('Nom', 200).required(),
    genre: Joi.string()
      .valid(...GENRES)
      .label('Genre grammatical du nom')
      .description('Accorde « représenté » ou « représentée ». Déduit du nom quand il est absent (« Communauté… » : féminin).'),
    formeJuridique: text('Forme juridique', 200).description('Par exemple : établissement public de coopération intercommunale, association loi 1901.'),
    adresse: address('Adresse du siège').required(),
    siret: siret(),
    representant: person('Représentant légal').required(),
    signataire: person('Signataire par délégation').description(
      'À remplir seulement si la convention est signée par une autre personne que le représentant légal, par délégation.',
    ),
    presentation: longText('Présentation (préambule)').required().description('Un paragraphe par ligne.'),
    ...(withTerritory ? { territoire: text('Territoire d’intervention', 500).required() } : {}),
  }).label(label);

const coordinator = Joi.object({
  civilite: Joi.string().valid('M.', 'Mme').label('Civilité'),
  prenom: text('Prénom', 100).required(),
  nom: text('Nom', 100).required(),
  fonction: text('Fonction', 200).required(),
  organisme: text('Organisme', 200).required(),
  telephone: phone().required(),
  email: email().required(),
}).label('Coordinateur régional');

export const conventionSchema = Joi.object({
  reference: text('Référence du document', 60).description('Imprimée en tête de chaque page. Calculée quand elle est absente.'),
  donneurOrdre: party('Donneur d’ordre', false).required(),
  structurePorteuse: party('Structure porteuse de la clause', true).required(),
  options: Joi.object({
    marchesMultiTerritoires: flag('Marchés couvrant plusieurs territoires (suivi par un coordinateur régional)').default(false),
    coordinateurRegional: coordinator.when('marchesMultiTerritoires', { is: true, then: Joi.required(), otherwise: Joi.optional() }),
    articleLitiges: flag('Ajouter un article « Règlement des litiges »').default(false),
    juridiction: text('Juridiction compétente', 200)
      .description('Par exemple : le tribunal administratif d’Amiens.')
      .when('articleLitiges', { is: true, then: Joi.required(), otherwise: Joi.optional() }),
  })
    .label('Options')
    .default(),
  durees: Joi.object({
    dateEntreeEnVigueur: date('Date d’entrée en vigueur').description('Par défaut, la date de signature.'),
    dureeInitialeMois: count('Durée initiale (mois)', 1, 120).default(12),
    reconductionTacite: flag('Renouvelable par tacite reconduction').default(true),
    preavisNonReconductionMois: count('Préavis de non-reconduction (mois avant le terme)', 1, 12)
      .less(Joi.ref('dureeInitialeMois'))
      .default(3),
    delaiMiseEnDemeureMois: count('Délai pour remédier après mise en demeure (mois)', 1, 12).default(2),
    delaiAvisMotiveJours: count('Délai de l’avis motivé (jours)', 1, 90).default(15),
  })
    .label('Durées et délais')
    .default(),
  signature: Joi.object({
    lieu: text('Lieu de signature', 100).required(),
    date: date('Date de signature').required(),
    nombreExemplaires: count('Nombre d’exemplaires originaux', 1, 10).default(2),
  })
    .label('Signature')
    .required(),
}).label('Convention de partenariat');

export interface Party {
  nom: string;
  genre?: (typeof GENRES)[number];
  formeJuridique?: string;
  adresse: Address;
  siret?: string;
  representant: Person;
  signataire?: Person;
  presentation: string;
  territoire?: string;
}

export interface ConventionInput {
  reference?: string;
  donneurOrdre: Party;
  structurePorteuse: Party & { territoire: string };
  options: {
    marchesMultiTerritoires: boolean;
    coordinateurRegional?: {
      civilite?: 'M.' | 'Mme';
      prenom: string;
      nom: string;
      fonction: string;
      organisme: string;
      telephone: string;
      email: string;
    };
    articleLitiges: boolean;
    juridiction?: string;
  };
  durees: {
    dateEntreeEnVigueur?: Date;
    dureeInitialeMois: number;
    reconductionTacite: boolean;
    preavisNonReconductionMois: number;
    delaiMiseEnDemeureMois: number;
    delaiAvisMotiveJours: number;
  };
  signature: { lieu: string; date: Date; nombreExemplaires: number };
}
