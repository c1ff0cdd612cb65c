// The figures of a result with sharpness readouts (docs/model.md §8): the top eigenvalue and the
// trace over time with 95 % bands, one panel per ρ, and the top eigenvalue against the mean loss
// at each readout (the implicit-regularisation experiments' plot of sharpness against loss).
import type { SimulationResult } from '../../simulate/result.js';
import {
  FAMILY_COLORS, Plot, Z95, dashOf, dynamicsLegend, family, legendMarks, renderSvg, toCsv, type Figure, type Row,
} from './common.js';

const LABELS = { top: 'top Hessian eigenvalue λ_max (Lanczos)', trace: 'Hessian trace (Hutchinson)' } as const;

/** Readout rows: ρ, dynamics, t, the mean loss recorded at t, and both readouts with their standard errors. */
function readoutRows(result: SimulationResult): Row[] {
  const rows: Row[] = [];
  for (const run of result.runs) {
    for (const [name, series] of Object.entries(run.series)) {
      const s = series.sharpness;
      if (!s) continue;
      s.t.forEach((t, k) => {
        const record = run.t.findIndex((tr) => Math.abs(tr - t) <= 1e-9 * Math.max(1, Math.abs(t)));
        rows.push({
          rho: run.rho, dynamics: name, t, count: s.count[k], loss: record < 0 ? NaN : series.loss.mean[record],
          top: s.top.mean[k], topStderr: s.top.stderr[k], trace: s.trace.mean[k], traceStderr: s.trace.stderr[k],
        });
      });
    }
  }
  return rows;
}

const color = (name: string) => FAMILY_COLORS[family(name)] ?? '#555';

function overTime(result: SimulationResult, rows: Row[], quantity: 'top' | 'trace'): Figure {
  const names = [...new Set(rows.map((r) => r.dynamics as string))];
  const rhos = result.runs.map((r) => r.rho);
  const stderr = quantity === 'top' ? 'topStderr' : 'traceStderr';
  const plotted: Row[] = rows.filter((r) => Number.isFinite(r[quantity] as number)).map((r) => {
    const half = Z95 * (Number.isFinite(r[stderr] as number) ? r[stderr] as number : 0);
    return { ...r, low: (r[quantity] as number) - half, high: (r[quantity] as number) + half };
  });
  const title = `Mean ${LABELS[quantity]} over time with 95 % bands (${result.config.paths} paths)`;
  const svg = renderSvg({
    width: Math.max(640, 300 * rhos.length),
    height: 380,
    marginTop: 40,
    x: { label: 't = kη', grid: true },
    y: { label: LABELS[quantity], grid: true, tickFormat: '~g' },
    fx: { label: 'ρ', domain: rhos },
    marks: [
      ...names.map((name) => Plot.areaY(plotted.filter((r) => r.dynamics === name), {
        x: 't', y1: 'low', y2: 'high', fx: 'rho', fill: color(name), fillOpacity: 0.15,
      })),
      ...names.map((name) => Plot.line(plotted.filter((r) => r.dynamics === name), {
        x: 't', y: quantity, fx: 'rho', stroke: color(name), strokeDasharray: dashOf(name), strokeWidth: 1.3,
      })),
      ...legendMarks(dynamicsLegend(names)),
    ],
  }, title);
  return { name: `sharpness-${quantity}`, title, svg, csv: toCsv(rows) };
}

function againstLoss(result: SimulationResult, rows: Row[]): Figure {
  const names = [...new Set(rows.map((r) => r.dynamics as string))];
  const rhos = result.runs.map((r) => r.rho);
  const plotted = rows.filter((r) => Number.isFinite(r.top as number) && Number.isFinite(r.loss as number));
  const title = `Mean ${LABELS.top} against mean loss, one point per readout (${result.config.paths} paths)`;
  const svg = renderSvg({
    width: Math.max(640, 300 * rhos.length),
    height: 380,
    marginTop: 40,
    x: { label: 'mean loss f(x)', grid: true, tickFormat: '~g' },
    y: { label: LABELS.top, grid: true, tickFormat: '~g' },
    fx: { label: 'ρ', domain: rhos },
    marks: [
      ...names.map((name) => Plot.line(plotted.filter((r) => r.dynamics === name), {
        x: 'loss', y: 'top', fx: 'rho', stroke: color(name), strokeDasharray: dashOf(name), strokeWidth: 1.3, marker: 'circle-stroke',
      })),
      ...legendMarks(dynamicsLegend(names)),
    ],
  }, title);
  return { name: 'sharpness-vs-loss', title, svg, csv: toCsv(rows) };
}

/** The sharpness figures of a result; none when it has no readouts. */
export function sharpnessFigures(result: SimulationResult): Figure[] {
  const rows = readoutRows(result);
  if (rows.length === 0) return [];
  return [overTime(result, rows, 'top'), overTime(result, rows, 'trace'), againstLoss(result, rows)];
}
