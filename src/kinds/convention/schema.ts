/**
 * Input of the partnership convention (model convention of the facilitator network): every blank
 * of the model is a field here. Durations default to the model's values.
 */
import Joi from 'joi';
import { count, date, email, flag, noticeShorterThanDuration, phone, text } from '../../core/fields.js';
import { partySchema, signingSchema, type Party } from '../_shared/parties.js';

export { GENRES } from '../_shared/parties.js';

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
  donneurOrdre: partySchema('Donneur d’ordre', { presentation: true }).required(),
  structurePorteuse: partySchema('Structure porteuse de la clause', { presentation: true, territory: true }).required(),
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
    .custom(noticeShorterThanDuration)
    .label('Durées et délais')
    .default(),
  signature: signingSchema(),
}).label('Convention de partenariat');

export interface ConventionInput {
  reference?: string;
  donneurOrdre: Party & { presentation: string };
  structurePorteuse: Party & { presentation: string; territoire: string };
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
