// <sam-saddle-view>: the saddle experiments (docs/model.md §6 and §7): mean ‖x_t‖ per dynamics
// against time with the trap radius drawn, one plot per ρ, and the escaped fraction when the
// result carries it.
import * as Plot from '@observablehq/plot';
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { RunResult } from '../../src/simulate/result.js';
import type { PageResult } from '../lib/page-result.js';
import { colorOf, dashOf } from '../lib/palette.js';
import { trapRadius } from '../../src/experiments/saddle.js';
import { escapedFraction, trajectoryPoints } from '../lib/plot-data.js';
import { chooseYScale, fitDomain, formatTick, ticksFor } from '../lib/plot-scales.js';
import { divergenceNote } from '../lib/run-plan.js';
import { viewStyles } from './view-styles.js';
import './plot-figure.js';
import type { LegendEntry, PlotSpec } from './plot-figure.js';

declare global {
  interface HTMLElementTagNameMap {
    'sam-saddle-view': SamSaddleView;
  }
}

const TRAP_COLOR = '#6e7781';
const ESCAPE_COLOR = '#9a6700';

@customElement('sam-saddle-view')
export class SamSaddleView extends LitElement {
  static styles = [viewStyles, css`
    .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr)); gap: 0.75rem; }
  `];

  @property({ attribute: false }) result: PageResult | undefined;
  @state() private bands = true;

  render(): TemplateResult | typeof nothing {
    const result = this.result;
    // Shown for every saddle experiment (the page picks the view by the experiment's kind).
    if (!result || result.runs.length === 0) return nothing;
    const hasTrap = result.runs.some((run) => trapRadius(result.config.problem, run.rho) !== undefined);
    const withEscaped = result.runs.filter((run) => Object.values(run.series).some((s) => escapedFraction(s)));
    return html`<section aria-labelledby="saddle-title" data-testid="saddle-view">
      <h2 id="saddle-title">Saddle escape</h2>
      <p class="hint">Mean distance ‖x_t‖ from the saddle at the origin${hasTrap ? html`. Grey dashes: the trap radius ρ·min|λ₋|/max|λ| — inside it
        ‖Hx‖ &lt; ρ·min|λ₋|, the set the SAM flow cannot leave (docs/model.md §7). SAM and DNSAM started inside stay; SGD and USAM escape` : html`
        (${result.config.problem.kind}: no closed-form trap radius; read ‖x_t‖, the loss below and the escaped fraction)`}.
        ${result.escape ? html`Brown dots: the escape radius ${result.escape.radius}; a path has escaped once it crossed it.` : nothing}</p>
      <div class="controls"><label class="check"><input type="checkbox" data-testid="saddle-bands" .checked=${this.bands}
        @change=${(e: Event) => (this.bands = (e.target as HTMLInputElement).checked)}> 95 % bands</label></div>
      <div class="grid">
        ${result.runs.map((run) => html`<sam-plot heading=${`‖x_t‖ at ρ = ${run.rho}`} note=${this.trapNote(result, run.rho)}
          fileName=${`saddle-norm-rho${run.rho}`} .spec=${this.normSpec(result, run)}></sam-plot>`)}
      </div>
      ${withEscaped.length > 0
        ? html`<div class="grid">${withEscaped.map((run) => html`<sam-plot heading=${`Escaped fraction at ρ = ${run.rho}`}
            fileName=${`saddle-escaped-rho${run.rho}`} .spec=${this.escapedSpec(run)}></sam-plot>`)}</div>`
        : html`<p class="hint" data-testid="saddle-no-escaped">This result has no per-path escape counts; the escaped
            fraction needs them (the mean ‖x_t‖ above is what the simulator records).</p>`}
    </section>`;
  }

  private trapNote(result: PageResult, rho: number): string {
    const r = trapRadius(result.config.problem, rho);
    if (r !== undefined) return `trap radius ${r.toPrecision(3)}`;
    return result.config.problem.kind === 'saddle' ? 'no negative eigenvalue: no trap' : `no closed-form trap radius (${result.config.problem.kind})`;
  }

