/**
 * Article numbering done by the generator: the articles of a document are listed in order, optional
 * ones with their condition, and each present article gets the next roman numeral. Templates print
 * `{{art.<id>}}` in headings and in cross-references alike, so references always follow the numbering.
 */
import { romanNumeral } from './french.js';

export type ArticlePlan = readonly (readonly [id: string, present: boolean])[];

export function numberArticles(plan: ArticlePlan): Record<string, string> {
  const numbers: Record<string, string> = {};
  let n = 0;
  for (const [id, present] of plan) {
    if (id in numbers) throw new Error(`Article "${id}" is listed twice`);
    numbers[id] = present ? romanNumeral(++n) : '';
  }
  return numbers;
}
