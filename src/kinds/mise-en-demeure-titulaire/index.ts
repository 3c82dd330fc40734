/** Formal notice from the buyer to a contract holder that does not deliver its insertion hours. */
import { registerKind } from '../../core/registry.js';
import { slug } from '../../core/french.js';
import { fromRoot } from '../../core/paths.js';
import { partiesFromDossier, facilitatorContact, dceMarket } from '../_shared/from-dossier.js';
import { miseEnDemeureTitulaireSchema, type MiseEnDemeureTitulaireInput } from './schema.js';
import { buildMiseEnDemeureTitulaireViewModel, checkMiseEnDemeureTitulaire, type MiseEnDemeureTitulaireViewModel } from './view-model.js';

export const miseEnDemeureTitulaire = registerKind<MiseEnDemeureTitulaireInput, MiseEnDemeureTitulaireViewModel>({
  id: 'mise-en-demeure-titulaire',
  title: 'Mise en demeure du titulaire d’un marché',
  description: 'Lettre recommandée de l’acheteur au titulaire qui ne réalise pas ses heures d’insertion : décompte, rattrapage, pénalité calculée, observations.',
  schema: miseEnDemeureTitulaireSchema,
  template: fromRoot('templates', 'mise-en-demeure-titulaire', 'mise-en-demeure-titulaire.docx'),
  example: fromRoot('fixtures', 'mise-en-demeure-titulaire.json'),
  buildViewModel: buildMiseEnDemeureTitulaireViewModel,
  check: checkMiseEnDemeureTitulaire,
  fromDossier: (d) => {
    const market = dceMarket(d);
    const contact = facilitatorContact(d);
    return {
      acheteur: partiesFromDossier(d).donneurOrdre,
      facilitateur: contact ? { civilite: contact.civilite, prenom: contact.prenom, nom: contact.nom, structure: contact.structure, email: contact.email } : undefined,
      marche: market ? { objet: market.objet, reference: market.reference, articleCcap: market.articleCcap } : undefined,
    };
  },
  fileName: (vm) => `${vm.brouillon ? 'projet-' : ''}mise-en-demeure-titulaire-${slug(vm.titulaire.nom, 40)}-${vm.dateIso}`,
});
