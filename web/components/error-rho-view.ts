// <sam-error-rho-view>: the validation figure (docs/model.md §6): the error of each model against
// an algorithm, against ρ on log–log axes, with guides at ρ = η and ρ = √η. The paper's metric
// (relMaxError) or the weak error with its 95 % interval.
import * as Plot from '@observablehq/plot';
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { OBSERVABLES, type Observable } from '../../src/dynamics/names.js';
import type { PageResult } from '../lib/page-result.js';
import { colorOf, DASH_DRIFT, DASH_SDE } from '../lib/palette.js';
import { OBSERVABLE_LABELS, Z95, errorRhoPoints, type ErrorRhoPoint } from '../lib/plot-data.js';
import { coincidences, fitDomain, formatTick, ticksFor } from '../lib/plot-scales.js';
import { short } from '../lib/run-plan.js';
import { sortRows, type SortKey } from '../lib/table-sort.js';
import { viewStyles } from './view-styles.js';
import './plot-figure.js';
import type { PlotSpec } from './plot-figure.js';

declare global {
  interface HTMLElementTagNameMap {
    'sam-error-rho-view': SamErrorRhoView;
  }
}

type Metric = 'relMaxError' | 'weakError';
const METRIC_LABELS: Record<Metric, string> = {
  relMaxError: 'relMaxError = max_k |ā_k − s̄_k| / mean_k |ā_k|',
  weakError: 'weak error max_k |ā_k − s̄_k| (95 % interval)',
};

/** Pair styling: colour of the algorithm; the SGD SDE solid, the own SDE dashed, drift-only dotted. */
function pairDash(p: { algorithm: string; model: string }): string | undefined {
  if (p.model.endsWith('-DRIFT')) return DASH_DRIFT;
  if (p.model === 'SGD-SDE' && p.algorithm !== 'SGD') return undefined;
  return DASH_SDE;
}

@customElement('sam-error-rho-view')
export class SamErrorRhoView extends LitElement {
  static styles = [viewStyles, css`
    th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; }
    th button:focus-visible { outline: 3px solid #80b3ff; outline-offset: 1px; }
    td.num, th.num { text-align: right; }
    .table-wrap { overflow-x: auto; }
  `];

  @property({ attribute: false }) result: PageResult | undefined;
  @state() private metric: Metric = 'relMaxError';
  @state() private observable: Observable = 'g';
  @state() private sort: { key: SortKey; descending: boolean } = { key: 'rho', descending: false };

  render(): TemplateResult | typeof nothing {
    const result = this.result;
    if (!result || !result.runs.some((r) => r.comparisons.length > 0)) return nothing;
    return html`<section aria-labelledby="err-title" data-testid="error-rho-view">
      <h2 id="err-title">Error against ρ</h2>
      <p class="hint" data-testid="err-guides">Each model against an algorithm, per ρ. ${this.guideText(result)} Colour: the algorithm. Solid: the SGD SDE as a model of USAM/DNSAM/SAM; dashed: the algorithm's own SDE;
        dotted: drift-only ablation.</p>
      <details class="help" data-testid="err-help"><summary>What the numbers mean</summary>
        <p class="hint">ā_k and s̄_k are the path means of the algorithm and of the model at the recorded steps k (t = kη).
          <strong>relMaxError</strong> = max_k |ā_k − s̄_k| / mean_k |ā_k|, the paper's metric (docs/model.md §4).
          <strong>Band</strong> = std_k |ā_k − s̄_k| / mean_k |ā_k|: how much that gap varies along the run.
          <strong>Weak error</strong> = max_k |ā_k − s̄_k| in the observable's own units, with the Monte Carlo standard error of
          the difference at that k (paired: the model and the algorithm share their noise under shared coupling).
          The claim is that each model's error stays small against its own algorithm while the SGD SDE's error for
          USAM/DNSAM/SAM grows once ρ exceeds η. Paper: <a href="https://arxiv.org/abs/2301.08203" target="_blank" rel="noopener">arXiv:2301.08203</a>.</p>
      </details>
      <div class="controls">
        <label>Metric
          <select data-testid="err-metric" @change=${(e: Event) => (this.metric = (e.target as HTMLSelectElement).value as Metric)}>
            ${(['relMaxError', 'weakError'] as const).map((m) => html`<option value=${m} ?selected=${m === this.metric}>${METRIC_LABELS[m]}</option>`)}
          </select>
        </label>
        <label>Observable
          <select data-testid="err-observable" @change=${(e: Event) => (this.observable = (e.target as HTMLSelectElement).value as Observable)}>
            ${OBSERVABLES.map((o) => html`<option value=${o} ?selected=${o === this.observable}>${OBSERVABLE_LABELS[o]}</option>`)}
          </select>
        </label>
      </div>
      <sam-plot heading="Error against ρ (log–log)" note=${`observable ${OBSERVABLE_LABELS[this.observable]}`}
        fileName=${`error-vs-rho-${this.metric}-${this.observable}`} .spec=${this.spec(result)}></sam-plot>
      ${this.table(result)}
    </section>`;
  }

