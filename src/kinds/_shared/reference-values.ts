/**
 * Reference values of the sizing rules that are not yet validated ("à valider" in the data) may sit
 * under a computed number of hours. A draft says so beside each value; a final document either
 * states them as the decision of whoever signs (the user confirms it), or is refused with a 422
 * naming them: never "(valeur à valider)" in a final document.
 */
import type { FieldError } from '../../core/errors.js';
import { flag } from '../../core/fields.js';
import type { LotResult, TraceStep } from '../../sizing/compute.js';

/** The input field by which the signer takes the reference values as its own decision. */
export const confirmationField = (who: string) =>
  flag(`Valeurs de référence retenues par ${who}`)
    .default(false)
    .description(`Cochez si ${who} retient comme sienne chaque valeur de référence du calcul qui n’est pas encore validée (part de main-d’œuvre, taux, coût horaire). Sans cela, un document final qui en dépend est refusé.`);

/** What follows a value in the calculation: nothing when sourced, else its status for this document. */
export function valueStatus(step: TraceStep, confirmed: boolean, who: string): string {
  if (step.statut !== 'a-valider') return '';
  return confirmed ? ` (valeur retenue par ${who})` : ' (valeur à valider)';
}

/** One error per lot whose hours rest on values still to validate, unless the signer confirmed them. */
export function unconfirmedValues(lots: { result: LotResult; path: string }[], confirmed: boolean, who: string, label: string, alternative = ''): FieldError[] {
  if (confirmed) return [];
  return lots.flatMap(({ result, path }) => {
    const steps = result.trace.filter((s) => s.statut === 'a-valider' && s.valeur);
    if (steps.length === 0) return [];
    const values = steps.map((s) => `${s.etape.toLowerCase()} ${s.valeur}`).join(' ; ');
    return [
      {
        path,
        type: 'reference.aValider',
        message: `Lot ${result.numero} : le calcul des heures repose sur des valeurs de référence à valider (${values}). Confirmez-les comme décision de ${who} (« ${label} »)${alternative}.`,
      },
    ];
  });
}
