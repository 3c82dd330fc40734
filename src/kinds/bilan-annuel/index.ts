/** Annual overall bilan of the social clauses of a buyer. */
import { registerKind } from '../../core/registry.js';
import { slug } from '../../core/french.js';
import { fromRoot } from '../../core/paths.js';
import { facilitatorName, facilitatorContact, buyerName, signatoryOfContact } from '../_shared/from-dossier.js';
import { readBilanUploads } from '../_shared/bilan.js';
import { bilanAnnuelSchema, type BilanAnnuelInput } from './schema.js';
import { buildBilanAnnuelViewModel, checkBilanAnnuel, type BilanAnnuelViewModel } from './view-model.js';

export const bilanAnnuel = registerKind<BilanAnnuelInput, BilanAnnuelViewModel>({
  id: 'bilan-annuel',
  title: 'Bilan annuel global',
  description: 'Bilan annuel des clauses sociales d’un acheteur : heures, personnes, sorties, marchés en retard, graphiques et répartitions protégées.',
  schema: bilanAnnuelSchema,
  template: fromRoot('templates', 'bilan-annuel', 'bilan-annuel.docx'),
  example: fromRoot('fixtures', 'bilan-annuel.json'),
  buildViewModel: buildBilanAnnuelViewModel,
  check: checkBilanAnnuel,
  readUploads: readBilanUploads,
  fromDossier: (d) => ({ structurePorteuse: facilitatorName(d), acheteur: buyerName(d), signataire: signatoryOfContact(facilitatorContact(d)) }),
  fileName: (vm) => `${vm.brouillon ? 'projet-' : ''}bilan-annuel-${slug(vm.annee, 10)}-${slug(vm.acheteur, 40)}`,
});
