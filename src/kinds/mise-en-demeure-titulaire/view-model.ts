/** View model of the formal notice to a contract holder: hours due, done and missing, catch-up, penalty. */
import type { FieldError } from '../../core/errors.js';
import { familyName, formatAmount, formatDate, formatDays, formatNumber, fullName, typography } from '../../core/french.js';
import type { BaseViewModel, BuildContext } from '../../core/kind.js';
import { isMarker, marker } from '../../core/markers.js';
import { isoDay, partyView, salutation, signatoryOf, type PartyView } from '../_shared/parties.js';
import type { MiseEnDemeureTitulaireInput } from './schema.js';

export interface MiseEnDemeureTitulaireViewModel extends BaseViewModel {
  acheteur: PartyView;
  titulaire: { nom: string; adresseLignes: string[]; siret: string; attention: string; salutation: string };
  facilitateur: { nomComplet: string; structure: string; email: string };
  courrier: { lieu: string; date: string; reference: string };
  marche: { objet: string; reference: string; lot: string; notification: string; article: string };
  heures: { dues: string; realisees: string; restantes: string; taux: string; arrete: string; realiseesPhrase: string; restantesPhrase: string };
  rattrapage: string;
  penalite: { parHeure: string; montant: string };
  observations: string;
  signature: { nomComplet: string; qualite: string; organisation: string };
  dateIso: string;
}

export function checkMiseEnDemeureTitulaire(input: MiseEnDemeureTitulaireInput): FieldError[] {
  const problems: FieldError[] = [];
  const h = input.heures;
  if (typeof h.dues === 'number' && typeof h.realisees === 'number' && h.realisees >= h.dues) {
    problems.push({ path: 'heures.realisees', type: 'heures.atteintes', message: `Les heures réalisées (${h.realisees}) atteignent les heures dues (${h.dues}) : il n’y a pas de manquement à mettre en demeure.` });
  }
  if (input.dateLimiteRattrapage instanceof Date && input.courrier.date instanceof Date && input.dateLimiteRattrapage <= input.courrier.date) {
    problems.push({ path: 'dateLimiteRattrapage', type: 'date.min', message: '« Date limite de rattrapage » doit être postérieure à la date du courrier.' });
  }
  return problems;
}

export function buildMiseEnDemeureTitulaireViewModel(input: MiseEnDemeureTitulaireInput, context: BuildContext): MiseEnDemeureTitulaireViewModel {
  const buyer = partyView(input.acheteur);
  const signatory = signatoryOf(input.acheteur, buyer, new Set());
  const t = input.titulaire;
  const h = input.heures;
  const numbers = typeof h.dues === 'number' && typeof h.realisees === 'number';
  const missing = numbers ? Math.max(0, h.dues - h.realisees) : undefined;
  const rate = input.penaliteParHeure;
  const rateKnown = typeof rate === 'number';
  const f = input.facilitateur;
  const a = t.adresse;
  return {
    document: {
      titre: `Mise en demeure – engagement d’insertion du marché ${input.marche.reference}`,
      sujet: `Mise en demeure adressée à ${typography(t.nom)} de réaliser les heures d’insertion dues`,
      auteur: buyer.nom,
      reference: input.courrier.reference ?? `MED-${input.marche.reference}`,
      motsCles: ['mise en demeure', 'clause sociale', 'heures d’insertion', input.marche.reference],
    },
    brouillon: context.mode === 'draft',
    signataires: [signatory],
    acheteur: buyer,
    titulaire: {
      nom: typography(t.nom),
      adresseLignes: [a.ligne1, a.ligne2, `${a.codePostal} ${a.commune}`].filter(Boolean).map((l) => typography(String(l))),
      siret: t.siret ?? '',
      attention: t.representant ? `${fullName({ civilite: t.representant.civilite, prenom: t.representant.prenom, nom: familyName(t.representant.nom) })}, ${typography(t.representant.qualite)}` : '',
      salutation: t.representant ? salutation(t.representant) : 'Madame, Monsieur',
    },
    facilitateur: { nomComplet: fullName({ civilite: f.civilite, prenom: f.prenom, nom: familyName(f.nom) }), structure: typography(f.structure), email: f.email },
    courrier: { lieu: typography(input.courrier.lieu), date: formatDate(input.courrier.date), reference: input.courrier.reference ?? '' },
    marche: {
      objet: typography(input.marche.objet),
      reference: input.marche.reference,
      lot: input.marche.lot ? typography(input.marche.lot) : '',
      notification: input.marche.dateNotification ? formatDate(input.marche.dateNotification) : '',
      article: input.marche.articleCcap,
    },
    heures: {
      dues: isMarker(h.dues) ? String(h.dues) : formatNumber(h.dues),
      realisees: isMarker(h.realisees) ? String(h.realisees) : formatNumber(h.realisees),
      restantes: missing !== undefined ? formatNumber(missing) : marker('heures'),
      taux: numbers ? `${formatNumber(Math.round((h.realisees / h.dues) * 1000) / 10)}\u00A0%` : marker('heures'),
      arrete: formatDate(h.dateArrete),
      realiseesPhrase: numbers
        ? h.realisees > 1
          ? `${formatNumber(h.realisees)} heures ont été réalisées`
          : `${formatNumber(h.realisees)} heure a été réalisée`
        : `${String(h.realisees)} heures ont été réalisées`,
      restantesPhrase: missing !== undefined ? (missing > 1 ? `${formatNumber(missing)} heures restent à réaliser` : `${formatNumber(missing)} heure reste à réaliser`) : marker('heures'),
    },
    rattrapage: formatDate(input.dateLimiteRattrapage),
    penalite: {
      parHeure: formatAmount(rate),
      montant: missing !== undefined && rateKnown ? formatAmount(missing * rate) : marker(rateKnown ? 'heures' : 'penaliteParHeure'),
    },
    observations: formatDays(input.delaiObservationsJours),
    signature: { nomComplet: signatory.nom, qualite: signatory.qualite, organisation: signatory.organisation },
    dateIso: isoDay(input.courrier.date),
  };
}
