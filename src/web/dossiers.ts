/**
 * The dossiers on screen: the list of an organisation's dossiers, a dossier's page and its
 * convention's calendar. View functions only: the routes load the dossiers and documents from the
 * store and hand them here; the templates show what these functions compute.
 */
import { echeances } from '../calendar/index.js';
import type { DocumentKind } from '../core/kind.js';
import { formatDate, typography } from '../core/french.js';
import type { DocumentRecord, Dossier } from '../store/types.js';

type Data = Record<string, unknown>;

const object = (value: unknown): Data | undefined => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : undefined);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
const isoDay = (value: unknown): string | undefined => {
  const s = value instanceof Date ? value.toISOString() : text(value);
  return s && /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s.slice(0, 10))) ? s.slice(0, 10) : undefined;
};

/** Days from `from` to `to` (ISO dates). */
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

/** What is due within this many days is flagged « à venir bientôt ». */
export const SOON_DAYS = 60;

export type DossierState = 'brouillon' | 'signée' | 'reconduite' | 'terminée';

export const STATE_LABELS: Record<DossierState, string> = { brouillon: 'Brouillon', signée: 'Signée', reconduite: 'Reconduite', terminée: 'Terminée' };

/** The schedule of a convention, from its data as the dossier keeps it; undefined while its dates are missing or wrong. */
export type Schedule = ReturnType<typeof echeances>;

export interface ScheduleOptions {
  today: string;
  /** Receipt of a formal notice, for its cure period. */
  reception?: string;
  /** Referral of a purchase project, for the avis motivé's deadline. */
  saisine?: string;
}

export function conventionSchedule(convention: unknown, options: ScheduleOptions): Schedule | undefined {
  const c = object(convention);
  const signature = isoDay(object(c?.signature)?.date);
  if (!c || !signature) return undefined;
  const d = object(c.durees) ?? {};
  const given = (v: unknown) => (v === '' || v === null ? undefined : v);
  try {
    return echeances(
      {
        dateSignature: signature,
        dateEntreeEnVigueur: isoDay(d.dateEntreeEnVigueur),
        dureeInitialeMois: given(d.dureeInitialeMois),
        reconductionTacite: given(d.reconductionTacite),
        reconductionsMax: given(d.reconductionsMax),
        preavisNonReconductionMois: given(d.preavisNonReconductionMois),
        delaiMiseEnDemeureMois: given(d.delaiMiseEnDemeureMois),
        delaiAvisMotiveJours: given(d.delaiAvisMotiveJours),
        dateReference: options.today,
        dateReceptionMiseEnDemeure: options.reception,
        dateSaisineAvis: options.saisine,
      },
      new Date(options.today),
    );
  } catch {
    // A draft whose durations are not valid yet has no calendar.
    return undefined;
  }
}

export interface Deadline {
  date: string;
  texte: string;
  libelle: string;
  /** « dans 12 jours », « aujourd’hui », « dépassée depuis 3 jours ». */
  delai: string;
  bientot: boolean;
  passee: boolean;
}

function inDays(days: number): string {
  if (days === 0) return 'aujourd’hui';
  if (days > 0) return days === 1 ? 'demain' : `dans ${days}\u00A0jours`;
  return `dépassée depuis ${-days}\u00A0jour${days < -1 ? 's' : ''}`;
}

/** The convention's dated steps, in order: non-renewal deadline, renewals, end, delays that run. */
export function deadlines(schedule: Schedule, today: string): Deadline[] {
  const out: { date: string; libelle: string }[] = [];
  const nr = schedule.nonReconduction as { dateLimite?: { date: string }; periode?: { numero: number; fin: string } };
  if (nr.dateLimite && nr.periode) {
    out.push({ date: nr.dateLimite.date, libelle: `Date limite de réception d’une non-reconduction (pour mettre fin à la convention au terme de la période ${nr.periode.numero})` });
  }
  schedule.periodes.slice(1).forEach((p) => out.push({ date: p.debut, libelle: `Reconduction tacite : début de la période ${p.numero}` }));
  if (schedule.finConvention) out.push({ date: schedule.finConvention.date, libelle: 'Fin de la convention' });
  if (schedule.miseEnDemeure) {
    out.push({ date: schedule.miseEnDemeure.echeanceProrogee.date, libelle: `Fin du délai pour remédier à la mise en demeure reçue le ${schedule.miseEnDemeure.depart.texte}` });
  }
  if (schedule.avisMotive) out.push({ date: schedule.avisMotive.echeanceProrogee.date, libelle: `Remise de l’avis motivé (saisine du ${schedule.avisMotive.depart.texte})` });
  return out
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((e) => {
      const days = daysBetween(today, e.date);
      return { ...e, libelle: typography(e.libelle), texte: formatDate(e.date), delai: inDays(days), bientot: days >= 0 && days <= SOON_DAYS, passee: days < 0 };
    });
}

