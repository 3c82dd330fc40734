/**
 * View model of the non-renewal notice: sender and recipient, the current period and its end, the
 * latest day to receive the notice (calendar module), whether this notice is in time, and what
 * happens to the markets in progress.
 */
import { addDays, nextWorkingDay } from '../../calendar/dates.js';
import { checkNonRenewal, period, periodIndexAt, RULES } from '../../calendar/schedule.js';
import type { FieldError } from '../../core/errors.js';
import { formatDate, formatMonths, typography, withDe } from '../../core/french.js';
import type { BaseViewModel, BuildContext } from '../../core/kind.js';
import { markerAt } from '../../core/field-names.js';
import { termsOf } from '../_shared/convention-ref.js';
import { isoDay, partyView, salutation, letterSignature, letterView, signatoryOf, type LetterView, type PartyView } from '../_shared/parties.js';
import { nonReconductionSchema, type NonReconductionInput } from './schema.js';

export interface NonReconductionViewModel extends BaseViewModel {
  expediteur: PartyView & { estDonneurOrdre: boolean; appellation: string };
  destinataire: PartyView & { appellation: string; salutation: string };
  courrier: LetterView;
  convention: { date: string; reference: string; article: string; duree: string; preavis: string };
  periode: { debut: string; fin: string };
  dateLimite: string;
  dateReceptionEstimee: string;
  aTemps: boolean;
  horsDelai: { message: string } | false;
  suiviPoursuivi: boolean;
  /** What becomes of the follow-up of markets in progress, in the sender's words. */
  suiviPhrase: string;
  suiviArrete: boolean;
  regle: string;
  signature: { nomComplet: string; qualite: string; organisation: string };
  avertissements: string[];
  dateIso: string;
}

/**
 * Receipt date estimated from the letter date, moved to the next working day (no mail is received on
 * a Sunday or a public holiday); undefined while a date is a marker.
 */
export function estimatedReceipt(input: NonReconductionInput): string | undefined {
  if (!(input.courrier.date instanceof Date)) return undefined;
  return nextWorkingDay(addDays(isoDay(input.courrier.date), input.delaiAcheminementJours), input.convention.alsaceMoselle);
}

export function checkNonReconduction(input: NonReconductionInput): FieldError[] {
  const problems: FieldError[] = [];
  const terms = termsOf(input.convention);
  const receipt = estimatedReceipt(input);
  if (!input.convention.reconductionTacite) {
    problems.push({ path: 'convention.reconductionTacite', type: 'convention.nonRenouvelable', message: 'La convention n’est pas renouvelable par tacite reconduction : il n’y a pas de non-reconduction à notifier.' });
  } else if (terms && receipt) {
    const check = checkNonRenewal(terms, receipt);
    if (!check) problems.push({ path: 'courrier.date', type: 'convention.terminee', message: `La convention a déjà pris fin à la date de réception estimée du courrier (${formatDate(receipt)}) : il n’y a pas de non-reconduction à notifier.` });
    else if (check.sansObjet) problems.push({ path: 'convention.reconductionsMax', type: 'convention.derniereReconduction', message: check.message });
    else if (!check.aTemps) problems.push({ path: 'courrier.date', type: 'delai.depasse', message: check.message });
  }
  if (input.suiviMarches === 'arrete' && input.expediteur !== 'donneurOrdre') {
    problems.push({ path: 'suiviMarches', type: 'suivi.expediteur', message: 'Seul le donneur d’ordre peut mettre fin au suivi des marchés en cours (convention, art. V).' });
  }
  return problems;
}

export function buildNonReconductionViewModel(input: NonReconductionInput, context: BuildContext): NonReconductionViewModel {
  const fromBuyer = input.expediteur === 'donneurOrdre';
  const [sender, recipient] = fromBuyer ? [input.donneurOrdre, input.structurePorteuse] : [input.structurePorteuse, input.donneurOrdre];
  const senderView = partyView(sender);
  const recipientView = partyView(recipient);
  const c = input.convention;
  const terms = termsOf(c);
  const receipt = estimatedReceipt(input);
  const check = terms && receipt ? checkNonRenewal(terms, receipt) : undefined;
  const k = terms && receipt ? periodIndexAt(terms, receipt) : undefined;
  const current = terms && k !== undefined ? period(terms, k) : undefined;
  const used = new Set<string>();
  const signatory = signatoryOf(sender, senderView, used);
  const late = context.warnings.find((w) => w.path === 'courrier.date');

  return {
    document: {
      titre: `Non-reconduction de la convention de partenariat du ${formatDate(c.dateSignature)}`,
      sujet: `Notification de non-reconduction adressée à ${recipientView.nom}`,
      auteur: senderView.nom,
      reference: input.courrier.reference ?? `NR-${isoDay(input.courrier.date)}`,
      motsCles: ['non-reconduction', 'convention de partenariat', 'clause sociale'],
    },
    brouillon: context.mode === 'draft',
    signataires: [signatory],
    expediteur: { ...senderView, estDonneurOrdre: fromBuyer, appellation: fromBuyer ? 'le donneur d’ordre' : 'la structure porteuse de la clause' },
    destinataire: { ...recipientView, appellation: fromBuyer ? 'la structure porteuse de la clause' : 'le donneur d’ordre', salutation: salutation(recipient.representant) },
    courrier: letterView(input.courrier),
    convention: {
      date: formatDate(c.dateSignature),
      reference: c.reference ?? '',
      article: c.articleDuree,
      duree: withDe(formatMonths(c.dureeInitialeMois)),
      preavis: formatMonths(c.preavisNonReconductionMois),
    },
    periode:
      current && check
        ? { debut: formatDate(current.debut), fin: check.finConvention.texte }
        : { debut: markerAt(nonReconductionSchema, 'convention.dateSignature'), fin: markerAt(nonReconductionSchema, 'convention.dateSignature') },
    dateLimite: check ? check.delai.dateLimite.texte : markerAt(nonReconductionSchema, 'courrier.date'),
    dateReceptionEstimee: receipt ? formatDate(receipt) : markerAt(nonReconductionSchema, 'courrier.date'),
    aTemps: check?.aTemps ?? true,
    horsDelai: late ? { message: late.message } : false,
    suiviPoursuivi: input.suiviMarches === 'poursuivi',
    suiviPhrase: typography(
      fromBuyer
      ? `Conformément à l’article ${input.convention.articleDuree} de la convention, cette non-reconduction ne met pas fin au suivi des marchés en cours de passation et d’exécution : nous vous demandons d’en assurer le suivi jusqu’à leur terme.`
      : `Conformément à l’article ${input.convention.articleDuree} de la convention, cette non-reconduction ne met pas automatiquement fin au suivi des marchés en cours de passation et d’exécution : nous en assurerons le suivi jusqu’à leur terme, sauf intention contraire de votre part.`,
    ),
    suiviArrete: input.suiviMarches === 'arrete',
    regle: `${RULES.preavis.texte} (${RULES.preavis.source}.)`,
    signature: letterSignature(signatory, senderView),
    avertissements: context.warnings.filter((w) => w.path !== 'courrier.date').map((w) => w.message),
    dateIso: isoDay(input.courrier.date),
  };
}
