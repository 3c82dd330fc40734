/**
 * The annual bilan of a large facilitator: a year of `rows` follow-up records over `markets`
 * markets, synthetic and reproducible (a seeded generator), as the body of POST
 * /api/v1/documents/bilan-annuel.
 */

/** A deterministic pseudo-random generator (mulberry32), so that every run measures the same data. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One buyer's year: `markets` markets and `rows` follow-up records spread over them. */
function largeYear(rows: number, markets: number, acheteur: string) {
  const r = random(42);
  const pick = <T>(items: readonly T[]) => items[Math.floor(r() * items.length)]!;
  const marches = Array.from({ length: markets }, (_, i) => ({
    reference: `M-${String(i + 1).padStart(4, '0')}`,
    acheteur,
    titulaire: `Entreprise ${i + 1}`,
    objectifHeures: 200 + Math.floor(r() * 5000),
    dateDebut: `2027-${String(1 + Math.floor(r() * 6)).padStart(2, '0')}-01`,
    dateFin: `2028-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-28`,
  }));
  const suivi = Array.from({ length: rows }, (_, i) => ({
    marche: marches[i % markets]!.reference,
    personne: `P${Math.floor(r() * rows * 0.12)}`,
    mois: `2027-${String(7 + Math.floor(r() * 6)).padStart(2, '0')}`,
    heures: 20 + Math.floor(r() * 130),
    heuresFormation: pick([0, 0, 0, 7, 14]),
    modalite: pick(['embauche-directe', 'mise-a-disposition', 'sous-traitance']),
    contrat: pick(['cdd', 'cdi', 'interim', 'insertion', 'apprentissage']),
    categorie: pick(['deld', 'rsa', 'jeune', 'senior', 'th', 'siae', 'qpv']),
    sexe: pick(['F', 'M']),
    trancheAge: pick(['moins-26', '26-49', '50-plus']),
    residenceQpv: r() < 0.3,
    ...(r() < 0.1 ? { sortie: pick(['emploi-durable', 'emploi-transition', 'sortie-positive', 'autre']) } : {}),
  }));
  return { marches, suivi };
}

/**
 * The JSON body of the annual bilan of `rows` records over `markets` markets: the fixture's
 * parties, signatory and year (`base`, fixtures/bilan-annuel.json), with the synthetic data.
 */
export function largeBilanBody(base: Record<string, unknown>, rows: number, markets: number): Buffer {
  const acheteur = typeof base.acheteur === 'string' ? base.acheteur : 'Métropole exemple';
  return Buffer.from(JSON.stringify({ ...base, annee: 2027, donnees: largeYear(rows, markets, acheteur) }));
}
