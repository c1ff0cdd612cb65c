// The convergence-order run (docs/model.md §4): for each η of the ladder, one simulation with
// steps = ceil(T/η), ρ from the rule, substeps m ≥ 4 and shared coupling; then, per compared
// pair, the weak error on g (max over recorded times of |mean g(alg) − mean g(SDE)|, with the
// paired standard error at the argmax: the comparisons of the result already carry both) and
// the fitted order with its interval (src/analysis/order.ts). No Node imports: the page runs it.
import { ConfigError, type ResolvedConfig } from '../config/schema.js';
import type { ShaderSources } from '../gpu/compose.js';
import type { GpuContext } from '../gpu/device.js';
import { DEFAULT_BOOTSTRAP_SEED, DEFAULT_RESAMPLES, QUALIFY_RATIO, fitOrder } from '../analysis/order.js';
import { simulate, type SimulateOptions } from '../simulate/runner.js';
import type { RunResult, SimulationResult } from '../simulate/result.js';
import { orderRho, orderSteps } from './config.js';
import type { OrderSpec, RhoScaling } from './types.js';

/** docs/model.md §4 / issue 5: the order needs the EM error of the SDE below the one measured. */
export const MIN_ORDER_SUBSTEPS = 4;

export interface OrderPair {
  algorithm: string;
  model: string;
  /** Weak error on g at each η of OrderSummary.etas. */
  errors: number[];
  /** Its standard error (paired: shared coupling). */
  stderr: number[];
  /** error > 3 · stderr: the points the fit uses. */
  qualified: boolean[];
  /** Fitted order p of e ∝ η^p over the qualified points; NaN (null in JSON) with fewer than two. */
  slope: number;
  intercept: number;
  /** 95 % parametric-bootstrap interval of the slope (see src/analysis/order.ts). */
  ci95: [number, number];
  residualRms: number;
  note?: string;
}

export interface OrderSummary {
  etas: number[];
  horizon: number;
  rhoScaling: RhoScaling;
  rhoScale: number;
  /** ρ and steps at each η. */
  rhos: number[];
  steps: number[];
  observable: 'g';
  qualifyRatio: number;
  bootstrap: { method: string; resamples: number; seed: number };
  pairs: OrderPair[];
}

export interface OrderOutcome {
  order: OrderSummary;
  /** One run per η (each RunResult carries its η and ρ), in ladder order. */
  runs: RunResult[];
  /** The simulation of each η, as simulate() returned it. */
  results: SimulationResult[];
  cancelled: boolean;
  timing: SimulationResult['timing'];
}

export interface OrderOptions extends SimulateOptions {
  bootstrap?: { resamples?: number; seed?: number };
}

const RHO_SCALINGS: RhoScaling[] = ['fixed', 'linear', 'sqrt'];

/** @throws ConfigError naming the `order.*` field that is wrong. */
export function validateOrderSpec(spec: unknown): OrderSpec {
  const o = spec as Partial<OrderSpec> | null;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) {
    throw new ConfigError('order', spec, 'an object {etas, horizon, rhoScaling, rhoScale}');
  }
  const known = ['etas', 'horizon', 'rhoScaling', 'rhoScale'];
  const stray = Object.keys(o).find((k) => !known.includes(k));
  if (stray) throw new ConfigError(`order.${stray}`, (o as Record<string, unknown>)[stray], `only the keys ${known.join(', ')}`);
  const etas = o.etas;
  if (!Array.isArray(etas) || etas.length < 2 || !etas.every((e) => typeof e === 'number' && Number.isFinite(e) && e > 0)) {
    throw new ConfigError('order.etas', etas, 'a list of at least two finite numbers > 0');
  }
  if (new Set(etas).size !== etas.length) throw new ConfigError('order.etas', etas, 'distinct step sizes');
  if (typeof o.horizon !== 'number' || !Number.isFinite(o.horizon) || o.horizon <= 0) {
    throw new ConfigError('order.horizon', o.horizon, 'a finite number > 0 (the horizon T)');
  }
  if (!RHO_SCALINGS.includes(o.rhoScaling as RhoScaling)) {
    throw new ConfigError('order.rhoScaling', o.rhoScaling, `one of: ${RHO_SCALINGS.join(', ')} (ρ = c, c·η, c·sqrt(η))`);
  }
  if (typeof o.rhoScale !== 'number' || !Number.isFinite(o.rhoScale) || o.rhoScale < 0) {
    throw new ConfigError('order.rhoScale', o.rhoScale, 'a finite number >= 0 (c of the rule)');
  }
  return { etas: [...etas], horizon: o.horizon, rhoScaling: o.rhoScaling as RhoScaling, rhoScale: o.rhoScale };
}

