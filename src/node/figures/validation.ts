// The validation figures (docs/model.md §6): the paper's error-vs-ρ panel and the mean
// trajectories with confidence bands.
import type { SimulationResult } from '../../simulate/result.js';
import {
  FAMILY_COLORS, Plot, Z95, dashOf, dynamicsLegend, family, legendMarks, renderSvg, toCsv, type Figure, type Row,
} from './common.js';

type ModelClass = 'own SDE' | 'drift-only' | 'SGD SDE' | 'own SDE (injection)' | 'SGD SDE (injection)' | 'other';

function modelClass(algorithm: string, model: string): ModelClass {
  // The mini-batch experiment's Gaussian-injection twins (docs/model.md §6.6).
  if (model === `${algorithm}-SDE-INJ`) return 'own SDE (injection)';
  if (model === 'SGD-SDE-INJ') return 'SGD SDE (injection)';
  if (model === `${algorithm}-SDE`) return 'own SDE';
  if (model === `${algorithm}-DRIFT`) return 'drift-only';
  if (model === 'SGD-SDE') return 'SGD SDE';
  return 'other';
}

const CLASS_COLORS: Record<ModelClass, string> = {
  'own SDE': '#3ca951', 'drift-only': '#a463f2', 'SGD SDE': '#ff725c',
  'own SDE (injection)': '#8c6d1f', 'SGD SDE (injection)': '#e7a1c8', other: '#888',
};

/**
 * relMaxError of g against ρ on log axes, one panel per algorithm, one line per model; the
 * shaded band is the paper's band (relMaxError ± std_k of the gap, docs/model.md §4), the bars a
 * 95 % Monte Carlo interval (± 1.96 weakErrorStderr, scaled like relMaxError). Guides at
 * ρ = η and ρ = sqrt(η). Points with a zero error (exact agreement) cannot sit on a log axis
 * and are only in the CSV.
 */
export function errorVsRhoFigure(result: SimulationResult, label = ''): Figure {
  const eta = result.config.eta;
  const rows: Row[] = [];
  for (const run of result.runs) {
    for (const c of run.comparisons) {
      if (c.observable !== 'g') continue;
      const scale = c.weakError > 0 ? c.relMaxError / c.weakError : NaN;
      const ci = Z95 * c.weakErrorStderr * scale;
      rows.push({
        algorithm: c.algorithm, model: c.model, modelClass: modelClass(c.algorithm, c.model), rho: run.rho,
        relMaxError: c.relMaxError, band: c.band,
        bandLow: c.relMaxError - c.band, bandHigh: c.relMaxError + c.band,
        ci95Low: c.relMaxError - ci, ci95High: c.relMaxError + ci,
        weakError: c.weakError, weakErrorStderr: c.weakErrorStderr,
      });
    }
  }
  const positive = rows.filter((r) => (r.relMaxError as number) > 0);
  const ys = positive.map((r) => r.relMaxError as number);
  const floor = ys.length > 0 ? Math.min(...ys) / 3 : 1e-8;
  const clip = (v: number) => Math.max(v, floor);
  const plotted = positive.map((r) => ({
    ...r,
    bandLow: clip(r.bandLow as number), bandHigh: r.bandHigh as number,
    ci95Low: clip(r.ci95Low as number), ci95High: r.ci95High as number,
  }));
  const algorithms = [...new Set(rows.map((r) => r.algorithm as string))];
  const classes = [...new Set(rows.map((r) => r.modelClass as ModelClass))];
  const series = (d: Row) => `${d.algorithm}|${d.model}`;
  const guides = [{ rho: eta, label: 'ρ = η' }, { rho: Math.sqrt(eta), label: 'ρ = √η' }];
  const svg = renderSvg({
    width: Math.max(640, 260 * algorithms.length),
    height: 400,
    marginTop: 40,
    marginRight: 20,
    marginBottom: 40 + 13 * Math.max(3, classes.length),
    x: { type: 'log', label: 'ρ', grid: true, tickFormat: '~g' },
    y: { type: 'log', label: 'relMaxError of g', grid: true, tickFormat: '.0e' },
    fx: { label: null, domain: algorithms },
    color: { domain: classes, range: classes.map((c) => CLASS_COLORS[c]) },
    marks: [
      Plot.ruleX(guides, { x: 'rho', stroke: '#999', strokeDasharray: '3,3' }),
      Plot.text(guides, { x: 'rho', text: 'label', frameAnchor: 'bottom', dy: -4, dx: 3, textAnchor: 'start', fill: '#666' }),
      Plot.areaY(plotted, { x: 'rho', y1: 'bandLow', y2: 'bandHigh', fx: 'algorithm', z: series, fill: 'modelClass', fillOpacity: 0.12 }),
      Plot.ruleX(plotted, { x: 'rho', y1: 'ci95Low', y2: 'ci95High', fx: 'algorithm', stroke: 'modelClass', strokeWidth: 2 }),
      Plot.line(plotted, { x: 'rho', y: 'relMaxError', fx: 'algorithm', z: series, stroke: 'modelClass', marker: 'circle-stroke' }),
      ...legendMarks(classes.map((c) => ({ label: `algorithm vs ${c}`, color: CLASS_COLORS[c] })), 'below'),
    ],
  }, `Relative max error of E g against ρ (${label}η = ${eta}, ${result.config.paths} paths)`);
  return { name: 'error-vs-rho', title: 'Relative max error of E g against ρ (paper metric)', svg, csv: toCsv(rows) };
}

