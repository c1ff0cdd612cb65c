// The mini-batch noise figures (docs/model.md §6.6): relMaxError of g of each algorithm's own
// SDE in mode B and of its Gaussian-injection twin against the batch size, one panel per
// algorithm and ρ; then, per batch size, the validation experiments' figures (error against ρ
// and the mean trajectories) of that batch size's runs.
import type { ExperimentDocument } from '../../experiments/run.js';
import { batchSlice, type MinibatchSummary } from '../../experiments/minibatch.js';
import { Plot, Z95, legendMarks, renderSvg, toCsv, type Figure, type Row } from './common.js';
import { errorVsRhoFigure, trajectoriesFigure } from './validation.js';

const KIND_COLORS = { 'mode-B SDE': '#3ca951', 'injection SDE': '#8c6d1f' } as const;

/** relMaxError (log) against B (log), mode-B SDE and injection SDE, with 95 % Monte Carlo intervals (unpaired). */
export function errorVsBatchFigure(summary: MinibatchSummary, paths: number): Figure {
  const rows: Row[] = [];
  for (const p of summary.pairs) {
    for (const [kind, e] of [['mode-B SDE', p.modeB], ['injection SDE', p.injection]] as const) {
      rows.push({
        algorithm: p.algorithm, rho: p.rho, batchSize: p.batchSize, kind, model: kind === 'mode-B SDE' ? p.model : `${p.model}-INJ`,
        relMaxError: e.relMaxError, relStderr: e.relStderr,
        ci95Low: e.relMaxError - Z95 * e.relStderr, ci95High: e.relMaxError + Z95 * e.relStderr,
        weakError: e.weakError, weakErrorStderr: e.weakErrorStderr,
        sigma: summary.sigmas[summary.batchSizes.indexOf(p.batchSize)] ?? null,
      });
    }
  }
  const positive = rows.filter((r) => (r.relMaxError as number) > 0);
  const floor = positive.length > 0 ? Math.min(...positive.map((r) => r.relMaxError as number)) / 3 : 1e-8;
  const plotted = positive.map((r) => ({ ...r, ci95Low: Math.max(r.ci95Low as number, floor) }));
  const algorithms = [...new Set(rows.map((r) => r.algorithm as string))];
  const rhos = [...new Set(rows.map((r) => r.rho as number))].sort((a, b) => a - b);
  const kinds = Object.keys(KIND_COLORS) as (keyof typeof KIND_COLORS)[];
  const title = `relMaxError of E g against the batch size B: each algorithm's own SDE in mode B and with Gaussian injection `
    + `(σ_B matched to tr Σ_B(x0), ${paths} paths)`;
  const svg = renderSvg({
    width: Math.max(640, 230 * algorithms.length),
    height: 120 + 200 * rhos.length,
    marginTop: 40,
    marginRight: 70,
    marginBottom: 40 + 13 * 2,
    x: { type: 'log', label: 'batch size B', grid: true, tickFormat: '~g', ticks: summary.batchSizes },
    y: { type: 'log', label: 'relMaxError of g', grid: true, tickFormat: '.0e' },
    fx: { label: null, domain: algorithms },
    fy: { label: 'ρ', domain: rhos },
    color: { domain: kinds, range: kinds.map((k) => KIND_COLORS[k]) },
    marks: [
      Plot.ruleX(plotted, { x: 'batchSize', y1: 'ci95Low', y2: 'ci95High', fx: 'algorithm', fy: 'rho', stroke: 'kind', strokeWidth: 2 }),
      Plot.line(plotted, { x: 'batchSize', y: 'relMaxError', fx: 'algorithm', fy: 'rho', z: 'kind', stroke: 'kind', marker: 'circle-stroke' }),
      ...legendMarks(kinds.map((k) => ({ label: `algorithm vs ${k}`, color: KIND_COLORS[k] })), 'below'),
    ],
  }, title);
  return { name: 'error-vs-batch', title, svg, csv: toCsv(rows) };
}

export function minibatchFigures(document: ExperimentDocument): Figure[] {
  const summary = document.minibatch;
  if (!summary || document.runs.length === 0) return [];
  const figures = [errorVsBatchFigure(summary, document.config.paths)];
  for (const b of summary.batchSizes) {
    const slice = batchSlice(document, b);
    if (slice.runs.length === 0) continue;
    const error = errorVsRhoFigure(slice, `B = ${b}, `);
    figures.push({ ...error, name: `${error.name}-B${b}` });
    figures.push(trajectoriesFigure(slice, 'g', {
      name: `trajectories-g-B${b}`,
      title: `Mean g = ‖x‖ + ‖∇f‖ over time with 95 % bands, batch size B = ${b} (${slice.config.paths} paths)`,
    }));
  }
  return figures;
}
