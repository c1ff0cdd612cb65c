// <sam-run-controller>: starts a run on the page's GPU context through a @lit/task Task
// (pending / complete / error), shows progress, elapsed time, path-steps per second and the
// adapter, cancels (the partial result stays, marked cancelled), and streams the result out
// while it grows. What a run is (simulate or a convergence-order sweep) comes in as `request`.
// A request with an identity saves checkpoints (web/lib/page-checkpoints.ts) while it runs;
// the slot is emptied when it finishes, and kept when it is cancelled or fails, for Resume.
import { Task, TaskStatus } from '@lit/task';
import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { adapterName, type GpuContext } from '../../src/gpu/device.js';
import type { Checkpointer, RunCheckpoint } from '../../src/simulate/checkpoint.js';
import type { Progress } from '../../src/simulate/runner.js';
import { clockTime, type PageCheckpoints, type RunIdentity, type SaveReport } from '../lib/page-checkpoints.js';
import type { PageResult } from '../lib/page-result.js';
import { formatCount, formatDuration, progressText, type ProgressPlan } from '../lib/run-plan.js';

export interface RunHooks {
  signal: AbortSignal;
  onProgress: (progress: Progress) => void;
  onPartial: (result: PageResult) => void;
  /** Saves the run's checkpoints (and hands a resumed run its saved stages). */
  checkpoints?: Checkpointer;
}

/** A saved run to continue: its stages, and how far it was when saved. */
export interface ResumeFrom {
  stages: readonly RunCheckpoint[];
  fraction: number;
  savedAt: number;
}

export interface RunRequest {
  /** What is run, in words (experiment title and size). */
  label: string;
  /** What the progress line needs: the kind of run, its config and ladder. */
  plan: ProgressPlan;
  /** The registered experiment run; absent for a pasted config. */
  experimentId?: string;
  /** Path-steps the whole run does (what the status reports when it ends). */
  pathSteps: number;
  /** The job and config its checkpoints are of, and the page state that makes it; absent: no checkpoints. */
  identity?: RunIdentity;
  run: (ctx: GpuContext, hooks: RunHooks) => Promise<PageResult>;
}

export type RunUpdateEvent = CustomEvent<{ result: PageResult; final: boolean; request: RunRequest }>;
export type RunStateEvent = CustomEvent<{ running: boolean }>;

declare global {
  interface HTMLElementTagNameMap {
    'sam-run-controller': SamRunController;
  }
  interface HTMLElementEventMap {
    'run-update': RunUpdateEvent;
    'run-state': RunStateEvent;
  }
}

/**
 * Path-steps per second assumed for a software adapter before this page has measured one: what
 * SwiftShader does on the small quadratic problems (networks are slower still).
 */
const SOFTWARE_RATE = 1e5;
/** A run estimated to take longer than this gets a warning before it starts. */
const LONG_RUN_SECONDS = 600;

/** Views redraw at most this often while a run streams (the final result always goes out). */
const PARTIAL_INTERVAL_MS = 250;

interface Live {
  fraction: number;
  pathStepsPerSecond: number;
  rho?: number;
  runIndex?: number;
}

