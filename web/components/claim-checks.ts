// <sam-claim-checks>: the paper's claims for the experiment on show, checked on its result by
// src/experiments/claims.ts (the same verdicts as the CLI's report): holds, fails or not
// testable, with the numbers measured.
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { claimChecks, type ClaimCheck } from '../../src/experiments/claims.js';
import type { Experiment } from '../../src/experiments/types.js';
import type { PageResult } from '../lib/page-result.js';
import { viewStyles } from './view-styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'sam-claim-checks': SamClaimChecks;
  }
}

const VERDICT = (holds: boolean | null) => (holds === null ? 'not testable' : holds ? 'holds' : 'fails');

@customElement('sam-claim-checks')
export class SamClaimChecks extends LitElement {
  static styles = [viewStyles, css`
    ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.4rem; }
    li { border-left: 4px solid #8c959f; padding: 0.2rem 0.6rem; background: #fff; font-size: 0.85rem; }
    li[data-verdict='holds'] { border-color: #1a7f37; }
    li[data-verdict='fails'] { border-color: #cf222e; }
    .verdict { font-weight: 700; margin-right: 0.4rem; }
    li[data-verdict='holds'] .verdict { color: #1a7f37; }
    li[data-verdict='fails'] .verdict { color: #a40e26; }
    li[data-verdict='not testable'] .verdict { color: #57606a; }
    .measured { color: #3d444d; display: block; margin-top: 0.15rem; overflow-wrap: anywhere; }
  `];

  @property({ attribute: false }) experiment: Experiment | undefined;
  @property({ attribute: false }) result: PageResult | undefined;

  render(): TemplateResult | typeof nothing {
    const { experiment, result } = this;
    if (!experiment || !result) return nothing;
    let checks: ClaimCheck[];
    try {
      checks = claimChecks(experiment, result);
    } catch (e) {
      return html`<section data-testid="claim-checks"><h2>Claim checks</h2>
        <p class="hint">The claims could not be checked on this result: ${(e as Error).message}</p></section>`;
    }
    if (checks.length === 0) return nothing;
    return html`<section aria-labelledby="claims-title" data-testid="claim-checks">
      <h2 id="claims-title">Claim checks</h2>
      <p class="hint">${experiment.claim} Checked on this result by the rules of the CLI's report
        (src/experiments/claims.ts)${result.cancelled ? '; the run was cancelled, so the checks see only what finished' : ''}.</p>
      <ul>${checks.map((c) => html`<li data-testid="claim-check" data-verdict=${VERDICT(c.holds)}>
        <span class="verdict">${VERDICT(c.holds)}</span>${c.statement}
        <span class="measured">Measured: ${c.measured}</span></li>`)}</ul>
    </section>`;
  }
}