/** @throws ConfigError when the config cannot measure an order (docs/model.md §4). */
export function checkOrderConfig(config: ResolvedConfig): void {
  if (config.substeps < MIN_ORDER_SUBSTEPS) {
    throw new ConfigError('substeps', config.substeps,
      `an integer >= ${MIN_ORDER_SUBSTEPS} for a convergence-order run, so that the SDE's own Euler–Maruyama error stays below the error measured`);
  }
  if (config.coupling !== 'shared') {
    throw new ConfigError('coupling', config.coupling, '"shared" for a convergence-order run (paired standard errors)');
  }
  if (config.compare.length === 0) {
    throw new ConfigError('compare', config.compare, 'at least one [algorithm, model] pair for a convergence-order run');
  }
}

/** The per-η run config: η, ρ from the rule, ceil(T/η) steps, every step recorded. */
export function orderRungConfig(config: ResolvedConfig, spec: OrderSpec, eta: number): ResolvedConfig {
  return { ...config, eta, rho: [orderRho(spec, eta)], steps: orderSteps(spec, eta), recordEvery: 1 };
}

/** The order summary from the per-η runs (ladder order); rungs not run are left out. */
export function summariseOrder(
  config: ResolvedConfig, spec: OrderSpec, runs: readonly RunResult[], options: OrderOptions['bootstrap'] = {},
): OrderSummary {
  const etas = spec.etas.slice(0, runs.length);
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? DEFAULT_BOOTSTRAP_SEED;
  const pairs = config.compare.map(([algorithm, model]) => {
    const found = runs.map((run) => run.comparisons.find((c) => c.algorithm === algorithm && c.model === model && c.observable === 'g'));
    const errors = found.map((c) => c?.weakError ?? NaN);
    const stderr = found.map((c) => c?.weakErrorStderr ?? NaN);
    const fit = fitOrder(etas, errors, stderr, { resamples, seed });
    const pair: OrderPair = {
      algorithm, model, errors, stderr, qualified: fit.qualified, slope: fit.slope, intercept: fit.intercept,
      ci95: fit.ci95, residualRms: fit.residualRms,
    };
    if (fit.note) pair.note = fit.note;
    return pair;
  });
  return {
    etas,
    horizon: spec.horizon,
    rhoScaling: spec.rhoScaling,
    rhoScale: spec.rhoScale,
    rhos: etas.map((eta) => orderRho(spec, eta)),
    steps: etas.map((eta) => orderSteps(spec, eta)),
    observable: 'g',
    qualifyRatio: QUALIFY_RATIO,
    bootstrap: {
      method: 'parametric: each qualified error redrawn as |e + stderr·z|, z ~ N(0,1), slope refitted; '
        + '2.5/97.5 % quantiles (results keep moments, not paths)',
      resamples,
      seed,
    },
    pairs,
  };
}

/** Relative cost of a rung: each algorithm steps once per step, each model m times. */
function rungWeight(config: ResolvedConfig, steps: number): number {
  return steps * (config.algorithms.length + config.substeps * config.models.length);
}

/**
 * Runs the η ladder of `spec` on `config` (its η, ρ, steps and recordEvery are replaced per
 * rung) and fits the order per compared pair. Progress fractions cover the whole ladder; a
 * cancelled run returns the rungs it finished, fitted.
 */
export async function runOrder(
  ctx: GpuContext, sources: ShaderSources, config: ResolvedConfig, spec: OrderSpec, options: OrderOptions = {},
): Promise<OrderOutcome> {
  const order = validateOrderSpec(spec);
  checkOrderConfig(config);
  const weights = order.etas.map((eta) => rungWeight(config, orderSteps(order, eta)));
  const total = weights.reduce((a, b) => a + b, 0);
  const results: SimulationResult[] = [];
  const runs: RunResult[] = [];
  let done = 0;
  let cancelled = false;
  for (const [j, eta] of order.etas.entries()) {
    if (options.signal?.aborted) {
      cancelled = true;
      break;
    }
    const result = await simulate(ctx, sources, orderRungConfig(config, order, eta), {
      signal: options.signal,
      targetSliceSeconds: options.targetSliceSeconds,
      onPartial: options.onPartial,
      onSetup: options.onSetup,
      checkpoints: options.checkpoints,
      onProgress: options.onProgress && ((p) => options.onProgress!({
        ...p, runIndex: j, fraction: (done + p.fraction * weights[j]) / total,
      })),
    });
    done += weights[j];
    if (result.cancelled) {
      cancelled = true;
      break;
    }
    results.push(result);
    runs.push(...result.runs);
  }
  const wallSeconds = results.reduce((s, r) => s + r.timing.wallSeconds, 0);
  const pathSteps = results.reduce((s, r) => s + r.timing.pathSteps, 0);
  return {
    order: summariseOrder(config, order, runs, options.bootstrap),
    runs,
    results,
    cancelled,
    timing: { wallSeconds, pathSteps, pathStepsPerSecond: pathSteps / Math.max(wallSeconds, 1e-9) },
  };
}
