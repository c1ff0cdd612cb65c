// <sam-parameter-panel>: the run's parameters as labelled inputs (η, ρ or a ρ grid, σ, steps,
// paths, seed, substeps, coupling, algorithms, models), each with its inline error; a pasted
// config in a text area for the custom entry. It shows what src/config/schema.ts says about
// the values (validated by the page through web/lib/params.ts) and edits nothing else.
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ALGORITHMS, MODELS, type Algorithm, type Model } from '../../src/dynamics/names.js';
import { ALLOWED, type FieldErrors, type OrderValues, type ParamValues, type TextField } from '../lib/params.js';

export type ParamsChangeEvent = CustomEvent<{ values: ParamValues }>;
export type ConfigTextChangeEvent = CustomEvent<{ text: string }>;
export type PresetEvent = CustomEvent<{ quick: boolean }>;
export type OrderChangeEvent = CustomEvent<{ order: OrderValues }>;

declare global {
  interface HTMLElementTagNameMap {
    'sam-parameter-panel': SamParameterPanel;
  }
  interface HTMLElementEventMap {
    'params-change': ParamsChangeEvent;
    'config-text-change': ConfigTextChangeEvent;
    'preset': PresetEvent;
    'order-change': OrderChangeEvent;
  }
}

interface FieldSpec {
  field: TextField;
  label: string;
  hint: string;
}

const FIELDS: FieldSpec[] = [
  { field: 'eta', label: 'η (learning rate)', hint: ALLOWED.eta },
  { field: 'rho', label: 'ρ (perturbation radius)', hint: ALLOWED.rho },
  { field: 'sigma', label: 'σ (gradient noise)', hint: ALLOWED.sigma },
  { field: 'steps', label: 'Steps', hint: ALLOWED.steps },
  { field: 'paths', label: 'Paths', hint: ALLOWED.paths },
  { field: 'seed', label: 'Seed', hint: ALLOWED.seed },
  { field: 'substeps', label: 'SDE substeps m', hint: ALLOWED.substeps },
  { field: 'sharpness', label: 'Sharpness readouts', hint: ALLOWED.sharpness },
];

/** η, ρ and steps are set per rung by the order ladder, so an order run does not show them. */
const LADDER_SETS: readonly TextField[] = ['eta', 'rho', 'steps'];

const RHO_RULES = [
  { value: 'sqrt', label: 'ρ = c·√η' },
  { value: 'linear', label: 'ρ = c·η' },
  { value: 'fixed', label: 'ρ = c' },
];

@customElement('sam-parameter-panel')
export class SamParameterPanel extends LitElement {
  static styles = css`
    :host { display: block; }
    fieldset { border: 1px solid var(--sam-border, #d0d7de); border-radius: 6px; background: #fff; margin: 0; padding: 0.5rem 0.75rem 0.75rem; min-width: 0; }
    legend { font-weight: 600; padding: 0 0.25rem; }
    .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(10.5rem, 1fr)); gap: 0.6rem 0.9rem; }
    .field { display: flex; flex-direction: column; gap: 0.15rem; min-width: 0; }
    .field.wide { grid-column: 1 / -1; }
    label, .group-label { font-size: 0.85rem; color: #3d444d; font-weight: 500; }
    .hint { font-size: 0.75rem; color: #6e7781; }
    input[type='text'], select, textarea { font: inherit; padding: 0.3rem 0.4rem; border: 1px solid #8c959f; border-radius: 4px; background: #fff; min-width: 0; }
    textarea { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.8rem; min-height: 14rem; resize: vertical; }
    input[aria-invalid='true'], textarea[aria-invalid='true'] { border-color: #cf222e; border-width: 2px; background: #fff5f5; }
    input:focus-visible, select:focus-visible, textarea:focus-visible, button:focus-visible { outline: 3px solid #80b3ff; outline-offset: 1px; }
    .error { color: #a40e26; font-size: 0.8rem; white-space: pre-wrap; overflow-wrap: anywhere; }
    .checks { display: flex; flex-wrap: wrap; gap: 0.2rem 0.8rem; border: 0; padding: 0; margin: 0; }
    .checks label { font-weight: 400; display: inline-flex; align-items: center; gap: 0.25rem; }
    .presets { display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; margin-bottom: 0.5rem; font-size: 0.85rem; }
    .presets button { font: inherit; padding: 0.2rem 0.6rem; border-radius: 4px; border: 1px solid #8c959f; background: #f6f8fa; cursor: pointer; }
    .presets button[aria-pressed='true'] { border-color: #1f6feb; background: #ddf4ff; }
    .size-state { color: #9a6700; font-size: 0.8rem; }
    fieldset:disabled { opacity: 0.75; }
  `;