/** The state of a dossier: from its calendar once its convention is signed, else brouillon. */
export function dossierState(signed: boolean, schedule: Schedule | undefined): DossierState {
  if (!signed) return 'brouillon';
  if (!schedule) return 'signée';
  if (schedule.etat === 'terminee') return 'terminée';
  return schedule.periodeCourante && schedule.periodeCourante.numero > 1 ? 'reconduite' : 'signée';
}

export interface DossierSummary {
  id: string;
  titre: string;
  acheteur: string;
  dates: string;
  etat: string;
  etatCode: DossierState;
  echeance: string;
  echeanceBientot: boolean;
}

function conventionOf(dossier: Dossier): Data | undefined {
  return object(dossier.donnees.convention);
}

function conventionDates(schedule: Schedule | undefined, convention: Data | undefined): string {
  const signature = isoDay(object(convention?.signature)?.date);
  if (!schedule) return signature ? `Signature prévue le ${formatDate(signature)}` : 'Dates à compléter';
  const start = `depuis le ${schedule.entreeEnVigueur.texte}`;
  if (schedule.etat === 'pas-encore-en-vigueur') return `À partir du ${schedule.entreeEnVigueur.texte}`;
  if (schedule.etat === 'terminee') return `Du ${schedule.entreeEnVigueur.texte} au ${schedule.finConvention?.texte ?? schedule.periodes[0]!.finTexte}`;
  const current = schedule.periodeCourante;
  return current ? `En vigueur ${start} ; période ${current.numero} jusqu’au ${current.finTexte}` : `En vigueur ${start}`;
}

/** What the list of dossiers shows of one dossier. */
export function dossierSummary(dossier: Dossier, buyer: string, signed: boolean, today: string): DossierSummary {
  const convention = conventionOf(dossier);
  const schedule = conventionSchedule(convention, { today });
  const state = dossierState(signed, schedule);
  const next = schedule && state !== 'terminée' ? deadlines(schedule, today).find((d) => !d.passee) : undefined;
  return {
    id: dossier.id,
    titre: typography(dossier.titre),
    acheteur: typography(text(object(convention?.donneurOrdre)?.nom) ?? buyer),
    dates: typography(conventionDates(schedule, convention)),
    etat: STATE_LABELS[state],
    etatCode: state,
    echeance: next ? typography(`${next.texte} (${next.delai}) : ${next.libelle}`) : '—',
    echeanceBientot: next?.bientot ?? false,
  };
}

/** The kinds a dossier leads to, in the order of a convention's life. */
export const NEXT_KINDS = ['avenant', 'avis-motive', 'clause-dce', 'mise-en-demeure-titulaire', 'mise-en-demeure-partenaire', 'non-reconduction', 'bilan-marche', 'bilan-annuel'] as const;

const MODE_LABELS: Record<DocumentRecord['mode'], string> = { final: 'Définitive', draft: 'Projet' };

const dateTime = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris' });

/** A stored document as the dossier page lists it: date, kind, mode, each file's hash and link. */
export function documentRow(d: DocumentRecord, kindTitle: string) {
  const date = dateTime.format(new Date(d.creeLe)).replace(/ /g, '\u00A0').replace(/\u00A0à\u00A0/, ' à ');
  return {
    id: d.id,
    date,
    titre: kindTitle,
    mode: MODE_LABELS[d.mode],
    ecarts: d.ecarts.map((e) => typography(e.message)),
    fichiers: d.fichiers.map((f) => ({
      format: f.format.toUpperCase(),
      empreinte: f.sha256.slice(0, 12),
      empreinteComplete: f.sha256,
      url: `/api/v1/documents/${d.id}/file?format=${encodeURIComponent(f.format)}`,
      nomAccessible: typography(`${kindTitle} du ${date}`),
    })),
  };
}

