/** View model of an avenant: its numbered articles (one per change, then the final clauses) and quoted new wording. */
import { formatDate, paragraphs, typography } from '../../core/french.js';
import type { BaseViewModel, BuildContext, Signatory } from '../../core/kind.js';
import { isoDay, originals, partyView, signatoryOf, type PartyView } from '../_shared/parties.js';
import type { AvenantInput } from './schema.js';

interface Change {
  numero: string;
  article: string;
  objet: string;
  remplace: boolean;
  complete: boolean;
  supprime: boolean;
  texte: string[];
}

export interface AvenantViewModel extends BaseViewModel {
  numero: string;
  donneurOrdre: PartyView;
  structurePorteuse: PartyView;
  convention: { date: string; reference: string };
  motif: string[];
  deliberation: { organe: string; date: string; numero: string } | false;
  modifications: Change[];
  articleAutres: string;
  articleEffet: string;
  effet: string;
  signature: {
    lieu: string;
    date: string;
    exemplaires: string;
    donneurOrdre: { organisation: string; qualite: string; nomComplet: string };
    structurePorteuse: { organisation: string; qualite: string; nomComplet: string };
  };
  dateIso: string;
}

/** "Article 1er", "Article 2"… */
const articleNumber = (n: number) => (n === 1 ? '1er' : String(n));

/** The new wording between guillemets: « opening the first paragraph, » closing the last. */
function quoted(text: string | undefined): string[] {
  const paras = paragraphs(text);
  return paras.map((p, i) => `${i === 0 ? '«\u00A0' : ''}${p}${i === paras.length - 1 ? '\u00A0»' : ''}`);
}

export function buildAvenantViewModel(input: AvenantInput, context: BuildContext): AvenantViewModel {
  const donneurOrdre = partyView(input.donneurOrdre);
  const structurePorteuse = partyView(input.structurePorteuse);
  const used = new Set<string>();
  const signataires: Signatory[] = [signatoryOf(input.donneurOrdre, donneurOrdre, used), signatoryOf(input.structurePorteuse, structurePorteuse, used)];
  const changes = Array.isArray(input.modifications) ? input.modifications : [];
  const n = changes.length;
  const copies = input.signature.nombreExemplaires;
  const sign = (s: Signatory) => ({ organisation: s.organisation, qualite: s.qualite, nomComplet: s.nom });
  return {
    document: {
      titre: `Avenant n° ${input.numero} à la convention de partenariat du ${formatDate(input.convention.dateSignature)}`,
      sujet: `Modification de la convention de partenariat entre ${donneurOrdre.nom} et ${structurePorteuse.nom}`,
      auteur: structurePorteuse.nom,
      reference: `${input.convention.reference ?? 'Convention'} – avenant ${input.numero}`,
      motsCles: ['avenant', 'convention de partenariat', 'clause sociale'],
    },
    brouillon: context.mode === 'draft',
    signataires,
    numero: String(input.numero),
    donneurOrdre,
    structurePorteuse,
    convention: { date: formatDate(input.convention.dateSignature), reference: input.convention.reference ?? '' },
    motif: paragraphs(input.motif),
    deliberation: input.deliberation
      ? { organe: typography(input.deliberation.organe), date: formatDate(input.deliberation.date), numero: input.deliberation.numero ?? '' }
      : false,
    modifications: changes.map((c, i) => ({
      numero: articleNumber(i + 1),
      article: c.article,
      objet: c.objet ? typography(c.objet) : '',
      remplace: c.type === 'remplace',
      complete: c.type === 'complete',
      supprime: c.type === 'supprime',
      texte: quoted(c.texte),
    })),
    articleAutres: articleNumber(n + 1),
    articleEffet: articleNumber(n + 2),
    effet: input.dateEffet ? `le ${formatDate(input.dateEffet)}` : 'à la date de sa signature par les deux parties',
    signature: {
      lieu: typography(input.signature.lieu),
      date: formatDate(input.signature.date),
      exemplaires: originals(copies),
      donneurOrdre: sign(signataires[0]!),
      structurePorteuse: sign(signataires[1]!),
    },
    dateIso: isoDay(input.signature.date),
  };
}
