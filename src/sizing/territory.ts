/**
 * Where a market is executed, compared with the facilitator's territory: a market outside it, or
 * across several departments, is followed with the regional coordinator (model convention, art. III).
 */
import type { TerritoryInput } from './schema.js';

/** Department of an INSEE commune code: "80620" → "80", "2A004" → "2A", "97411" → "974". */
export function departmentOf(insee: string): string {
  if (insee.startsWith('97') || insee.startsWith('98')) return insee.slice(0, 3);
  return insee.slice(0, 2);
}

export interface TerritoryAssessment {
  departementsExecution: string[];
  horsTerritoire: boolean;
  multiTerritoire: boolean;
  coordinateurRegional: boolean;
  motif: string;
}

export function assessTerritory(t: TerritoryInput): TerritoryAssessment {
  const departments = [...new Set([...t.departements, ...t.communesInsee.map(departmentOf)])].sort();
  const structure = t.structure;
  let outside: string[] = [];
  if (structure && (structure.communesInsee.length > 0 || structure.departements.length > 0)) {
    const ownCommunes = new Set(structure.communesInsee);
    const ownDepartments = new Set([...structure.departements, ...structure.communesInsee.map(departmentOf)]);
    const communesOutside = t.communesInsee.filter((c) => !(ownCommunes.has(c) || structure.departements.includes(departmentOf(c))));
    const departmentsOutside = t.departements.filter((d) => !ownDepartments.has(d));
    outside = [...communesOutside, ...departmentsOutside];
  }
  const multi = departments.length > 1;
  const horsTerritoire = outside.length > 0;
  const motifs: string[] = [];
  if (horsTerritoire) motifs.push(`exécution hors du territoire de la structure porteuse (${outside.join(', ')})`);
  if (multi) motifs.push(`exécution sur plusieurs départements (${departments.join(', ')})`);
  return {
    departementsExecution: departments,
    horsTerritoire,
    multiTerritoire: multi,
    coordinateurRegional: horsTerritoire || multi,
    motif:
      motifs.length > 0
        ? `Suivi à organiser avec le coordinateur régional et les facilitateurs concernés : ${motifs.join(' ; ')}.`
        : departments.length > 0 || structure
          ? 'Marché exécuté sur le territoire de la structure porteuse : suivi par son facilitateur.'
          : 'Lieu d’exécution non précisé : le suivi territorial reste à déterminer.',
  };
}
