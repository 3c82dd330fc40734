/**
 * Command line of the sizing rules:
 *
 *   npm run size -- <donnees.json> [--json]
 *
 * Prints the hours per lot, the levers, the warnings and the calculation trace in French, or the
 * whole result as JSON. Exit codes: 0, 2 for bad usage or bad data (French messages per field).
 */
import { parseArgs } from 'node:util';
import { readJson, reportError } from '../cli-support.js';
import { formatAmount, formatNumber } from '../core/french.js';
import { dimensionner, type SizingResult } from './index.js';

function report(r: SizingResult): string {
  const lines: string[] = [];
  lines.push(`Dimensionnement des heures d’insertion (référentiel ${r.referentiel.version}, valeurs au ${r.referentiel.dateReference})`);
  for (const lot of r.lots) {
    lines.push('');
    lines.push(`Lot ${lot.numero} – ${lot.intitule} (${lot.famille.libelle})`);
    if (lot.clause) {
      lines.push(`  ${formatNumber(lot.heures!)} heures d’insertion (${formatNumber(lot.heuresNonArrondies!)} avant arrondi, ${formatNumber(lot.heuresParMilleEuros!)} h par millier d’euros HT)`);
      if (lot.heuresParTranche) lines.push(`  ${lot.heuresParTranche.texte}`);
      if (lot.penalite) lines.push(`  Pénalité recommandée : ${formatAmount(lot.penalite.parHeure)} par heure non réalisée`);
    } else {
      lines.push(`  Pas de clause en heures : ${lot.sansClause!.motif}`);
      for (const other of lot.sansClause!.autresLeviers) lines.push(`  Autre levier : ${other}`);
    }
    for (const lever of lot.leviers.filter((l) => l.recommande)) lines.push(`  Levier recommandé${lever.obligatoire ? ' (obligatoire)' : ''} : ${lever.libelle} – ${lever.article}`);
    for (const w of lot.avertissements) lines.push(`  Attention : ${w}`);
    lines.push('  Calcul :');
    for (const step of lot.trace) lines.push(`    ${step.etape} : ${step.calcul ? `${step.calcul} = ` : ''}${step.valeur}${step.statut === 'a-valider' ? ' (valeur à valider)' : ''}`);
  }
  lines.push('');
  lines.push(`Total : ${formatNumber(r.total.heures)} heures pour ${formatAmount(r.total.montantHT)} HT (${r.total.lotsAvecClause} lot(s) avec clause, ${r.total.lotsSansClause} sans)`);
  lines.push(`Territoire : ${r.territoire.motif}`);
  lines.push(`Obligation (${r.obligation.article}) : ${r.obligation.motif}`);
  return lines.join('\n');
}

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  const file = positionals[0];
  if (!file) {
    console.error('Usage : npm run size -- <donnees.json> [--json]');
    return 2;
  }
  const data = readJson(file);
  if (data === undefined) return 2;
  try {
    const result = dimensionner(data);
    console.log(values.json ? JSON.stringify(result, null, 2) : report(result));
    return 0;
  } catch (error) {
    return reportError(error);
  }
}

process.exitCode = main(process.argv.slice(2));
