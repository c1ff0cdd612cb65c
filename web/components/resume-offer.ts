// <sam-resume-offer>: the banner of a saved, unfinished run (web/lib/page-checkpoints.ts):
// what it is, how far it got and when it was saved, with Resume and Discard; or, for a saved
// run the page refuses, why, with Discard. The app decides what is offered and does the work.
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { savedLine, type Offer } from '../lib/page-checkpoints.js';

declare global {
  interface HTMLElementTagNameMap {
    'sam-resume-offer': SamResumeOffer;
  }
}

@customElement('sam-resume-offer')
export class SamResumeOffer extends LitElement {
  static styles = css`
    :host { display: block; }
    section { border-radius: 6px; padding: 0.55rem 0.75rem; background: #ddf4ff; border: 1px solid #54aeff; font-size: 0.9rem; display: grid; gap: 0.4rem; }
    section[data-state='refused'] { background: #ffebe9; border-color: #ff8182; }
    p { margin: 0; overflow-wrap: anywhere; }
    .buttons { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: center; }
    button { font: inherit; padding: 0.3rem 0.9rem; border-radius: 6px; cursor: pointer; border: 1px solid #1f6feb; background: #1f6feb; color: #fff; font-weight: 600; }
    button.secondary { background: #fff; color: #a40e26; border-color: #a40e26; }
    button:disabled { cursor: not-allowed; background: #d0d7de; border-color: #d0d7de; color: #57606a; }
    button:focus-visible { outline: 3px solid #80b3ff; outline-offset: 2px; }
    .why { font-size: 0.85rem; color: #57606a; }
  `;

  @property({ attribute: false }) offer: Offer | undefined;
  /** Why Resume cannot be pressed now (a run in progress, no GPU device); empty when it can. */
  @property() blocked = '';

  render(): TemplateResult | typeof nothing {
    const offer = this.offer;
    if (!offer) return nothing;
    if (offer.state === 'refused') {
      return html`<section role="alert" data-testid="resume-offer" data-state="refused">
        <p data-testid="resume-refused">A saved run cannot be resumed${offer.run ? html` (<strong>${offer.run.label}</strong>)` : nothing}:
          ${offer.reason}.</p>
        <div class="buttons"><button type="button" class="secondary" data-testid="resume-discard" @click=${() => this.fire('discard')}>Discard it</button></div>
      </section>`;
    }
    const run = offer.run;
    return html`<section role="region" aria-label="Unfinished run" data-testid="resume-offer" data-state="resumable"
      data-fraction=${run.fraction} data-saved-at=${run.savedAt}>
      <p>An unfinished run: <strong>${run.label}</strong> (${savedLine(run)}). Resume continues it from there to the result an
        uninterrupted run gives; a new run replaces it at its first checkpoint.</p>
      <div class="buttons">
        <button type="button" data-testid="resume-button" ?disabled=${Boolean(this.blocked)} aria-describedby="resume-why"
          @click=${() => this.fire('resume')}>Resume</button>
        <button type="button" class="secondary" data-testid="resume-discard" @click=${() => this.fire('discard')}>Discard</button>
        ${this.blocked ? html`<span class="why" id="resume-why">${this.blocked}</span>` : nothing}
      </div>
    </section>`;
  }

  private fire(name: 'resume' | 'discard'): void {
    this.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true }));
  }
}
