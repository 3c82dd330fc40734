/**
 * The dossiers on screen: the list of the organisation's dossiers, a dossier's page (its convention,
 * its documents, the forms of the next documents) and its convention's calendar. Pages for a
 * signed-in browser; the data comes from the store through the same visibility rules as the API.
 */
import { Router, type Request, type Response } from 'express';
import { requireScope, type Principal } from '../../access/index.js';
import { dossierFor } from '../../archive/index.js';
import { InvalidInputError } from '../../core/errors.js';
import { formatMonths } from '../../core/french.js';
import { listKinds } from '../../core/registry.js';
import type { Dossier, Store } from '../../store/types.js';
import { calendarView, conventionFacts, conventionSchedule, deadlines, documentRow, dossierState, dossierSummary, NEXT_KINDS, nextDocumentLinks, STATE_LABELS, type DossierSummary } from '../../web/dossiers.js';
import { calendarPage, dossierPage, dossiersPage } from '../../web/pages.js';
import { principal } from '../auth.js';
import { statusOf } from '../problem.js';
import { queryString, type RouteContext } from './context.js';
import { toLogin, webSession } from './web-session.js';

/** Today in France, as an ISO date: the day the pages' deadlines are counted from. */
export function todayInFrance(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** The ids of the dossiers whose convention was generated as a final document (signed, or ready to be). */
async function signedDossiers(store: Store, p: Principal): Promise<Set<string>> {
  const { items } = await store.listDocuments({ proprietaireIds: p.visibles, kind: 'convention', offset: 0, limit: 10_000 });
  return new Set(items.filter((d) => d.mode === 'final' && d.dossierId).map((d) => d.dossierId!));
}

/** The caller's dossiers as the lists show them, most recently changed first. */
export async function dossierSummaries(store: Store, p: Principal, today = todayInFrance()): Promise<DossierSummary[]> {
  const dossiers = (await store.listDossiers(p.visibles)).sort((a, b) => b.modifieLe.localeCompare(a.modifieLe));
  const signed = await signedDossiers(store, p);
  const buyers = new Map((await store.listOrganisations([...new Set(dossiers.map((d) => d.acheteurId))])).map((o) => [o.id, o.nom]));
  return dossiers.map((d) => dossierSummary(d, buyers.get(d.acheteurId) ?? '', signed.has(d.id), today));
}

/** A day typed in the calendar's own form (« AAAA-MM-JJ »), if any. */
function dayQuery(req: Request, name: string, label: string): string | undefined {
  const raw = queryString(req, name)?.trim();
  if (!raw) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(raw)) || new Date(raw).toISOString().slice(0, 10) !== raw) {
    throw new InvalidInputError('Date invalide.', [{ path: name, type: 'date.format', message: `« ${label} » doit être une date valide (jour, mois, année).` }]);
  }
  return raw;
}

export function webDossiersRouter({ store }: RouteContext): Router {
  const router = Router();

  /** The signed-in caller allowed to read, or undefined after sending the visitor to the sign-in page. */
  const reader = async (req: Request, res: Response) => {
    const session = await webSession(store, req, res);
    if (!session) {
      toLogin(res);
      return undefined;
    }
    const p = principal(res);
    requireScope(p, 'read');
    return { session, p };
  };

  router.get('/dossiers', async (req, res) => {
    const caller = await reader(req, res);
    if (!caller) return;
    res.type('html').send(dossiersPage(await dossierSummaries(store, caller.p), caller.session));
  });

  const load = async (p: Principal, id: string): Promise<Dossier> => dossierFor(store, p, id);

  router.get('/dossiers/:id', async (req, res) => {
    const caller = await reader(req, res);
    if (!caller) return;
    const dossier = await load(caller.p, String(req.params.id));
    const today = todayInFrance();
    const documents = await store.listDocuments({ proprietaireIds: caller.p.visibles, dossierId: dossier.id, offset: 0, limit: 1000 });
    const signed = documents.items.some((d) => d.kind === 'convention' && d.mode === 'final');
    const schedule = conventionSchedule(dossier.donnees.convention, { today });
    const state = dossierState(signed, schedule);
    const all = listKinds();
    const title = (id: string) => all.find((k) => k.id === id)?.title ?? id;
    const kinds = NEXT_KINDS.flatMap((id) => all.filter((k) => k.id === id));
    res.type('html').send(
      dossierPage(
        {
          id: dossier.id,
          titre: dossier.titre,
          etat: STATE_LABELS[state],
          faits: conventionFacts(dossier, schedule),
          echeances: schedule && state !== 'terminée' ? deadlines(schedule, today) : [],
          calendrier: schedule !== undefined,
          documents: [...documents.items].sort((a, b) => b.creeLe.localeCompare(a.creeLe)).map((d) => documentRow(d, title(d.kind))),
          generer: nextDocumentLinks(dossier.id, kinds),
          saisies: Object.keys(dossier.donnees).filter((k) => k !== 'convention').map(title),
        },
        caller.session,
      ),
    );
  });

  router.get('/dossiers/:id/calendrier', async (req, res) => {
    const caller = await reader(req, res);
    if (!caller) return;
    const dossier = await load(caller.p, String(req.params.id));
    const today = todayInFrance();
    const convention = (dossier.donnees.convention ?? {}) as { durees?: { delaiMiseEnDemeureMois?: unknown } };
    const months = Number(convention.durees?.delaiMiseEnDemeureMois ?? 2);
    const query = {
      reception: queryString(req, 'reception') ?? '',
      saisine: queryString(req, 'saisine') ?? '',
      delaiMiseEnDemeure: formatMonths(Number.isInteger(months) && months > 0 ? months : 2),
    };
    // A wrong date typed in the page's own form comes back beside it, the rest of the calendar shown.
    const refused: InvalidInputError[] = [];
    const day = (name: string, label: string) => {
      try {
        return dayQuery(req, name, label);
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        refused.push(error);
        return undefined;
      }
    };
    // The avis motivé's referral recorded in the dossier, unless another one is typed.
    const avis = dossier.donnees['avis-motive'] as { projet?: { dateSaisine?: unknown } } | undefined;
    const recorded = typeof avis?.projet?.dateSaisine === 'string' ? avis.projet.dateSaisine.slice(0, 10) : undefined;
    const reception = day('reception', 'Date de réception d’une mise en demeure');
    const saisine = day('saisine', 'Date de saisine pour un avis motivé') ?? recorded;
    const schedule = conventionSchedule(dossier.donnees.convention, { today, reception, saisine });
    const errors = refused.flatMap((e) => e.errors);
    res
      .status(refused[0] ? statusOf(refused[0]) : 200)
      .type('html')
      .send(calendarPage({ id: dossier.id, titre: dossier.titre }, schedule ? calendarView(schedule, today) : undefined, query, caller.session, errors));
  });

  return router;
}
