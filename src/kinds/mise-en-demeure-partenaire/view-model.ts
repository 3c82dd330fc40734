/** View model of the formal notice between the convention's parties: breaches, cure period, consequence. */
import { formatDate, formatMonths, paragraphs, typography, withDe } from '../../core/french.js';
import type { BaseViewModel, BuildContext } from '../../core/kind.js';
import { isoDay, partyView, salutation, letterSignature, letterView, signatoryOf, type LetterView, type PartyView } from '../_shared/parties.js';
import type { MiseEnDemeurePartenaireInput } from './schema.js';

export interface MiseEnDemeurePartenaireViewModel extends BaseViewModel {
  expediteur: PartyView;
  destinataire: PartyView & { salutation: string };
  courrier: LetterView;
  convention: { date: string; reference: string; article: string };
  manquements: { article: string; engagement: string; faits: string[]; fin: string }[];
  delai: string;
  signature: { nomComplet: string; qualite: string; organisation: string };
  dateIso: string;
}

export function buildMiseEnDemeurePartenaireViewModel(input: MiseEnDemeurePartenaireInput, context: BuildContext): MiseEnDemeurePartenaireViewModel {
  const fromBuyer = input.expediteur === 'donneurOrdre';
  const [sender, recipient] = fromBuyer ? [input.donneurOrdre, input.structurePorteuse] : [input.structurePorteuse, input.donneurOrdre];
  const senderView = partyView(sender);
  const recipientView = partyView(recipient);
  const signatory = signatoryOf(sender, senderView, new Set());
  const c = input.convention;
  const items = Array.isArray(input.manquements) ? input.manquements : [];
  return {
    document: {
      titre: `Mise en demeure – convention de partenariat du ${formatDate(c.dateSignature)}`,
      sujet: `Mise en demeure adressée à ${recipientView.nom} d’exécuter ses engagements`,
      auteur: senderView.nom,
      reference: input.courrier.reference ?? `MED-${isoDay(input.courrier.date)}`,
      motsCles: ['mise en demeure', 'convention de partenariat', 'clause sociale'],
    },
    brouillon: context.mode === 'draft',
    signataires: [signatory],
    expediteur: senderView,
    destinataire: { ...recipientView, salutation: salutation(recipient.representant) },
    courrier: letterView(input.courrier),
    convention: { date: formatDate(c.dateSignature), reference: c.reference ?? '', article: c.articleDuree },
    manquements: items.map((m, i) => ({
      article: m.article,
      engagement: typography(m.engagement),
      faits: paragraphs(m.faits),
      fin: i === items.length - 1 ? '.' : '\u202F;',
    })),
    delai: withDe(formatMonths(c.delaiMiseEnDemeureMois)),
    signature: letterSignature(signatory, senderView),
    dateIso: isoDay(input.courrier.date),
  };
}
