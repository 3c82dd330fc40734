/** Input of the facilitator's reasoned opinion on a purchase project sheet (model convention, art. IV). */
import Joi from 'joi';
import { choices, count, date, longText, text } from '../../core/fields.js';
import { NATURE_LABELS, NATURES, type Nature } from '../../sizing/reference.js';
import { reference } from '../../sizing/index.js';
import { confirmationField } from '../_shared/reference-values.js';

/** Who takes the reference values of the calculation as its own: the facilitator, who gives the opinion. */
export const FACILITATOR = 'la structure porteuse de la clause';
import { lotIdentityKeys, lotSizingKeys, marketSizingKeys, territorySchema, type LotInput, type MarketSizingFields, type TerritoryInput } from '../../sizing/schema.js';
import { partySchema, type Party } from '../_shared/parties.js';

const ref = reference();

/** The reservations the facilitator can propose for a lot instead of hours (code de la commande publique). */
export const RESERVATIONS = ['siae', 'ea-esat', 'siae-ea'] as const;
export type Reservation = (typeof RESERVATIONS)[number];
/** Each reservation as the form offers it and the opinion names it, with its legal basis. */
export const RESERVATION_LABELS: Record<Reservation, string> = {
  siae: 'Lot réservé aux SIAE (L. 2113-13 et R. 2113-7 du code de la commande publique)',
  'ea-esat': 'Lot réservé aux entreprises adaptées et aux ESAT (L. 2113-12 et R. 2113-7 du code de la commande publique)',
  'siae-ea': 'Lot réservé conjointement aux SIAE, aux entreprises adaptées et aux ESAT (L. 2113-14 du code de la commande publique)',
};


export const avisMotiveSchema = Joi.object({
  structurePorteuse: partySchema('Structure porteuse de la clause').required(),
  donneurOrdre: Joi.object({
    nom: text('Nom du donneur d’ordre', 200).required(),
    service: text('Service qui porte le projet', 200),
  })
    .label('Donneur d’ordre')
    .required(),
  projet: Joi.object({
    intitule: text('Intitulé du projet d’achat', 500).required(),
    reference: text('Référence de la fiche', 60),
    nature: Joi.string().valid(...NATURES).label('Nature du marché').meta(choices(NATURE_LABELS)).required(),
    lieuExecution: text('Lieu d’exécution', 300).required(),
    dateSaisine: date('Date de saisine (réception de la fiche)').required(),
    datePublicationPrevue: date('Date de publication prévue'),
    ...marketSizingKeys(),
    lots: Joi.array()
      .items(
        Joi.object({
          ...lotIdentityKeys(),
          ...lotSizingKeys(ref),
          reservation: Joi.string()
            .valid(...RESERVATIONS)
            .label('Réservation proposée')
            .meta(choices(RESERVATION_LABELS))
            .description('Si la structure porteuse propose de réserver le lot plutôt que d’y fixer des heures.'),
        })
          .or('famille', 'cpv')
          .label('Lot'),
      )
      .min(1)
      .max(100)
      .unique('numero')
      .label('Lots')
      .required(),
  })
    .label('Projet d’achat')
    .required(),
  territoire: territorySchema(ref),
  delaiAvisJours: count('Délai de l’avis (jours)', 1, 90).default(15),
  observations: longText('Observations du facilitateur', 3000),
  valeursReferenceRetenues: confirmationField(FACILITATOR),
  avis: Joi.object({
    lieu: text('Lieu', 100).required(),
    date: date('Date de l’avis').required(),
  })
    .label('Avis')
    .required(),
}).label('Avis motivé');

export interface AvisMotiveInput {
  structurePorteuse: Party;
  donneurOrdre: { nom: string; service?: string };
  projet: MarketSizingFields & {
    intitule: string;
    reference?: string;
    nature: Nature;
    lieuExecution: string;
    dateSaisine: Date;
    datePublicationPrevue?: Date;
    lots: (LotInput & { reservation?: Reservation })[];
  };
  territoire: TerritoryInput;
  delaiAvisJours: number;
  observations?: string;
  valeursReferenceRetenues: boolean;
  avis: { lieu: string; date: Date };
}
