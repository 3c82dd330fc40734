/** An avenant to the partnership convention. */
import { registerKind } from '../../core/registry.js';
import { slug } from '../../core/french.js';
import { fromRoot } from '../../core/paths.js';
import { partnerLetterFromDossier } from '../_shared/from-dossier.js';
import { avenantSchema, type AvenantInput } from './schema.js';
import { buildAvenantViewModel, checkAvenant, type AvenantViewModel } from './view-model.js';

export const avenant = registerKind<AvenantInput, AvenantViewModel>({
  id: 'avenant',
  title: 'Avenant à la convention de partenariat',
  description: 'Avenant numéroté qui remplace, complète ou supprime des articles de la convention, les autres stipulations restant inchangées.',
  schema: avenantSchema,
  template: fromRoot('templates', 'avenant', 'avenant.docx'),
  example: fromRoot('fixtures', 'avenant.json'),
  buildViewModel: buildAvenantViewModel,
  check: checkAvenant,
  fromDossier: partnerLetterFromDossier,
  fileName: (vm) => `${vm.brouillon ? 'projet-' : ''}avenant-${slug(vm.numero, 10)}-convention-${slug(vm.donneurOrdre.nom, 40)}-${vm.dateIso}`,
});
