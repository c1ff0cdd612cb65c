// <sam-order-view>: the convergence-order panel (docs/model.md §4): weak error against η on
// log–log axes per algorithm–model pair, the fitted slope with its 95 % interval, qualified
// points filled (unqualified hollow), and reference slopes 1 and 0.5.
import * as Plot from '@observablehq/plot';
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { OrderSummary } from '../lib/page-result.js';
import { colorOf, DASH_DRIFT, DASH_SDE } from '../lib/palette.js';
import { Z95, orderFits, orderPoints, referenceSlopes } from '../lib/plot-data.js';
import { coincidences, fitDomain, formatTick, ticksFor } from '../lib/plot-scales.js';
import { short } from '../lib/run-plan.js';
import { OWN_MODEL_SLOPE, SGD_SDE_SLOPE } from '../../src/experiments/claims.js';
import type { OrderSpec } from '../../src/experiments/types.js';
import { viewStyles } from './view-styles.js';
import './plot-figure.js';
import type { LegendEntry, PlotSpec } from './plot-figure.js';

declare global {
  interface HTMLElementTagNameMap {
    'sam-order-view': SamOrderView;
  }
}

const REFERENCE_COLOR = '#8c959f';
const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

/** The slope band the claim checks hold a pair to (src/experiments/claims.ts), if any. */
export function claimedBand(p: { algorithm: string; model: string }, rhoScaling: string): [number, number] | undefined {
  if (p.model === `${p.algorithm}-SDE`) return OWN_MODEL_SLOPE;
  if (p.model === 'SGD-SDE' && p.algorithm !== 'SGD' && rhoScaling === 'sqrt') return SGD_SDE_SLOPE;
  return undefined;
}

/** Colour: the algorithm's family, as in every view; dash: SGD SDE solid, own SDE dashed, drift-only dotted. */
function pairDash(p: { algorithm: string; model: string }): string | undefined {
  if (p.model.endsWith('-DRIFT')) return DASH_DRIFT;
  if (p.model === 'SGD-SDE' && p.algorithm !== 'SGD') return undefined;
  return DASH_SDE;
}

@customElement('sam-order-view')
export class SamOrderView extends LitElement {
  static styles = viewStyles;

  @property({ attribute: false }) order: OrderSummary | undefined;
  /** The ladder the run set out to do (a cancelled run finishes fewer η steps). */
  @property({ attribute: false }) planned: OrderSpec | undefined;

  render(): TemplateResult | typeof nothing {
    const order = this.order;
    if (!order || order.pairs.length === 0) return nothing;
    const fits = orderFits(order);
    return html`<section aria-labelledby="order-title" data-testid="order-view">
      <h2 id="order-title">Convergence order</h2>
      <p class="hint">Weak error max_k |E g(x_k) − E g(X_kη)| at horizon T = ${order.horizon}, against η. Filled points clearly
        exceed their standard error and enter the fit; hollow points do not. Grey: reference slopes 1 (dashed) and 0.5 (dotted).
        Colour: the algorithm; solid: the SGD SDE as a model of USAM/DNSAM/SAM; dashed: the algorithm's own SDE.</p>
      ${this.planned && this.planned.etas.length > order.etas.length
        ? html`<p class="hint warn" data-testid="order-partial">Cancelled after ${order.etas.length} of ${this.planned.etas.length} η steps:
            finished η = ${order.etas.map(short).join(', ')}; not run: ${this.planned.etas.slice(order.etas.length).map(short).join(', ')}.
            ${order.etas.length < 2 ? 'A slope needs at least two η steps.' : ''}</p>`
        : nothing}
      <details class="help" data-testid="order-help"><summary>What the numbers mean</summary>
        <p class="hint">Each η runs ⌈T/η⌉ steps to the same horizon T with ρ following η by the chosen rule. The weak error is
          max_k |E g(x_k) − E g(X_kη)| between the algorithm and the model; a weak order-p model has error ∝ η^p, so the slope of
          log error against log η estimates p (least squares over the qualified points, with a bootstrap 95 % interval).
          Claimed slopes (src/experiments/claims.ts): about 1 for each algorithm's own SDE; under ρ = c·√η, 0.35–0.75 for the
          SGD SDE as a model of USAM/DNSAM/SAM (the paper: ≈ 0.5–0.65). Paper: <a href="https://arxiv.org/abs/2301.08203" target="_blank" rel="noopener">arXiv:2301.08203</a>.</p>
      </details>
      <sam-plot heading="Weak error against η (log–log)" fileName="convergence-order" .spec=${this.spec(order)}></sam-plot>
      <table data-testid="order-table">
        <caption class="hint">Fitted slope p of log e = p log η + c</caption>
        <thead><tr><th scope="col">Algorithm</th><th scope="col">Model</th><th scope="col">Slope p</th><th scope="col">95 % interval</th>
          <th scope="col">Claimed slope</th><th scope="col">Qualified points</th></tr></thead>
        <tbody>${order.pairs.map((p) => {
          const band = claimedBand(p, order.rhoScaling);
          const verdict = !band ? 'none' : !Number.isFinite(p.slope) ? 'untestable' : p.slope >= band[0] && p.slope <= band[1] ? 'inside' : 'outside';
          return html`<tr data-testid="order-row" data-slope=${p.slope} data-claim=${verdict}>
          <td>${p.algorithm}</td><td>${p.model}</td><td>${fmt(p.slope)}</td>
          <td>[${fmt(p.ci95[0])}, ${fmt(p.ci95[1])}]</td>
          <td>${band ? html`[${band[0]}, ${band[1]}]${verdict === 'outside' ? html` <strong class="flag">✗ outside</strong>` : verdict === 'inside' ? ' ✓' : ' (no slope)'}` : '—'}</td>
          <td>${p.qualified.filter(Boolean).length} / ${p.qualified.length}${fits.some((f) => f.pair === `${p.algorithm} vs ${p.model}`) ? '' : ' (too few to fit)'}</td>
        </tr>`;
        })}</tbody>
      </table>
    </section>`;
  }