  @property({ attribute: false }) values: ParamValues | undefined;
  @property({ attribute: false }) errors: FieldErrors = {};
  /** The pasted config's text: shown (and editable) only for the custom entry. */
  @property({ attribute: false }) configText: string | undefined;
  /** A convergence-order run's ladder; undefined for other runs. */
  @property({ attribute: false }) order: OrderValues | undefined;
  /**
   * Set for a config with mini-batch noise (mode B, docs/model.md §1.2): said in place of the σ
   * field, which such a config does not have.
   */
  @property() noiseNote = '';
  /** Whether the experiment has a quick size, and which preset the values are (custom: edited). */
  @property({ type: Boolean }) hasQuick = false;
  @property() size: 'paper' | 'quick' | 'custom' = 'paper';
  @property({ type: Boolean }) disabled = false;

  render(): TemplateResult | typeof nothing {
    const v = this.values;
    if (!v) return nothing;
    const count = Object.keys(this.errors).length;
    return html`<fieldset ?disabled=${this.disabled} data-testid="parameter-panel">
      <legend>Parameters</legend>
      ${this.hasQuick ? html`<div class="presets" role="group" aria-label="Size preset">
        <span>Size:</span>
        <button type="button" aria-pressed=${this.size === 'paper' ? 'true' : 'false'} data-testid="preset-full" @click=${() => this.preset(false)}>Paper size</button>
        <button type="button" aria-pressed=${this.size === 'quick' ? 'true' : 'false'} data-testid="preset-quick" @click=${() => this.preset(true)}>Quick size</button>
        <span class="size-state" data-testid="preset-state" data-size=${this.size}>${this.size === 'custom' ? 'custom: edited values (press a size to restore it)' : ''}</span>
      </div>` : nothing}
      ${this.configText !== undefined ? this.configArea() : nothing}
      <div class="grid">
        ${this.order ? this.orderFields(this.order) : nothing}
        ${FIELDS.filter((f) => !(this.order && LADDER_SETS.includes(f.field))).map((f) => (f.field === 'sigma' && this.noiseNote
          ? html`<div class="field"><span class="group-label">Gradient noise</span><span class="hint" data-testid="param-noise-note">${this.noiseNote}</span></div>`
          : this.textField(f, v)))}
        <div class="field">
          <label for="coupling">Coupling</label>
          <select id="coupling" data-testid="param-coupling" @change=${(e: Event) => this.update1({ coupling: (e.target as HTMLSelectElement).value as ParamValues['coupling'] })}>
            <option value="shared" ?selected=${v.coupling === 'shared'}>shared (same noise)</option>
            <option value="independent" ?selected=${v.coupling === 'independent'}>independent</option>
          </select>
          ${this.error('coupling')}
        </div>
        ${this.checks('algorithms', 'Algorithms', ALGORITHMS, v.algorithms)}
        ${this.checks('models', 'SDE models', MODELS, v.models)}
      </div>
      ${this.errors.config && this.configText === undefined ? html`<p class="error" role="alert" data-testid="error-config">${this.errors.config}</p>` : nothing}
      <p class="hint" aria-live="polite" data-testid="param-summary">${count > 0
        ? `${count} field${count === 1 ? '' : 's'} to fix before a run can start.`
        : 'All parameters valid.'}</p>
    </fieldset>`;
  }

  private textField(f: FieldSpec, v: ParamValues): TemplateResult {
    const error = this.errors[f.field];
    return html`<div class=${`field ${f.field === 'rho' ? 'wide' : ''}`}>
      <label for=${`p-${f.field}`}>${f.label}</label>
      <input type="text" id=${`p-${f.field}`} name=${f.field} data-testid=${`param-${f.field}`}
        inputmode=${f.field === 'rho' ? 'text' : 'decimal'} autocomplete="off" spellcheck="false"
        .value=${v[f.field]} aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${`h-${f.field}${error ? ` e-${f.field}` : ''}`}
        @input=${(e: Event) => this.update1({ [f.field]: (e.target as HTMLInputElement).value })}>
      <span class="hint" id=${`h-${f.field}`}>${f.hint}</span>
      ${this.error(f.field)}
    </div>`;
  }

