// <sam-app>: the page's state and layout. Holds the chosen experiment, its size and the edited
// parameters (mirrored in the URL), validates them, hands a run request to the run controller,
// and hands whatever result there is (streaming, finished, cancelled or imported) to the views.
// The adapter card and the diagnostics come in through slots (they live in index.html).
// Runs save checkpoints in IndexedDB; a saved, unfinished run is offered for Resume (issue 11).
import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { GpuContext } from '../../src/gpu/device.js';
import {
  EXPERIMENTS, experimentConfig, findExperiment, hasQuick, pickerEntries, runFor, unavailableReason, type Experiment,
} from '../lib/experiments.js';
import type { PageResult } from '../lib/page-result.js';
import {
  isModeB, orderValuesFrom, paramsFromConfig, validateOrder, validateParams,
  type OrderValues, type ParamValues, type RawConfig, type Validation,
} from '../lib/params.js';
import {
  divergenceSentence, formatCount, plannedPathSteps, short, viewKind, type ProgressPlan,
} from '../lib/run-plan.js';
import type { OrderSpec } from '../../src/experiments/registry.js';
import { jsonErrorAt } from '../lib/json-place.js';
import { resultToJson } from '../lib/result-io.js';
import { hasSharpness } from '../lib/plot-data.js';
import { CUSTOM_ID, decodeState, encodeState } from '../lib/url-state.js';
import { indexedDbStore } from '../lib/checkpoint-store.js';
import { CHECKPOINT_EVERY_SECONDS, PageCheckpoints, pageJob, parseCheckpointEvery, resumeRefusal, type Offer } from '../lib/page-checkpoints.js';
import './experiment-picker.js';
import './parameter-panel.js';
import './run-controller.js';
import './result-io.js';
import './trajectory-view.js';
import './sharpness-view.js';
import './error-rho-view.js';
import './saddle-view.js';
import './order-view.js';
import './minibatch-view.js';
import './claim-checks.js';
import './resume-offer.js';
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
  /** Where it came from: a run on this page (of a registered experiment or not) or an imported file. */
  source: { kind: 'run'; label: string; experimentId?: string; plan: ProgressPlan } | { kind: 'import'; name: string };
}

/** Which size preset the panel's values are: the paper's, the quick one, or neither. */
export type SizeState = 'paper' | 'quick' | 'custom';