  private spec(order: OrderSummary): PlotSpec {
    const points = orderPoints(order).filter((p) => Number.isFinite(p.error) && p.error > 0);
    const pairs = order.pairs.map((p) => `${p.algorithm} vs ${p.model}`);
    const pairOf = (pair: string) => order.pairs[pairs.indexOf(pair)];
    const color = (pair: string) => colorOf(pairOf(pair).algorithm);
    const twins = coincidences(order.pairs.map((p, i) => ({ key: pairs[i], values: p.errors })));
    const fits = orderFits(order);
    const references = referenceSlopes(points);
    const bars = points.filter((p) => Number.isFinite(p.stderr)).map((p) => ({
      ...p, lo: Math.max(p.error - Z95 * p.stderr, p.error / 10), hi: p.error + Z95 * p.stderr,
    }));
    const legend: LegendEntry[] = order.pairs.map((p) => {
      const pair = `${p.algorithm} vs ${p.model}`;
      return {
        label: `${pair}: p = ${fmt(p.slope, 2)} [${fmt(p.ci95[0], 2)}, ${fmt(p.ci95[1], 2)}]${twins.has(pair) ? ` (same errors as ${twins.get(pair)})` : ''}`,
        color: color(pair), dash: pairDash(p),
      };
    });
    legend.push({ label: 'slope 1', color: REFERENCE_COLOR, dash: '6 3' }, { label: 'slope 0.5', color: REFERENCE_COLOR, dash: '1.5 3' });
    const xDomain = fitDomain(points.map((p) => p.eta), 'log', 0.08);
    const yDomain = fitDomain([...points.map((p) => p.error), ...bars.map((b) => b.hi)], 'log', 0.05);
    return {
      points: points.length,
      notes: twins.size > 0 ? [`Coinciding lines: ${[...twins].map(([a, b]) => `${a} = ${b}`).join('; ')}.`] : [],
      description: `Weak error against η for ${pairs.length} pairs on log–log axes, with fitted slopes and reference slopes 1 and 0.5`,
      legend,
      draw: (width) => Plot.plot({
        width,
        height: Math.round(Math.min(400, Math.max(260, width * 0.55))),
        marginLeft: 60,
        x: { type: 'log', label: 'η', grid: true, tickFormat: formatTick, domain: xDomain, ...(xDomain ? ticksFor(xDomain) : {}) },
        y: { type: 'log', label: 'weak error', grid: true, tickFormat: formatTick, domain: yDomain, ...(yDomain ? ticksFor(yDomain) : {}) },
        marks: [
          ...['slope 1', 'slope 0.5'].map((slope) => Plot.line(references.filter((r) => r.slope === slope),
            { x: 'eta', y: 'error', stroke: REFERENCE_COLOR, strokeDasharray: slope === 'slope 1' ? '6 3' : '1.5 3' })),
          ...pairs.flatMap((pair) => {
            const rows = points.filter((p) => p.pair === pair);
            const fit = fits.find((f) => f.pair === pair);
            const c = color(pair);
            return [
              Plot.ruleX(bars.filter((b) => b.pair === pair), { x: 'eta', y1: 'lo', y2: 'hi', stroke: c, strokeOpacity: 0.5, clip: true }),
              ...(fit ? [Plot.line(fit.line, { x: 'eta', y: 'error', stroke: c, strokeWidth: 1.6, strokeDasharray: pairDash(pairOf(pair)) })] : []),
              Plot.dot(rows.filter((p) => p.qualified), { x: 'eta', y: 'error', fill: c, stroke: c, r: 3.5 }),
              Plot.dot(rows.filter((p) => !p.qualified), { x: 'eta', y: 'error', fill: 'white', stroke: c, r: 3.5 }),
            ];
          }),
        ],
      }) as SVGSVGElement,
    };
  }
}
