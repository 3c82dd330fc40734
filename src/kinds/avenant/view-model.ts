/** View model of an avenant: its numbered articles (one per change, then the final clauses) and quoted new wording. */
import type { FieldError } from '../../core/errors.js';
import { formatDate, ordinal, paragraphs, typography } from '../../core/french.js';
import type { BaseViewModel, BuildContext, Signatory } from '../../core/kind.js';
import { isoDay, originals, partyView, signatoryOf, type PartyView } from '../_shared/parties.js';
import type { AvenantInput } from './schema.js';

interface Change {
  numero: string;
  /** The sentence that says what changes, at the level asked: article, alinéa or words. */
  intro: string;
  /** The new wording, quoted (empty when the sentence says it all). */
  texte: string[];
}

export interface AvenantViewModel extends BaseViewModel {
  numero: string;
  donneurOrdre: PartyView;
  structurePorteuse: PartyView;
  convention: { date: string; reference: string; articleRevision: string };
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

type Modification = AvenantInput['modifications'][number];

/** "Le deuxième alinéa de l’article IV de la convention (« Objet »)", "L’article IV de la convention". */
function target(c: Modification, capital: boolean): string {
  const article = `l’article ${c.article} de la convention${c.objet ? ` («\u00A0${typography(c.objet)}\u00A0»)` : ''}`;
  const text = c.alinea ? `le ${ordinal(c.alinea)} alinéa de ${article}` : article;
  return capital ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

/** The sentence of an avenant's article that states one change, as French legal drafting does. */
function introOf(c: Modification): string {
  switch (c.type) {
    case 'remplace':
      return `${target(c, true)} est remplacé par les stipulations suivantes\u00A0:`;
    case 'supprime':
      return `${target(c, true)} est supprimé.`;
    case 'complete': {
      const several = paragraphs(c.texte).length > 1;
      return c.alinea
        ? `Après ${target(c, false)}, ${several ? 'sont insérés les alinéas ainsi rédigés' : 'il est inséré un alinéa ainsi rédigé'}\u00A0:`
        : `${target(c, true)} est complété par ${several ? 'les alinéas ainsi rédigés' : 'un alinéa ainsi rédigé'}\u00A0:`;
    }
    case 'remplace-mots': {
      const place = c.alinea ? `Au ${ordinal(c.alinea)} alinéa de l’article ${c.article}` : `À l’article ${c.article}`;
      const objet = c.objet ? ` («\u00A0${typography(c.objet)}\u00A0»)` : '';
      return `${place} de la convention${objet}, les mots «\u00A0${typography(c.mots ?? '')}\u00A0» sont remplacés par les mots «\u00A0${typography(c.texte ?? '')}\u00A0».`;
    }
  }
}

/**
 * A whole article replaced by fewer alinéas than it has deletes the others without saying so: a final
 * avenant is refused, a draft says it.
 */
export function checkAvenant(input: AvenantInput): FieldError[] {
  const changes = Array.isArray(input.modifications) ? input.modifications : [];
  return changes.flatMap((c, i) => {
    if (c.type !== 'remplace' || c.alinea || !c.alineasActuels) return [];
    const kept = paragraphs(c.texte).length;
    if (kept >= c.alineasActuels) return [];
    return [
      {
        path: `modifications.${i}.texte`,
        type: 'avenant.alineasSupprimes',
        message: `L’article ${c.article} compte ${c.alineasActuels} alinéas et sa nouvelle rédaction ${kept > 1 ? `n’en compte que ${kept}` : 'n’en compte qu’un'} : les autres seraient supprimés. Modifiez seulement l’alinéa ou les mots concernés, ou reprenez tout l’article.`,
      },
    ];
  });
}

/** The new wording between guillemets: « opening the first paragraph, » closing the last. */
function quoted(text: string | undefined): string[] {
  const paras = paragraphs(text);
  return paras.map((p, i) => `${i === 0 ? '«\u00A0' : ''}${p}${i === paras.length - 1 ? '\u00A0»' : ''}`);
}

export function buildAvenantViewModel(input: AvenantInput, context: BuildContext): AvenantViewModel {
  const donneurOrdre = partyView(input.donneurOrdre, 'le présent avenant');
  const structurePorteuse = partyView(input.structurePorteuse, 'le présent avenant');
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
    convention: { date: formatDate(input.convention.dateSignature), reference: input.convention.reference ?? '', articleRevision: input.convention.articleRevision },
    motif: paragraphs(input.motif),
    deliberation: input.deliberation
      ? { organe: typography(input.deliberation.organe), date: formatDate(input.deliberation.date), numero: input.deliberation.numero ?? '' }
      : false,
    modifications: changes.map((c, i) => ({
      numero: articleNumber(i + 1),
      intro: introOf(c),
      texte: c.type === 'remplace-mots' ? [] : quoted(c.texte),
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
