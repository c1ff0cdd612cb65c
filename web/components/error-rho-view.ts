// <sam-error-rho-view>: the validation figure (docs/model.md §6): the error of each model against
// an algorithm, against ρ on log–log axes, with guides at ρ = η and ρ = √η. The paper's metric
// (relMaxError) or the weak error with its 95 % interval.
import * as Plot from '@observablehq/plot';
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { OBSERVABLES, type Observable } from '../../src/dynamics/names.js';
import type { PageResult } from '../lib/page-result.js';
import { colorOf, DASH_DRIFT, DASH_SDE } from '../lib/palette.js';
import { OBSERVABLE_LABELS, Z95, errorRhoPoints, type ErrorRhoPoint } from '../lib/plot-data.js';
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
  static styles = viewStyles;

  @property({ attribute: false }) result: PageResult | undefined;
  @state() private metric: Metric = 'relMaxError';
  @state() private observable: Observable = 'g';

  render(): TemplateResult | typeof nothing {
    const result = this.result;
    if (!result || !result.runs.some((r) => r.comparisons.length > 0)) return nothing;
    const eta = result.config.eta;
    return html`<section aria-labelledby="err-title" data-testid="error-rho-view">
      <h2 id="err-title">Error against ρ</h2>
      <p class="hint">Each model against an algorithm, per ρ. Guides at ρ = η = ${eta} and ρ = √η = ${Math.sqrt(eta).toPrecision(3)}.
        Solid: the SGD SDE as a model of USAM/DNSAM/SAM; dashed: the algorithm's own SDE; dotted: drift-only ablation.</p>
      <div class="controls">
        <label>Metric
          <select data-testid="err-metric" @change=${(e: Event) => (this.metric = (e.target as HTMLSelectElement).value as Metric)}>
            ${(['relMaxError', 'weakError'] as const).map((m) => html`<option value=${m} ?selected=${m === this.metric}>${METRIC_LABELS[m]}</option>`)}
          </select>
        </label>
        <label>Observable
          <select @change=${(e: Event) => (this.observable = (e.target as HTMLSelectElement).value as Observable)}>
            ${OBSERVABLES.map((o) => html`<option value=${o} ?selected=${o === this.observable}>${OBSERVABLE_LABELS[o]}</option>`)}
          </select>
        </label>
      </div>
      <sam-plot heading="Error against ρ (log–log)" note=${`observable ${OBSERVABLE_LABELS[this.observable]}`}
        fileName=${`error-vs-rho-${this.metric}-${this.observable}`} .spec=${this.spec(result)}></sam-plot>
    </section>`;
  }

  private spec(result: PageResult): PlotSpec {
    const metric = this.metric;
    const all = errorRhoPoints(result, this.observable);
    const points = all.filter((p) => Number.isFinite(p[metric]) && p[metric] > 0 && p.rho > 0);
    const pairs = [...new Set(all.map((p) => p.pair))];
    const byPair = (pair: string) => points.filter((p) => p.pair === pair).sort((a, b) => a.rho - b.rho);
    const eta = result.config.eta;
    // A guide label at the right edge of the data would run off the frame: it goes to the left of its line.
    const right = Math.max(eta, Math.sqrt(eta), ...all.map((p) => p.rho));
    const guides = [{ rho: eta, label: 'ρ = η' }, { rho: Math.sqrt(eta), label: 'ρ = √η' }]
      .map((g) => ({ ...g, anchor: g.rho >= right ? 'end' : 'start', dx: g.rho >= right ? -4 : 4 }));
    const bars = metric === 'weakError'
      ? points.filter((p) => Number.isFinite(p.weakErrorStderr)).map((p) => ({
          ...p,
          lo: Math.max(p.weakError - Z95 * p.weakErrorStderr, p.weakError / 10),
          hi: p.weakError + Z95 * p.weakErrorStderr,
        }))
      : [];
    const dropped = all.length - points.length;
    return {
      points: points.length,
      description: `${metric} of ${pairs.length} algorithm–model pairs against ρ on log–log axes`
        + (dropped > 0 ? ` (${dropped} zero or missing values not drawn)` : ''),
      legend: pairs.map((pair) => {
        const p = all.find((q) => q.pair === pair) as ErrorRhoPoint;
        return { label: pair, color: colorOf(p.algorithm), dash: pairDash(p) };
      }),
      draw: (width) => Plot.plot({
        width,
        height: Math.round(Math.min(380, Math.max(260, width * 0.5))),
        marginLeft: 60,
        x: { type: 'log', label: 'ρ', grid: true, tickFormat: '~g' },
        y: { type: 'log', label: metric, grid: true, tickFormat: '.0e', ticks: 6 },
        marks: [
          Plot.ruleX(guides, { x: 'rho', stroke: '#8c959f', strokeDasharray: '4 4' }),
          ...guides.map((g) => Plot.text([g], { x: 'rho', text: 'label', frameAnchor: 'top', dy: 4, dx: g.dx, textAnchor: g.anchor as 'start' | 'end', fill: '#57606a' })),
          ...pairs.flatMap((pair) => {
            const rows = byPair(pair);
            if (rows.length === 0) return [];
            const color = colorOf(rows[0].algorithm);
            const pairBars = bars.filter((b) => b.pair === pair);
            return [
              ...(pairBars.length > 0 ? [Plot.ruleX(pairBars, { x: 'rho', y1: 'lo', y2: 'hi', stroke: color, strokeOpacity: 0.6 })] : []),
              Plot.line(rows, { x: 'rho', y: metric, stroke: color, strokeWidth: 1.6, strokeDasharray: pairDash(rows[0]) }),
              Plot.dot(rows, { x: 'rho', y: metric, fill: color, r: 3 }),
            ];
          }),
        ],
      }) as SVGSVGElement,
    };
  }
}
