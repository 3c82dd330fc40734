/** The French web pages: the list of documents and each kind's form (mustache templates in templates/web). */
import { readFileSync } from 'node:fs';
import Mustache from 'mustache';
import type Joi from 'joi';
import type { FieldError } from '../core/errors.js';
import type { BaseViewModel, DocumentKind } from '../core/kind.js';
import { fromRoot } from '../core/paths.js';
import { getFormat } from '../formats/index.js';
import { formModel } from './form.js';

const read = (name: string) => readFileSync(fromRoot('templates', 'web', name), 'utf8');
const templates = {
  layout: read('layout.mustache'),
  index: read('index.mustache'),
  form: read('form.mustache'),
  section: read('section.mustache'),
  error: read('error.mustache'),
  login: read('login.mustache'),
};

/** The signed-in organisation and the CSRF token that every form of the page carries. */
export interface WebSession {
  organisation: string;
  csrf: string;
}

function page(title: string, content: string, session?: WebSession): string {
  return Mustache.render(templates.layout, { titre: title, contenu: content, session });
}

export function indexPage(kinds: DocumentKind<unknown, BaseViewModel>[], session?: WebSession): string {
  return page('Accueil', Mustache.render(templates.index, { types: kinds }), session);
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
}

export function formPage(kind: DocumentKind<unknown, BaseViewModel>, formats: string[], state: FormPageState = {}): string {
  const form = formModel(kind.schema as Joi.ObjectSchema, state.values ?? {}, state.errors ?? []);
  const content = Mustache.render(
    templates.form,
    {
      type: { id: kind.id, title: kind.title, description: kind.description },
      formulaire: form,
      resume: form.summary,
      probleme: state.problem,
      brouillon: state.mode === 'draft',
      formats: formats.map((id) => ({ id, label: getFormat(id).label, selected: id === (state.format ?? 'pdf') })),
      donneesMasquees: state.hidden && Object.keys(state.hidden).length > 0 ? JSON.stringify(state.hidden) : '',
      tableur: Boolean(kind.readUploads),
      csrf: state.session?.csrf,
    },
    { section: templates.section },
  );
  return page(kind.title, content, state.session);
}

/** The page a browser gets for an error outside the forms (the API answers problem+json). */
export function errorPage(problem: { title: string; detail: string; errors: FieldError[]; requestId?: string }): string {
  return page(problem.title, Mustache.render(templates.error, { probleme: problem }));
}
