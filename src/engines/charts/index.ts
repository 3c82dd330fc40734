/**
 * Charts for the bilans, drawn as SVG: bars of hours done against the goal, the cumulative progress
 * of a market, and horizontal bars for breakdowns. A kind hands the SVG to the document as a
 * DocImage; the DOCX engine rasterises it (resvg, local fonts) when it embeds it (rasterise.ts).
 */
import { DocImage } from '../../core/image.js';
import { formatNumber } from '../../core/french.js';

const FONT = 'Liberation Sans, Arial, DejaVu Sans, sans-serif';
const BLUE = '#1F3864';
const LIGHT = '#9DB3D6';
const ORANGE = '#C55A11';
const GRID = '#D9D9D9';

const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const short = (t: string, n: number) => (t.length > n ? `${t.slice(0, n - 1)}…` : t);

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function frame(width: number, height: number, title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="${width / 2}" y="22" text-anchor="middle" font-family="${FONT}" font-size="15" font-weight="bold" fill="${BLUE}">${esc(title)}</text>
${body}</svg>`;
}

function legend(items: [string, string][], x: number, y: number): string {
  return items
    .map(([color, label], i) => `<rect x="${x + i * 230}" y="${y - 10}" width="12" height="12" fill="${color}"/><text x="${x + i * 230 + 18}" y="${y}" font-family="${FONT}" font-size="12" fill="#333">${esc(label)}</text>`)
    .join('');
}

/** Grouped vertical bars: for each category, the hours done and the goal. */
export function doneVersusGoalSvg(title: string, items: { label: string; done: number; goal: number }[]): string {
  const width = 900;
  const height = 420;
  const left = 70;
  const bottom = 330;
  const top = 60;
  const max = niceMax(Math.max(1, ...items.flatMap((i) => [i.done, i.goal])));
  const slot = (width - left - 20) / Math.max(1, items.length);
  const bar = Math.min(28, slot / 2.6);
  const y = (v: number) => bottom - ((bottom - top) * v) / max;
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => `<line x1="${left}" x2="${width - 20}" y1="${y(max * f)}" y2="${y(max * f)}" stroke="${GRID}"/><text x="${left - 6}" y="${y(max * f) + 4}" text-anchor="end" font-family="${FONT}" font-size="11" fill="#555">${esc(formatNumber(max * f))}</text>`)
    .join('');
  const bars = items
    .map((item, i) => {
      const cx = left + slot * i + slot / 2;
      return `<rect x="${cx - bar - 1}" y="${y(item.done)}" width="${bar}" height="${bottom - y(item.done)}" fill="${BLUE}"/>
<rect x="${cx + 1}" y="${y(item.goal)}" width="${bar}" height="${bottom - y(item.goal)}" fill="${LIGHT}"/>
<text transform="translate(${cx},${bottom + 12}) rotate(30)" font-family="${FONT}" font-size="11" fill="#333">${esc(short(item.label, 22))}</text>`;
    })
    .join('');
  return frame(width, height, title, `${grid}${bars}<line x1="${left}" x2="${width - 20}" y1="${bottom}" y2="${bottom}" stroke="#555"/>${legend([[BLUE, 'Heures réalisées'], [LIGHT, 'Objectif']], left, 48)}`);
}

/**
 * Cumulative hours month by month over the whole execution, against the goal's trajectory (the
 * hours expected at each month's end); months after the report have a goal and no value.
 */
export function progressSvg(title: string, points: { label: string; value?: number; goal: number }[]): string {
  const width = 900;
  const height = 390;
  const left = 70;
  const bottom = 310;
  const top = 60;
  const max = niceMax(Math.max(1, ...points.map((p) => Math.max(p.goal, p.value ?? 0))));
  const step = (width - left - 40) / Math.max(1, points.length - 1);
  const x = (i: number) => left + (points.length === 1 ? (width - left - 40) / 2 : step * i);
  const y = (v: number) => bottom - ((bottom - top) * v) / max;
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => `<line x1="${left}" x2="${width - 40}" y1="${y(max * f)}" y2="${y(max * f)}" stroke="${GRID}"/><text x="${left - 6}" y="${y(max * f) + 4}" text-anchor="end" font-family="${FONT}" font-size="11" fill="#555">${esc(formatNumber(max * f))}</text>`)
    .join('');
  const line = (values: (number | undefined)[]) =>
    values
      .map((v, i) => (v === undefined ? '' : `${i === 0 || values[i - 1] === undefined ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`))
      .filter(Boolean)
      .join(' ');
  // From the origin: nothing done and nothing due before the first month.
  const goalPath = `M${(left).toFixed(1)},${y(0).toFixed(1)} ${line(points.map((p) => p.goal)).replace(/^M/, 'L')}`;
  const done = points.map((p) => p.value);
  const every = Math.max(1, Math.ceil(points.length / 8));
  const last = points.length - 1;
  // Every few months, and the last one when it is far enough from the label before it.
  const shown = (i: number) => i % every === 0 || (i === last && last % every >= every / 2);
  const labels = points
    .map((p, i) => (shown(i) ? `<text x="${x(i)}" y="${bottom + 18}" text-anchor="middle" font-family="${FONT}" font-size="11" fill="#333">${esc(p.label)}</text>` : ''))
    .join('');
  const dots = points.map((p, i) => (p.value === undefined ? '' : `<circle cx="${x(i)}" cy="${y(p.value)}" r="3" fill="${BLUE}"/>`)).join('');
  return frame(
    width,
    height,
    title,
    `${grid}<path d="${goalPath}" fill="none" stroke="${ORANGE}" stroke-width="2" stroke-dasharray="8 5"/>
<path d="${line(done)}" fill="none" stroke="${BLUE}" stroke-width="3"/>${dots}${labels}<line x1="${left}" x2="${width - 40}" y1="${bottom}" y2="${bottom}" stroke="#555"/>${legend([[BLUE, 'Heures cumulées réalisées'], [ORANGE, 'Trajectoire de l’objectif']], left, 48)}`,
  );
}

/** Horizontal bars of a breakdown (people per value); masked values are left out. */
export function breakdownSvg(title: string, items: { label: string; value: number }[]): string {
  const width = 900;
  const rowHeight = 30;
  const left = 330;
  const top = 50;
  const height = top + rowHeight * Math.max(1, items.length) + 20;
  const max = niceMax(Math.max(1, ...items.map((i) => i.value)));
  const bars = items
    .map((item, i) => {
      const w = ((width - left - 80) * item.value) / max;
      const y = top + rowHeight * i;
      return `<text x="${left - 8}" y="${y + 18}" text-anchor="end" font-family="${FONT}" font-size="12" fill="#333">${esc(short(item.label, 48))}</text>
<rect x="${left}" y="${y + 5}" width="${w}" height="${rowHeight - 10}" fill="${BLUE}"/>
<text x="${left + w + 6}" y="${y + 18}" font-family="${FONT}" font-size="12" fill="#333">${esc(formatNumber(item.value))}</text>`;
    })
    .join('');
  return frame(width, height, title, bars);
}

/** A chart as an image of the document, `widthCm` wide, keeping the SVG's proportions (not rasterised here). */
export function chart(svg: string, widthCm: number, alt: string): DocImage {
  const [, w, h] = /viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"/.exec(svg) ?? [];
  const ratio = Number(h) / Number(w) || 0.5;
  return new DocImage({ svg }, widthCm, Math.round(widthCm * ratio * 100) / 100, alt);
}
