// <sam-trajectory-view>: mean trajectories with 95 % confidence bands, one plot per ρ, the
// algorithm and its SDE models overlaid (colour: family; dash: SDE or drift-only model).
import * as Plot from '@observablehq/plot';
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { OBSERVABLES, type Observable } from '../../src/dynamics/names.js';
import type { RunResult } from '../../src/simulate/result.js';
import type { PageResult } from '../lib/page-result.js';
import { colorOf, dashOf } from '../lib/palette.js';
import { OBSERVABLE_LABELS, families, familyMembers, trajectoryPoints, type TrajectoryPoint } from '../lib/plot-data.js';
import { chooseYScale, coincidences, fitDomain, formatTick, ticksFor } from '../lib/plot-scales.js';
import { divergenceNote } from '../lib/run-plan.js';
import { viewStyles } from './view-styles.js';
import './plot-figure.js';
import type { PlotSpec } from './plot-figure.js';

declare global {
  interface HTMLElementTagNameMap {
    'sam-trajectory-view': SamTrajectoryView;
  }
}

/** The batch size of a mini-batch experiment's run (docs/model.md §6.6); undefined otherwise. */
const batchOf = (run: RunResult): number | undefined => (run as RunResult & { batchSize?: number }).batchSize;

@customElement('sam-trajectory-view')
export class SamTrajectoryView extends LitElement {
  static styles = [viewStyles, css`
    .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr)); gap: 0.75rem; }
  `];

  @property({ attribute: false }) result: PageResult | undefined;
  /** A second result to overlay (the one shown before this), and what it was. */
  @property({ attribute: false }) previous: PageResult | undefined;
  @property() previousLabel = '';
  @state() private overlay = false;
  @state() private observable: Observable = 'g';
  /** An algorithm (with the models compared with it) or "all". */
  @state() private family = '';
  @state() private logY = true;
  /** 95 % bands on; off by default when many dynamics share a plot (they would cover each other). */
  @state() private bands: boolean | undefined;

  render(): TemplateResult | typeof nothing {
    const result = this.result;
    if (!result || result.runs.length === 0) return nothing;
    const choices = families(result);
    const family = choices.includes(this.family) ? this.family : choices[0];
    const names = familyMembers(result, family);
    const bands = this.bands ?? names.length <= 4;
    // A log axis is offered only when some plot's values are all positive.
    const logPossible = result.runs.some((run) => chooseYScale(trajectoryPoints(run, this.observable, names).map((p) => p.mean), true, '').type === 'log');
    return html`<section aria-labelledby="traj-title" data-testid="trajectory-view">
      <h2 id="traj-title">Mean trajectories</h2>
      <p class="hint">Path means${bands ? ' with 95 % confidence bands' : ''}. Solid: algorithm; dashed: SDE model; dotted: drift-only model${result.minibatch ? '; dash-dot: the SDE with Gaussian injection (-INJ)' : ''}.
        Colour: the algorithm family (SGD-SDE is drawn in SGD's colour).</p>
      <div class="controls">
        <label>Observable
          <select data-testid="traj-observable" @change=${(e: Event) => (this.observable = (e.target as HTMLSelectElement).value as Observable)}>
            ${OBSERVABLES.map((o) => html`<option value=${o} ?selected=${o === this.observable}>${OBSERVABLE_LABELS[o]}</option>`)}
          </select>
        </label>
        <label>Show
          <select data-testid="traj-family" @change=${(e: Event) => (this.family = (e.target as HTMLSelectElement).value)}>
            ${choices.map((f) => html`<option value=${f} ?selected=${f === family}>${f === 'all' ? 'all dynamics' : `${f} and its models`}</option>`)}
          </select>
        </label>
        <label class="check" title=${logPossible ? '' : `${OBSERVABLE_LABELS[this.observable]} is not positive everywhere: linear axes`}>
          <input type="checkbox" data-testid="traj-log" .checked=${this.logY && logPossible} ?disabled=${!logPossible}
            @change=${(e: Event) => (this.logY = (e.target as HTMLInputElement).checked)}> log y${logPossible ? '' : ' (values ≤ 0)'}</label>
        ${this.previous ? html`<label class="check" title=${`Thin faint lines: ${this.previousLabel}, at the same ρ and η`}><input type="checkbox" data-testid="traj-overlay"
          .checked=${this.overlay} @change=${(e: Event) => (this.overlay = (e.target as HTMLInputElement).checked)}> overlay ${this.previousLabel}</label>` : nothing}
        <label class="check"><input type="checkbox" data-testid="traj-bands" .checked=${bands}
          @change=${(e: Event) => (this.bands = (e.target as HTMLInputElement).checked)}> 95 % bands</label>
      </div>
      <div class="grid">
        ${result.runs.map((run) => html`<sam-plot heading=${this.heading(result, run)} note=${this.note(run, names)}
          fileName=${`trajectories-${this.observable}-eta${run.eta}${batchOf(run) !== undefined ? `-B${batchOf(run)}` : ''}-rho${run.rho}`} .spec=${this.spec(run, names, bands, result.config.paths)}></sam-plot>`)}
      </div>
    </section>`;
  }

