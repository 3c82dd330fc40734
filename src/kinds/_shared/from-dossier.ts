/**
 * What the documents that follow a convention take from its dossier: the parties, the convention's
 * reference and durations, the contacts, the DCE clause's market. The dossier holds the latest input
 * of each kind (`donnees.convention`, `donnees['clause-dce']`…); each kind picks what it needs and
 * asks only for what is new.
 */
import { capitalize } from '../../core/french.js';

type Data = Record<string, unknown>;

const object = (value: unknown): Data | undefined => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : undefined);

function pick(source: Data | undefined, keys: readonly string[]): Data | undefined {
  if (!source) return undefined;
  const out: Data = {};
  for (const k of keys) if (source[k] !== undefined) out[k] = source[k];
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Drops undefined entries so that a merge never overwrites a value with nothing. */
function compact(value: Data): Data {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

const PARTY_KEYS = ['nom', 'genre', 'formeJuridique', 'adresse', 'siret', 'telephone', 'email', 'representant', 'signataire'] as const;

export function conventionOf(dossier: Data): Data | undefined {
  return object(dossier.convention);
}

/**
 * The two parties as the convention names them. The act that authorised the convention's signatory
 * is not carried over: a later act (an avenant) needs its own.
 */
export function partiesFromDossier(dossier: Data): Data {
  const c = conventionOf(dossier);
  return compact({ donneurOrdre: pick(object(c?.donneurOrdre), PARTY_KEYS), structurePorteuse: pick(object(c?.structurePorteuse), PARTY_KEYS) });
}

/** The convention as a later document refers to it: date, reference, durations. */
export function conventionRefFromDossier(dossier: Data): Data | undefined {
  const c = conventionOf(dossier);
  if (!c) return undefined;
  const durees = object(c.durees) ?? {};
  const ref = compact({
    dateSignature: object(c.signature)?.date,
    reference: c.reference,
    dateEntreeEnVigueur: durees.dateEntreeEnVigueur,
    dureeInitialeMois: durees.dureeInitialeMois,
    reconductionTacite: durees.reconductionTacite,
    reconductionsMax: durees.reconductionsMax,
    preavisNonReconductionMois: durees.preavisNonReconductionMois,
    delaiMiseEnDemeureMois: durees.delaiMiseEnDemeureMois,
  });
  return Object.keys(ref).length > 0 ? ref : undefined;
}

/** The facilitator's contact named in the convention (its "interlocuteur"). */
export function facilitatorContact(dossier: Data): Data | undefined {
  const c = conventionOf(dossier);
  const contact = object(object(c?.interlocuteurs)?.structurePorteuse);
  const structure = object(c?.structurePorteuse)?.nom;
  if (!contact) return undefined;
  return compact({ ...pick(contact, ['civilite', 'prenom', 'nom', 'fonction', 'telephone', 'email']), structure });
}

/** The letters between partners and the avenant: both parties and the convention. */
export function partnerLetterFromDossier(dossier: Data): Data {
  return compact({ ...partiesFromDossier(dossier), convention: conventionRefFromDossier(dossier) });
}

export function buyerName(dossier: Data): string | undefined {
  const name = object(conventionOf(dossier)?.donneurOrdre)?.nom;
  return typeof name === 'string' ? name : undefined;
}

export function facilitatorName(dossier: Data): string | undefined {
  const name = object(conventionOf(dossier)?.structurePorteuse)?.nom;
  return typeof name === 'string' ? name : undefined;
}

/** The DCE clause's market, when the dossier has one. */
export function dceMarket(dossier: Data): Data | undefined {
  return object(object(dossier['clause-dce'])?.marche);
}

/** The facilitator's contact as the signatory of a bilan (civility, names, title). */
export function signatoryOfContact(contact: Data | undefined): Data | undefined {
  if (!contact) return undefined;
  const fonction = typeof contact.fonction === 'string' ? contact.fonction : undefined;
  return compact({ civilite: contact.civilite, prenom: contact.prenom, nom: contact.nom, qualite: fonction ? capitalize(fonction) : undefined });
}
