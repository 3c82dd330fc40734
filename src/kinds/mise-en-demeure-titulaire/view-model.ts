/** View model of the formal notice to a contract holder: hours due, done and missing, catch-up, penalty. */
import type { FieldError } from '../../core/errors.js';
import { familyName, formatAmount, formatDate, formatDays, formatNumber, fullName, typography } from '../../core/french.js';
import type { BaseViewModel, BuildContext } from '../../core/kind.js';
import { isMarker } from '../../core/markers.js';
import { markerAt } from '../../core/field-names.js';
import { isoDay, partyView, salutation, letterSignature, letterView, signatoryOf, type LetterView, type PartyView } from '../_shared/parties.js';
import { miseEnDemeureTitulaireSchema, type MiseEnDemeureTitulaireInput } from './schema.js';

/** The marker of a value the letter computes from the field at `path`, missing or not usable. */
const computedFrom = (path: string) => markerAt(miseEnDemeureTitulaireSchema, path);

export interface MiseEnDemeureTitulaireViewModel extends BaseViewModel {
  acheteur: PartyView;
  titulaire: { nom: string; adresseLignes: string[]; siret: string; attention: string; salutation: string };
  facilitateur: { nomComplet: string; structure: string; email: string };
  courrier: LetterView;
  objet: string;
  marche: { objet: string; reference: string; lot: string; notification: string; article: string; articlePenalites: string; fin: string };
  heures: { dues: string; realisees: string; restantes: string; taux: string; arrete: string; realiseesPhrase: string; restantesPhrase: string };
  /** Before the market's end: a catch-up, the penalty announced for the end. After: the penalty, after the contradictory step. */
  enCours: boolean;
  acheve: boolean;
  rattrapage: string;
  penalite: { parHeure: string; calcul: string; plafond: string };
  observations: string;
  signature: { nomComplet: string; qualite: string; organisation: string };
  dateIso: string;
}

/** Whether the letter is written while the market is still executed (undefined while a date is a marker). */
function beforeEnd(input: MiseEnDemeureTitulaireInput): boolean | undefined {
  const { dateFin } = input.marche;
  return dateFin instanceof Date && input.courrier.date instanceof Date ? input.courrier.date <= dateFin : undefined;
}

/** "au plus tard au terme du marché, le 30 juin 2028", or "au plus tard le 31 mai 2028, le marché prenant fin le 30 juin 2028". */
function catchUp(input: MiseEnDemeureTitulaireInput): string {
  const limit = input.dateLimiteRattrapage;
  if (!limit) return '';
  const end = input.marche.dateFin;
  if (limit instanceof Date && end instanceof Date && limit.getTime() === end.getTime()) return `au plus tard au terme du marché, le ${formatDate(end)}`;
  return `au plus tard le ${formatDate(limit)}, le marché prenant fin le ${formatDate(end)}`;
}

