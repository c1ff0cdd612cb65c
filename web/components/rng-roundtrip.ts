// <sam-rng-roundtrip>: the page's proof of life. Generates normals with Threefry on the GPU,
// reduces them on the GPU, finishes the sums in float64 and compares the first blocks bit for
// bit with the TypeScript twin (src/gpu/rngCheck.ts). Every figure carries a data-testid and
// its full-precision value in data-value, so the end-to-end test reads numbers, not text.
import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { GpuContext } from '../../src/gpu/device.js';
import { rngRoundTrip, type RoundTripReport } from '../../src/gpu/rngCheck.js';
import { shaderSources } from '../shaders.js';

declare global {
  interface HTMLElementTagNameMap {
    'sam-rng-roundtrip': SamRngRoundtrip;
  }
}

/** 65 536 paths × 4 normals = 262 144 draws: a few hundred ms on SwiftShader. */
export const ROUND_TRIP_PATHS = 65_536;
export const DEFAULT_SEED = 12_345;
/** f32 Box–Muller against the float64 twin: a few ulps of a value of order 1–5. */
const MAX_NORMAL_ERROR = 2e-6;

type RunState =
  | { kind: 'idle' }
  | { kind: 'pending'; seed: number }
  | { kind: 'complete'; seed: number; report: RoundTripReport; elapsedMs: number }
  | { kind: 'error'; seed: number; message: string };

interface Row {
  id: string;
  label: string;
  value: number;
  text: string;
  /** Undefined: a figure with no pass/fail criterion. */
  pass?: boolean;
  criterion?: string;
}

@customElement('sam-rng-roundtrip')
export class SamRngRoundtrip extends LitElement {
  static styles = css`
    :host { display: block; }
    .card {
      border: 1px solid var(--sam-border, #c9ced6); border-radius: 6px;
      padding: 0.75rem 1rem; background: var(--sam-surface, #fff);
    }
    h2 { font-size: 1rem; margin: 0 0 0.5rem; }
    p { margin: 0.25rem 0 0.75rem; color: #3d444d; }
    .controls { display: flex; flex-wrap: wrap; align-items: end; gap: 1rem; }
    label { display: flex; flex-direction: column; gap: 0.2rem; font-size: 0.9rem; color: #3d444d; }
    input { font: inherit; width: 10rem; padding: 0.3rem 0.4rem; border: 1px solid #8c959f; border-radius: 4px; }
    button {
      font: inherit; padding: 0.4rem 1rem; border-radius: 6px; cursor: pointer;
      border: 1px solid #1f6feb; background: #1f6feb; color: #fff;
    }
    button:disabled { cursor: not-allowed; background: #8c959f; border-color: #8c959f; }
    button:focus-visible, input:focus-visible { outline: 3px solid #80b3ff; outline-offset: 2px; }
    .status { margin-top: 0.75rem; min-height: 1.5rem; }
    .error { color: #a40e26; white-space: pre-wrap; }
    table { border-collapse: collapse; margin-top: 0.5rem; font-variant-numeric: tabular-nums; }
    caption { text-align: left; font-weight: 600; padding-bottom: 0.25rem; }
    th, td { padding: 0.3rem 0.9rem 0.3rem 0; text-align: left; border-bottom: 1px solid #d8dee4; }
    th { font-weight: 600; color: #3d444d; }
    td.num { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
    .pass { color: #1a7f37; }
    .fail { color: #a40e26; font-weight: 600; }
  `;

  /** The page's GPU context; undefined while none is available (button disabled). */
  @property({ attribute: false }) context: GpuContext | undefined;
  @state() private seed = DEFAULT_SEED;
  @state() private run: RunState = { kind: 'idle' };
  /** Identifies the latest run, so a result that arrives after a context change is dropped. */
  private runId = 0;

  protected willUpdate(changed: PropertyValues<this>): void {
    // A new (or lost) context invalidates a run still in flight on the old one.
    if (changed.has('context')) {
      this.runId++;
      if (this.run.kind === 'pending') this.run = { kind: 'idle' };
    }
  }

  /** Runs the round trip on the current context; resolves when the view has the result. */
  async start(): Promise<void> {
    const ctx = this.context;
    const seed = this.seed;
    if (!ctx || this.run.kind === 'pending') return;
    const id = ++this.runId;
    this.run = { kind: 'pending', seed };
    const t0 = performance.now();
    try {
      const report = await ctx.scoped('page.rngRoundTrip', () => rngRoundTrip(ctx, shaderSources, seed, ROUND_TRIP_PATHS));
      if (id === this.runId) this.run = { kind: 'complete', seed, report, elapsedMs: performance.now() - t0 };
    } catch (e) {
      if (id === this.runId) this.run = { kind: 'error', seed, message: e instanceof Error ? e.message : String(e) };
    }
  }