  private normSpec(result: PageResult, run: RunResult): PlotSpec {
    const names = Object.keys(run.series);
    const all = trajectoryPoints(run, 'norm', names);
    const scale = chooseYScale(all.map((p) => p.mean), true, 'mean ‖x_t‖');
    const log = scale.type === 'log';
    const points = all.filter((p) => Number.isFinite(p.mean) && (!log || p.mean > 0));
    const bands = this.bands;
    const rowsOf = (name: string) => points.filter((p) => p.dynamics === name).map((p) => ({ ...p, lo: !log || p.lo > 0 ? p.lo : p.mean / 10 }));

    const notes = [scale.note, divergenceNote(run, names, result.config.paths)].filter((n): n is string => Boolean(n));
    const radius = trapRadius(result.config.problem, run.rho);
    const escape = result.escape?.radius;
    const legend: LegendEntry[] = names.map((n) => ({ label: n, color: colorOf(n), dash: dashOf(n) }));
    // The data and the two radii (the reference lines this plot is about) set the y range.
    const domain = fitDomain([...points.flatMap((p) => (bands ? [p.mean, p.hi, p.lo > 0 ? p.lo : p.mean] : [p.mean])),
      ...(radius !== undefined ? [radius] : []), ...(escape !== undefined ? [escape] : [])], scale.type);
    if (radius !== undefined) legend.push({ label: 'trap radius', color: TRAP_COLOR, dash: '4 4' });
    if (escape !== undefined) legend.push({ label: 'escape radius', color: ESCAPE_COLOR, dash: '1.5 3' });
    return {
      points: points.length,
      notes,
      description: `Mean ‖x_t‖ against time at ρ = ${run.rho} for ${names.join(', ')}`
        + (radius !== undefined ? `, with the trap radius ${radius.toPrecision(3)}` : ''),
      legend,
      draw: (width) => Plot.plot({
        width,
        height: Math.round(Math.min(320, Math.max(220, width * 0.55))),
        marginLeft: 56,
        x: { label: 't = kη', grid: true },
        y: { type: scale.type, label: 'mean ‖x_t‖', grid: true, tickFormat: formatTick, domain, ...(domain ? ticksFor(domain, scale.type) : {}) },
        marks: [
          ...(radius !== undefined ? [Plot.ruleY([radius], { stroke: TRAP_COLOR, strokeDasharray: '4 4' })] : []),
          ...(escape !== undefined ? [Plot.ruleY([escape], { stroke: ESCAPE_COLOR, strokeDasharray: '1.5 3' })] : []),
          ...names.flatMap((name) => {
            const rows = rowsOf(name);
            return [
              ...(bands ? [Plot.areaY(rows, { x: 't', y1: 'lo', y2: 'hi', fill: colorOf(name), fillOpacity: names.length > 4 ? 0.07 : 0.12, clip: true })] : []),
              Plot.lineY(rows, { x: 't', y: 'mean', stroke: colorOf(name), strokeWidth: 1.6, strokeDasharray: dashOf(name), clip: true }),
            ];
          }),
        ],
      }) as SVGSVGElement,
    };
  }

  private escapedSpec(run: RunResult): PlotSpec {
    const rows = Object.entries(run.series).flatMap(([name, s]) =>
      (escapedFraction(s) ?? []).map((fraction, k) => ({ name, t: run.t[k], fraction })))
      .filter((r) => Number.isFinite(r.fraction) && Number.isFinite(r.t));
    const names = [...new Set(rows.map((r) => r.name))];
    return {
      points: rows.length,
      description: `Fraction of paths that left the trap ball against time at ρ = ${run.rho}`,
      legend: names.map((n) => ({ label: n, color: colorOf(n), dash: dashOf(n) })),
      draw: (width) => Plot.plot({
        width,
        height: 220,
        marginLeft: 56,
        x: { label: 't = kη', grid: true },
        y: { label: 'escaped fraction', domain: [0, 1], grid: true },
        marks: names.map((name) => Plot.lineY(rows.filter((r) => r.name === name),
          { x: 't', y: 'fraction', stroke: colorOf(name), strokeWidth: 1.6, strokeDasharray: dashOf(name) })),
      }) as SVGSVGElement,
    };
  }
}
