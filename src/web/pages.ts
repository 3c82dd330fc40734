/** The French web pages: the list of documents and each kind's form (mustache templates in templates/web). */
import { readFileSync } from 'node:fs';
import Mustache from 'mustache';
import type Joi from 'joi';
import type { FieldError } from '../core/errors.js';
import type { BaseViewModel, DocumentKind } from '../core/kind.js';
import { typography } from '../core/french.js';
import { markerAt } from '../core/field-names.js';
import { fromRoot } from '../core/paths.js';
import { getFormat } from '../formats/index.js';
import type { calendarView, documentRow, Deadline, DossierSummary } from './dossiers.js';
import { formModel } from './form.js';
import type { Proposal } from './proposals.js';
import type { SizingView } from './sizing.js';

/**
 * French typography of the templates' own words, done once when they are read: a no-break space
 * before « : » and inside guillemets, a narrow one before « ; ! ? ». Only the text between tags is
 * touched, never a tag, an attribute or a mustache tag.
 */
export function frenchTemplate(source: string): string {
  return source
    .split(/(<[^>]*>|\{\{[^}]*\}\}\}?)/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part
            .replace(/ :(?=\s|$)/g, '\u00A0:')
            .replace(/ ([;!?])(?=\s|$)/g, '\u202F$1')
            .replace(/« /g, '«\u00A0')
            .replace(/ »/g, '\u00A0»'),
    )
    .join('');
}

const read = (name: string) => frenchTemplate(readFileSync(fromRoot('templates', 'web', name), 'utf8'));
const templates = {
  layout: read('layout.mustache'),
  index: read('index.mustache'),
  form: read('form.mustache'),
  section: read('section.mustache'),
  error: read('error.mustache'),
  login: read('login.mustache'),
  dossiers: read('dossiers.mustache'),
  dossier: read('dossier.mustache'),
  calendar: read('calendrier.mustache'),
  sizing: read('dimensionnement.mustache'),
  job: read('lot.mustache'),
};

/** The signed-in organisation and the CSRF token that every form of the page carries. */
export interface WebSession {
  organisation: string;
  csrf: string;
}

/** `refresh`: seconds after which a browser without script reloads the page (a job in progress). */
function page(title: string, content: string, session?: WebSession, refresh?: number): string {
  return Mustache.render(templates.layout, { titre: title, contenu: content, session, rafraichir: refresh });
}

/** A document produced in the background (a job of one document): its progress, then its link. */
export interface JobPageModel {
  id: string;
  /** The kind's title: « Bilan annuel… ». */
  titre: string;
  kind: string;
  /** In French: « En attente », « En cours », « Terminé », « Échec ». */
  statut: string;
  faits: number;
  total: number;
  /** « 0 sur 1 ». */
  progression: string;
  termine: boolean;
  enCours: boolean;
  telechargement?: { url: string; nom: string; format: string };
  erreurs: string[];
  message: string;
}

export function jobPage(model: JobPageModel, session?: WebSession): string {
  const content = Mustache.render(templates.job, {
    ...model,
    erreurs: model.erreurs.map((e) => typography(e)),
    avecErreurs: model.erreurs.length > 0,
    message: model.message ? typography(model.message) : '',
  });
  return page(`Production en arrière-plan – ${model.titre}`, content, session, model.enCours ? 3 : undefined);
}

/** The home page: the signed-in organisation's dossiers (when the service keeps them), then the kinds. */
export function indexPage(kinds: DocumentKind<unknown, BaseViewModel>[], session?: WebSession, dossiers?: DossierSummary[]): string {
  const list = dossiers ? Mustache.render(templates.dossiers, dossierListModel(dossiers, true)) : '';
  return page('Accueil', Mustache.render(templates.index, { types: kinds, dossiers: list, avecDossiers: Boolean(dossiers) }), session);
}

function dossierListModel(dossiers: DossierSummary[], onHome: boolean) {
  return { dossiers, aucun: dossiers.length === 0, accueil: onHome };
}

/** /dossiers: the organisation's dossiers alone. */
export function dossiersPage(dossiers: DossierSummary[], session?: WebSession): string {
  return page('Vos dossiers', Mustache.render(templates.dossiers, dossierListModel(dossiers, false)), session);
}

export interface DossierPageModel {
  id: string;
  titre: string;
  etat: string;
  faits: { libelle: string; valeur: string }[];
  echeances: Deadline[];
  calendrier: boolean;
  documents: ReturnType<typeof documentRow>[];
  generer: { url: string; libelle: string }[];
  /** Kinds whose latest input the dossier keeps (besides the convention). */
  saisies: string[];
}

export function dossierPage(model: DossierPageModel, session?: WebSession): string {
  return page(model.titre, Mustache.render(templates.dossier, { ...model, aucunDocument: model.documents.length === 0, bientot: model.echeances.filter((e) => e.bientot) }), session);
}

export function calendarPage(dossier: { id: string; titre: string }, view: ReturnType<typeof calendarView> | undefined, query: { reception?: string; saisine?: string; delaiMiseEnDemeure: string }, session?: WebSession, errors: { message: string }[] = []): string {
  return page(
    `Calendrier – ${dossier.titre}`,
    Mustache.render(templates.calendar, { dossier, vue: view, sansVue: !view, requete: query, erreurs: errors, avecErreurs: errors.length > 0 }),
    session,
  );
}