  private onSeedInput(event: Event): void {
    const value = Number((event.target as HTMLInputElement).value);
    // Threefry keys are u32; anything else would be truncated silently on the GPU.
    if (Number.isInteger(value) && value >= 0 && value <= 0xffffffff) this.seed = value;
  }

  render(): TemplateResult {
    const pending = this.run.kind === 'pending';
    return html`<section class="card" aria-labelledby="rt-title">
      <h2 id="rt-title">RNG + reduction round trip</h2>
      <p>Draws ${(4 * ROUND_TRIP_PATHS).toLocaleString('en')} standard normals with Threefry4x32-20 on the
        GPU, reduces them on the GPU, and checks the first 1,024 Threefry words bit for bit against the
        float64 TypeScript twin.</p>
      <div class="controls">
        <label>Seed (u32)
          <input type="number" min="0" max="4294967295" step="1" .value=${String(this.seed)}
            data-testid="rt-seed" @change=${this.onSeedInput} ?disabled=${pending}>
        </label>
        <button type="button" data-testid="rt-run" @click=${() => void this.start()}
          ?disabled=${!this.context || pending} aria-describedby="rt-status">
          Run RNG + reduction round trip
        </button>
      </div>
      <div class="status" id="rt-status" role="status" aria-live="polite" aria-busy=${pending ? 'true' : 'false'}
        data-testid="rt-status" data-state=${this.run.kind}>
        ${this.statusLine()}
      </div>
      ${this.run.kind === 'complete' ? this.results(this.run.report, this.run.seed) : nothing}
    </section>`;
  }

  private statusLine(): TemplateResult | string {
    const run = this.run;
    switch (run.kind) {
      case 'idle':
        return this.context ? 'Ready.' : 'Waiting for a GPU device.';
      case 'pending':
        return `Running with seed ${run.seed}…`;
      case 'complete':
        return html`Done in <span data-testid="rt-elapsed" data-value=${run.elapsedMs}>${run.elapsedMs.toFixed(0)} ms</span>.`;
      case 'error':
        return html`<span class="error" data-testid="rt-error">Round trip failed: ${run.message}</span>`;
    }
  }

  private results(r: RoundTripReport, seed: number): TemplateResult {
    const n = r.gpu.count;
    // 4-standard-error bands for N(0,1) samples: mean ~ N(0, 1/n), variance ~ N(1, 2/n).
    const meanBand = 4 / Math.sqrt(n);
    const varianceBand = 4 * Math.sqrt(2 / n);
    const rows: Row[] = [
      { id: 'rt-normals', label: 'Normals', value: r.normals, text: r.normals.toLocaleString('en') },
      { id: 'rt-mean', label: 'Mean', value: r.gpu.mean, text: r.gpu.mean.toExponential(3), pass: Math.abs(r.gpu.mean) < meanBand, criterion: `|mean| < ${meanBand.toExponential(2)} (4 s.e.)` },
      { id: 'rt-variance', label: 'Variance', value: r.gpu.variance, text: r.gpu.variance.toFixed(5), pass: Math.abs(r.gpu.variance - 1) < varianceBand, criterion: `|var − 1| < ${varianceBand.toExponential(2)} (4 s.e.)` },
      { id: 'rt-stderr', label: 'Std. error of mean', value: r.gpu.stderr, text: r.gpu.stderr.toExponential(3) },
      { id: 'rt-max-error', label: 'Max |GPU − twin| normal', value: r.maxNormalError, text: r.maxNormalError.toExponential(2), pass: r.maxNormalError < MAX_NORMAL_ERROR, criterion: `< ${MAX_NORMAL_ERROR.toExponential(0)}` },
    ];
    const wordsPass = r.wordsMatching === r.wordsChecked;
    return html`<table data-testid="rt-results" data-seed=${seed}>
      <caption>Seed ${seed}</caption>
      <thead><tr><th scope="col">Quantity</th><th scope="col">Value</th><th scope="col">Check</th></tr></thead>
      <tbody>
        ${rows.map((row) => html`<tr>
          <th scope="row">${row.label}</th>
          <td class="num" data-testid=${row.id} data-value=${row.value}>${row.text}</td>
          <td>${row.pass === undefined ? '' : this.verdict(row.pass, row.criterion ?? '')}</td>
        </tr>`)}
        <tr>
          <th scope="row">Threefry words matching / checked</th>
          <td class="num"><span data-testid="rt-words-matching" data-value=${r.wordsMatching}>${r.wordsMatching}</span>
            / <span data-testid="rt-words-checked" data-value=${r.wordsChecked}>${r.wordsChecked}</span></td>
          <td>${this.verdict(wordsPass, 'bit-exact')}</td>
        </tr>
      </tbody>
    </table>`;
  }

  private verdict(pass: boolean, criterion: string): TemplateResult {
    return html`<span class=${pass ? 'pass' : 'fail'}>${pass ? '✓' : '✗'} ${criterion}</span>`;
  }
}
