// <sam-gpu-status>: acquires the page's one GpuContext, shows which adapter runs the work,
// and recovers from device loss without a reload. It owns acquisition so that every other
// component just receives a context (or undefined) through the `gpu-context-change` event.
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { GpuContext, NoAdapterError, adapterName, type AdapterReport } from '../../src/gpu/device.js';

export type GpuContextChangeEvent = CustomEvent<GpuContext | undefined>;

declare global {
  interface HTMLElementTagNameMap {
    'sam-gpu-status': SamGpuStatus;
  }
  interface HTMLElementEventMap {
    'gpu-context-change': GpuContextChangeEvent;
  }
}

type Status =
  | { kind: 'acquiring' }
  | { kind: 'ready'; adapter: AdapterReport }
  | { kind: 'unsupported' }
  | { kind: 'no-adapter'; message: string }
  | { kind: 'lost'; adapter: AdapterReport; message: string }
  | { kind: 'error'; message: string };

const ENABLE_HINT = html`Use Chrome or Edge 113 or newer, or start Chromium with
  <code>--enable-unsafe-webgpu</code> (on Linux without a GPU, Debian's <code>chromium</code>
  package runs WebGPU on SwiftShader). The page must be served from https or 127.0.0.1.`;

@customElement('sam-gpu-status')
export class SamGpuStatus extends LitElement {
  static styles = css`
    :host { display: block; }
    .card {
      border: 1px solid var(--sam-border, #c9ced6);
      border-left-width: 6px;
      border-radius: 6px;
      padding: 0.75rem 1rem;
      background: var(--sam-surface, #fff);
    }
    .card[data-kind='ready'] { border-left-color: #1a7f37; }
    .card[data-kind='acquiring'] { border-left-color: #6e7781; }
    .card[data-kind='lost'], .card[data-kind='error'],
    .card[data-kind='unsupported'], .card[data-kind='no-adapter'] { border-left-color: #cf222e; }
    h2 { font-size: 1rem; margin: 0 0 0.5rem; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0; }
    dt { color: #57606a; }
    dd { margin: 0; font-variant-numeric: tabular-nums; }
    .name { font-weight: 600; }
    .badge {
      display: inline-block; margin-left: 0.5rem; padding: 0 0.4rem; border-radius: 4px;
      background: #fff8c5; color: #6b4f00; font-size: 0.8rem; font-weight: 600;
    }
    p { margin: 0.25rem 0; }
    button {
      margin-top: 0.5rem; font: inherit; padding: 0.35rem 0.9rem; border-radius: 6px;
      border: 1px solid #1f6feb; background: #1f6feb; color: #fff; cursor: pointer;
    }
    button:focus-visible { outline: 3px solid #80b3ff; outline-offset: 2px; }
    code { font-size: 0.9em; }
  `;

  @state() private status: Status = { kind: 'acquiring' };
  private current: GpuContext | undefined;
  /** Bumped per acquisition, so a slow old request cannot overwrite a newer context. */
  private generation = 0;

  /** The live context, or undefined while acquiring, lost or unavailable. */
  get context(): GpuContext | undefined {
    return this.status.kind === 'ready' ? this.current : undefined;
  }

  connectedCallback(): void {
    super.connectedCallback();
    if (!this.current) void this.acquire();
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.generation++;
    this.release();
  }