@customElement('sam-run-controller')
export class SamRunController extends LitElement {
  static styles = css`
    :host { display: block; }
    .card { border: 1px solid var(--sam-border, #d0d7de); border-radius: 6px; background: #fff; padding: 0.6rem 0.75rem 0.75rem; display: grid; gap: 0.45rem; }
    h2 { font-size: 1rem; margin: 0; }
    .buttons { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: center; }
    button { font: inherit; padding: 0.4rem 1.1rem; border-radius: 6px; cursor: pointer; border: 1px solid #1f6feb; background: #1f6feb; color: #fff; font-weight: 600; }
    button.secondary { background: #fff; color: #a40e26; border-color: #a40e26; }
    button:disabled { cursor: not-allowed; background: #d0d7de; border-color: #d0d7de; color: #57606a; }
    button:focus-visible { outline: 3px solid #80b3ff; outline-offset: 2px; }
    progress { width: 100%; height: 0.9rem; accent-color: #1f6feb; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 0.8rem; margin: 0; font-size: 0.85rem; }
    dt { color: #57606a; }
    dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
    .status { font-size: 0.9rem; min-height: 1.3rem; }
    .error { color: #a40e26; white-space: pre-wrap; overflow-wrap: anywhere; }
    .warn { color: #9a6700; }
    p.long { margin: 0; font-size: 0.85rem; background: #fff8c5; border: 1px solid #d4a72c; border-radius: 4px; padding: 0.3rem 0.5rem; }
    .why { font-size: 0.85rem; color: #a40e26; }
  `;

  @property({ attribute: false }) context: GpuContext | undefined;
  /** The run the Run button starts; undefined while the parameters are invalid. */
  @property({ attribute: false }) request: RunRequest | undefined;
  /** Why there is no request (shown beside the disabled button). */
  @property() blocked = '';
  /** Where runs save their checkpoints; undefined: nowhere (no IndexedDB). */
  @property({ attribute: false }) checkpoints: PageCheckpoints | undefined;
  @state() private live: Live = { fraction: 0, pathStepsPerSecond: 0 };
  @state() private elapsed = 0;
  @state() private finished: PageResult | undefined;
  /** The last checkpoint of the run in progress or last run (or why it failed); and what it resumed from. */
  @state() private lastSave: SaveReport | undefined;
  @state() private resumedFrom: ResumeFrom | undefined;
  /** The request of the run in progress or last run (the Run button may already hold the next one). */
  private current: RunRequest | undefined;
  /** Path-steps per second of the last finished run on this page (the estimate's rate). */
  @state() private measuredRate = 0;
  @query('[data-testid="cancel-button"]') private cancelButton!: HTMLButtonElement;
  @query('[data-testid="run-button"]') private runButton!: HTMLButtonElement;
  private startedAt = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastPartial = 0;

  private readonly task = new Task(this, {
    autoRun: false,
    task: async ([request, ctx, resume]: readonly [RunRequest, GpuContext, ResumeFrom | undefined], { signal }) => {
      this.live = { fraction: resume?.fraction ?? 0, pathStepsPerSecond: 0 };
      this.finished = undefined;
      this.current = request;
      this.resumedFrom = resume;
      this.lastSave = undefined;
      const identity = request.identity;
      const store = identity ? this.checkpoints : undefined;
      const checkpoints = identity && store?.checkpointer(identity, request.label, () => this.live.fraction,
        (report) => (this.lastSave = report), resume?.stages);
      this.startedAt = performance.now();
      this.elapsed = 0;
      this.timer = setInterval(() => (this.elapsed = (performance.now() - this.startedAt) / 1000), 200);
      this.lastPartial = 0;
      this.announceState(true);
      try {
        const result = await ctx.scoped('page.run', () => request.run(ctx, {
          signal,
          checkpoints,
          onProgress: (p) => (this.live = { fraction: p.fraction, pathStepsPerSecond: p.pathStepsPerSecond, rho: p.rho, runIndex: p.runIndex }),
          onPartial: (partial) => {
            const now = performance.now();
            if (now - this.lastPartial < PARTIAL_INTERVAL_MS) return;
            this.lastPartial = now;
            this.emit(structuredClone(partial), false);
          },
        }));
        // Finished: its result is on show, so the slot is emptied; a cancelled run keeps its checkpoint.
        if (!result.cancelled) await store?.clear();
        this.finished = result;
        if (result.timing.pathSteps > 0 && result.timing.pathStepsPerSecond > 0) this.measuredRate = result.timing.pathStepsPerSecond;
        if (!result.cancelled) this.live = { ...this.live, fraction: 1 };
        this.emit(result, true);
        return result;
      } finally {
        clearInterval(this.timer);
        this.elapsed = (performance.now() - this.startedAt) / 1000;
        this.announceState(false);
      }
    },
  });

