// <sam-plot>: one figure. Draws an Observable Plot chart at the width it is given, shows its
// legend and caption, and exports the chart (legend included) as SVG or PNG. The views build
// the chart; this element owns sizing, legend and export, so every plot behaves the same.
import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';

export interface LegendEntry {
  label: string;
  color: string;
  /** SVG stroke-dasharray; absent: solid. */
  dash?: string;
  /** A marker instead of a line (e.g. hollow: not qualified). */
  marker?: 'dot' | 'hollow';
}

export interface PlotSpec {
  /** Builds the chart at a given width (Plot.plot without legend, title or caption: an <svg>). */
  draw: (width: number) => SVGSVGElement | HTMLElement;
  legend: LegendEntry[];
  /** Data points drawn (finite values): the tests read it, screen readers hear it. */
  points: number;
  /** One sentence for screen readers: what the chart shows. */
  description: string;
  /** What the reader must know about this chart (axis changed, values not drawn, divergence): shown above it. */
  notes?: string[];
  /** Said instead of "No data to draw yet." when nothing can be drawn for a known reason. */
  empty?: string;
}

declare global {
  interface HTMLElementTagNameMap {
    'sam-plot': SamPlot;
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const LEGEND_ROW = 18;
const LEGEND_COLUMN = 190;

@customElement('sam-plot')
export class SamPlot extends LitElement {
  static styles = css`
    :host { display: block; min-width: 0; }
    figure { margin: 0; border: 1px solid var(--sam-border, #d0d7de); border-radius: 6px; background: #fff; padding: 0.5rem 0.75rem 0.6rem; }
    figcaption { font-weight: 600; font-size: 0.95rem; margin-bottom: 0.25rem; }
    .note { font-weight: 400; color: #57606a; font-size: 0.85rem; }
    ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 0.15rem 1rem; margin: 0 0 0.35rem; padding: 0; font-size: 0.8rem; color: #3d444d; }
    ul.legend li { display: inline-flex; align-items: center; gap: 0.35rem; }
    .chart { overflow: hidden; }
    .chart svg { display: block; max-width: 100%; height: auto; }
    .actions { display: flex; gap: 0.5rem; justify-content: flex-end; margin-top: 0.25rem; }
    button { font: inherit; font-size: 0.8rem; padding: 0.15rem 0.6rem; border-radius: 4px; border: 1px solid #8c959f; background: #f6f8fa; cursor: pointer; }
    button:focus-visible { outline: 3px solid #80b3ff; outline-offset: 2px; }
    .empty { color: #57606a; font-size: 0.9rem; padding: 1rem 0; }
    ul.notes { margin: 0 0 0.35rem; padding: 0 0 0 1.1rem; font-size: 0.8rem; color: #9a6700; }
  `;

  @property() heading = '';
  @property() note = '';
  /** Base of the exported file names. */
  @property() fileName = 'plot';
  @property({ attribute: false }) spec: PlotSpec | undefined;
  @state() private width = 0;
  private chart: SVGSVGElement | HTMLElement | undefined;
  private resize: ResizeObserver | undefined;

  connectedCallback(): void {
    super.connectedCallback();
    this.resize = new ResizeObserver((entries) => {
      // Whole pixels, and only real changes: a redraw must not feed back into the size.
      const width = Math.floor(entries[0].contentRect.width);
      if (width > 0 && Math.abs(width - this.width) >= 8) this.width = width;
    });
    this.resize.observe(this);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize?.disconnect();
  }

  protected willUpdate(changed: PropertyValues): void {
    if ((changed.has('spec') || changed.has('width')) && this.spec && this.width > 0) {
      // The figure's padding and border take about 26 px of the host's width.
      this.chart = this.spec.draw(Math.max(240, this.width - 26));
      this.chart.setAttribute('role', 'img');
      this.chart.setAttribute('aria-label', this.spec.description);
    }
  }

  render(): TemplateResult {
    const spec = this.spec;
    return html`<figure data-testid="plot" data-plot=${this.fileName} data-points=${spec?.points ?? 0}>
      <figcaption>${this.heading} ${this.note ? html`<span class="note">${this.note}</span>` : nothing}</figcaption>
      ${spec?.notes && spec.notes.length > 0
        ? html`<ul class="notes" data-testid="plot-notes">${spec.notes.map((n) => html`<li data-testid="plot-note">${n}</li>`)}</ul>` : nothing}
      ${spec && spec.legend.length > 0 ? html`<ul class="legend" aria-label="Legend">${spec.legend.map((e) => html`<li>${swatch(e)}${e.label}</li>`)}</ul>` : nothing}
      ${spec && spec.points > 0
        ? html`<div class="chart">${this.chart ?? nothing}</div>
          <div class="actions">
            <button type="button" data-testid="export-svg" @click=${() => this.download('svg')} aria-label="Download ${this.heading} as SVG">SVG</button>
            <button type="button" data-testid="export-png" @click=${() => void this.download('png')} aria-label="Download ${this.heading} as PNG">PNG</button>
          </div>`
        : html`<p class="empty" data-testid="plot-empty">${spec?.empty ?? 'No data to draw yet.'}</p>`}
    </figure>`;
  }

  /** The chart with its legend and heading as one standalone SVG document. */
  exportSvg(): string {
    const svg = this.chart instanceof SVGSVGElement ? this.chart : this.chart?.querySelector('svg');
    if (!svg || !this.spec) throw new Error('nothing drawn yet');
    const width = Number(svg.getAttribute('width')) || svg.clientWidth;
    const height = Number(svg.getAttribute('height')) || svg.clientHeight;
    const perRow = Math.max(1, Math.floor((width - 10) / LEGEND_COLUMN));
    const legendRows = Math.ceil(this.spec.legend.length / perRow);
    const top = 24 + legendRows * LEGEND_ROW + 6;
    const doc = document.createElementNS(SVG_NS, 'svg');
    doc.setAttribute('xmlns', SVG_NS);
    doc.setAttribute('width', String(width));
    doc.setAttribute('height', String(height + top));
    doc.setAttribute('viewBox', `0 0 ${width} ${height + top}`);
    doc.setAttribute('font-family', 'system-ui, sans-serif');
    const add = (tag: string, attrs: Record<string, string | number>, parent: Element = doc, text?: string) => {
      const el = document.createElementNS(SVG_NS, tag);
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
      if (text !== undefined) el.textContent = text;
      parent.appendChild(el);
      return el;
    };
    add('rect', { width, height: height + top, fill: '#fff' });
    add('text', { x: 6, y: 16, 'font-size': 13, 'font-weight': 600 }, doc,
      `${this.heading}${this.note ? ` — ${this.note}` : ''}${this.spec.notes?.length ? ` (${this.spec.notes.join(' ')})` : ''}`);
    this.spec.legend.forEach((entry, i) => {
      const x = 8 + (i % perRow) * LEGEND_COLUMN;
      const y = 24 + Math.floor(i / perRow) * LEGEND_ROW + LEGEND_ROW / 2;
      if (entry.marker) {
        add('circle', { cx: x + 10, cy: y, r: 3.5, fill: entry.marker === 'dot' ? entry.color : 'none', stroke: entry.color, 'stroke-width': 1.5 });
      } else {
        add('line', { x1: x, x2: x + 20, y1: y, y2: y, stroke: entry.color, 'stroke-width': 2, ...(entry.dash ? { 'stroke-dasharray': entry.dash } : {}) });
      }
      add('text', { x: x + 26, y: y + 4, 'font-size': 11, fill: '#1f2328' }, doc, entry.label);
    });
    const chart = add('g', { transform: `translate(0, ${top})` });
    const clone = svg.cloneNode(true) as SVGSVGElement;
    clone.removeAttribute('style');
    chart.appendChild(clone);
    return new XMLSerializer().serializeToString(doc);
  }

  /** The exported SVG rasterised at twice its size. */
  async exportPng(): Promise<Blob> {
    const text = this.exportSvg();
    const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
    try {
      const image = new Image();
      image.src = url;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.naturalWidth * 2;
      canvas.height = image.naturalHeight * 2;
      const context = canvas.getContext('2d');
      if (!context) throw new Error('no 2D canvas');
      context.scale(2, 2);
      context.drawImage(image, 0, 0);
      return await new Promise<Blob>((resolve, reject) =>
        canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))), 'image/png'));
    } finally {
      URL.revokeObjectURL(url);
    }
  }

  private async download(kind: 'svg' | 'png'): Promise<void> {
    const blob = kind === 'svg' ? new Blob([this.exportSvg()], { type: 'image/svg+xml' }) : await this.exportPng();
    saveBlob(blob, `${this.fileName}.${kind}`);
  }
}

function swatch(entry: LegendEntry): TemplateResult {
  if (entry.marker) {
    return html`<svg width="14" height="12" aria-hidden="true"><circle cx="7" cy="6" r="4" fill=${entry.marker === 'dot' ? entry.color : 'none'}
      stroke=${entry.color} stroke-width="1.5"></circle></svg>`;
  }
  return html`<svg width="24" height="10" aria-hidden="true"><line x1="0" x2="24" y1="5" y2="5" stroke=${entry.color}
    stroke-width="2.5" stroke-dasharray=${entry.dash ?? 'none'}></line></svg>`;
}

/** Saves a blob under a file name through a temporary link (the browser's download). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
