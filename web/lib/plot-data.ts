// Tidy rows for the plots, DOM-free: each view turns a result into arrays of plain points here
// and only draws them. Missing values (NaN: a record where every path diverged) stay NaN, so
// the plots leave gaps instead of drawing zeros.
import { ALGORITHMS, type Observable } from '../../src/dynamics/names.js';
import type { DynamicsSeries, RunResult, SharpnessObservable, SimulationResult } from '../../src/simulate/result.js';
import type { OrderSummary } from './page-result.js';
import type { MinibatchPair, MinibatchSummary } from '../../src/experiments/minibatch.js';

/** Normal quantile of a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;

export const OBSERVABLE_LABELS: Record<Observable, string> = {
  g: 'g = ‖x‖ + ‖∇f(x)‖',
  loss: 'loss f(x)',
  norm: '‖x‖',
  gradNorm: '‖∇f(x)‖',
};

export interface TrajectoryPoint {
  rho: number;
  dynamics: string;
  role: 'algorithm' | 'model';
  t: number;
  mean: number;
  /** 95 % confidence band of the mean over paths. */
  lo: number;
  hi: number;
}

const isAlgorithm = (name: string) => (ALGORITHMS as readonly string[]).includes(name);

/**
 * The dynamics shown with one algorithm: itself and every model it is compared with, and the
 * Gaussian-injection twins of those models (`<model>-INJ`, the mini-batch experiment).
 */
export function familyMembers(result: SimulationResult, family: string): string[] {
  const names = result.runs[0] ? Object.keys(result.runs[0].series) : [];
  if (family === 'all') return names;
  const models = result.config.compare.filter(([a]) => a === family).map(([, m]) => m as string);
  return names.filter((n) => n === family || models.includes(n) || (n.endsWith('-INJ') && models.includes(n.slice(0, -4))));
}

/**
 * The family choices of a result: its algorithms (each with its models), or all. The first is
 * the default: the last algorithm (SAM in the full set, the one the SGD SDE models worst).
 */
export function families(result: SimulationResult): string[] {
  const names = result.runs[0] ? Object.keys(result.runs[0].series) : [];
  const algorithms = names.filter(isAlgorithm);
  if (algorithms.length === 0) return ['all'];
  return [algorithms[algorithms.length - 1], ...algorithms.slice(0, -1), 'all'];
}

export function trajectoryPoints(run: RunResult, observable: Observable, names: readonly string[]): TrajectoryPoint[] {
  const points: TrajectoryPoint[] = [];
  for (const name of names) {
    const series = run.series[name];
    if (!series) continue;
    const { mean, stderr } = series[observable];
    run.t.forEach((t, k) => {
      const m = mean[k];
      const half = Z95 * (Number.isFinite(stderr[k]) ? stderr[k] : 0);
      points.push({ rho: run.rho, dynamics: name, role: isAlgorithm(name) ? 'algorithm' : 'model', t, mean: m, lo: m - half, hi: m + half });
    });
  }
  return points;
}

export interface ErrorRhoPoint {
  pair: string;
  algorithm: string;
  model: string;
  rho: number;
  relMaxError: number;
  band: number;
  weakError: number;
  weakErrorStderr: number;
  /** The last recorded time of the run (t = kη) when it stopped short of the planned horizon (cancelled). */
  cutAt?: number;
}

/** The last recorded time of a run, when it is short of the config's horizon T = steps·η (a cancelled run). */
export function cutShortAt(result: SimulationResult, run: SimulationResult['runs'][number]): number | undefined {
  const times = run.t.filter(Number.isFinite);
  const last = times[times.length - 1];
  const horizon = result.config.steps * run.eta;
  if (last === undefined) return 0;
  return last < horizon * (1 - 1e-9) ? last : undefined;
}

export function errorRhoPoints(result: SimulationResult, observable: Observable): ErrorRhoPoint[] {
  return result.runs.flatMap((run) => {
    const cutAt = cutShortAt(result, run);
    return run.comparisons
      .filter((c) => c.observable === observable)
      .map((c) => ({
        pair: `${c.algorithm} vs ${c.model}`, algorithm: c.algorithm, model: c.model, rho: run.rho,
        relMaxError: c.relMaxError, band: c.band, weakError: c.weakError, weakErrorStderr: c.weakErrorStderr,
        ...(cutAt !== undefined ? { cutAt } : {}),
      }));
  });
}

/** Escaped fraction per recorded time, when the result carries one for the dynamics. */
export function escapedFraction(series: DynamicsSeries): number[] | undefined {
  const escaped = (series as DynamicsSeries & { escaped?: unknown }).escaped;
  if (Array.isArray(escaped)) return escaped.map((v) => (typeof v === 'number' ? v : NaN));
  if (escaped && typeof escaped === 'object' && Array.isArray((escaped as { mean?: unknown }).mean)) {
    return ((escaped as { mean: unknown[] }).mean).map((v) => (typeof v === 'number' ? v : NaN));
  }
  return undefined;
}

export interface OrderPoint {
  pair: string;
  eta: number;
  error: number;
  stderr: number;
  qualified: boolean;
}

export interface OrderFit {
  pair: string;
  slope: number;
  ci95: [number, number];
  /** The fitted line's end points over the η range of the qualified points. */
  line: Array<{ pair: string; eta: number; error: number }>;
}

export function orderPoints(order: OrderSummary): OrderPoint[] {
  return order.pairs.flatMap((p) => order.etas.map((eta, j) => ({
    pair: `${p.algorithm} vs ${p.model}`, eta, error: p.errors[j], stderr: p.stderr[j], qualified: Boolean(p.qualified[j]),
  })));
}