export interface TrajectoryOptions {
  /** Drawn under the legend (guides such as a trap radius). */
  extraMarks?: Plot.Markish[];
  /** Rows added to the CSV for those marks. */
  extraRows?: Row[];
  name?: string;
  title?: string;
  legendAnchor?: 'top-left' | 'top-right';
}

/** Mean observable over time with 95 % bands, one panel per ρ; algorithms solid, SDEs dashed, drift dotted. */
export function trajectoriesFigure(
  result: SimulationResult, observable: 'g' | 'loss' | 'norm' = 'g', options: TrajectoryOptions = {},
): Figure {
  const rows: Row[] = [];
  for (const run of result.runs) {
    for (const [name, series] of Object.entries(run.series)) {
      const s = series[observable];
      run.t.forEach((t, k) => rows.push({
        rho: run.rho, dynamics: name, t, mean: s.mean[k], stderr: s.stderr[k],
        low: s.mean[k] - Z95 * s.stderr[k], high: s.mean[k] + Z95 * s.stderr[k], count: series.count[k],
      }));
    }
  }
  const finite = rows.filter((r) => Number.isFinite(r.mean as number));
  const logY = finite.length > 0 && finite.every((r) => (r.mean as number) > 0);
  const floor = logY ? Math.min(...finite.map((r) => r.mean as number)) / 3 : -Infinity;
  const plotted: Row[] = finite.map((r) => ({
    ...r,
    low: Number.isFinite(r.low as number) ? Math.max(r.low as number, floor) : r.mean,
    high: Number.isFinite(r.high as number) ? r.high : r.mean,
  }));
  const names = [...new Set(rows.map((r) => r.dynamics as string))];
  const rhos = result.runs.map((r) => r.rho);
  const label = { g: 'mean g = ‖x‖ + ‖∇f‖', loss: 'mean f(x)', norm: 'mean ‖x‖' }[observable];
  const color = (name: string) => FAMILY_COLORS[family(name)] ?? '#555';
  const title = options.title ?? `Mean ${label} over time with 95 % bands (${result.config.paths} paths)`;
  const svg = renderSvg({
    width: Math.max(640, 300 * rhos.length),
    height: 380,
    marginTop: 40,
    x: { label: 't = kη', grid: true },
    y: { type: logY ? 'log' : 'linear', label, grid: true, tickFormat: '~g' },
    fx: { label: 'ρ', domain: rhos },
    marks: [
      ...names.map((name) => Plot.areaY(plotted.filter((r) => r.dynamics === name), {
        x: 't', y1: 'low', y2: 'high', fx: 'rho', fill: color(name), fillOpacity: 0.15,
      })),
      ...names.map((name) => Plot.line(plotted.filter((r) => r.dynamics === name), {
        x: 't', y: 'mean', fx: 'rho', stroke: color(name), strokeDasharray: dashOf(name), strokeWidth: 1.3,
      })),
      ...(options.extraMarks ?? []),
      ...legendMarks(dynamicsLegend(names), options.legendAnchor),
    ],
  }, title);
  return { name: options.name ?? `trajectories-${observable}`, title, svg, csv: toCsv([...rows, ...(options.extraRows ?? [])]) };
}

export function validationFigures(result: SimulationResult): Figure[] {
  return [errorVsRhoFigure(result), trajectoriesFigure(result, 'g')];
}