  /** Where the guides ρ = η and ρ = √η are: drawn inside the data's ρ range, named outside it. */
  private guideText(result: PageResult): string {
    const rhos = result.runs.map((r) => r.rho).filter((r) => r > 0);
    const lo = Math.min(...rhos);
    const hi = Math.max(...rhos);
    const eta = result.config.eta;
    const place = (rho: number) => (rho < lo ? ' (left of the data: not drawn)' : rho > hi ? ' (right of the data: not drawn)' : '');
    return `Guides at ρ = η = ${short(eta)}${place(eta)} and ρ = √η = ${short(Math.sqrt(eta))}${place(Math.sqrt(eta))}.`;
  }

  private table(result: PageResult): TemplateResult {
    const rows = sortRows(errorRhoPoints(result, this.observable), this.sort.key, this.sort.descending);
    const column = (key: SortKey, label: string, num = true) => {
      const active = this.sort.key === key;
      return html`<th scope="col" class=${num ? 'num' : ''} aria-sort=${active ? (this.sort.descending ? 'descending' : 'ascending') : 'none'}>
        <button type="button" data-testid=${`sort-${key}`} @click=${() => (this.sort = { key, descending: active ? !this.sort.descending : false })}>
          ${label}${active ? (this.sort.descending ? ' ▼' : ' ▲') : ''}</button></th>`;
    };
    return html`<div class="table-wrap"><table data-testid="comparisons-table">
      <caption class="hint">Comparisons on ${OBSERVABLE_LABELS[this.observable]}: press a column heading to sort by it.</caption>
      <thead><tr>${column('algorithm', 'Algorithm', false)}${column('model', 'Model', false)}${column('rho', 'ρ')}
        ${column('relMaxError', 'relMaxError')}${column('band', 'Band')}${column('weakError', 'Weak error ± SE')}</tr></thead>
      <tbody>${rows.map((r) => html`<tr data-testid="comparison-row" data-rho=${r.rho} data-rel=${r.relMaxError}>
        <td>${r.algorithm}</td><td>${r.model}</td><td class="num">${short(r.rho)}${r.cutAt !== undefined
          ? html`<span class="warn" data-testid="cut-short"> (to t = ${short(r.cutAt)} of ${short(result.config.steps * result.config.eta)})</span>` : nothing}</td>
        <td class="num">${num(r.relMaxError)}</td><td class="num">${num(r.band)}</td>
        <td class="num">${num(r.weakError)} ± ${num(r.weakErrorStderr, 2)}</td></tr>`)}</tbody>
    </table></div>`;
  }

