// <sam-app>: the page's state and layout. Holds the chosen experiment, its size and the edited
// parameters (mirrored in the URL), validates them, hands a run request to the run controller,
// and hands whatever result there is (streaming, finished, cancelled or imported) to the views.
// The adapter card and the diagnostics come in through slots (they live in index.html).
import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { GpuContext } from '../../src/gpu/device.js';
import {
  EXPERIMENTS, experimentConfig, findExperiment, hasQuick, pickerEntries, runFor, unavailableReason, type Experiment,
} from '../lib/experiments.js';
import type { PageResult } from '../lib/page-result.js';
import {
  orderValuesFrom, paramsFromConfig, pathStepsOf, validateOrder, validateParams,
  type OrderValues, type ParamValues, type RawConfig, type Validation,
} from '../lib/params.js';
import type { OrderSpec } from '../../src/experiments/registry.js';
import { resultToJson } from '../lib/result-io.js';
import { CUSTOM_ID, decodeState, encodeState } from '../lib/url-state.js';
import './experiment-picker.js';
import './parameter-panel.js';
import './run-controller.js';
import './result-io.js';
import './trajectory-view.js';
import './error-rho-view.js';
import './saddle-view.js';
import './order-view.js';
import type { RunRequest, SamRunController } from './run-controller.js';

declare global {
  interface HTMLElementTagNameMap {
    'sam-app': SamApp;
  }
}

/** A starting point for a pasted config: a small quadratic the user edits. */
const CUSTOM_TEMPLATE: RawConfig = {
  problem: { kind: 'quadratic', hessian: { eigenvalues: [1, 0.5, 0.25, 0.125] } },
  x0: { normal: { std: 1, seed: 1 } },
  noise: { sigma: 0.1 },
  eta: 0.01,
  rho: [0.01, 0.1],
  steps: 500,
  paths: 256,
  seed: 1,
};

interface Shown {
  result: PageResult;
  /** Where it came from: a run on this page or an imported file. */
  source: { kind: 'run'; label: string } | { kind: 'import'; name: string };
}

@customElement('sam-app')
export class SamApp extends LitElement {
  static styles = css`
    :host { display: block; }
    .layout { display: grid; grid-template-columns: minmax(0, 27rem) minmax(0, 1fr); gap: 1rem; align-items: start; }
    .side, .results, .after { display: grid; gap: 0.9rem; min-width: 0; }
    .banner { border-radius: 6px; padding: 0.5rem 0.75rem; background: #ddf4ff; border: 1px solid #54aeff; font-size: 0.9rem; }
    .banner.cancelled { background: #fff8c5; border-color: #d4a72c; }
    .empty { border: 1px dashed #8c959f; border-radius: 6px; padding: 2rem 1rem; color: #57606a; text-align: center; background: #fff; }
    .error { color: #a40e26; }
    @media (max-width: 960px) {
      /* One column: the results right after the Run card, the adapter, export and diagnostics below. */
      .layout { grid-template-columns: minmax(0, 1fr); }
      .side { display: contents; }
      .results { order: 1; }
      .after { order: 2; }
    }
  `;

  /** The page's GPU context (from <sam-gpu-status>); undefined while none is usable. */
  @property({ attribute: false }) context: GpuContext | undefined;
  @state() private experimentId = EXPERIMENTS[0]?.id ?? CUSTOM_ID;
  @state() private quick = false;
  @state() private values: ParamValues | undefined;
  /** The ladder of a convergence-order experiment; undefined for other experiments. */
  @state() private order: OrderValues | undefined;
  @state() private configText = JSON.stringify(CUSTOM_TEMPLATE, null, 2);
  @state() private running = false;
  @state() private shown: Shown | undefined;
  @state() private linkError = '';
  @query('sam-run-controller') private controller!: SamRunController;
  private validation: Validation | undefined;
  private request: RunRequest | undefined;

