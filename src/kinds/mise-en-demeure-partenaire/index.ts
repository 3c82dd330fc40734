/** Formal notice from one party of the convention to the other to perform its commitments. */
import { registerKind } from '../../core/registry.js';
import { slug } from '../../core/french.js';
import { fromRoot } from '../../core/paths.js';
import { partnerLetterFromDossier } from '../_shared/from-dossier.js';
import { miseEnDemeurePartenaireSchema, type MiseEnDemeurePartenaireInput } from './schema.js';
import { buildMiseEnDemeurePartenaireViewModel, type MiseEnDemeurePartenaireViewModel } from './view-model.js';

export const miseEnDemeurePartenaire = registerKind<MiseEnDemeurePartenaireInput, MiseEnDemeurePartenaireViewModel>({
  id: 'mise-en-demeure-partenaire',
  title: 'Mise en demeure entre partenaires',
  description: 'Lettre recommandée mettant l’autre partie de la convention en demeure d’exécuter ses engagements dans le délai prévu, avant une éventuelle résiliation.',
  schema: miseEnDemeurePartenaireSchema,
  template: fromRoot('templates', 'mise-en-demeure-partenaire', 'mise-en-demeure-partenaire.docx'),
  example: fromRoot('fixtures', 'mise-en-demeure-partenaire.json'),
  buildViewModel: buildMiseEnDemeurePartenaireViewModel,
  fromDossier: partnerLetterFromDossier,
  fileName: (vm) => `${vm.brouillon ? 'projet-' : ''}mise-en-demeure-${slug(vm.destinataire.nom, 40)}-${vm.dateIso}`,
});