  /** Drops the current context (if any) and acquires a new one. */
  async acquire(): Promise<void> {
    const generation = ++this.generation;
    this.release();
    this.status = { kind: 'acquiring' };
    this.announce(undefined);
    if (!('gpu' in navigator) || !navigator.gpu) {
      this.status = { kind: 'unsupported' };
      return;
    }
    try {
      const ctx = await GpuContext.create(navigator.gpu, 'sam-sde.page');
      if (generation !== this.generation) {
        ctx.destroy();
        return;
      }
      this.current = ctx;
      this.status = { kind: 'ready', adapter: ctx.adapter };
      void ctx.lost.then((info) => {
        // ctx.isLost stays false when we destroyed the device ourselves (re-acquire, unmount).
        if (this.current !== ctx || !ctx.isLost) return;
        this.status = { kind: 'lost', adapter: ctx.adapter, message: info.message || info.reason };
        this.announce(undefined);
      });
      this.announce(ctx);
    } catch (e) {
      if (generation !== this.generation) return;
      const message = e instanceof Error ? e.message : String(e);
      this.status = e instanceof NoAdapterError ? { kind: 'no-adapter', message } : { kind: 'error', message };
    }
  }

  private release(): void {
    this.current?.destroy();
    this.current = undefined;
  }

  private announce(ctx: GpuContext | undefined): void {
    this.dispatchEvent(new CustomEvent('gpu-context-change', { detail: ctx, bubbles: true, composed: true }));
  }

  render(): TemplateResult {
    const s = this.status;
    return html`<section class="card" data-kind=${s.kind} data-testid="gpu-status" aria-live="polite">
      <h2>WebGPU adapter</h2>
      ${this.body(s)}
    </section>`;
  }

  private body(s: Status): TemplateResult {
    switch (s.kind) {
      case 'acquiring':
        return html`<p>Requesting a WebGPU adapter…</p>`;
      case 'ready':
        return this.adapterDetails(s.adapter);
      case 'unsupported':
        return html`<p data-testid="gpu-message"><strong>This browser does not expose WebGPU</strong>
          (<code>navigator.gpu</code> is missing).</p><p>${ENABLE_HINT}</p>`;
      case 'no-adapter':
        return html`<p data-testid="gpu-message"><strong>WebGPU is present but no adapter is available.</strong></p>
          <p>${ENABLE_HINT}</p>${this.retryButton('Try again')}`;
      case 'lost':
        return html`<p data-testid="gpu-message"><strong>The GPU device was lost</strong> (${s.message}).
          Work on it has stopped; re-acquire to continue without reloading the page.</p>
          ${this.adapterDetails(s.adapter)}${this.retryButton('Re-acquire GPU')}`;
      case 'error':
        return html`<p data-testid="gpu-message"><strong>Could not create a GPU device:</strong> ${s.message}</p>
          ${this.retryButton('Try again')}`;
    }
  }

  private adapterDetails(a: AdapterReport): TemplateResult {
    return html`<dl>
      <dt>Adapter</dt>
      <dd>
        <span class="name" data-testid="adapter-name">${adapterName(a)}</span>
        ${a.isFallbackAdapter ? html`<span class="badge" data-testid="adapter-fallback">fallback adapter</span>` : nothing}
      </dd>
      ${a.isSoftware
        ? html`<dt>Note</dt><dd data-testid="adapter-software">A CPU implementation of WebGPU: timings here are not GPU timings.</dd>`
        : nothing}
      <dt>Vendor</dt><dd data-testid="adapter-vendor">${a.vendor || '—'}</dd>
      <dt>Architecture</dt><dd data-testid="adapter-architecture">${a.architecture || '—'}</dd>
      <dt>Description</dt><dd data-testid="adapter-description">${a.description || a.device || '—'}</dd>
      <dt>Max storage binding</dt><dd>${formatBytes(a.limits.maxStorageBufferBindingSize)}</dd>
      <dt>Timestamp queries</dt><dd>${a.features.includes('timestamp-query') ? 'yes' : 'no'}</dd>
    </dl>`;
  }

  private retryButton(label: string): TemplateResult {
    return html`<button type="button" data-testid="gpu-reacquire" @click=${() => void this.acquire()}>${label}</button>`;
  }
}

function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '—';
  const mib = bytes / 2 ** 20;
  return mib >= 1024 ? `${(mib / 1024).toFixed(mib % 1024 === 0 ? 0 : 2)} GiB` : `${mib.toFixed(0)} MiB`;
}
