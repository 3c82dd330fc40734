/** Intermediate bilan of the social clause of one market. */
import { registerKind } from '../../core/registry.js';
import { slug } from '../../core/french.js';
import { fromRoot } from '../../core/paths.js';
import { facilitatorName, facilitatorContact, signatoryOfContact } from '../_shared/from-dossier.js';
import { readBilanUploads } from '../_shared/bilan.js';
import { bilanMarcheSchema, type BilanMarcheInput } from './schema.js';
import { buildBilanMarcheViewModel, checkBilanMarche, type BilanMarcheViewModel } from './view-model.js';

export const bilanMarche = registerKind<BilanMarcheInput, BilanMarcheViewModel>({
  id: 'bilan-marche',
  title: 'Bilan intermédiaire d’un marché',
  description: 'Bilan quantitatif et qualitatif de la clause d’un marché au mois d’arrêté, avec graphiques, répartitions protégées et plan d’action en cas de retard.',
  schema: bilanMarcheSchema,
  template: fromRoot('templates', 'bilan-marche', 'bilan-marche.docx'),
  example: fromRoot('fixtures', 'bilan-marche.json'),
  buildViewModel: buildBilanMarcheViewModel,
  check: checkBilanMarche,
  readUploads: readBilanUploads,
  fromDossier: (d) => ({ structurePorteuse: facilitatorName(d), signataire: signatoryOfContact(facilitatorContact(d)) }),
  fileName: (vm) => `${vm.brouillon ? 'projet-' : ''}bilan-${slug(vm.marche.reference, 40)}-${vm.dateIso}`,
});