  private orderFields(o: OrderValues): TemplateResult {
    const set = (patch: Partial<OrderValues>) => this.dispatchEvent(new CustomEvent('order-change',
      { detail: { order: { ...o, ...patch } }, bubbles: true, composed: true }));
    const text = (field: 'etas' | 'horizon' | 'rhoScale', label: string, hint: string, wide = false) => {
      const error = this.errors[field];
      return html`<div class=${`field ${wide ? 'wide' : ''}`}>
        <label for=${`p-${field}`}>${label}</label>
        <input type="text" id=${`p-${field}`} data-testid=${`param-${field}`} autocomplete="off" spellcheck="false"
          .value=${o[field]} aria-invalid=${error ? 'true' : 'false'} aria-describedby=${`h-${field}${error ? ` e-${field}` : ''}`}
          @input=${(e: Event) => set({ [field]: (e.target as HTMLInputElement).value })}>
        <span class="hint" id=${`h-${field}`}>${hint}</span>
        ${this.error(field)}
      </div>`;
    };
    return html`
      ${text('etas', 'η ladder', ALLOWED.etas, true)}
      ${text('horizon', 'Horizon T', ALLOWED.horizon)}
      <div class="field">
        <label for="p-rhoScaling">ρ rule</label>
        <select id="p-rhoScaling" data-testid="param-rhoScaling" @change=${(e: Event) => set({ rhoScaling: (e.target as HTMLSelectElement).value })}>
          ${RHO_RULES.map((r) => html`<option value=${r.value} ?selected=${o.rhoScaling === r.value}>${r.label}</option>`)}
        </select>
        ${this.error('rhoScaling')}
      </div>
      ${text('rhoScale', 'ρ scale c', ALLOWED.rhoScale)}`;
  }

  private checks<T extends Algorithm | Model>(field: 'algorithms' | 'models', label: string, all: readonly T[], chosen: readonly T[]): TemplateResult {
    const toggle = (name: T, on: boolean) => {
      const next = on ? [...chosen, name] : chosen.filter((n) => n !== name);
      this.update1({ [field]: next } as Partial<ParamValues>);
    };
    return html`<div class="field wide">
      <fieldset class="checks" aria-describedby=${this.errors[field] ? `e-${field}` : nothing} data-testid=${`param-${field}`}>
        <legend class="group-label">${label}</legend>
        ${all.map((name) => html`<label><input type="checkbox" .checked=${chosen.includes(name)} value=${name}
          @change=${(e: Event) => toggle(name, (e.target as HTMLInputElement).checked)}>${name}</label>`)}
      </fieldset>
      ${this.error(field)}
    </div>`;
  }

  private configArea(): TemplateResult {
    const error = this.errors.config;
    return html`<div class="field wide" style="margin-bottom: 0.6rem">
      <label for="p-config">Config JSON: what Run runs (editing a field below rewrites it)</label>
      <textarea id="p-config" data-testid="param-config" spellcheck="false" rows=${Math.min(30, Math.max(12, (this.configText ?? '').split('\n').length + 1))} .value=${this.configText ?? ''}
        aria-invalid=${error ? 'true' : 'false'} aria-describedby=${error ? 'e-config' : nothing}
        @change=${(e: Event) => this.dispatchEvent(new CustomEvent('config-text-change', { detail: { text: (e.target as HTMLTextAreaElement).value }, bubbles: true, composed: true }))}></textarea>
      ${error ? html`<span class="error" id="e-config" role="alert" data-testid="error-config">${error}</span>` : nothing}
    </div>`;
  }

  private error(field: keyof FieldErrors): TemplateResult | typeof nothing {
    const message = this.errors[field];
    return message ? html`<span class="error" id=${`e-${field}`} data-testid=${`error-${field}`}>${message}</span>` : nothing;
  }

  private update1(patch: Partial<ParamValues>): void {
    if (!this.values) return;
    const values = { ...this.values, ...patch };
    this.dispatchEvent(new CustomEvent('params-change', { detail: { values }, bubbles: true, composed: true }));
  }

  private preset(quick: boolean): void {
    this.dispatchEvent(new CustomEvent('preset', { detail: { quick }, bubbles: true, composed: true }));
  }
}
