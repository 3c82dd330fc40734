/**
 * Input of the partnership convention (model convention of the facilitator network): every blank
 * of the model is a field here. Durations default to the model's values.
 */
import { Joi, choices, civility, count, date, email, flag, noticeShorterThanDuration, phone, text } from '../../core/fields.js';
import { partySchema, signingSchema, type Party } from '../_shared/parties.js';

export { GENRES } from '../_shared/parties.js';

/** A named contact: the parties' interlocutors, the regional coordinator. */
const contactKeys = () => ({
  civilite: civility(),
  prenom: text('Prénom', 100).required(),
  nom: text('Nom', 100).required(),
  fonction: text('Fonction', 200).required(),
  telephone: phone().required(),
  email: email().required(),
});

const coordinator = Joi.object({ ...contactKeys(), organisme: text('Organisme', 200).required() }).label('Coordinateur régional');

/** Who processes the personal data of the people followed: the facilitator for itself, or for the buyer. */
export const DATA_ROLES = ['responsable', 'sous-traitant'] as const;
export const DATA_ROLE_LABELS: Record<(typeof DATA_ROLES)[number], string> = {
  responsable: 'Responsable du traitement (pour ses propres missions)',
  'sous-traitant': 'Sous-traitant (pour le compte du donneur d’ordre)',
};

export const conventionSchema = Joi.object({
  reference: text('Référence du document', 60).description('Imprimée en tête de chaque page. Calculée quand elle est absente.'),
  donneurOrdre: partySchema('Donneur d’ordre', { presentation: true, habilitation: true }).required(),
  structurePorteuse: partySchema('Structure porteuse de la clause', { presentation: true, territory: true, habilitation: true }).required(),
  interlocuteurs: Joi.object({
    donneurOrdre: Joi.object(contactKeys()).label('Interlocuteur du donneur d’ordre').required(),
    structurePorteuse: Joi.object(contactKeys()).label('Interlocuteur de la structure porteuse de la clause').required(),
  })
    .label('Interlocuteurs')
    .required(),
  options: Joi.object({
    marchesMultiTerritoires: flag('Marchés couvrant plusieurs territoires (suivi par un coordinateur régional)').default(false),
    coordinateurRegional: coordinator.when('marchesMultiTerritoires', { is: true, then: Joi.required(), otherwise: Joi.optional() }),
    reunionsComitePilotageParAn: count('Réunions du comité de pilotage par an (au moins)', 1, 12).default(1),
    contributionAnnuelle: Joi.number()
      .min(1)
      .max(10_000_000)
      .label('Participation financière annuelle du donneur d’ordre (€)')
      .description('Laissez vide si l’accompagnement est gratuit pour le donneur d’ordre.'),
    modalitesContribution: text('Modalités de versement de la participation', 500)
      .description('Par défaut : en une fois, sur présentation du bilan annuel, par mandat administratif.')
      .when('contributionAnnuelle', { is: Joi.exist(), otherwise: Joi.forbidden() }),
    donneesPersonnelles: Joi.object({
      role: Joi.string()
        .valid(...DATA_ROLES)
        .label('Rôle de la structure porteuse pour les données des personnes suivies')
        .meta(choices(DATA_ROLE_LABELS))
        .description('Responsable du traitement : elle traite les données pour ses propres missions ; sous-traitant : elle les traite pour le compte du donneur d’ordre (une annexe de sous-traitance est jointe).')
        .default('responsable'),
      contact: email().label('Adresse pour l’exercice des droits des personnes').required(),
      conservationAns: count('Durée de conservation après la fin du dernier marché (ans)', 1, 10).default(5),
    })
      .label('Données personnelles')
      .required(),
    articleLitiges: flag('Ajouter un article « Règlement des litiges »').default(true),
    juridiction: text('Juridiction compétente', 200)
      .description('Par exemple : le tribunal administratif d’Amiens.')
      .default('le tribunal administratif territorialement compétent'),
  })
    .label('Options')
    .default(),
  durees: Joi.object({
    dateEntreeEnVigueur: date('Date d’entrée en vigueur').description('Par défaut, la date de signature.'),
    dureeInitialeMois: count('Durée initiale (mois)', 1, 120).default(12),
    reconductionTacite: flag('Renouvelable par tacite reconduction').default(true),
    reconductionsMax: count('Nombre maximal de reconductions', 1, 20).default(3),
    preavisResiliationMois: count('Préavis de résiliation pour motif d’intérêt général (mois)', 1, 12).default(3),
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

export interface Contact {
  civilite?: 'M.' | 'Mme';
  prenom: string;
  nom: string;
  fonction: string;
  telephone: string;
  email: string;
}

export interface ConventionInput {
  reference?: string;
  donneurOrdre: Party & { presentation: string };
  structurePorteuse: Party & { presentation: string; territoire: string };
  interlocuteurs: { donneurOrdre: Contact; structurePorteuse: Contact };
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
    reunionsComitePilotageParAn: number;
    contributionAnnuelle?: number;
    modalitesContribution?: string;
    donneesPersonnelles: { role: (typeof DATA_ROLES)[number]; contact: string; conservationAns: number };
    articleLitiges: boolean;
    juridiction: string;
  };
  durees: {
    dateEntreeEnVigueur?: Date;
    dureeInitialeMois: number;
    reconductionTacite: boolean;
    reconductionsMax: number;
    preavisResiliationMois: number;
    preavisNonReconductionMois: number;
    delaiMiseEnDemeureMois: number;
    delaiAvisMotiveJours: number;
  };
  signature: { lieu: string; date: Date; nombreExemplaires: number };
}
