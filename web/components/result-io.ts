// <sam-result-io>: the result out of the page (result.json as the CLI writes it, CSV tables)
// and a result.json back in, to read its figures without running anything.
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { PageResult } from '../lib/page-result.js';
import { comparisonsCsv, orderCsv, parseResultJson, resultToJson, sharpnessCsv, trajectoriesCsv } from '../lib/result-io.js';
import { hasSharpness } from '../lib/plot-data.js';
import { saveBlob } from './plot-figure.js';

export type ResultImportEvent = CustomEvent<{ result: PageResult; name: string }>;

declare global {
  interface HTMLElementTagNameMap {
    'sam-result-io': SamResultIo;
  }
  interface HTMLElementEventMap {
    'result-import': ResultImportEvent;
  }
}

@customElement('sam-result-io')
export class SamResultIo extends LitElement {
  static styles = css`
    :host { display: block; }
    .card { border: 1px solid var(--sam-border, #d0d7de); border-radius: 6px; background: #fff; padding: 0.6rem 0.75rem 0.75rem; display: grid; gap: 0.5rem; }
    h2 { font-size: 1rem; margin: 0; }
    .row { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; font-size: 0.85rem; }
    button, .file { font: inherit; font-size: 0.85rem; padding: 0.25rem 0.7rem; border-radius: 4px; border: 1px solid #8c959f; background: #f6f8fa; cursor: pointer; }
    button:disabled { cursor: not-allowed; color: #8c959f; }
    button:focus-visible, input:focus-visible + .file { outline: 3px solid #80b3ff; outline-offset: 2px; }
    input[type='file'] { position: absolute; width: 1px; height: 1px; opacity: 0; }
    .error { color: #a40e26; font-size: 0.85rem; overflow-wrap: anywhere; }
    .hint { color: #57606a; font-size: 0.8rem; margin: 0; }
  `;

  @property({ attribute: false }) result: PageResult | undefined;
  @state() private importError = '';

  render(): TemplateResult {
    const result = this.result;
    const none = !result;
    return html`<section class="card" aria-labelledby="io-title" data-testid="result-io">
      <h2 id="io-title">Export and import</h2>
      <div class="row" role="group" aria-label="Export the result">
        <button type="button" data-testid="export-json" ?disabled=${none} @click=${() => result && this.save(resultToJson(result), 'result.json', 'application/json')}>result.json</button>
        <button type="button" data-testid="export-csv" ?disabled=${none} @click=${() => result && this.save(trajectoriesCsv(result), 'trajectories.csv', 'text/csv')}>trajectories.csv</button>
        <button type="button" data-testid="export-comparisons" ?disabled=${none} @click=${() => result && this.save(comparisonsCsv(result), 'comparisons.csv', 'text/csv')}>comparisons.csv</button>
        ${result && hasSharpness(result) ? html`<button type="button" data-testid="export-sharpness" @click=${() => this.save(sharpnessCsv(result), 'sharpness.csv', 'text/csv')}>sharpness.csv</button>` : nothing}
        ${result?.order ? html`<button type="button" data-testid="export-order" @click=${() => result.order && this.save(orderCsv(result.order), 'order.csv', 'text/csv')}>order.csv</button>` : nothing}
      </div>
      <div class="row">
        <input type="file" id="import" accept=".json,application/json" data-testid="import-file" @change=${this.onFile}>
        <label class="file" for="import">Import a result.json…</label>
        <span class="hint">View a saved result (from this page, the CLI or a headless run) without running it.</span>
      </div>
      ${this.importError ? html`<p class="error" role="alert" data-testid="import-error">Could not import: ${this.importError}</p>` : nothing}
      <p class="hint">Each plot has its own SVG and PNG buttons.</p>
    </section>`;
  }

  private save(text: string, name: string, type: string): void {
    saveBlob(new Blob([text], { type }), name);
  }

  private async onFile(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    try {
      const result = parseResultJson(await file.text());
      this.importError = '';
      this.dispatchEvent(new CustomEvent('result-import', { detail: { result, name: file.name }, bubbles: true, composed: true }));
    } catch (e) {
      this.importError = `${file.name}: ${(e as Error).message}`;
    } finally {
      input.value = '';
    }
  }
}
