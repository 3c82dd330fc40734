/**
 * Reading a document's data from a request: a JSON body, or a multipart form whose fields are named
 * with dotted paths ("donneurOrdre.adresse.commune") and/or carry an uploaded JSON file ("donnees").
 * Any other content type is refused with 415. Limits give 413.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import { DEFAULT_INPUT_LIMITS, type InputLimits } from '../config.js';
import { InvalidInputError, UnsupportedMediaTypeError } from '../core/errors.js';
import { nestFields, parseJson } from '../core/input-guard.js';
import type { UploadedFile } from '../core/uploads.js';

/** Field names used by the form and the API besides the data. */
export const CONTROL_FIELDS = new Set(['format', 'mode', 'donnees', '_csrf', '_ajouter', '_retirer', '_action', '_dossier', '_arrierePlan']);

/** {"a.b": "x", "a.c": "y", "l.0": "z"} → {a: {b: "x", c: "y"}, l: ["z"]}, the control fields left out. */
export function unflatten(fields: Record<string, unknown>): Record<string, unknown> {
  return nestFields(Object.fromEntries(Object.entries(fields).filter(([name]) => !CONTROL_FIELDS.has(name))));
}

/**
 * Deep merge where the fields typed in a form win over an uploaded file: lists merge item by item,
 * and a field left empty in the form keeps the file's value.
 */
export function merge(base: unknown, over: unknown): unknown {
  if (over === undefined || over === '') return base;
  if (Array.isArray(base) && Array.isArray(over)) {
    return Array.from({ length: Math.max(base.length, over.length) }, (_, i) => merge(base[i], over[i]));
  }
  if (base && over && typeof base === 'object' && typeof over === 'object' && !Array.isArray(base) && !Array.isArray(over)) {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(over as Record<string, unknown>)) out[k] = merge(out[k], v);
    return out;
  }
  return over;
}

/** Reads uploaded files other than JSON (spreadsheets…) into part of the data. */
export type UploadReader = (files: UploadedFile[]) => Promise<Record<string, unknown>>;

/** The upload as the domain sees it: nothing of multer's shape goes further than this file. */
const uploaded = (file: Express.Multer.File): UploadedFile => ({
  field: file.fieldname,
  name: file.originalname,
  mediaType: file.mimetype,
  bytes: file.buffer,
});

const isJsonFile = (file: Express.Multer.File) =>
  /json/i.test(file.mimetype) || /\.json$/i.test(file.originalname) || (file.mimetype === 'application/octet-stream' && !/\.(csv|xlsx)$/i.test(file.originalname));

/**
 * The data of a multipart request: the uploaded or pasted JSON, the uploaded spreadsheets when the
 * route reads them, and the named fields over all of it.
 */
export async function multipartData(req: Request, readUploads?: UploadReader): Promise<unknown> {
  const files = (req.files as Express.Multer.File[] | undefined) ?? [];
  const body = (req.body ?? {}) as Record<string, unknown>;
  let base: unknown = {};
  const json = files.filter(isJsonFile);
  const others = files.filter((f) => !isJsonFile(f));
  if (json.length > 1) {
    throw new InvalidInputError('Un seul fichier JSON est attendu.', [{ path: json[1]!.fieldname, type: 'file.count', message: 'Envoyez un seul fichier JSON de données.' }]);
  }
  if (others.length > 0 && !readUploads) {
    const file = others[0]!;
    throw new UnsupportedMediaTypeError('Le fichier envoyé n’est pas un fichier JSON.', [
      { path: file.fieldname, type: 'file.type', message: `Le fichier « ${file.originalname} » (${file.mimetype}) n’est pas un fichier JSON (.json).` },
    ]);
  }
  if (json[0]) {
    base = parseJson(json[0].buffer.toString('utf8').replace(/^\uFEFF/, ''), `Le fichier « ${json[0].originalname} »`, json[0].fieldname);
  } else if (typeof body.donnees === 'string' && body.donnees.trim() !== '') {
    base = parseJson(body.donnees, 'Le champ « donnees »', 'donnees');
  }
  if (others.length > 0) {
    // What the spreadsheets give (the follow-up data) replaces the same keys of the JSON: rows of two
    // sources are never mixed one by one (a shorter file would keep the old rows after its own).
    const read = await readUploads!(others.map(uploaded));
    base = base && typeof base === 'object' && !Array.isArray(base) ? { ...(base as Record<string, unknown>), ...read } : read;
  }
  return merge(base, unflatten(body));
}

/**
 * Parses the body by content type: JSON, multipart, or 415. Leaves the data in `res.locals.data`.
 */
export function readDocumentInput(limits: InputLimits = DEFAULT_INPUT_LIMITS, uploadsFor?: (req: Request, res: Response) => UploadReader | undefined): RequestHandler {
  // The body is read as text and parsed here, so that its shape is checked before anything walks it.
  const text = express.text({ limit: limits.jsonBytes, type: () => true, defaultCharset: 'utf-8' });
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: limits.fileBytes, files: 3, fields: 2000, fieldSize: 64 * 1024, parts: 2003, fieldNameSize: 400 },
  }).any();

  return (req: Request, res: Response, next: NextFunction) => {
    const contentType = req.headers['content-type'];
    if (!contentType) {
      next(
        new UnsupportedMediaTypeError('Type de contenu manquant.', [
          { path: '', type: 'content-type.missing', message: 'Indiquez le type de contenu : application/json ou multipart/form-data.' },
        ]),
      );
      return;
    }
    if (req.is('application/json') || req.is('+json')) {
      text(req, res, (error?: unknown) => {
        if (error) return next(error);
        try {
          const body = typeof req.body === 'string' ? req.body : '';
          res.locals.data = parseJson(body.replace(/^\uFEFF/, ''), 'Le corps de la requête', '');
          next();
        } catch (parseError) {
          next(parseError);
        }
      });
      return;
    }
    if (req.is('multipart/form-data')) {
      upload(req, res, (error?: unknown) => {
        if (error) return next(error);
        Promise.resolve()
          .then(() => multipartData(req, uploadsFor?.(req, res)))
          .then((data) => {
            res.locals.data = data;
            res.locals.formFields = req.body;
            next();
          })
          .catch(next);
      });
      return;
    }
    next(
      new UnsupportedMediaTypeError(`Type de contenu non pris en charge : ${contentType}.`, [
        { path: '', type: 'content-type.unsupported', message: `Le type de contenu « ${contentType} » n’est pas accepté : envoyez application/json ou multipart/form-data.` },
      ]),
    );
  };
}
