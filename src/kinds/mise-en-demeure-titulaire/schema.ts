/** Input of the formal notice from the buyer to a contract holder that does not deliver its insertion hours. */
import { Joi, address, count, date, email, person, siret, text, civility, type Address, type Person } from '../../core/fields.js';
import { letterSchema, partySchema, type Letter, type Party } from '../_shared/parties.js';

export const miseEnDemeureTitulaireSchema = Joi.object({
  acheteur: partySchema('Acheteur').required(),
  titulaire: Joi.object({
    nom: text('Raison sociale', 200).required(),
    adresse: address('Adresse').required(),
    siret: siret(),
    representant: person('Représentant'),
  })
    .label('Titulaire du marché')
    .required(),
  facilitateur: Joi.object({
    civilite: civility(),
    prenom: text('Prénom', 100).required(),
    nom: text('Nom', 100).required(),
    structure: text('Structure', 200).required(),
    email: email().required(),
  })
    .label('Facilitateur (en copie)')
    .required(),
  marche: Joi.object({
    objet: text('Objet du marché', 500).required(),
    reference: text('Référence du marché', 60).required(),
    lot: text('Lot', 200),
    dateNotification: date('Date de notification du marché'),
    dateFin: date('Date de fin d’exécution du marché').required(),
    articleCcap: text('Article du CCAP relatif à l’insertion', 20).required(),
    articlePenalites: text('Article du CCAP relatif aux pénalités d’insertion', 20).description('Par exemple 9.11. Par défaut, l’article relatif à l’insertion.'),
  })
    .label('Marché')
    .required(),
  heures: Joi.object({
    dues: Joi.number().integer().min(1).max(1_000_000).label('Heures d’insertion dues').required(),
    realisees: Joi.number().integer().min(0).max(1_000_000).label('Heures réalisées').required(),
    dateArrete: date('Date d’arrêté du décompte').required(),
  })
    .label('Heures d’insertion')
    .required(),
  dateLimiteRattrapage: date('Date limite de rattrapage').description('Tant que le marché est en cours : au plus tard à la fin de son exécution. Sans objet une fois le marché achevé.'),
  penaliteParHeure: Joi.number().min(1).max(1000).label('Pénalité par heure non réalisée (€)').description('Le montant fixé par le CCAP du marché.').required(),
  plafondPenalite: Joi.number().min(1).max(100_000_000).label('Plafond de la pénalité (€)').description('Le plafond fixé par le CCAP, s’il en fixe un.'),
  delaiObservationsJours: count('Délai pour présenter des observations (jours)', 5, 60).default(15),
  courrier: letterSchema(),
}).label('Mise en demeure du titulaire');

export interface MiseEnDemeureTitulaireInput {
  acheteur: Party;
  titulaire: { nom: string; adresse: Address; siret?: string; representant?: Person };
  facilitateur: { civilite?: 'M.' | 'Mme'; prenom: string; nom: string; structure: string; email: string };
  marche: { objet: string; reference: string; lot?: string; dateNotification?: Date; dateFin: Date; articleCcap: string; articlePenalites?: string };
  heures: { dues: number; realisees: number; dateArrete: Date };
  dateLimiteRattrapage?: Date;
  penaliteParHeure: number;
  plafondPenalite?: number;
  delaiObservationsJours: number;
  courrier: Letter;
}
