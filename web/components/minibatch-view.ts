// <sam-minibatch-view>: the mini-batch noise experiment (docs/model.md §6.6). relMaxError on g of
// each algorithm's own SDE in mode B (per-sample covariance) and of its Gaussian-injection twin
// (σ_B matched to the batch noise at x0) against the batch size, with 95 % intervals from the
// unpaired standard errors; the table of every (B, ρ, algorithm) with the verdict; and the
// validation figure (error against ρ) at one chosen batch size.
import * as Plot from '@observablehq/plot';
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { batchSlice } from '../../src/experiments/minibatch.js';
import type { PageResult } from '../lib/page-result.js';
import { DASH_INJECTION, DASH_SDE, colorOf } from '../lib/palette.js';
import { Z95, gapVerdict, minibatchPoints } from '../lib/plot-data.js';
import { fitDomain, formatTick, ticksFor } from '../lib/plot-scales.js';
import { short } from '../lib/run-plan.js';
import { viewStyles } from './view-styles.js';
import './error-rho-view.js';
import './plot-figure.js';
import type { PlotSpec } from './plot-figure.js';

declare global {
  interface HTMLElementTagNameMap {
    'sam-minibatch-view': SamMinibatchView;
  }
}

/** The standard errors of the difference a gap must exceed to count (the claim's, src/experiments/claims.ts). */
const RESOLVED_SE = 2;

function num(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-4 || a >= 1e5) ? x.toExponential(digits - 1) : String(Number(x.toPrecision(digits)));
}

@customElement('sam-minibatch-view')
export class SamMinibatchView extends LitElement {
  static styles = [viewStyles, css`
    td.num, th.num { text-align: right; }
    .table-wrap { overflow-x: auto; }
    tr[data-verdict='worse'] td.verdict { color: #a40e26; }
    tr[data-verdict='better'] td.verdict { color: #1a7f37; }
  `];

  @property({ attribute: false }) result: PageResult | undefined;
  /** The ρ the plot shows (NaN: the first of the result). */
  @state() private rho = NaN;
  /** The batch size whose validation figure is shown below (NaN: the first). */
  @state() private batchSize = NaN;

  render(): TemplateResult | typeof nothing {
    const result = this.result;
    const summary = result?.minibatch;
    if (!result || !summary) return nothing;
    const rhos = [...new Set(summary.pairs.map((p) => p.rho))].sort((a, b) => a - b);
    const rho: number | undefined = rhos.includes(this.rho) ? this.rho : rhos[rhos.length - 1];
    const sizes = summary.batchSizes.filter((b) => result.runs.some((r) => (r as { batchSize?: number }).batchSize === b));
    const batchSize = sizes.includes(this.batchSize) ? this.batchSize : sizes[0];
    return html`<section aria-labelledby="mb-title" data-testid="minibatch-view">
      <h2 id="mb-title">Mini-batch noise: mode-B SDE against Gaussian injection</h2>
      <p class="hint">The algorithms draw real mini-batches of B samples. Each is compared with its own SDE in mode B
        (the per-sample gradient covariance, docs/model.md §3.3; dashed) and with the same SDE driven by Gaussian noise
        of scale σ_B (dash-dot), chosen so that σ_B² d equals the trace of the mini-batch gradient covariance at x0:
        σ_B = ${summary.sigmas.map((s, i) => `${num(s)} (B = ${summary.batchSizes[i]})`).join(', ')}.
        The two noise modes are separate simulations, so the intervals (95 %) use the unpaired standard error.</p>
      <div class="controls">
        ${rhos.length > 1 ? html`<label>ρ
          <select data-testid="mb-rho" @change=${(e: Event) => (this.rho = Number((e.target as HTMLSelectElement).value))}>
            ${rhos.map((r) => html`<option value=${r} ?selected=${r === rho}>${short(r)}</option>`)}
          </select></label>` : nothing}
      </div>
      ${rho === undefined
        ? html`<p class="hint" data-testid="mb-waiting">No batch size has finished both its simulations yet (mini-batches, then Gaussian injection).</p>`
        : html`<sam-plot heading=${`relMaxError of g against the batch size, ρ = ${short(rho)}`} note="log–log; dashed: mode-B SDE, dash-dot: injection SDE"
            fileName=${`error-vs-batch-rho${rho}`} .spec=${this.spec(result, rho)}></sam-plot>
          ${this.table(result)}`}
      ${sizes.length > 0 ? html`<div class="controls">
        <label>Error against ρ at batch size
          <select data-testid="mb-batch" @change=${(e: Event) => (this.batchSize = Number((e.target as HTMLSelectElement).value))}>
            ${sizes.map((b) => html`<option value=${b} ?selected=${b === batchSize}>B = ${b}</option>`)}
          </select></label>
      </div>
      <sam-error-rho-view .result=${batchSlice(result, batchSize)}></sam-error-rho-view>` : nothing}
    </section>`;
  }