  get running(): boolean {
    return this.task.status === TaskStatus.PENDING;
  }

  /** Starts the current request (from a saved checkpoint when `resume` is given); resolves when it has finished (or failed). */
  async start(resume?: ResumeFrom): Promise<void> {
    if (!this.request || !this.context || this.running) return;
    const done = this.task.run([this.request, this.context, resume]);
    // Focus goes to Cancel while the run lasts (the Run button is disabled), and back to Run after.
    await this.updateComplete;
    this.cancelButton?.focus();
    try {
      await done;
    } finally {
      await this.updateComplete;
      if (this.renderRoot instanceof ShadowRoot && this.renderRoot.activeElement === this.cancelButton) this.runButton?.focus();
    }
  }

  /** The time the next run should take, and whether it is long enough to warn about. */
  private estimate(): { text: string; long: boolean } | undefined {
    const request = this.request;
    if (!request || !this.context) return undefined;
    const software = this.context.adapter.isFallbackAdapter;
    const rate = this.measuredRate > 0 ? this.measuredRate : software ? SOFTWARE_RATE : 0;
    if (rate <= 0) return undefined;
    const seconds = request.pathSteps / rate;
    const basis = this.measuredRate > 0 ? `at the last run's ${formatCount(Math.round(rate))} path-steps/s` : `at ~${formatCount(rate)} path-steps/s, typical of this software adapter`;
    return { text: `about ${formatDuration(seconds)} (${basis})`, long: seconds > LONG_RUN_SECONDS };
  }

  /** Stops the run between dispatches; what is done so far is kept. */
  cancel(): void {
    this.task.abort(new DOMException('cancelled by the user', 'AbortError'));
  }

  protected willUpdate(changed: PropertyValues<this>): void {
    // A new request (the state changed under a run: a link, an import) or a lost device ends the run.
    if (this.running && ((changed.has('request') && changed.get('request') !== undefined) || (changed.has('context') && !this.context))) {
      this.cancel();
    }
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.cancel();
    clearInterval(this.timer);
  }

  private emit(result: PageResult, final: boolean): void {
    const request = this.current;
    this.dispatchEvent(new CustomEvent('run-update', { detail: { result, final, request }, bubbles: true, composed: true }));
  }

  private announceState(running: boolean): void {
    this.dispatchEvent(new CustomEvent('run-state', { detail: { running }, bubbles: true, composed: true }));
  }

  render(): TemplateResult {
    const running = this.running;
    const canRun = Boolean(this.request && this.context) && !running;
    const why = !this.context ? 'Waiting for a GPU device (see the adapter card).' : !this.request ? this.blocked : '';
    const estimate = this.estimate();
    return html`<section class="card" aria-labelledby="run-title" data-testid="run-controller">
      <h2 id="run-title">Run</h2>
      <div class="buttons">
        <button type="button" data-testid="run-button" ?disabled=${!canRun} aria-describedby="run-why run-status"
          @click=${() => void this.start()}>Run</button>
        <button type="button" class="secondary" data-testid="cancel-button" ?disabled=${!running} @click=${() => this.cancel()}>Cancel</button>
        ${why && !running ? html`<span class="why" id="run-why" data-testid="run-blocked">${why}</span>` : nothing}
      </div>
      ${estimate?.long && !running ? html`<p class="warn long" role="note" data-testid="run-long-warning">This run is
        ${formatCount(this.request!.pathSteps)} path-steps: ${estimate.text}. ${this.context?.adapter.isFallbackAdapter
          ? 'This is a software adapter; the quick size (or fewer paths and steps) is meant for it.' : 'Fewer paths or steps make it shorter.'}</p>` : nothing}
      <progress max="1" .value=${this.live.fraction} aria-label="Run progress" data-testid="run-progress"
        data-fraction=${this.live.fraction}></progress>
      <div class="status" id="run-status" role="status" aria-live="polite" data-testid="run-status" data-state=${this.stateName()}>
        ${this.statusLine()}
      </div>
      <dl>
        <dt>Elapsed</dt><dd data-testid="run-elapsed" data-value=${this.elapsed}>${this.elapsed.toFixed(1)} s</dd>
        <dt>Path-steps/s</dt><dd data-testid="run-rate" data-value=${this.live.pathStepsPerSecond}>${this.live.pathStepsPerSecond > 0 ? this.live.pathStepsPerSecond.toExponential(2) : '—'}</dd>
        <dt>Adapter</dt><dd data-testid="run-adapter">${this.context ? adapterName(this.context.adapter) : 'none'}</dd>
        <dt>Next run</dt><dd data-testid="run-next">${this.request ? this.request.label : 'none: the parameters need fixing'}</dd>
        ${this.checkpointRow()}
        ${estimate ? html`<dt>Estimate</dt><dd data-testid="run-estimate" data-long=${String(estimate.long)}>${estimate.text}</dd>` : nothing}
      </dl>
    </section>`;
  }

