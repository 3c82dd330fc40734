/**
 * The sizing on screen: the result of the sizing rules (src/sizing) step by step with its sources,
 * and its hand-over to the forms of an avis motivé or a DCE clause. View functions only.
 */
import { formatAmount, formatDate, formatNumber, typography } from '../core/french.js';
import type { SizingInput, SizingResult } from '../sizing/index.js';

type Data = Record<string, unknown>;

const hours = (h: number | null) => (h === null ? '—' : `${formatNumber(h)}\u00A0h`);

export interface SizingView {
  referentiel: string;
  total: { montant: string; heures: string; lotsAvecClause: number; lotsSansClause: number; heuresParMilleEuros: string };
  obligation: string;
  territoire: string;
  avertissements: string[];
  lots: {
    titre: string;
    clause: boolean;
    heures: string;
    sansClause: string;
    parTranche: string;
    etapes: { etape: string; calcul: string; valeur: string; source: string; sourceUrl: string }[];
    leviers: { libelle: string; statut: string; motif: string }[];
    avertissements: string[];
  }[];
}

/** A source text ends with its address in brackets: the address becomes the link, the text its label. */
function splitSource(source: string | undefined): { source: string; sourceUrl: string } {
  if (!source) return { source: '', sourceUrl: '' };
  const match = /^(.*)\s\((https?:\/\/[^\s)]+)\)\s*$/s.exec(source);
  return match ? { source: typography(match[1]!), sourceUrl: match[2]! } : { source: typography(source), sourceUrl: '' };
}

/** « motif (article) », unless the motif already cites the article. */
const withArticle = (motif: string, article: string | undefined) => (!article || motif.includes(article) ? motif : `${motif} (${article})`);

export function sizingView(result: SizingResult): SizingView {
  return {
    referentiel: typography(`Valeurs de référence en vigueur le ${formatDate(result.referentiel.dateReference)}.`),
    total: {
      montant: formatAmount(result.total.montantHT),
      heures: hours(result.total.heures),
      lotsAvecClause: result.total.lotsAvecClause,
      lotsSansClause: result.total.lotsSansClause,
      heuresParMilleEuros: `${formatNumber(result.total.heuresParMilleEuros)}\u00A0h pour 1\u00A0000\u00A0€`,
    },
    obligation: typography(withArticle(result.obligation.motif, result.obligation.article)),
    territoire: typography(result.territoire.motif),
    avertissements: result.avertissements.map(typography),
    lots: result.lots.map((lot) => ({
      titre: typography(`Lot ${lot.numero} : ${lot.intitule}`),
      clause: lot.clause,
      heures: hours(lot.heures),
      sansClause: lot.sansClause ? typography(lot.sansClause.motif) : '',
      parTranche: lot.heuresParTranche ? typography(lot.heuresParTranche.texte) : '',
      etapes: lot.trace.map((s) => ({ etape: typography(s.etape), calcul: s.calcul ? typography(s.calcul) : '', valeur: typography(s.valeur), ...splitSource(s.source) })),
      leviers: lot.leviers.map((l) => ({ libelle: typography(l.libelle), statut: l.obligatoire ? 'obligatoire' : l.recommande ? 'recommandé' : 'possible', motif: typography(withArticle(l.motif, l.article)) })),
      avertissements: lot.avertissements.map(typography),
    })),
  };
}

const defined = (value: Data): Data => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));

const sizingFields = (lot: Data) => defined({ famille: lot.famille, cpv: lot.cpv, montantHT: lot.montantHT, dureeMois: lot.dureeMois, formeMarche: lot.formeMarche, gestionUrbaineProximite: lot.gestionUrbaineProximite, parametres: lot.parametres });

const market = (input: Data) => defined({ nature: input.nature, dateReference: input.dateReference, dateLancement: input.dateLancement, typeAcheteur: input.typeAcheteur, defenseOuSecurite: input.defenseOuSecurite });

/**
 * The avis motivé's input from a sized project: its nature, market context, lots and territory (the
 * avis motivé sizes its lots by the same rules, so it shows the same hours). The rest is asked there.
 */
export function avisMotiveFromSizing(input: SizingInput | Data): Data {
  const data = input as Data;
  return defined({
    projet: { ...market(data), lots: ((data.lots as Data[]) ?? []).map((lot) => defined({ numero: lot.numero, intitule: lot.intitule, ...sizingFields(lot) })) },
    territoire: data.territoire,
  });
}

/**
 * The DCE clause's input from a sized project: each lot with a clause keeps its sizing data (the
 * clause's calculation note shows it), a lot without one gets « aucun » levier and the reason.
 */
export function clauseDceFromSizing(input: SizingInput | Data, result: SizingResult): Data {
  const data = input as Data;
  const lots = (data.lots as Data[]) ?? [];
  return defined({
    marche: market(data),
    territoire: data.territoire,
    lots: lots.map((lot, i) => {
      const sized = result.lots[i];
      return sized && !sized.clause
        ? { numero: lot.numero, intitule: lot.intitule, levier: 'aucun', motifSansClause: sized.sansClause?.motif }
        : { numero: lot.numero, intitule: lot.intitule, dimensionnement: sizingFields(lot) };
    }),
  });
}
