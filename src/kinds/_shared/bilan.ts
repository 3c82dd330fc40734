/**
 * What the two bilans share: the follow-up data and its upload as spreadsheets, the month of the
 * report, the small-cell threshold, the breakdown tables and charts.
 */
import Joi from 'joi';
import type { FieldError } from '../../core/errors.js';
import { count, longText, person, text, type Person } from '../../core/fields.js';
import { formatNumber } from '../../core/french.js';
import type { DocImage } from '../../core/image.js';
import { breakdownSvg, chart } from '../../engines/charts/index.js';
import type { Breakdowns, BreakdownLine } from '../../bilans/indicators.js';
import { followUpDataSchema, type FollowUp, type Market } from '../../bilans/model.js';
import { readFollowUpFiles } from '../../bilans/tabular.js';
import type { UploadedFile } from '../../core/uploads.js';

export const bilanCommonKeys = () => ({
  structurePorteuse: text('Structure porteuse de la clause', 200).required(),
  signataire: person('Signataire du bilan (facilitateur)').required(),
  seuilConfidentialite: count('Effectif minimal d’une case publiée', 2, 20)
    .default(3)
    .description('Une valeur qui compte moins de personnes est regroupée avec d’autres, ou masquée.'),
  commentaire: longText('Analyse qualitative', 5000),
  // Thousands of records: sent as a file (JSON, XLSX or CSV), not typed in the web form.
  donnees: followUpDataSchema.label('Données de suivi').meta({ hidden: true }).required(),
});

export interface BilanCommon {
  structurePorteuse: string;
  signataire: Person;
  seuilConfidentialite: number;
  commentaire?: string;
  donnees: { marches: Market[]; suivi: FollowUp[] };
}

const NUMBER_WORDS: Record<string, number> = { un: 1, une: 1, deux: 2, trois: 3, quatre: 4, cinq: 5, six: 6, sept: 7, huit: 8, neuf: 9, dix: 10 };

/** Nouns that count people, or the contracts, hires and exits of people. */
const PEOPLE = /^(personnes?|femmes?|hommes?|jeunes?|salariée?s?|participante?s?|bénéficiaires?|demandeu(?:r|se|rs|ses)|habitante?s?|seniors?|contrats?|embauches?|recrutements?|sorties?|apprentie?s?|cdi|cdd|intérimaires?|travailleu(?:r|se|rs|ses))$/i;

/**
 * The sentences of a free text (the analysis, the plan d'action) that count fewer people than the
 * threshold ("deux contrats de professionnalisation"): the tables protect such groups, so the text
 * must not reveal them. One error per sentence, naming it.
 */
export function smallGroupsInText(text: string | undefined, threshold: number, path: string, label: string): FieldError[] {
  if (!text) return [];
  const sentences = text.split(/(?<=[.!?])\s+|\n+/).filter((x) => x.trim() !== '');
  return sentences.flatMap((sentence) => {
    const words = sentence.split(/[\s\u00A0\u202F,;:()]+/);
    const small = words.some((word, i) => {
      const n = /^\d+$/.test(word) ? Number(word) : NUMBER_WORDS[word.toLowerCase()];
      return n !== undefined && n > 0 && n < threshold && words.slice(i + 1, i + 3).some((next) => PEOPLE.test(next));
    });
    return small
      ? [
          {
            path,
            type: 'confidentialite.phrase',
            message: `« ${label} » : la phrase « ${sentence.trim()} » désigne moins de ${threshold} personnes ; formulez-la sans effectif, pour qu’on ne puisse pas les reconnaître.`,
          },
        ]
      : [];
  });
}

/** Uploaded spreadsheets become the `donnees` of the input. */
export async function readBilanUploads(files: UploadedFile[]): Promise<Record<string, unknown>> {
  return { donnees: await readFollowUpFiles(files) };
}

export const BREAKDOWN_TITLES: Record<keyof Breakdowns, string> = {
  categorie: 'Publics',
  modalite: 'Modalités de mise en œuvre',
  contrat: 'Types de contrat',
  sexe: 'Femmes et hommes',
  trancheAge: 'Âge',
  residenceQpv: 'Résidence en quartier prioritaire',
  sortie: 'Situation à la sortie',
  sortie6mois: 'Situation six mois après la sortie',
};

export interface BreakdownTable {
  titre: string;
  lignes: { libelle: string; personnes: string; heures: string }[];
  vide: boolean;
}

const cellText = (line: BreakdownLine, field: 'personnes' | 'heures') => (line[field] === null ? (line.masque ? 'masqué' : '–') : formatNumber(line[field]!));

export function breakdownTables(b: Breakdowns): BreakdownTable[] {
  return (Object.keys(BREAKDOWN_TITLES) as (keyof Breakdowns)[]).map((key) => ({
    titre: BREAKDOWN_TITLES[key],
    lignes: b[key].map((l) => ({ libelle: l.libelle, personnes: cellText(l, 'personnes'), heures: cellText(l, 'heures') })),
    vide: b[key].length === 0,
  }));
}

/** The chart of the people per public category (masked cells left out). */
export function publicsChart(b: Breakdowns): DocImage | '' {
  const items = b.categorie.filter((l) => l.personnes !== null).map((l) => ({ label: l.libelle, value: l.personnes! }));
  if (items.length === 0) return '';
  return chart(breakdownSvg('Personnes par public', items), 15, `Personnes par public : ${items.map((i) => `${i.label} ${formatNumber(i.value)}`).join(', ')}.`);
}

export const monthSchema = (label: string) => Joi.string().trim().pattern(/^\d{4}-(0[1-9]|1[0-2])$/, 'un mois AAAA-MM').label(label);

const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
/** "2027-06" → "juin 2027". */
export function monthText(month: string): string {
  const m = Number(month.slice(5, 7));
  return Number.isInteger(m) && m >= 1 && m <= 12 ? `${MONTHS[m - 1]}\u00A0${month.slice(0, 4)}` : month;
}
