/** The partnership convention between a public buyer and the facilitator carrying the social clause. */
import { registerKind } from '../../core/registry.js';
import { slug } from '../../core/french.js';
import { fromRoot } from '../../core/paths.js';
import { conventionSchema, type ConventionInput } from './schema.js';
import { buildConventionViewModel, type ConventionViewModel } from './view-model.js';

export const convention = registerKind<ConventionInput, ConventionViewModel>({
  id: 'convention',
  title: 'Convention de partenariat',
  description:
    'Convention entre un donneur d’ordre public et la structure porteuse de la clause sociale pour développer les achats socialement responsables.',
  schema: conventionSchema,
  template: fromRoot('templates', 'convention', 'convention.docx'),
  example: fromRoot('fixtures', 'convention.json'),
  buildViewModel: buildConventionViewModel,
  fileName: (vm) => `${vm.brouillon ? 'projet-' : ''}convention-partenariat-${slug(vm.donneurOrdre.nom, 40)}-${vm.dateIso}`,
});