export function checkMiseEnDemeureTitulaire(input: MiseEnDemeureTitulaireInput): FieldError[] {
  const problems: FieldError[] = [];
  const running = beforeEnd(input);
  const end = input.marche.dateFin instanceof Date ? formatDate(input.marche.dateFin) : '';
  if (running === true && input.dateLimiteRattrapage === undefined) {
    problems.push({ path: 'dateLimiteRattrapage', type: 'any.required', message: '« Date limite de rattrapage » est obligatoire tant que le marché est en cours d’exécution.' });
  }
  if (running === true && input.dateLimiteRattrapage instanceof Date && input.dateLimiteRattrapage > input.marche.dateFin) {
    problems.push({ path: 'dateLimiteRattrapage', type: 'date.max', message: `« Date limite de rattrapage » doit tomber pendant l’exécution du marché, au plus tard le ${end}.` });
  }
  if (running === false && input.dateLimiteRattrapage !== undefined) {
    problems.push({ path: 'dateLimiteRattrapage', type: 'any.unknown', message: `Le marché a pris fin le ${end} : aucun rattrapage n’est plus possible ; retirez la « Date limite de rattrapage ».` });
  }
  const h = input.heures;
  if (typeof h.dues === 'number' && typeof h.realisees === 'number' && h.realisees >= h.dues) {
    problems.push({ path: 'heures.realisees', type: 'heures.atteintes', message: `Les heures réalisées (${h.realisees}) atteignent les heures dues (${h.dues}) : il n’y a pas de manquement à mettre en demeure.` });
  }
  if (running === true && input.dateLimiteRattrapage instanceof Date && input.courrier.date instanceof Date && input.dateLimiteRattrapage <= input.courrier.date) {
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
  const running = beforeEnd(input) !== false;
  const cap = input.plafondPenalite;
  const amount = missing !== undefined && rateKnown ? missing * rate : undefined;
  const capped = amount !== undefined && cap !== undefined && amount > cap;
  const articlePenalites = input.marche.articlePenalites ?? input.marche.articleCcap;
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
    objet: running
      ? `marché ${input.marche.reference} – mise en demeure de respecter l’engagement d’insertion professionnelle (article ${input.marche.articleCcap} du CCAP)`
      : `marché ${input.marche.reference} – heures d’insertion non réalisées : pénalité envisagée et invitation à présenter vos observations (article ${articlePenalites} du CCAP)`,
    titulaire: {
      nom: typography(t.nom),
      adresseLignes: [a.ligne1, a.ligne2, `${a.codePostal} ${a.commune}`].filter(Boolean).map((l) => typography(String(l))),
      siret: t.siret ?? '',
      attention: t.representant ? `${fullName({ civilite: t.representant.civilite, prenom: t.representant.prenom, nom: familyName(t.representant.nom) })}, ${typography(t.representant.qualite)}` : '',
      salutation: t.representant ? salutation(t.representant) : 'Madame, Monsieur',
    },
    facilitateur: { nomComplet: fullName({ civilite: f.civilite, prenom: f.prenom, nom: familyName(f.nom) }), structure: typography(f.structure), email: f.email },
    courrier: letterView(input.courrier),
    marche: {
      objet: typography(input.marche.objet),
      reference: input.marche.reference,
      lot: input.marche.lot ? typography(input.marche.lot) : '',
      notification: input.marche.dateNotification ? formatDate(input.marche.dateNotification) : '',
      article: input.marche.articleCcap,
      articlePenalites,
      fin: formatDate(input.marche.dateFin),
    },
    heures: {
      dues: isMarker(h.dues) ? String(h.dues) : formatNumber(h.dues),
      realisees: isMarker(h.realisees) ? String(h.realisees) : formatNumber(h.realisees),
      restantes: missing !== undefined ? formatNumber(missing) : computedFrom('heures'),
      taux: numbers ? `${formatNumber(Math.round((h.realisees / h.dues) * 1000) / 10)}\u00A0%` : computedFrom('heures'),
      arrete: formatDate(h.dateArrete),
      realiseesPhrase: numbers
        ? h.realisees > 1
          ? `${formatNumber(h.realisees)} heures ont été réalisées`
          : `${formatNumber(h.realisees)} heure a été réalisée`
        : `${String(h.realisees)} heures ont été réalisées`,
      // Before the end, hours still to do; after it, hours not done.
      restantesPhrase:
        missing === undefined
          ? computedFrom('heures')
          : running
            ? `${formatNumber(missing)} ${missing > 1 ? 'heures restent' : 'heure reste'} à réaliser`
            : `${formatNumber(missing)} ${missing > 1 ? 'heures n’ont pas été réalisées' : 'heure n’a pas été réalisée'}`,
    },
    enCours: running,
    acheve: !running,
    rattrapage: catchUp(input),
    penalite: {
      parHeure: formatAmount(rate),
      calcul:
        amount === undefined
          ? computedFrom(rateKnown ? 'heures' : 'penaliteParHeure')
          : `${formatNumber(missing!)} ${missing! > 1 ? 'heures' : 'heure'} × ${formatAmount(rate)} = ${formatAmount(amount)}${capped ? `, ramenés au plafond de ${formatAmount(cap!)} fixé par le CCAP` : ''}`,
      plafond: cap !== undefined ? formatAmount(cap) : '',
    },
    observations: formatDays(input.delaiObservationsJours),
    signature: letterSignature(signatory, buyer),
    dateIso: isoDay(input.courrier.date),
  };
}