  private spec(result: PageResult): PlotSpec {
    const metric = this.metric;
    const all = errorRhoPoints(result, this.observable);
    const points = all.filter((p) => Number.isFinite(p[metric]) && p[metric] > 0 && p.rho > 0);
    const pairs = [...new Set(all.map((p) => p.pair))];
    const byPair = (pair: string) => points.filter((p) => p.pair === pair).sort((a, b) => a.rho - b.rho);
    const eta = result.config.eta;
    // The axes fit the data: the guides are drawn only where they fall inside its ρ range.
    const xDomain = fitDomain(points.map((p) => p.rho), 'log', 0.08);
    const inside = (rho: number) => xDomain !== undefined && rho >= xDomain[0] && rho <= xDomain[1];
    const right = xDomain?.[1] ?? 0;
    const guides = [{ rho: eta, label: 'ρ = η' }, { rho: Math.sqrt(eta), label: 'ρ = √η' }].filter((g) => inside(g.rho))
      .map((g) => ({ ...g, anchor: g.rho >= right / 1.5 ? 'end' : 'start', dx: g.rho >= right / 1.5 ? -4 : 4 }));
    const bars = metric === 'weakError'
      ? points.filter((p) => Number.isFinite(p.weakErrorStderr)).map((p) => ({
          ...p, lo: p.weakError - Z95 * p.weakErrorStderr, hi: p.weakError + Z95 * p.weakErrorStderr,
        }))
      : [];
    const yDomain = fitDomain([...points.map((p) => p[metric]), ...bars.flatMap((b) => [b.lo, b.hi])], 'log', 0.05);
    // An interval reaching 0 or below has no lower end on a log axis: it is cut at the axis.
    const cut = bars.filter((b) => !(b.lo > 0)).length;
    const shownBars = bars.map((b) => ({ ...b, lo: b.lo > 0 ? b.lo : yDomain?.[0] ?? b.weakError / 10 }));
    const dropped = all.filter((p) => !(Number.isFinite(p[metric]) && p[metric] > 0));
    const missing = dropped.filter((p) => !Number.isFinite(p[metric])).length;
    const zero = dropped.length - missing;
    const notes: string[] = [];
    if (missing > 0) notes.push(`${missing} value${missing === 1 ? '' : 's'} missing (every path of a dynamics diverged, or the run was cut short): not drawn.`);
    if (zero > 0) notes.push(`${zero} value${zero === 1 ? '' : 's'} exactly 0 (the model coincides with its algorithm): not drawable on a log axis, listed in the table.`);
    if (cut > 0) notes.push(`${cut} interval${cut === 1 ? '' : 's'} reach${cut === 1 ? 'es' : ''} 0: cut at the axis.`);
    const twins = coincidences(pairs.map((pair) => ({
      key: pair, values: result.runs.map((run) => all.find((p) => p.pair === pair && p.rho === run.rho)?.[metric] ?? NaN),
    })));
    if (twins.size > 0) notes.push(`Coinciding lines: ${[...twins].map(([a, b]) => `${a} = ${b}`).join('; ')}.`);
    const shortRuns = [...new Map(points.filter((p) => p.cutAt !== undefined).map((p) => [p.rho, p.cutAt as number])).entries()];
    if (shortRuns.length > 0) {
      notes.push(`Cut short by the cancel (hollow points): ${shortRuns.map(([rho, at]) => `ρ = ${short(rho)} ran to t = ${short(at)}`).join(', ')} `
        + `of T = ${short(result.config.steps * result.config.eta)}; their errors cover a shorter horizon than the others'.`);
    }
    return {
      points: points.length,
      notes,
      empty: points.length === 0 && missing > 0 ? 'Nothing to draw: every value is missing (diverged paths).' : undefined,
      description: `${metric} of ${pairs.length} algorithm–model pairs against ρ on log–log axes`
        + (dropped.length > 0 ? ` (${dropped.length} zero or missing values not drawn)` : ''),
      legend: pairs.map((pair) => {
        const p = all.find((q) => q.pair === pair) as ErrorRhoPoint;
        return { label: twins.has(pair) ? `${pair} (same as ${twins.get(pair)})` : pair, color: colorOf(p.algorithm), dash: pairDash(p) };
      }),
      draw: (width) => Plot.plot({
        width,
        height: Math.round(Math.min(380, Math.max(260, width * 0.5))),
        marginLeft: 60,
        x: { type: 'log', label: 'ρ', grid: true, tickFormat: formatTick, domain: xDomain, ...(xDomain ? ticksFor(xDomain) : {}) },
        y: { type: 'log', label: metric, grid: true, tickFormat: formatTick, domain: yDomain, ...(yDomain ? ticksFor(yDomain) : {}) },
        marks: [
          Plot.ruleX(guides, { x: 'rho', stroke: '#8c959f', strokeDasharray: '4 4' }),
          ...guides.map((g) => Plot.text([g], { x: 'rho', text: 'label', frameAnchor: 'top', dy: 4, dx: g.dx, textAnchor: g.anchor as 'start' | 'end', fill: '#57606a' })),
          ...pairs.flatMap((pair) => {
            const rows = byPair(pair);
            if (rows.length === 0) return [];
            const color = colorOf(rows[0].algorithm);
            const pairBars = shownBars.filter((b) => b.pair === pair);
            return [
              ...(pairBars.length > 0 ? [Plot.ruleX(pairBars, { x: 'rho', y1: 'lo', y2: 'hi', stroke: color, strokeOpacity: 0.6, clip: true })] : []),
              Plot.line(rows, { x: 'rho', y: metric, stroke: color, strokeWidth: 1.6, strokeDasharray: pairDash(rows[0]) }),
              Plot.dot(rows.filter((p) => p.cutAt === undefined), { x: 'rho', y: metric, fill: color, r: 3 }),
              Plot.dot(rows.filter((p) => p.cutAt !== undefined), { x: 'rho', y: metric, fill: 'white', stroke: color, strokeWidth: 1.5, r: 3.5 }),
            ];
          }),
        ],
      }) as SVGSVGElement,
    };
  }
}

function num(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-4 || a >= 1e5) ? x.toExponential(digits - 1) : String(Number(x.toPrecision(digits)));
}