/** The few facts of the convention a dossier page recalls. */
export function conventionFacts(dossier: Dossier, schedule: Schedule | undefined): { libelle: string; valeur: string }[] {
  const c = conventionOf(dossier) ?? {};
  const party = (key: string) => text(object(c[key])?.nom);
  const signature = object(c.signature);
  const durees = object(c.durees) ?? {};
  const facts: [string, string | undefined][] = [
    ['Référence', text(c.reference)],
    ['Donneur d’ordre', party('donneurOrdre')],
    ['Structure porteuse de la clause', party('structurePorteuse')],
    ['Date de signature', isoDay(signature?.date) ? formatDate(isoDay(signature?.date)!) : undefined],
    ['Lieu de signature', text(signature?.lieu)],
    ['Entrée en vigueur', schedule?.entreeEnVigueur.texte],
    ['Durée initiale', durees.dureeInitialeMois !== undefined && durees.dureeInitialeMois !== '' ? `${String(durees.dureeInitialeMois)}\u00A0mois` : undefined],
    ['Fin de la convention', schedule?.finConvention?.texte],
  ];
  return facts.map(([libelle, valeur]) => ({ libelle, valeur: typography(valeur ?? 'à compléter') }));
}

/** The links of a dossier page to the forms of the next documents, pre-filled from the dossier. */
export function nextDocumentLinks(dossierId: string, kinds: DocumentKind[]): { url: string; libelle: string }[] {
  return kinds.map((k) => ({ url: `/formulaires/${k.id}?dossier=${encodeURIComponent(dossierId)}`, libelle: typography(k.title) }));
}

/** « tombe un samedi », « est un jour férié (Noël) ». */
const nonWorking = (reason: string) => (reason === 'samedi' || reason === 'dimanche' ? `tombe un ${reason}` : `est un jour férié (${reason})`);

/** The calendar page of a convention: periods, renewals, non-renewal, delays, what is due soon. */
export function calendarView(schedule: Schedule, today: string) {
  const nr = schedule.nonReconduction as { message?: string; dateLimite?: { texte: string }; dateTheorique?: { texte: string }; avancee?: string; periode?: { numero: number; finTexte?: string; fin: string } };
  const steps = deadlines(schedule, today);
  const current = schedule.periodeCourante?.numero;
  return {
    aujourdhui: formatDate(today),
    etat: { 'pas-encore-en-vigueur': 'Pas encore en vigueur', 'en-vigueur': 'En vigueur', terminee: 'Terminée' }[schedule.etat],
    entreeEnVigueur: schedule.entreeEnVigueur.texte,
    periodes: schedule.periodes.map((p) => ({ numero: p.numero, debut: p.debutTexte, fin: p.finTexte, courante: p.numero === current })),
    reconductions: schedule.reconductions.map((r) => r.texte),
    fin: schedule.finConvention?.texte,
    nonReconduction: nr.dateLimite
      ? {
          dateLimite: nr.dateLimite.texte,
          texte: typography(
            `Pour que la convention prenne fin le ${formatDate(nr.periode!.fin)} (terme de la période ${nr.periode!.numero}), la non-reconduction doit être reçue au plus tard le ${nr.dateLimite.texte}` +
              (nr.avancee ? ` (le ${nr.dateTheorique!.texte} ${nonWorking(nr.avancee)} : la date est avancée au jour ouvrable précédent).` : '.'),
          ),
        }
      : { texte: typography(nr.message ?? '') },
    miseEnDemeure: schedule.miseEnDemeure
      ? typography(
          `Mise en demeure reçue le ${schedule.miseEnDemeure.depart.texte} : délai pour remédier jusqu’au ${schedule.miseEnDemeure.echeanceProrogee.texte}` +
            (schedule.miseEnDemeure.prorogation ? ` (le ${schedule.miseEnDemeure.echeance.texte} ${nonWorking(schedule.miseEnDemeure.prorogation)} : le délai est prorogé au jour ouvrable suivant).` : '.'),
        )
      : undefined,
    avisMotive: schedule.avisMotive
      ? typography(`Saisine du ${schedule.avisMotive.depart.texte} : avis motivé à rendre au plus tard le ${schedule.avisMotive.echeanceProrogee.texte}.`)
      : undefined,
    echeances: steps,
    bientot: steps.filter((s) => s.bientot),
    regles: schedule.regles.map((r) => ({ texte: typography(r.texte), source: typography(r.source), url: r.url })),
  };
}
