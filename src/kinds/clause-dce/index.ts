/** The social clause of the tender documents: CCAP article, RC article and the bidder's engagement annex. */
import { registerKind } from '../../core/registry.js';
import { slug } from '../../core/french.js';
import { fromRoot } from '../../core/paths.js';
import { buyerName, facilitatorContact } from '../_shared/from-dossier.js';
import { clauseDceSchema, type ClauseDceInput } from './schema.js';
import { buildClauseDceViewModel, checkClauseDce, type ClauseDceViewModel } from './view-model.js';

export const clauseDce = registerKind<ClauseDceInput, ClauseDceViewModel>({
  id: 'clause-dce',
  title: 'Clause sociale du dossier de consultation',
  description:
    'Article « Action d’insertion professionnelle » du CCAP, article du règlement de la consultation et annexe d’engagement du soumissionnaire, dimensionnés par les règles.',
  schema: clauseDceSchema,
  template: fromRoot('templates', 'clause-dce', 'clause-dce.docx'),
  example: fromRoot('fixtures', 'clause-dce.json'),
  buildViewModel: buildClauseDceViewModel,
  check: checkClauseDce,
  fromDossier: (d) => ({ acheteur: buyerName(d) ? { nom: buyerName(d) } : undefined, facilitateur: facilitatorContact(d) }),
  fileName: (vm) => `${vm.brouillon ? 'projet-' : ''}clause-sociale-dce-${slug(vm.document.reference, 40)}`,
});
