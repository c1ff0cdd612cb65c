// <sam-sharpness-view>: the sharpness readouts of a run (docs/model.md §8): Hessian trace or
// top eigenvalue over time with 95 % confidence bands per dynamics, the same against the mean
// loss, and the last readout's numbers in a table. Shown for any result that has readouts.
import * as Plot from '@observablehq/plot';
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { SHARPNESS_OBSERVABLES, type RunResult, type SharpnessObservable } from '../../src/simulate/result.js';
import type { PageResult } from '../lib/page-result.js';
import { colorOf, dashOf } from '../lib/palette.js';
import {
  SHARPNESS_LABELS, Z95, families, familyMembers, sharpnessLossPoints, sharpnessPoints,
} from '../lib/plot-data.js';
import { chooseYScale, fitDomain, formatTick, ticksFor } from '../lib/plot-scales.js';
import { viewStyles } from './view-styles.js';
import './plot-figure.js';
import type { PlotSpec } from './plot-figure.js';

declare global {
  interface HTMLElementTagNameMap {
    'sam-sharpness-view': SamSharpnessView;
  }
}

const format = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : '—');

@customElement('sam-sharpness-view')
export class SamSharpnessView extends LitElement {
  static styles = [viewStyles, css`
    .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr)); gap: 0.75rem; }
  `];

  @property({ attribute: false }) result: PageResult | undefined;
  @state() private quantity: SharpnessObservable = 'top';
  @state() private family = '';
  @state() private bands = true;

  render(): TemplateResult | typeof nothing {
    const result = this.result;
    if (!result || result.runs.length === 0) return nothing;
    const choices = families(result);
    const family = choices.includes(this.family) ? this.family : choices[0];
    const names = familyMembers(result, family).filter((n) => result.runs[0].series[n]?.sharpness);
    const spec = result.config.sharpness;
    return html`<section aria-labelledby="sharp-title" data-testid="sharpness-view">
      <h2 id="sharp-title">Sharpness along the paths</h2>
      <p class="hint">Path means with 95 % confidence bands of the Hessian trace (Hutchinson, ${spec?.probes ?? '?'} Rademacher
        probes a path) or its largest eigenvalue (Lanczos, ${spec?.iterations ?? '?'} iterations), read every ${spec?.every ?? '?'} steps.
        Solid: algorithm; dashed: SDE model; dotted: drift-only model.</p>
      <div class="controls">
        <label>Readout
          <select data-testid="sharp-quantity" @change=${(e: Event) => (this.quantity = (e.target as HTMLSelectElement).value as SharpnessObservable)}>
            ${SHARPNESS_OBSERVABLES.map((q) => html`<option value=${q} ?selected=${q === this.quantity}>${SHARPNESS_LABELS[q]}</option>`)}
          </select>
        </label>
        <label>Show
          <select data-testid="sharp-family" @change=${(e: Event) => (this.family = (e.target as HTMLSelectElement).value)}>
            ${choices.map((f) => html`<option value=${f} ?selected=${f === family}>${f === 'all' ? 'all dynamics' : `${f} and its models`}</option>`)}
          </select>
        </label>
        <label class="check"><input type="checkbox" data-testid="sharp-bands" .checked=${this.bands}
          @change=${(e: Event) => (this.bands = (e.target as HTMLInputElement).checked)}> 95 % bands</label>
      </div>
      ${result.runs.map((run) => html`
        <div class="grid">
          <sam-plot heading=${`${SHARPNESS_LABELS[this.quantity]} over time, ρ = ${run.rho}`} note=${`η = ${run.eta}`}
            fileName=${`sharpness-${this.quantity}-eta${run.eta}-rho${run.rho}`} .spec=${this.timeSpec(run, names)}></sam-plot>
          <sam-plot heading=${`${SHARPNESS_LABELS[this.quantity]} against loss, ρ = ${run.rho}`} note="one point per readout, joined in time"
            fileName=${`sharpness-vs-loss-${this.quantity}-eta${run.eta}-rho${run.rho}`} .spec=${this.lossSpec(run, names)}></sam-plot>
        </div>
        ${this.table(run, names)}`)}
    </section>`;
  }

