// Observable Plot in Node: a linkedom document stands in for the browser's, and each figure is
// one self-contained SVG (legends are Plot text marks inside it, not HTML) plus the CSV of
// every series it plots.
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

export interface Figure {
  /** File stem: `<name>.svg` and `<name>.csv`. */
  name: string;
  title: string;
  svg: string;
  csv: string;
}

export type Row = Record<string, string | number | boolean | null>;

const { document } = parseHTML('<!doctype html><html><head></head><body></body></html>');

export const SVG_NS = 'http://www.w3.org/2000/svg';

/** Renders a Plot spec to standalone SVG text (namespace, white background, title). */
export function renderSvg(options: Plot.PlotOptions, title: string): string {
  const node = Plot.plot({ ...options, document: document as unknown as Document }) as unknown as Element;
  if (node.tagName.toLowerCase() !== 'svg') {
    throw new Error('renderSvg: Plot returned HTML (a legend option?); legends must be marks (legendMarks)');
  }
  node.setAttribute('xmlns', SVG_NS);
  node.setAttribute('style', 'background: white');
  const titleNode = document.createElementNS(SVG_NS, 'title');
  titleNode.textContent = title;
  node.insertBefore(titleNode, node.firstChild);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${node.outerHTML}\n`;
}

function csvCell(value: Row[string]): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV of rows; the columns are the union of the rows' keys in first-seen order. */
export function toCsv(rows: readonly Row[]): string {
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c] ?? null)).join(','));
  return `${lines.join('\n')}\n`;
}

// ---- Styles: one colour per algorithm family, line style per kind of dynamics ----

export const FAMILY_COLORS: Record<string, string> = {
  SGD: '#4269d0', USAM: '#efb118', DNSAM: '#3ca951', SAM: '#ff725c',
};

export function family(name: string): string {
  return name.split('-')[0];
}

/** Dash-dot: a Gaussian-injection twin of an SDE in the mini-batch experiment (docs/model.md §6.6). */
export const DASH_INJECTION = '8,2,2,2';

/** Solid: algorithm; dashed: its SDE; dotted: drift-only ablation; dash-dot: injection twin. */
export function dashOf(name: string): string | undefined {
  if (name.endsWith('-INJ')) return DASH_INJECTION;
  if (name.endsWith('-DRIFT')) return '1.5,2.5';
  if (name.endsWith('-SDE')) return '5,3';
  return undefined;
}

export interface LegendItem {
  label: string;
  color: string;
  dash?: string;
}

/**
 * A legend drawn by Plot itself: a short line and a label per item, stacked in the top-right
 * or top-left corner of the frame (of the whole figure when faceted: facet "super"), or below
 * it, in a bottom margin of 40 + 13 px per item.
 */
export function legendMarks(items: readonly LegendItem[], place: 'top-right' | 'top-left' | 'below' = 'top-right'): Plot.Markish[] {
  const right = place === 'top-right';
  const anchor = place === 'below' ? 'bottom-left' : place;
  return items.flatMap((item, i) => {
    const dy = place === 'below' ? 40 + 13 * i : 8 + 13 * i;
    return [
      Plot.text([item.label], {
        frameAnchor: anchor, dx: right ? -32 : 32, dy, text: (d: string) => d, fill: '#222',
        textAnchor: right ? 'end' : 'start', fontSize: 10, facet: 'super',
      }),
      Plot.text([item.dash ? (item.dash.startsWith('1.5') ? '┈┈' : item.dash === DASH_INJECTION ? '─·─' : '╌╌') : '━━'], {
        frameAnchor: anchor, dx: right ? -6 : 6, dy, text: (d: string) => d, fill: item.color,
        textAnchor: right ? 'end' : 'start', fontSize: 11, fontWeight: 'bold', facet: 'super',
      }),
    ];
  });
}

/** Legend items for the dynamics present: the families' colours, then the line styles. */
export function dynamicsLegend(names: readonly string[]): LegendItem[] {
  const families = [...new Set(names.map(family))];
  const items: LegendItem[] = families.map((f) => ({ label: f, color: FAMILY_COLORS[f] ?? '#555' }));
  if (names.some((n) => dashOf(n) === undefined)) items.push({ label: 'algorithm', color: '#555' });
  if (names.some((n) => n.endsWith('-SDE'))) items.push({ label: 'SDE model', color: '#555', dash: '5,3' });
  if (names.some((n) => n.endsWith('-DRIFT'))) items.push({ label: 'drift-only', color: '#555', dash: '1.5,2.5' });
  if (names.some((n) => n.endsWith('-INJ'))) items.push({ label: 'SDE, Gaussian injection', color: '#555', dash: DASH_INJECTION });
  return items;
}

/** 97.5 % normal quantile: mean ± Z95·stderr is a 95 % confidence band. */
export const Z95 = 1.959964;

export { Plot };