  connectedCallback(): void {
    super.connectedCallback();
    this.loadFromUrl(location.search);
    window.addEventListener('popstate', this.onPopState);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.onPopState);
  }

  /** The result on show as result.json text (what the export button saves); for headless runs. */
  resultJson(): string | undefined {
    return this.shown ? resultToJson(this.shown.result) : undefined;
  }

  get currentResult(): PageResult | undefined {
    return this.shown?.result;
  }

  private onPopState = () => this.loadFromUrl(location.search);

  private loadFromUrl(search: string): void {
    const { state, error } = decodeState(search, this.experimentId);
    this.linkError = error ?? '';
    const known = state.experiment === CUSTOM_ID || findExperiment(state.experiment);
    this.experimentId = known ? state.experiment : EXPERIMENTS[0]?.id ?? CUSTOM_ID;
    if (!known) this.linkError = `The link names an unknown experiment "${state.experiment}".`;
    this.quick = state.quick;
    if (state.config) this.configText = JSON.stringify(state.config, null, 2);
    const base = this.baseConfig();
    this.values = { ...paramsFromConfig(base ?? {}), ...state.params };
    const spec = this.experiment?.order;
    this.order = spec ? { ...orderValuesFrom(spec), ...state.order } : undefined;
  }

  private get experiment(): Experiment | undefined {
    return this.experimentId === CUSTOM_ID ? undefined : findExperiment(this.experimentId);
  }

  /** The config the panel's values are written over; undefined when the pasted JSON is not an object. */
  private baseConfig(): RawConfig | undefined {
    const experiment = this.experiment;
    if (experiment) return experimentConfig(experiment, this.quick && hasQuick(experiment));
    return parseConfigText(this.configText).config;
  }

  protected willUpdate(changed: PropertyValues): void {
    if (changed.has('values') || changed.has('order') || changed.has('experimentId') || changed.has('quick') || changed.has('configText')) {
      this.revalidate();
      this.writeUrl();
    }
  }

  private revalidate(): void {
    const values = this.values;
    const experiment = this.experiment;
    const parsed = this.experimentId === CUSTOM_ID ? parseConfigText(this.configText) : { config: this.baseConfig() };
    if (!values || !parsed.config) {
      this.validation = { raw: {}, errors: { config: parsed.error ?? 'no config' } };
      this.request = undefined;
      return;
    }
    const unavailable = experiment ? unavailableReason(experiment) : undefined;
    this.validation = validateParams(parsed.config, values);
    let config = this.validation.config;
    let spec: OrderSpec | undefined;
    if (this.order) {
      const order = validateOrder(this.order, config);
      spec = order.spec;
      if (!spec) {
        this.validation = { ...this.validation, config: undefined, errors: { ...order.errors, ...this.validation.errors } };
        config = undefined;
      }
    }
    if (unavailable) {
      this.validation = { ...this.validation, config: undefined, errors: { ...this.validation.errors, config: unavailable } };
    }
    const size = spec ? `${spec.etas.length} step sizes to T = ${spec.horizon}` : config ? `${pathStepsOf(config).toExponential(2)} path-steps` : '';
    this.request = config && !unavailable
      ? {
          label: `${experiment?.title ?? 'pasted config'}${this.quick && experiment ? ' (quick size)' : ''}, ${size}`,
          run: runFor(experiment, config, spec),
        }
      : undefined;
  }

  private writeUrl(): void {
    if (!this.values) return;
    const search = encodeState({
      experiment: this.experimentId,
      quick: this.quick,
      params: this.values,
      config: this.experimentId === CUSTOM_ID ? parseConfigText(this.configText).config : undefined,
      order: this.order,
    });
    if (search !== location.search) history.replaceState(null, '', search);
  }

  private selectExperiment(id: string): void {
    if (id === this.experimentId) return;
    this.experimentId = id;
    this.linkError = '';
    const base = this.baseConfig();
    this.values = paramsFromConfig(base ?? {});
    const spec = this.experiment?.order;
    this.order = spec ? orderValuesFrom(spec) : undefined;
  }

  private applyPreset(quick: boolean): void {
    this.quick = quick;
    this.values = paramsFromConfig(this.baseConfig() ?? {});
  }

  private setConfigText(text: string): void {
    this.configText = text;
    const { config } = parseConfigText(text);
    if (config) this.values = paramsFromConfig(config);
  }

  render(): TemplateResult {
    const experiment = this.experiment;
    const errors = this.validation?.errors ?? {};
    const errorCount = Object.keys(errors).length;
    return html`<div class="layout">
      <div class="side">
        ${this.linkError ? html`<p class="error" role="alert" data-testid="link-error">${this.linkError}</p>` : nothing}
        <sam-experiment-picker .entries=${pickerEntries()} selected=${this.experimentId} ?disabled=${this.running}
          @experiment-change=${(e: CustomEvent<{ id: string }>) => this.selectExperiment(e.detail.id)}></sam-experiment-picker>
        <sam-parameter-panel .values=${this.values} .errors=${errors} ?disabled=${this.running}
          .configText=${this.experimentId === CUSTOM_ID ? this.configText : undefined} .order=${this.order}
          @order-change=${(e: CustomEvent<{ order: OrderValues }>) => (this.order = e.detail.order)}
          ?hasQuick=${Boolean(experiment && hasQuick(experiment))} ?quick=${this.quick}
          @params-change=${(e: CustomEvent<{ values: ParamValues }>) => (this.values = e.detail.values)}
          @preset=${(e: CustomEvent<{ quick: boolean }>) => this.applyPreset(e.detail.quick)}
          @config-text-change=${(e: CustomEvent<{ text: string }>) => this.setConfigText(e.detail.text)}></sam-parameter-panel>
        <sam-run-controller .context=${this.context} .request=${this.request}
          blocked=${errorCount > 0 ? `Fix the ${errorCount === 1 ? 'highlighted field' : `${errorCount} highlighted fields`} to run.` : ''}
          @run-state=${(e: CustomEvent<{ running: boolean }>) => (this.running = e.detail.running)}
          @run-update=${(e: CustomEvent<{ result: PageResult }>) => (this.shown = { result: e.detail.result, source: { kind: 'run', label: this.request?.label ?? '' } })}
        ></sam-run-controller>
        <div class="after">
          <slot name="adapter"></slot>
          <sam-result-io .result=${this.shown?.result}
            @result-import=${(e: CustomEvent<{ result: PageResult; name: string }>) => this.showImport(e.detail.result, e.detail.name)}></sam-result-io>
          <slot name="diagnostics"></slot>
        </div>
      </div>
      <div class="results" aria-live="off">${this.results()}</div>
    </div>`;
  }

  private showImport(result: PageResult, name: string): void {
    if (this.running) this.controller.cancel();
    this.shown = { result, source: { kind: 'import', name } };
  }

  private results(): TemplateResult {
    const shown = this.shown;
    if (!shown) {
      return html`<div class="empty" data-testid="no-result">No result yet. Pick an experiment, check the parameters and press
        <strong>Run</strong> — or import a result.json.</div>`;
    }
    const r = shown.result;
    const what = shown.source.kind === 'import' ? `Imported ${shown.source.name}` : this.running ? `Running: ${shown.source.label}` : shown.source.label;
    return html`
      <p class=${`banner ${r.cancelled ? 'cancelled' : ''}`} data-testid="result-banner" data-source=${shown.source.kind}
        data-cancelled=${String(r.cancelled)} data-runs=${r.runs.length}>
        ${what}. ${r.order
          ? `${r.config.paths} paths, η ∈ {${r.order.etas.join(', ')}} to T = ${r.order.horizon}`
          : `${r.config.paths} paths × ${r.config.steps} steps, η = ${r.config.eta}, ρ = ${r.runs.map((x) => x.rho).join(', ')}`}${r.cancelled ? ' — cancelled: partial result' : ''}.
        Adapter: ${r.adapter.description || r.adapter.architecture || r.adapter.vendor}.
      </p>
      ${r.order ? html`<sam-order-view .order=${r.order}></sam-order-view>` : nothing}
      ${r.config.problem.kind === 'saddle' ? html`<sam-saddle-view .result=${r}></sam-saddle-view>` : nothing}
      ${r.order ? nothing : html`<sam-error-rho-view .result=${r}></sam-error-rho-view>`}
      <sam-trajectory-view .result=${r}></sam-trajectory-view>`;
  }
}

function parseConfigText(text: string): { config?: RawConfig; error?: string } {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { error: 'The config must be a JSON object.' };
    return { config: parsed as RawConfig };
  } catch (e) {
    return { error: `Not valid JSON: ${(e as Error).message}` };
  }
}