  /** ρ alone, η and ρ when the runs differ in η (a convergence-order ladder), B and ρ for a mini-batch run. */
  private heading(result: PageResult, run: RunResult): string {
    const batch = batchOf(run);
    if (batch !== undefined) return `B = ${batch}, ρ = ${run.rho}`;
    const oneEta = result.runs.every((r) => r.eta === run.eta);
    return oneEta ? `ρ = ${run.rho}` : `η = ${run.eta}, ρ = ${Number(run.rho.toPrecision(4))}`;
  }

  private note(run: RunResult, names: string[]): string {
    const first = run.series[names[0]];
    const paths = first?.count[0];
    return [paths !== undefined ? `${paths} paths` : '', `η = ${run.eta}`].filter(Boolean).join(' · ');
  }

  private spec(run: RunResult, names: string[], showBands: boolean, paths: number): PlotSpec {
    const observable = this.observable;
    const all = trajectoryPoints(run, observable, names);
    const scale = chooseYScale(all.map((p) => p.mean), this.logY, OBSERVABLE_LABELS[observable]);
    const logY = scale.type === 'log';
    const points = all.filter((p) => Number.isFinite(p.mean) && (!logY || p.mean > 0));
    // On a log axis a band reaching zero is cut at a tenth of the mean (its lower edge is off-scale).
    const bands = points.map((p) => ({ ...p, lo: logY && p.lo <= 0 ? p.mean / 10 : p.lo }));
    const twins = coincidences(names.map((n) => ({ key: n, values: run.series[n]?.[observable].mean ?? [] })));
    const notes = [scale.note, divergenceNote(run, names, paths)].filter((n): n is string => Boolean(n));
    // The earlier result at the same ρ and η, drawn as thin faint lines under the current ones.
    const earlierRun = this.overlay ? this.previous?.runs.find((r) => r.rho === run.rho && r.eta === run.eta && batchOf(r) === batchOf(run)) : undefined;
    const earlier = earlierRun ? trajectoryPoints(earlierRun, observable, names).filter((p) => Number.isFinite(p.mean) && (!logY || p.mean > 0)) : [];
    if (this.overlay && this.previous && !earlierRun) notes.push(`${this.previousLabel} has no run at ρ = ${run.rho}, η = ${run.eta}: nothing to overlay here.`);
    const domain = fitDomain([...(showBands ? bands.flatMap((p) => [p.lo, p.hi, p.mean]) : points.map((p) => p.mean)), ...earlier.map((p) => p.mean)], scale.type);
    if (twins.size > 0) notes.push(`Coinciding lines: ${[...twins].map(([a, b]) => `${a} = ${b}`).join(', ')} (the later one is drawn over the earlier).`);
    const lost = names.filter((n) => { const s = run.series[n]; return s && s.diverged >= paths; });
    return {
      points: points.length,
      notes,
      empty: lost.length > 0 && points.length === 0 ? `Nothing to draw: every path diverged (${lost.join(', ')}).` : undefined,
      description: `${OBSERVABLE_LABELS[observable]} against time t at ρ = ${run.rho} for ${names.join(', ')}`,
      legend: [
        ...names.map((n) => ({ label: twins.has(n) ? `${n} (same as ${twins.get(n)})` : n, color: colorOf(n), dash: dashOf(n) })),
        ...(earlier.length > 0 ? [{ label: `thin, faint: ${this.previousLabel}`, color: '#8c959f' }] : []),
      ],
      draw: (width) => Plot.plot({
        width,
        height: Math.round(Math.min(320, Math.max(220, width * 0.55))),
        marginLeft: 56,
        x: { label: 't = kη', grid: true },
        y: {
          label: OBSERVABLE_LABELS[observable], type: scale.type, grid: true, tickFormat: formatTick, domain,
          ...(domain ? ticksFor(domain, scale.type) : {}),
        },
        marks: names.flatMap((name) => {
          const rows = bands.filter((p: TrajectoryPoint) => p.dynamics === name);
          const color = colorOf(name);
          const before = earlier.filter((p) => p.dynamics === name);
          return [
            ...(before.length > 0 ? [Plot.lineY(before, { x: 't', y: 'mean', stroke: color, strokeWidth: 1, strokeOpacity: 0.4, strokeDasharray: dashOf(name), clip: true, className: 'previous' })] : []),
            ...(showBands ? [Plot.areaY(rows, { x: 't', y1: 'lo', y2: 'hi', fill: color, fillOpacity: names.length > 4 ? 0.07 : 0.12, clip: true })] : []),
            Plot.lineY(rows, { x: 't', y: 'mean', stroke: color, strokeWidth: 1.6, strokeDasharray: dashOf(name), tip: false, clip: true }),
          ];
        }),
      }) as SVGSVGElement,
    };
  }
}
