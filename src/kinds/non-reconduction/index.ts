/** Notice not to renew the partnership convention, sent by one party to the other. */
import { registerKind } from '../../core/registry.js';
import { slug } from '../../core/french.js';
import { fromRoot } from '../../core/paths.js';
import { partnerLetterFromDossier } from '../_shared/from-dossier.js';
import { nonReconductionSchema, type NonReconductionInput } from './schema.js';
import { buildNonReconductionViewModel, checkNonReconduction, type NonReconductionViewModel } from './view-model.js';

export const nonReconduction = registerKind<NonReconductionInput, NonReconductionViewModel>({
  id: 'non-reconduction',
  title: 'Notification de non-reconduction',
  description: 'Lettre recommandée par laquelle une partie notifie à l’autre sa décision de ne pas reconduire la convention, avec le terme et la date limite calculés.',
  schema: nonReconductionSchema,
  template: fromRoot('templates', 'non-reconduction', 'non-reconduction.docx'),
  example: fromRoot('fixtures', 'non-reconduction.json'),
  buildViewModel: buildNonReconductionViewModel,
  check: checkNonReconduction,
  fromDossier: partnerLetterFromDossier,
  fileName: (vm) => `${vm.brouillon ? 'projet-' : ''}non-reconduction-${slug(vm.destinataire.nom, 40)}-${vm.dateIso}`,
});
