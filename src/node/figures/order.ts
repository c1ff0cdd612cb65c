// The convergence-order figure (docs/model.md §4): weak error against η on log–log axes, one
// panel for the own-model pairs and one for the others, with each pair's fitted line and its
// slope with the 95 % interval.
import type { OrderSummary } from '../../experiments/order.js';
import { FAMILY_COLORS, Plot, Z95, family, legendMarks, renderSvg, toCsv, type Figure, type Row } from './common.js';

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

function panelOf(algorithm: string, model: string): string {
  return model === `${algorithm}-SDE` ? 'own SDE' : `vs ${model}`;
}

export function orderFigure(order: OrderSummary): Figure {
  const rows: Row[] = [];
  for (const p of order.pairs) {
    order.etas.forEach((eta, j) => rows.push({
      kind: 'point', algorithm: p.algorithm, model: p.model, panel: panelOf(p.algorithm, p.model), eta,
      rho: order.rhos[j], error: p.errors[j], stderr: p.stderr[j], qualified: p.qualified[j],
      low: p.errors[j] - Z95 * p.stderr[j], high: p.errors[j] + Z95 * p.stderr[j],
    }));
  }
  const fits: Row[] = [];
  for (const p of order.pairs) {
    if (!Number.isFinite(p.slope)) continue;
    const used = order.etas.filter((_, j) => p.qualified[j]);
    for (const eta of [Math.min(...used), Math.max(...used)]) {
      fits.push({
        kind: 'fit', algorithm: p.algorithm, model: p.model, panel: panelOf(p.algorithm, p.model), eta,
        error: Math.exp(p.intercept) * eta ** p.slope, slope: p.slope, ci95Low: p.ci95[0], ci95High: p.ci95[1],
      });
    }
  }
  const points = rows.filter((r) => (r.error as number) > 0);
  const floor = points.length > 0 ? Math.min(...points.map((r) => r.error as number)) / 3 : 1e-8;
  const bars = points.map((r) => ({ ...r, low: Math.max(r.low as number, floor) }));
  const panels = [...new Set(rows.map((r) => r.panel as string))];
  const pairKey = (d: Row) => `${d.algorithm} vs ${d.model}`;
  const color = (d: Row) => FAMILY_COLORS[family(d.algorithm as string)] ?? '#555';
  const legend = order.pairs.map((p) => ({
    label: `${p.algorithm} vs ${p.model}: p = ${fmt(p.slope)} [${fmt(p.ci95[0])}, ${fmt(p.ci95[1])}]`,
    color: FAMILY_COLORS[family(p.algorithm)] ?? '#555',
  }));
  const svg = renderSvg({
    width: Math.max(640, 380 * panels.length),
    height: 420,
    marginTop: 30,
    marginBottom: 40 + 13 * legend.length,
    x: { type: 'log', label: 'η', grid: true, tickFormat: '~g' },
    y: { type: 'log', label: 'weak error max_k |E g(x_k) − E g(X_kη)|', grid: true, tickFormat: '.0e' },
    fx: { label: null, domain: panels },
    marks: [
      Plot.ruleX(bars, { x: 'eta', y1: 'low', y2: 'high', fx: 'panel', stroke: color }),
      Plot.dot(points, {
        x: 'eta', y: 'error', fx: 'panel', stroke: color, fill: (d: Row) => (d.qualified ? color(d) : 'white'), r: 3.5,
      }),
      Plot.line(fits, { x: 'eta', y: 'error', fx: 'panel', z: pairKey, stroke: color, strokeWidth: 1.2 }),
      ...legendMarks(legend, 'below'),
    ],
  }, 'Weak error against η');
  return {
    name: 'order',
    title: `Weak error of g against η (T = ${order.horizon}, ρ rule ${order.rhoScaling} with c = ${order.rhoScale}); `
      + 'filled points qualify (error > 3 stderr) and are fitted; bars are 95 % intervals; legend: slope p [95 % interval]',
    svg,
    csv: toCsv([...rows, ...fits]),
  };
}