@customElement('sam-app')
export class SamApp extends LitElement {
  static styles = css`
    :host { display: block; }
    .layout { display: grid; grid-template-columns: minmax(0, 27rem) minmax(0, 1fr); gap: 1rem; align-items: start; }
    .side, .results, .after { display: grid; gap: 0.9rem; min-width: 0; }
    .banner { margin: 0; border-radius: 6px; padding: 0.5rem 0.75rem; background: #ddf4ff; border: 1px solid #54aeff; font-size: 0.9rem; }
    .banner.cancelled { background: #fff8c5; border-color: #d4a72c; }
    .banner.diverged { background: #ffebe9; border-color: #ff8182; }
    .banner button.load { font: inherit; font-size: 0.85rem; margin-left: 0.3rem; padding: 0.1rem 0.6rem; border-radius: 4px; border: 1px solid #1f6feb; background: #fff; color: #0969da; cursor: pointer; }
    .banner button.load:focus-visible { outline: 3px solid #80b3ff; outline-offset: 2px; }
    .results > .empty { padding: 1rem; }
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
  /** The result on show before the current one (a finished run or an import): the views can overlay it. */
  @state() private previous: Shown | undefined;
  @state() private linkError = '';
  /** Set when an imported result's parameters were loaded into the panel (what, in words). */
  @state() private loadedFrom = '';
  /** A saved run the page offers to resume (or refuses, saying why); hidden while a run is in progress. */
  @state() private offer: Offer | undefined;
  @query('sam-run-controller') private controller!: SamRunController;
  private readonly checkpoints = (() => {
    const store = indexedDbStore();
    return store && new PageCheckpoints(store);
  })();
  /** The link's `checkpointEvery` as typed, kept in the URL the page writes. */
  private checkpointEvery: string | undefined;
  private validation: Validation | undefined;
  private request: RunRequest | undefined;
  private size: SizeState = 'paper';

  connectedCallback(): void {
    super.connectedCallback();
    this.loadFromUrl(location.search);
    window.addEventListener('popstate', this.onPopState);
    void this.refreshOffer();
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
    this.checkpointEvery = state.checkpointEvery;
    const every = state.checkpointEvery === undefined ? { seconds: CHECKPOINT_EVERY_SECONDS } : parseCheckpointEvery(state.checkpointEvery);
    if ('error' in every) this.linkError = every.error;
    if (this.checkpoints) this.checkpoints.everySeconds = 'seconds' in every ? every.seconds : CHECKPOINT_EVERY_SECONDS;
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
    this.size = this.sizeState();
    const kind = experiment?.kind ?? 'custom';
    const minibatch = experiment?.minibatch;
    const planned = config ? plannedPathSteps(kind, config, spec, minibatch) : 0;
    const steps = config ? `${formatCount(planned)} path-steps` : '';
    const what = spec ? `${spec.etas.length} η steps to T = ${spec.horizon}, ${steps}` : kind === 'saddle' ? `${steps} (two passes)`
      : minibatch ? `${steps} (batch sizes ${minibatch.batchSizes.join(', ')}, each with mini-batches and with Gaussian injection)` : steps;
    const sizeName = experiment ? { paper: ' (paper size)', quick: ' (quick size)', custom: ' (custom size)' }[this.size] : '';
    this.request = config && !unavailable
      ? {
          label: `${experiment?.title ?? 'Pasted config'}${sizeName}, ${what}`,
          plan: { kind, config, order: spec, minibatch },
          pathSteps: planned,
          experimentId: experiment?.id,
          identity: { job: pageJob(experiment, spec), config, search: this.stateSearch() ?? location.search },
          run: runFor(experiment, config, spec, this.quick),
        }
      : undefined;
  }

  /** Paper or quick when the panel holds exactly that preset's values (ladder included); custom once edited. */
  private sizeState(): SizeState {
    const experiment = this.experiment;
    if (!experiment || !this.values) return 'custom';
    const same = (quick: boolean) => {
      const values = paramsFromConfig(experimentConfig(experiment, quick));
      const order = experiment.order ? orderValuesFrom(experiment.order) : undefined;
      return JSON.stringify(values) === JSON.stringify(this.values) && JSON.stringify(order) === JSON.stringify(this.order);
    };
    if (hasQuick(experiment) && same(true)) return 'quick';
    return same(false) ? 'paper' : 'custom';
  }

  /**
   * The URL carries what differs from the experiment at the chosen size (or from the pasted
   * config): a link stays short and readable, and never pins values the page derives (an order
   * run's η, ρ and steps come from its ladder).
   */
  private writeUrl(): void {
    const search = this.stateSearch();
    if (search !== undefined && search !== location.search) history.replaceState(null, '', search);
  }

  /** The page state as the URL carries it (see writeUrl). */
  private stateSearch(): string | undefined {
    if (!this.values) return undefined;
    const base = paramsFromConfig(this.baseConfig() ?? {});
    const params: Partial<ParamValues> = {};
    for (const key of Object.keys(this.values) as Array<keyof ParamValues>) {
      if (this.order && (key === 'eta' || key === 'rho' || key === 'steps')) continue;
      if (JSON.stringify(this.values[key]) !== JSON.stringify(base[key])) (params as Record<string, unknown>)[key] = this.values[key];
    }
    const spec = this.experiment?.order;
    const baseOrder = spec ? orderValuesFrom(spec) : undefined;
    const order: Partial<OrderValues> | undefined = this.order && baseOrder
      ? Object.fromEntries(Object.entries(this.order).filter(([k, v]) => baseOrder[k as keyof OrderValues] !== v))
      : undefined;
    return encodeState({
      experiment: this.experimentId,
      quick: this.quick,
      params,
      config: this.experimentId === CUSTOM_ID ? parseConfigText(this.configText).config : undefined,
      order,
      checkpointEvery: this.checkpointEvery,
    });
  }

  private async refreshOffer(): Promise<void> {
    this.offer = await this.checkpoints?.offer();
  }

  /**
   * Resume: loads the saved run's page state, lets the panel make its request, and continues
   * from the checkpoint if that request is the same job and config; otherwise refuses, saying why.
   */
  private async resume(): Promise<void> {
    const offer = this.offer;
    if (offer?.state !== 'resumable' || this.running || !this.context) return;
    this.loadFromUrl(offer.run.search);
    await this.updateComplete;
    // The controller must hold the new request before it starts: a request that changes under a run cancels it.
    await this.controller.updateComplete;
    const refusal = await resumeRefusal(offer, this.request?.identity, this.linkError || Object.values(this.validation?.errors ?? {}).join('; '));
    if (refusal) {
      this.offer = { state: 'refused', run: offer.run, reason: refusal };
      return;
    }
    this.offer = undefined;
    await this.controller.start({ stages: offer.saved.stages, fraction: offer.run.fraction, savedAt: offer.run.savedAt });
  }

  private async discard(): Promise<void> {
    await this.checkpoints?.clear();
    this.offer = undefined;
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

  /**
   * The fields' values; for a pasted config the JSON stays the one source of truth: the edit is
   * written into it, so the text always shows what Run runs.
   */
  private setValues(values: ParamValues): void {
    this.values = values;
    if (this.experimentId !== CUSTOM_ID) return;
    const { config } = parseConfigText(this.configText);
    if (config) this.configText = JSON.stringify(validateParams(config, values).raw, null, 2);
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
        ${this.running ? nothing : html`<sam-resume-offer .offer=${this.offer} blocked=${this.context ? '' : 'Waiting for a GPU device (see the adapter card).'}
          @resume=${() => void this.resume()} @discard=${() => void this.discard()}></sam-resume-offer>`}
        <sam-experiment-picker .entries=${pickerEntries()} selected=${this.experimentId} ?disabled=${this.running}
          @experiment-change=${(e: CustomEvent<{ id: string }>) => this.selectExperiment(e.detail.id)}></sam-experiment-picker>
        <sam-parameter-panel .values=${this.values} .errors=${errors} ?disabled=${this.running}
          .configText=${this.experimentId === CUSTOM_ID ? this.configText : undefined} .order=${this.order}
          noiseNote=${this.noiseNote()}
          @order-change=${(e: CustomEvent<{ order: OrderValues }>) => (this.order = e.detail.order)}
          ?hasQuick=${Boolean(experiment && hasQuick(experiment))} size=${this.size}
          @params-change=${(e: CustomEvent<{ values: ParamValues }>) => this.setValues(e.detail.values)}
          @preset=${(e: CustomEvent<{ quick: boolean }>) => this.applyPreset(e.detail.quick)}
          @config-text-change=${(e: CustomEvent<{ text: string }>) => this.setConfigText(e.detail.text)}></sam-parameter-panel>
        <sam-run-controller .context=${this.context} .request=${this.request} .checkpoints=${this.checkpoints}
          blocked=${errorCount > 0 ? `Fix the ${errorCount === 1 ? 'highlighted field' : `${errorCount} highlighted fields`} to run.` : ''}
          @run-state=${(e: CustomEvent<{ running: boolean }>) => {
            if (e.detail.running && this.shown) this.previous = this.shown;
            this.running = e.detail.running;
            if (!e.detail.running) void this.refreshOffer();
          }}
          @run-update=${(e: CustomEvent<{ result: PageResult; request: RunRequest }>) => (this.shown = {
            result: e.detail.result,
            source: { kind: 'run', label: e.detail.request.label, experimentId: e.detail.request.experimentId, plan: e.detail.request.plan },
          })}
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

  /** What the panel says instead of σ for mini-batch noise (mode B); empty for Gaussian injection. */
  private noiseNote(): string {
    const base = this.baseConfig();
    if (!base || !isModeB(base)) return '';
    const sizes = this.experiment?.minibatch?.batchSizes;
    if (sizes) {
      return `real mini-batches of B = ${sizes.join(', ')} samples (mode B), each also against the SDEs with Gaussian injection of matched σ_B `
        + '(docs/model.md §6.6); the batch sizes are the experiment\'s.';
    }
    return `real mini-batches of B = ${String((base.noise as Record<string, unknown>).batchSize)} samples (mode B): edit noise.batchSize in the config.`;
  }

  private showImport(result: PageResult, name: string): void {
    if (this.running) this.controller.cancel();
    if (this.shown) this.previous = this.shown;
    this.shown = { result, source: { kind: 'import', name } };
    this.loadedFrom = '';
  }

  /**
   * Loads an imported result's parameters into the panel, so that Run runs it again: a
   * registered experiment's result selects that experiment (size and ladder included) with the
   * result's values; any other result becomes a pasted config, the result's config verbatim.
   */
  private loadParameters(result: PageResult, name: string): void {
    const experiment = result.experiment ? findExperiment(result.experiment.id) : undefined;
    this.linkError = '';
    if (experiment) {
      this.experimentId = experiment.id;
      this.quick = Boolean(result.experiment?.quick);
      this.values = paramsFromConfig(result.config as unknown as RawConfig);
      const o = result.order;
      this.order = experiment.order
        ? (o && o.etas.length >= 2
          ? { etas: o.etas.join(', '), horizon: String(o.horizon), rhoScaling: o.rhoScaling, rhoScale: String(o.rhoScale) }
          : orderValuesFrom(experiment.order))
        : undefined;
      this.loadedFrom = `Loaded the parameters of ${name} (${experiment.title}): press Run to run it again.`;
    } else {
      this.experimentId = CUSTOM_ID;
      this.configText = JSON.stringify(result.config, null, 2);
      this.values = paramsFromConfig(result.config as unknown as RawConfig);
      this.order = undefined;
      this.loadedFrom = `Loaded the config of ${name} as a pasted config: press Run to run it again.`;
    }
  }

  private results(): TemplateResult {
    const shown = this.shown;
    if (!shown) {
      return html`<div class="empty" data-testid="no-result">No result yet. Pick an experiment, check the parameters and press
        <strong>Run</strong> — or import a result.json.</div>`;
    }
    const r = shown.result;
    const source = shown.source;
    const kind = viewKind(r, source.kind === 'run' ? source.experimentId ?? '' : undefined);
    const experimentId = source.kind === 'run' ? source.experimentId : r.experiment?.id;
    const experiment = experimentId ? findExperiment(experimentId) : undefined;
    const what = source.kind === 'import' ? `Imported ${source.name}` : this.running ? `Running: ${source.label}` : source.label;
    const plannedOrder = source.kind === 'run' ? source.plan.order : undefined;
    // While an order run streams, the views show the η step in progress (a plain simulation result).
    const streamingRung = kind === 'order' && !r.order;
    const diverged = divergenceSentence(r);
    return html`
      <p class=${`banner ${r.cancelled ? 'cancelled' : ''}`} data-testid="result-banner" data-source=${source.kind}
        data-cancelled=${String(r.cancelled)} data-runs=${r.runs.length} data-kind=${kind}>
        ${what}. ${this.sizeLine(r, plannedOrder)}${r.cancelled ? ' Cancelled: partial result.' : ''}
        Adapter: ${r.adapter.description || r.adapter.architecture || r.adapter.vendor}.
        ${source.kind === 'import' ? html`<button type="button" class="load" data-testid="load-config" ?disabled=${this.running}
          @click=${() => this.loadParameters(r, source.name)}>Load its parameters to run it again</button>` : nothing}
      </p>
      ${this.loadedFrom && source.kind === 'import' ? html`<p class="banner" role="status" data-testid="loaded-note">${this.loadedFrom}</p>` : nothing}
      ${diverged ? html`<p class="banner diverged" role="note" data-testid="divergence-banner">${diverged}</p>` : nothing}
      ${r.order && r.order.etas.length === 0
        ? html`<p class="empty" data-testid="order-nothing-finished">No η step finished before the run was cancelled, so there is
            no weak error to show and nothing to fit.${plannedOrder ? ` The first step (η = ${short(plannedOrder.etas[0])}) was still running; η steps run one after another, largest first.` : ''}</p>`
        : nothing}
      ${r.order && r.order.etas.length > 0 ? html`<sam-order-view .order=${r.order} .planned=${plannedOrder}></sam-order-view>` : nothing}
      ${kind === 'saddle' ? html`<sam-saddle-view .result=${r}></sam-saddle-view>` : nothing}
      ${kind === 'minibatch' ? html`<sam-minibatch-view .result=${r}></sam-minibatch-view>` : nothing}
      ${kind === 'validation' || streamingRung ? html`<sam-error-rho-view .result=${r}></sam-error-rho-view>` : nothing}
      ${!streamingRung && experiment && (kind === 'order' ? (r.order?.etas.length ?? 0) >= 2 : r.runs.length > 0) ? html`<sam-claim-checks .experiment=${experiment} .result=${r}></sam-claim-checks>` : nothing}
      <sam-trajectory-view .result=${r} .previous=${this.previous?.result}
        previousLabel=${this.previous ? (this.previous.source.kind === 'import' ? this.previous.source.name : `the earlier run (${this.previous.source.label})`) : ''}></sam-trajectory-view>
      ${hasSharpness(r) ? html`<sam-sharpness-view .result=${r}></sam-sharpness-view>` : nothing}`;
  }

  /** The banner's size sentence: paths, steps, η and ρ (or the η steps an order run finished). */
  private sizeLine(r: PageResult, plannedOrder: OrderSpec | undefined): string {
    if (r.order) {
      const done = r.order.etas.map(short).join(', ');
      const planned = plannedOrder ?? undefined;
      const of = planned && planned.etas.length !== r.order.etas.length ? ` of the planned ${planned.etas.map(short).join(', ')}` : '';
      return r.order.etas.length === 0
        ? `${r.config.paths} paths; no η step finished${of}.`
        : `${r.config.paths} paths, η steps finished: ${done}${of}, to T = ${r.order.horizon}.`;
    }
    if (r.minibatch) {
      const sizes = r.minibatch.batchSizes.filter((b) => r.runs.some((x) => (x as { batchSize?: number }).batchSize === b));
      return `${r.config.paths} paths × ${r.config.steps} steps, η = ${short(r.config.eta)}, ρ = ${r.config.rho.map(short).join(', ')}, `
        + `batch sizes ${sizes.join(', ') || 'none finished'} of ${r.minibatch.batchSizes.join(', ')}.`;
    }
    return `${r.config.paths} paths × ${r.config.steps} steps, η = ${short(r.config.eta)}, ρ = ${r.runs.map((x) => short(x.rho)).join(', ') || 'none finished'}.`;
  }
}

export function parseConfigText(text: string): { config?: RawConfig; error?: string } {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { error: 'The config must be a JSON object.' };
    return { config: parsed as RawConfig };
  } catch (e) {
    return { error: `Not valid JSON${jsonErrorPlace(text)}: ${(e as Error).message}` };
  }
}

/** " at line L, column C (expected …)" for the first syntax error of the text. */
function jsonErrorPlace(text: string): string {
  const place = jsonErrorAt(text);
  return place ? ` at line ${place.line}, column ${place.column} (expected ${place.expected})` : '';
}
