/**
 * Calendar dates without time zones (ISO "yyyy-mm-dd"), month arithmetic by the rules of the
 * code de procédure civile, French public holidays and working days. Pure functions.
 */

export type IsoDate = string;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function toIso(y: number, m: number, d: number): IsoDate {
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

export function parts(date: IsoDate): { y: number; m: number; d: number } {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return { y, m, d };
}

export function fromDate(date: Date): IsoDate {
  return date.toISOString().slice(0, 10);
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * Adds months: the same day number in the target month, or that month's last day when the number
 * does not exist there (31 January + 1 month = 28 or 29 February). Code de procédure civile, art. 641.
 */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const { y, m, d } = parts(date);
  const index = y * 12 + (m - 1) + months;
  const ty = Math.floor(index / 12);
  const tm = (index % 12) + 1;
  return toIso(ty, tm, Math.min(d, daysInMonth(ty, tm)));
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const { y, m, d } = parts(date);
  return fromDate(new Date(Date.UTC(y, m - 1, d + days)));
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: IsoDate): number {
  const { y, m, d } = parts(date);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** Easter Sunday (anonymous Gregorian algorithm). */
export function easter(year: number): IsoDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return toIso(year, month, day);
}

/** Public holidays of the Code du travail, art. L. 3133-1, with Alsace-Moselle's two extra days as an option. */
export function publicHolidays(year: number, alsaceMoselle = false): Map<IsoDate, string> {
  const e = easter(year);
  const days: [IsoDate, string][] = [
    [toIso(year, 1, 1), 'jour de l’an'],
    [addDays(e, 1), 'lundi de Pâques'],
    [toIso(year, 5, 1), 'fête du Travail'],
    [toIso(year, 5, 8), 'victoire de 1945'],
    [addDays(e, 39), 'Ascension'],
    [addDays(e, 50), 'lundi de Pentecôte'],
    [toIso(year, 7, 14), 'fête nationale'],
    [toIso(year, 8, 15), 'Assomption'],
    [toIso(year, 11, 1), 'Toussaint'],
    [toIso(year, 11, 11), 'armistice de 1918'],
    [toIso(year, 12, 25), 'Noël'],
  ];
  if (alsaceMoselle) days.push([addDays(e, -2), 'Vendredi saint'], [toIso(year, 12, 26), 'Saint-Étienne']);
  return new Map(days);
}

/** Why a day is not a working day ("samedi", "dimanche", "Toussaint"), or undefined. */
export function nonWorkingReason(date: IsoDate, alsaceMoselle = false): string | undefined {
  const holiday = publicHolidays(parts(date).y, alsaceMoselle).get(date);
  if (holiday) return holiday;
  const day = weekday(date);
  if (day === 6) return 'samedi';
  if (day === 0) return 'dimanche';
  return undefined;
}

export function nextWorkingDay(date: IsoDate, alsaceMoselle = false): IsoDate {
  let d = date;
  while (nonWorkingReason(d, alsaceMoselle)) d = addDays(d, 1);
  return d;
}

export function previousWorkingDay(date: IsoDate, alsaceMoselle = false): IsoDate {
  let d = date;
  while (nonWorkingReason(d, alsaceMoselle)) d = addDays(d, -1);
  return d;
}