  private table(result: PageResult): TemplateResult {
    const summary = result.minibatch!;
    const sigma = (b: number) => summary.sigmas[summary.batchSizes.indexOf(b)];
    return html`<div class="table-wrap"><table data-testid="minibatch-table">
      <caption class="hint">relMaxError on g ± its unpaired standard error. Verdict: the mode-B SDE is better (or worse) where the gap
        exceeds ${RESOLVED_SE} standard errors of the difference; otherwise a tie.</caption>
      <thead><tr><th scope="col" class="num">B</th><th scope="col" class="num">σ_B</th><th scope="col" class="num">ρ</th>
        <th scope="col">Algorithm</th><th scope="col" class="num">own SDE, mode B</th><th scope="col" class="num">own SDE, injection</th>
        <th scope="col" class="num">gap ± SE</th><th scope="col">verdict</th></tr></thead>
      <tbody>${summary.pairs.map((p) => {
        const verdict = gapVerdict(p, RESOLVED_SE);
        return html`<tr data-testid="minibatch-row" data-verdict=${verdict} data-batch=${p.batchSize} data-rho=${p.rho} data-algorithm=${p.algorithm}>
          <td class="num">${p.batchSize}</td><td class="num">${num(sigma(p.batchSize))}</td><td class="num">${short(p.rho)}</td><td>${p.algorithm}</td>
          <td class="num">${num(p.modeB.relMaxError)} ± ${num(p.modeB.relStderr, 2)}</td>
          <td class="num">${num(p.injection.relMaxError)} ± ${num(p.injection.relStderr, 2)}</td>
          <td class="num">${num(p.gap)} ± ${num(p.gapStderr, 2)}</td>
          <td class="verdict">${verdict === 'better' ? 'mode B better' : verdict === 'worse' ? 'injection better' : 'tie'}</td></tr>`;
      })}</tbody>
    </table></div>`;
  }

  private spec(result: PageResult, rho: number): PlotSpec {
    const all = minibatchPoints(result.minibatch!).filter((p) => p.rho === rho);
    const points = all.filter((p) => Number.isFinite(p.relMaxError) && p.relMaxError > 0);
    const bars = points.map((p) => ({ ...p, lo: p.relMaxError - Z95 * p.relStderr, hi: p.relMaxError + Z95 * p.relStderr }));
    const yDomain = fitDomain([...points.map((p) => p.relMaxError), ...bars.filter((b) => b.lo > 0).flatMap((b) => [b.lo, b.hi])], 'log', 0.05);
    const shownBars = bars.map((b) => ({ ...b, lo: b.lo > 0 ? b.lo : yDomain?.[0] ?? b.relMaxError / 10 }));
    const xDomain = fitDomain(points.map((p) => p.batchSize), 'log', 0.08);
    const algorithms = [...new Set(all.map((p) => p.algorithm))];
    const series = algorithms.flatMap((a) => (['mode B', 'injection'] as const).map((kind) => ({ algorithm: a, kind })));
    const dash = (kind: 'mode B' | 'injection') => (kind === 'mode B' ? DASH_SDE : DASH_INJECTION);
    const cut = bars.filter((b) => !(b.lo > 0)).length;
    const missing = all.length - points.length;
    const notes = [
      ...(cut > 0 ? [`${cut} interval${cut === 1 ? '' : 's'} reach${cut === 1 ? 'es' : ''} 0: cut at the axis.`] : []),
      ...(missing > 0 ? [`${missing} value${missing === 1 ? '' : 's'} zero or missing: not drawn (see the table).`] : []),
    ];
    return {
      points: points.length,
      notes,
      empty: points.length === 0 ? 'Nothing to draw yet: no batch size has both simulations finished.' : undefined,
      description: `relMaxError on g against the batch size at ρ = ${rho}, own SDE in mode B and with Gaussian injection, for ${algorithms.join(', ')}`,
      legend: series.map((s) => ({ label: `${s.algorithm} vs ${s.algorithm}-SDE${s.kind === 'injection' ? '-INJ (injection)' : ' (mode B)'}`, color: colorOf(s.algorithm), dash: dash(s.kind) })),
      draw: (width) => Plot.plot({
        width,
        height: Math.round(Math.min(380, Math.max(260, width * 0.5))),
        marginLeft: 60,
        x: { type: 'log', label: 'batch size B', grid: true, tickFormat: formatTick, domain: xDomain, ...(xDomain ? ticksFor(xDomain) : {}) },
        y: { type: 'log', label: 'relMaxError', grid: true, tickFormat: formatTick, domain: yDomain, ...(yDomain ? ticksFor(yDomain) : {}) },
        marks: series.flatMap((s) => {
          const rows = points.filter((p) => p.algorithm === s.algorithm && p.kind === s.kind).sort((a, b) => a.batchSize - b.batchSize);
          if (rows.length === 0) return [];
          const color = colorOf(s.algorithm);
          // Mode B and injection points of one B sit side by side, a little apart.
          const shift = s.kind === 'mode B' ? 0.97 : 1.03;
          const shifted = rows.map((r) => ({ ...r, x: r.batchSize * shift }));
          const own = shownBars.filter((b) => b.algorithm === s.algorithm && b.kind === s.kind).map((b) => ({ ...b, x: b.batchSize * shift }));
          return [
            Plot.ruleX(own, { x: 'x', y1: 'lo', y2: 'hi', stroke: color, strokeOpacity: 0.6, clip: true }),
            Plot.line(shifted, { x: 'x', y: 'relMaxError', stroke: color, strokeWidth: 1.6, strokeDasharray: dash(s.kind) }),
            Plot.dot(shifted, { x: 'x', y: 'relMaxError', fill: s.kind === 'mode B' ? color : 'white', stroke: color, r: 3 }),
          ];
        }),
      }) as SVGSVGElement,
    };
  }
}
