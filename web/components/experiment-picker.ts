// <sam-experiment-picker>: the registered experiments (docs/model.md §6) as a radio group with
// their descriptions and claims, plus "pasted config". Arrow keys move between entries (native
// radios); an experiment the simulator cannot run yet is listed, disabled, with the reason.
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { CUSTOM_ID } from '../lib/url-state.js';

export interface PickerEntry {
  id: string;
  title: string;
  description: string;
  claim?: string;
  kind: string;
  /** Why it cannot run here (e.g. a problem not implemented yet); absent: runnable. */
  unavailable?: string;
}

export type ExperimentChangeEvent = CustomEvent<{ id: string }>;

declare global {
  interface HTMLElementTagNameMap {
    'sam-experiment-picker': SamExperimentPicker;
  }
  interface HTMLElementEventMap {
    'experiment-change': ExperimentChangeEvent;
  }
}

const KIND_LABELS: Record<string, string> = {
  validation: 'validation', saddle: 'saddle escape', order: 'convergence order', minibatch: 'mini-batch noise', custom: 'custom',
};
/** The groups, in the order the page lists them. */
const GROUPS: Array<{ kind: string; heading: string }> = [
  { kind: 'validation', heading: 'Validation: the SDEs against their algorithms' },
  { kind: 'saddle', heading: 'Saddle escape' },
  { kind: 'order', heading: 'Convergence order' },
  { kind: 'minibatch', heading: 'Mini-batch noise: mode B against Gaussian injection' },
  { kind: 'custom', heading: 'Custom' },
];

@customElement('sam-experiment-picker')
export class SamExperimentPicker extends LitElement {
  static styles = css`
    :host { display: block; }
    fieldset { border: 1px solid var(--sam-border, #d0d7de); border-radius: 6px; background: #fff; margin: 0; padding: 0.5rem 0.75rem 0.75rem; min-width: 0; }
    legend { font-weight: 600; padding: 0 0.25rem; }
    .list { display: grid; gap: 0.2rem; }
    h3 { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.03em; color: #57606a; margin: 0.5rem 0 0.1rem; font-weight: 600; }
    h3:first-child { margin-top: 0; }
    label { display: grid; grid-template-columns: auto 1fr; gap: 0 0.5rem; padding: 0.35rem 0.4rem; border-radius: 5px; cursor: pointer; border: 1px solid transparent; }
    label:hover { background: #f6f8fa; }
    label.selected { border-color: #1f6feb; background: #ddf4ff; }
    label.disabled { cursor: not-allowed; color: #6e7781; }
    input { margin-top: 0.2rem; }
    input:focus-visible { outline: 3px solid #80b3ff; outline-offset: 2px; }
    .title { font-weight: 600; }
    .kind { font-size: 0.75rem; color: #57606a; font-weight: 400; margin-left: 0.35rem; }
    .text { grid-column: 2; font-size: 0.85rem; color: #3d444d; }
    .claim { grid-column: 2; font-size: 0.8rem; color: #57606a; font-style: italic; }
    .reason { grid-column: 2; font-size: 0.8rem; color: #9a6700; }
  `;

  @property({ attribute: false }) entries: PickerEntry[] = [];
  @property() selected = '';
  @property({ type: Boolean }) disabled = false;

  render(): TemplateResult {
    const all: PickerEntry[] = [...this.entries, {
      id: CUSTOM_ID, title: 'Pasted config', kind: 'custom',
      description: 'Any run config as JSON (the same file `npx sam-sde run` reads).',
    }];
    return html`<fieldset ?disabled=${this.disabled} data-testid="experiment-picker">
      <legend>Experiment</legend>
      <div class="list" role="radiogroup" aria-label="Experiment">
        ${GROUPS.map((g) => {
          const members = all.filter((e) => e.kind === g.kind);
          if (members.length === 0) return nothing;
          return html`<h3 id=${`group-${g.kind}`} data-testid=${`picker-group-${g.kind}`}>${g.heading}</h3>
            ${members.map((e) => this.entry(e))}`;
        })}
        ${all.filter((e) => !GROUPS.some((g) => g.kind === e.kind)).map((e) => this.entry(e))}
      </div>
    </fieldset>`;
  }

  private entry(e: PickerEntry): TemplateResult {
    const selected = e.id === this.selected;
    // Accessible name: the title and kind ("Saddle: quadratic …, saddle escape"); the description
    // and the claim are the description, not the name.
    return html`<label class=${`${selected ? 'selected' : ''} ${e.unavailable ? 'disabled' : ''}`} data-testid=${`experiment-${e.id}`}>
      <input type="radio" name="experiment" .value=${e.id} .checked=${selected} ?disabled=${Boolean(e.unavailable)}
        aria-label=${`${e.title}, ${KIND_LABELS[e.kind] ?? e.kind}`} aria-describedby=${`desc-${e.id}${e.unavailable ? ` why-${e.id}` : ''}`} @change=${() => this.choose(e.id)}>
      <span class="title">${e.title}<span class="kind">${KIND_LABELS[e.kind] ?? ''}</span></span>
      <span class="text" id=${`desc-${e.id}`}>${e.description}</span>
      ${e.claim && selected ? html`<span class="claim">${e.claim}</span>` : nothing}
      ${e.unavailable ? html`<span class="reason" id=${`why-${e.id}`}>Not runnable yet: ${e.unavailable}</span>` : nothing}
    </label>`;
  }

  private choose(id: string): void {
    this.dispatchEvent(new CustomEvent('experiment-change', { detail: { id }, bubbles: true, composed: true }));
  }
}
