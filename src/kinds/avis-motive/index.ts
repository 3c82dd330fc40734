/** The facilitator's reasoned opinion on a purchase project sheet, sized by the rules. */
import { registerKind } from '../../core/registry.js';
import { slug } from '../../core/french.js';
import { fromRoot } from '../../core/paths.js';
import { partiesFromDossier, buyerName } from '../_shared/from-dossier.js';
import { avisMotiveSchema, type AvisMotiveInput } from './schema.js';
import { buildAvisMotiveViewModel, checkAvisMotive, type AvisMotiveViewModel } from './view-model.js';

export const avisMotive = registerKind<AvisMotiveInput, AvisMotiveViewModel>({
  id: 'avis-motive',
  title: 'Avis motivé sur un projet d’achat',
  description: 'Avis de la structure porteuse sur la fiche descriptive d’un projet d’achat : opportunité d’une clause par lot, levier, heures calculées et leur calcul.',
  schema: avisMotiveSchema,
  template: fromRoot('templates', 'avis-motive', 'avis-motive.docx'),
  example: fromRoot('fixtures', 'avis-motive.json'),
  buildViewModel: buildAvisMotiveViewModel,
  check: checkAvisMotive,
  fromDossier: (d) => ({ structurePorteuse: partiesFromDossier(d).structurePorteuse, donneurOrdre: buyerName(d) ? { nom: buyerName(d) } : undefined }),
  fileName: (vm) => `${vm.brouillon ? 'projet-' : ''}avis-motive-${slug(vm.projet.intitule, 40)}-${vm.dateIso}`,
});