  /** Where the run's checkpoints stand: every few seconds, the last one, or why one failed. */
  private checkpointRow(): TemplateResult | typeof nothing {
    if (!this.checkpoints || !this.current?.identity || this.task.status === TaskStatus.INITIAL) return nothing;
    const save = this.lastSave;
    const every = `every ${this.checkpoints.everySeconds} s`;
    const text = !save
      ? `${every}; none saved yet`
      : 'error' in save
        ? `${every}; the last save failed (${save.error}): a reload would lose this run`
        : `${every}; last at ${clockTime(new Date(save.savedAt), new Date())} (${Math.floor(100 * save.fraction)} %, ${formatBytes(save.bytes)})`;
    return html`<dt>Checkpoint</dt><dd data-testid="run-checkpoint" data-saved-at=${save && 'savedAt' in save ? save.savedAt : ''}
      class=${save && 'error' in save ? 'warn' : ''}>${text}</dd>`;
  }

  private stateName(): string {
    switch (this.task.status) {
      case TaskStatus.INITIAL: return 'initial';
      case TaskStatus.PENDING: return 'pending';
      case TaskStatus.ERROR: return 'error';
      default: return this.finished?.cancelled ? 'cancelled' : 'complete';
    }
  }

  private statusLine(): TemplateResult | string {
    const request = this.request;
    return this.task.render({
      initial: () => (request ? 'Ready: press Run to start the next run below.' : ''),
      pending: () => (this.resumedFrom && this.live.fraction <= this.resumedFrom.fraction
        ? `Resuming from the checkpoint saved at ${clockTime(new Date(this.resumedFrom.savedAt), new Date())}: compiling shaders and restoring…`
        : this.live.fraction === 0 || !this.current
        ? 'Compiling shaders and starting…'
        : `Running. ${progressText(this.current.plan, { fraction: this.live.fraction, runIndex: this.live.runIndex ?? 0 })}`),
      complete: (result: PageResult) => (result.cancelled
        ? html`<span class="warn">Cancelled at ${Math.round(100 * this.live.fraction)} % overall: the result below keeps what finished
            (${formatCount(result.timing.pathSteps)} path-steps).${this.lastSave && 'savedAt' in this.lastSave
              ? ` Its last checkpoint (${Math.floor(100 * this.lastSave.fraction)} %) is kept: Resume continues from there.` : ''}</span>`
        : `Done: ${formatCount(result.timing.pathSteps)} path-steps in ${result.timing.wallSeconds.toFixed(2)} s.`),
      error: (e: unknown) => html`<span class="error" data-testid="run-error">Run failed: ${e instanceof Error ? e.message : String(e)}</span>`,
    }) ?? '';
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}