export interface SizingPageState {
  values?: Record<string, unknown>;
  errors?: FieldError[];
  problem?: { title: string; detail: string };
  result?: SizingView;
  /** The data the result sends to an avis motivé's form, as JSON. */
  avisMotive?: string;
  /** The data the result sends to a DCE clause's form, as JSON. */
  clauseDce?: string;
  dossiers?: { id: string; titre: string }[];
  session?: WebSession;
}

/** /dimensionnement: the sizing form of a purchase project, and its result step by step. */
export function sizingPage(schema: Joi.ObjectSchema, state: SizingPageState = {}): string {
  const form = formModel(schema, state.values ?? {}, state.errors ?? []);
  const content = Mustache.render(
    templates.sizing,
    {
      formulaire: form,
      resume: form.summary,
      probleme: state.problem,
      resultat: state.result,
      avisMotive: state.avisMotive,
      clauseDce: state.clauseDce,
      dossiers: state.dossiers ?? [],
      avecDossiers: (state.dossiers ?? []).length > 0,
      csrf: state.session?.csrf,
    },
    { section: templates.section },
  );
  return page('Dimensionner les heures d’insertion', content, state.session);
}

export function loginPage(error?: string): string {
  return page('Connexion', Mustache.render(templates.login, { erreur: error }));
}

export interface FormPageState {
  values?: Record<string, unknown>;
  /** Data of the sections not shown in the form (sent along as JSON), e.g. an example's follow-up records. */
  hidden?: Record<string, unknown>;
  errors?: FieldError[];
  problem?: { title: string; detail: string };
  format?: string;
  mode?: string;
  session?: WebSession;
  /** The dossier the form starts from: its documents are attached to it. */
  dossier?: { id: string; titre: string };
  /** Offer « Enregistrer le brouillon » (the convention, when the service keeps dossiers). */
  saveDraft?: boolean;
  /** Offer « Produire en arrière-plan » (when the service keeps organisations' work and runs jobs). */
  background?: boolean;
  /** « Aperçu »: the draft's HTML shown in the page, and the fields it shows to complete. */
  preview?: { html: string; missing: FieldError[] };
  /** The errors of uploaded files that could not be read, shown beside the file input. */
  fileErrors?: string[];
  /** What the page keeps of the files sent before (the hidden data), said beside the file input. */
  keptNote?: string;
  /** Values proposed by the server (already in `values`), marked beside their fields. */
  proposals?: Proposal[];
  /** « Générer » stopped so that the proposals are checked first: they are listed at the top. */
  checkProposals?: boolean;
}

/** The note beside a proposed field: « Proposé d’après la qualité « Directrice générale » : vérifiez. » */
export function proposalNote(p: Proposal): string {
  return `Proposé ${p.from} « ${p.source} » : vérifiez ou changez ce choix.`;
}

export function formPage(kind: DocumentKind<unknown, BaseViewModel>, formats: string[], state: FormPageState = {}): string {
  // The fields a preview shows to complete are highlighted like errors, and listed as links to them.
  const proposals = state.proposals ?? [];
  const notes = new Map(proposals.map((p) => [p.path, proposalNote(p)]));
  const form = formModel(kind.schema as Joi.ObjectSchema, state.values ?? {}, state.errors ?? state.preview?.missing ?? [], notes);
  // The proposals to check before « Générer », each linked to its field, as the error summary lists errors.
  const toCheck = state.checkProposals && proposals.length > 0
    ? formModel(kind.schema as Joi.ObjectSchema, state.values ?? {}, proposals.map((p) => ({ path: p.path, type: 'proposition', message: `${p.label}, proposé ${p.from} « ${p.source} ».` }))).summary
    : [];
  const preview = state.preview
    ? {
        html: state.preview.html,
        nombre: typography(state.preview.missing.length === 1 ? '1 champ à compléter :' : `${state.preview.missing.length} champs à compléter :`),
        manquants: formModel(kind.schema as Joi.ObjectSchema, state.values ?? {}, state.preview.missing).summary.map((entry) => ({ ...entry, marqueur: markerAt(kind.schema, entry.path) })),
      }
    : undefined;
  const content = Mustache.render(
    templates.form,
    {
      apercu: preview,
      type: { id: kind.id, title: kind.title, description: kind.description },
      formulaire: form,
      resume: form.summary,
      probleme: state.problem,
      brouillon: state.mode === 'draft',
      formats: formats.map((id) => ({ id, label: getFormat(id).label, selected: id === (state.format ?? 'pdf') })),
      donneesMasquees: state.hidden && Object.keys(state.hidden).length > 0 ? JSON.stringify(state.hidden) : '',
      tableur: Boolean(kind.readUploads),
      erreursFichiers: (state.fileErrors ?? []).map((e) => typography(e)),
      fichiersConserves: state.keptNote ?? '',
      descriptionFichiers: ['champ-donnees-aide', state.keptNote ? 'champ-donnees-conserves' : '', state.fileErrors?.length ? 'champ-donnees-erreur' : ''].filter(Boolean).join(' '),
      csrf: state.session?.csrf,
      dossier: state.dossier,
      enregistrer: state.saveDraft === true,
      arrierePlan: state.background === true,
      propositions: toCheck.length > 0 ? { liste: toCheck, une: toCheck.length === 1 } : undefined,
    },
    { section: templates.section },
  );
  return page(kind.title, content, state.session);
}

/** The page a browser gets for an error outside the forms (the API answers problem+json). */
export function errorPage(problem: { title: string; detail: string; errors: FieldError[]; requestId?: string }): string {
  return page(problem.title, Mustache.render(templates.error, { probleme: problem }));
}