/** log e = p log η + c with the reported slope p; c by least squares over the qualified points. */
export function orderFits(order: OrderSummary): OrderFit[] {
  return order.pairs.flatMap((p) => {
    const pair = `${p.algorithm} vs ${p.model}`;
    const used = order.etas.map((eta, j) => ({ eta, error: p.errors[j], ok: p.qualified[j] }))
      .filter((q) => q.ok && q.error > 0 && Number.isFinite(q.error));
    if (used.length < 2 || !Number.isFinite(p.slope)) return [];
    const c = used.reduce((s, q) => s + Math.log(q.error) - p.slope * Math.log(q.eta), 0) / used.length;
    const etas = used.map((q) => q.eta);
    const ends = [Math.min(...etas), Math.max(...etas)];
    return [{ pair, slope: p.slope, ci95: p.ci95, line: ends.map((eta) => ({ pair, eta, error: Math.exp(c) * eta ** p.slope })) }];
  });
}

/** Reference lines of slope 1 and 0.5 through the geometric centre of the positive points. */
export function referenceSlopes(points: readonly OrderPoint[]): Array<{ slope: string; eta: number; error: number }> {
  const positive = points.filter((q) => q.error > 0 && Number.isFinite(q.error));
  if (positive.length === 0) return [];
  const logEta = positive.reduce((s, q) => s + Math.log(q.eta), 0) / positive.length;
  const logError = positive.reduce((s, q) => s + Math.log(q.error), 0) / positive.length;
  const etas = positive.map((q) => q.eta);
  const ends = [Math.min(...etas), Math.max(...etas)];
  return [1, 0.5].flatMap((slope) => ends.map((eta) => ({
    slope: `slope ${slope}`, eta, error: Math.exp(logError + slope * (Math.log(eta) - logEta)),
  })));
}

export const SHARPNESS_LABELS: Record<SharpnessObservable, string> = {
  trace: 'tr H (Hutchinson)',
  top: 'λ_max(H) (Lanczos)',
};

/** Whether any run of the result carries sharpness readouts (docs/model.md §8). */
export function hasSharpness(result: SimulationResult): boolean {
  return result.runs.some((run) => Object.values(run.series).some((s) => s.sharpness !== undefined));
}

/** Sharpness readouts over time with 95 % bands, as trajectory points (t = readout times). */
export function sharpnessPoints(run: RunResult, quantity: SharpnessObservable, names: readonly string[]): TrajectoryPoint[] {
  const points: TrajectoryPoint[] = [];
  for (const name of names) {
    const sharpness = run.series[name]?.sharpness;
    if (!sharpness) continue;
    const { mean, stderr } = sharpness[quantity];
    sharpness.t.forEach((t, k) => {
      const m = mean[k];
      const half = Z95 * (Number.isFinite(stderr[k]) ? stderr[k] : 0);
      points.push({ rho: run.rho, dynamics: name, role: isAlgorithm(name) ? 'algorithm' : 'model', t, mean: m, lo: m - half, hi: m + half });
    });
  }
  return points;
}

export interface SharpnessLossPoint {
  dynamics: string;
  t: number;
  /** Mean loss f(x) at the readout's recorded time. */
  loss: number;
  value: number;
}

/**
 * Sharpness against loss: each readout paired with the mean loss recorded at the same time
 * (readouts sit on recorded steps); a readout whose time has no record yet is left out.
 */
export function sharpnessLossPoints(run: RunResult, quantity: SharpnessObservable, names: readonly string[]): SharpnessLossPoint[] {
  const points: SharpnessLossPoint[] = [];
  for (const name of names) {
    const series = run.series[name];
    const sharpness = series?.sharpness;
    if (!sharpness) continue;
    sharpness.t.forEach((t, k) => {
      const record = run.t.findIndex((tr) => Math.abs(tr - t) <= 1e-9 * Math.max(1, Math.abs(t)));
      if (record < 0) return;
      points.push({ dynamics: name, t, loss: series.loss.mean[record], value: sharpness[quantity].mean[k] });
    });
  }
  return points;
}

export interface MinibatchPoint {
  algorithm: string;
  rho: number;
  batchSize: number;
  /** The algorithm's own SDE in mode B, or its Gaussian-injection twin (docs/model.md §6.6). */
  kind: 'mode B' | 'injection';
  relMaxError: number;
  /** Unpaired Monte Carlo standard error on relMaxError's scale. */
  relStderr: number;
}

/** relMaxError on g of each algorithm's own SDE in mode B and with injection, per batch size and ρ. */
export function minibatchPoints(summary: MinibatchSummary): MinibatchPoint[] {
  return summary.pairs.flatMap((p) => [
    { algorithm: p.algorithm, rho: p.rho, batchSize: p.batchSize, kind: 'mode B' as const, relMaxError: p.modeB.relMaxError, relStderr: p.modeB.relStderr },
    { algorithm: p.algorithm, rho: p.rho, batchSize: p.batchSize, kind: 'injection' as const, relMaxError: p.injection.relMaxError, relStderr: p.injection.relStderr },
  ]);
}

/** A pair's verdict with `k` standard errors of the difference: the mode-B SDE better, worse, or a tie. */
export function gapVerdict(p: MinibatchPair, k: number): 'better' | 'worse' | 'tie' {
  if (p.gap > k * p.gapStderr) return 'better';
  if (p.gap < -k * p.gapStderr) return 'worse';
  return 'tie';
}
