// The saddle figures (docs/model.md §6 and §7): ‖x_t‖ with the trap radius, f(x_t), and the
// escaped fraction over time, one panel per ρ.
import type { SaddleResult, EscapeSeries } from '../../experiments/saddle.js';
import { trajectoriesFigure } from './validation.js';
import {
  FAMILY_COLORS, Plot, dashOf, dynamicsLegend, family, legendMarks, renderSvg, toCsv, type Figure, type Row,
} from './common.js';


/** Mean ‖x_t‖ (log axis) with 95 % bands, the trap radius of each ρ and the escape radius. */
function normFigure(result: SaddleResult): Figure {
  const traps = result.runs
    .map((run, i) => ({ rho: run.rho, radius: result.escape.trapRadius[i] }))
    .filter((r): r is { rho: number; radius: number } => r.radius !== null);
  const escape = result.runs.map((run) => ({ rho: run.rho, radius: result.escape.radius }));
  return trajectoriesFigure(result, 'norm', {
    name: 'saddle-norm',
    title: `Mean ‖x_t‖ with 95 % bands; dashed grey: trap radius ρ·min|λ₋|/max|λ|, dotted: escape radius ${result.escape.radius}`,
    legendAnchor: 'top-left',
    extraMarks: [
      Plot.ruleY(traps, { y: 'radius', fx: 'rho', stroke: '#666', strokeDasharray: '4,3' }),
      Plot.text(traps, {
        y: 'radius', fx: 'rho', text: (d: { radius: number }) => `trap radius ${d.radius.toPrecision(2)}`,
        frameAnchor: 'right', dx: -4, dy: -6, textAnchor: 'end', fill: '#444',
      }),
      Plot.ruleY(escape, { y: 'radius', fx: 'rho', stroke: '#999', strokeDasharray: '1,3' }),
    ],
    extraRows: [
      ...traps.map((r) => ({ rho: r.rho, dynamics: 'trap radius', mean: r.radius })),
      ...escape.map((r) => ({ rho: r.rho, dynamics: 'escape radius', mean: r.radius })),
    ],
  });
}

function escapedFigure(result: SaddleResult): Figure {
  const rows: Row[] = [];
  for (const run of result.runs) {
    for (const [name, series] of Object.entries(run.series) as [string, EscapeSeries][]) {
      (series.escaped ?? []).forEach((fraction, k) => rows.push({ rho: run.rho, dynamics: name, t: run.t[k], escaped: fraction }));
    }
  }
  const names = [...new Set(rows.map((r) => r.dynamics as string))];
  const svg = renderSvg({
    width: Math.max(640, 340 * result.runs.length),
    height: 340,
    marginTop: 40,
    x: { label: 't = kη', grid: true },
    y: { label: `fraction of paths that left ‖x‖ ≤ ${result.escape.radius}`, domain: [0, 1], grid: true },
    fx: { label: 'ρ', domain: result.runs.map((r) => r.rho) },
    marks: [
      ...names.map((name) => Plot.line(rows.filter((r) => r.dynamics === name && Number.isFinite(r.escaped as number)), {
        x: 't', y: 'escaped', fx: 'rho', stroke: FAMILY_COLORS[family(name)] ?? '#555', strokeDasharray: dashOf(name), strokeWidth: 1.3,
      })),
      ...legendMarks(dynamicsLegend(names), 'top-left'),
    ],
  }, 'Escaped fraction');
  return {
    name: 'saddle-escaped',
    title: `Fraction of paths that have escaped (first exit from ‖x‖ ≤ ${result.escape.radius}) over time`,
    svg,
    csv: toCsv(rows),
  };
}

export function saddleFigures(result: SaddleResult): Figure[] {
  return [
    normFigure(result),
    trajectoriesFigure(result, 'loss', { name: 'saddle-loss', legendAnchor: 'top-right' }),
    escapedFigure(result),
  ];
}