  /** The last readout of each dynamics: trace and top with their 95 % half-widths. */
  private table(run: RunResult, names: string[]): TemplateResult {
    return html`<table data-testid="sharp-table" data-rho=${run.rho}>
      <caption class="hint">Last readout at ρ = ${run.rho}: mean ± 95 % half-width over paths.</caption>
      <thead><tr><th scope="col">dynamics</th><th scope="col">t</th><th scope="col">paths</th>
        <th scope="col">${SHARPNESS_LABELS.trace}</th><th scope="col">${SHARPNESS_LABELS.top}</th></tr></thead>
      <tbody>${names.map((name) => {
        const s = run.series[name].sharpness!;
        const k = s.t.length - 1;
        const cell = (q: SharpnessObservable) => `${format(s[q].mean[k])} ± ${format(Z95 * s[q].stderr[k])}`;
        return html`<tr data-dynamics=${name}><th scope="row">${name}</th><td>${format(s.t[k])}</td><td>${s.count[k]}</td>
          <td data-testid="sharp-trace" data-value=${s.trace.mean[k]}>${cell('trace')}</td>
          <td data-testid="sharp-top" data-value=${s.top.mean[k]}>${cell('top')}</td></tr>`;
      })}</tbody>
    </table>`;
  }

  private timeSpec(run: RunResult, names: string[]): PlotSpec {
    const quantity = this.quantity;
    const all = sharpnessPoints(run, quantity, names);
    const points = all.filter((p) => Number.isFinite(p.mean));
    const domain = fitDomain(this.bands ? points.flatMap((p) => [p.lo, p.hi]) : points.map((p) => p.mean), 'linear');
    return {
      points: points.length,
      notes: [],
      empty: points.length === 0 ? 'No readout has a surviving path.' : undefined,
      description: `${SHARPNESS_LABELS[quantity]} against time t at ρ = ${run.rho} for ${names.join(', ')}`,
      legend: names.map((n) => ({ label: n, color: colorOf(n), dash: dashOf(n) })),
      draw: (width) => Plot.plot({
        width,
        height: Math.round(Math.min(320, Math.max(220, width * 0.55))),
        marginLeft: 56,
        x: { label: 't = kη', grid: true },
        y: { label: SHARPNESS_LABELS[quantity], grid: true, tickFormat: formatTick, domain, ...(domain ? ticksFor(domain, 'linear') : {}) },
        marks: names.flatMap((name) => {
          const rows = points.filter((p) => p.dynamics === name);
          const color = colorOf(name);
          return [
            ...(this.bands ? [Plot.areaY(rows, { x: 't', y1: 'lo', y2: 'hi', fill: color, fillOpacity: 0.12, clip: true })] : []),
            Plot.lineY(rows, { x: 't', y: 'mean', stroke: color, strokeWidth: 1.6, strokeDasharray: dashOf(name), clip: true }),
          ];
        }),
      }) as SVGSVGElement,
    };
  }

  private lossSpec(run: RunResult, names: string[]): PlotSpec {
    const quantity = this.quantity;
    const points = sharpnessLossPoints(run, quantity, names).filter((p) => Number.isFinite(p.loss) && Number.isFinite(p.value));
    const scale = chooseYScale(points.map((p) => p.loss), true, 'loss f(x)');
    const xType = scale.type;
    const shown = points.filter((p) => xType !== 'log' || p.loss > 0);
    const xDomain = fitDomain(shown.map((p) => p.loss), xType);
    return {
      points: shown.length,
      notes: scale.note ? [scale.note.replace('Linear y', 'Linear x')] : [],
      empty: shown.length === 0 ? 'No readout has a surviving path.' : undefined,
      description: `${SHARPNESS_LABELS[quantity]} against the mean loss at ρ = ${run.rho} for ${names.join(', ')}`,
      legend: names.map((n) => ({ label: n, color: colorOf(n), dash: dashOf(n) })),
      draw: (width) => Plot.plot({
        width,
        height: Math.round(Math.min(320, Math.max(220, width * 0.55))),
        marginLeft: 56,
        x: { label: 'loss f(x)', type: xType, grid: true, tickFormat: formatTick, domain: xDomain, ...(xDomain ? ticksFor(xDomain, xType) : {}) },
        y: { label: SHARPNESS_LABELS[quantity], grid: true, tickFormat: formatTick },
        marks: names.flatMap((name) => {
          const rows = shown.filter((p) => p.dynamics === name);
          const color = colorOf(name);
          return [
            Plot.line(rows, { x: 'loss', y: 'value', stroke: color, strokeWidth: 1.4, strokeDasharray: dashOf(name), clip: true }),
            Plot.dot(rows, { x: 'loss', y: 'value', stroke: color, r: 2, clip: true }),
          ];
        }),
      }) as SVGSVGElement,
    };
  }
}
