// What a run is, in numbers and words, DOM-free: which view a result gets (by the experiment's
// kind, never by the problem), how many path-steps the run does (the count the status reports
// when it ends: a saddle run's two passes, an order run's rungs, a mini-batch run's two
// simulations per batch size), the progress line (overall and per ρ, η step or batch size), and
// the divergence summary the banner and the plots show.
import type { ResolvedConfig } from '../../src/config/schema.js';
import { orderRho, orderSteps } from '../../src/experiments/config.js';
import { findExperiment } from '../../src/experiments/registry.js';
import { injectionConfig, modeBConfig, stagePathSteps } from '../../src/experiments/minibatch.js';
import type { MinibatchSpec, OrderSpec } from '../../src/experiments/types.js';
import type { Progress } from '../../src/simulate/runner.js';
import type { SimulationResult } from '../../src/simulate/result.js';
import type { PageResult } from './page-result.js';

export type ViewKind = 'validation' | 'saddle' | 'order' | 'minibatch';

/**
 * The view of a result: the kind of the experiment that made it (a run on this page, or the
 * `experiment` tag the CLI and the page write); without one, what the document carries.
 */
export function viewKind(result: PageResult, experimentId?: string): ViewKind {
  const id = experimentId ?? result.experiment?.id;
  const kind = id ? findExperiment(id)?.kind : undefined;
  if (kind) return kind;
  if (result.order) return 'order';
  if (result.escape) return 'saddle';
  if (result.minibatch) return 'minibatch';
  return 'validation';
}

/** Path-steps of one simulation: ρ values × dynamics × paths × steps (what the runner counts). */
export function simulationPathSteps(config: ResolvedConfig): number {
  return config.rho.length * (config.algorithms.length + config.models.length) * config.paths * config.steps;
}

/** Path-steps of each simulation of a mini-batch run, in order: per batch size, mode B then injection. */
export function minibatchStageSteps(config: ResolvedConfig, spec: MinibatchSpec): number[] {
  return spec.batchSizes.flatMap((b) => [stagePathSteps(modeBConfig(config, b)), stagePathSteps(injectionConfig(config, 0))]);
}

/**
 * Path-steps of the whole run: a saddle run simulates twice (the escape pass), an order run once
 * per η, a mini-batch run twice per batch size.
 */
export function plannedPathSteps(kind: ViewKind | 'custom', config: ResolvedConfig, order?: OrderSpec, minibatch?: MinibatchSpec): number {
  if (kind === 'minibatch' && minibatch) return minibatchStageSteps(config, minibatch).reduce((a, b) => a + b, 0);
  if (kind === 'order' && order) {
    const perStep = (config.algorithms.length + config.models.length) * config.paths;
    return order.etas.reduce((s, eta) => s + perStep * orderSteps(order, eta), 0);
  }
  const one = simulationPathSteps(config);
  return kind === 'saddle' ? 2 * one : one;
}

/** A count, exact below 10⁹ (thin-space groups from 10 000: 115 200), else 1.23·10⁹: the same form in the banner and the status line. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  if (Math.abs(n) < 1e4) return String(Math.round(n));
  if (Math.abs(n) < 1e9) return String(Math.round(n)).replace(/\B(?=(\d{3})+$)/g, '\u202f');
  const e = Math.floor(Math.log10(Math.abs(n)));
  const m = n / 10 ** e;
  return `${m.toFixed(2)}·10${String(e).split('').map((c) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(c)] ?? c).join('')}`;
}

/** A duration in words: 40 s, 12 min, 3.5 h, 2.1 days (shared with the CLI's estimates). */
export { formatDuration } from '../../src/experiments/estimate.js';

/** A parameter value for text: at most 4 significant digits. */
export const short = (x: number): string => String(Number(x.toPrecision(4)));

const pct = (f: number) => `${Math.round(100 * Math.min(1, Math.max(0, f)))} %`;

/** What the progress line needs to know about the run. */
export interface ProgressPlan {
  kind: ViewKind | 'custom';
  config: ResolvedConfig;
  order?: OrderSpec;
  minibatch?: MinibatchSpec;
}

/**
 * The progress line: the overall fraction first, then where the run is (which ρ of how many,
 * or which η step; a saddle run's pass), and how far that part is.
 */
export function progressText(plan: ProgressPlan, p: Pick<Progress, 'fraction' | 'runIndex'>): string {
  const overall = `Overall ${pct(p.fraction)}`;
  if (plan.kind === 'order' && plan.order) {
    const order = plan.order;
    const weights = order.etas.map((eta) => orderSteps(order, eta));
    const total = weights.reduce((a, b) => a + b, 0);
    const j = Math.min(Math.max(0, p.runIndex), order.etas.length - 1);
    const before = weights.slice(0, j).reduce((a, b) => a + b, 0);
    const within = (p.fraction * total - before) / weights[j];
    const eta = order.etas[j];
    return `${overall} · η step ${j + 1} of ${order.etas.length} (η = ${short(eta)}, ρ = ${short(orderRho(order, eta))}, `
      + `${orderSteps(order, eta)} steps): ${pct(within)}`;
  }
  const runs = plan.config.rho.length;
  let f = p.fraction;
  let pass = '';
  if (plan.kind === 'minibatch' && plan.minibatch) {
    // Which simulation the fraction is in (they run one after another, weighted by path-steps).
    const sizes = plan.minibatch.batchSizes;
    const weights = minibatchStageSteps(plan.config, plan.minibatch);
    const total = weights.reduce((a, b) => a + b, 0);
    let before = 0;
    let s = 0;
    while (s < weights.length - 1 && (before + weights[s]) / total <= f) before += weights[s++];
    const b = Math.floor(s / 2);
    pass = `B = ${sizes[b]} (${b + 1} of ${sizes.length}), ${s % 2 === 0 ? 'mini-batches' : 'Gaussian injection'}`;
    f = Math.min(1, Math.max(0, (f * total - before) / weights[s]));
  }
  if (plan.kind === 'saddle') {
    const second = f >= 0.5;
    pass = second ? 'pass 2 of 2 (escape counts)' : 'pass 1 of 2 (trajectories)';
    f = second ? (f - 0.5) * 2 : f * 2;
  }
  const i = Math.min(Math.max(0, p.runIndex), runs - 1);
  const within = f * runs - i;
  const where = `ρ = ${short(plan.config.rho[i])}${runs > 1 ? ` (${i + 1} of ${runs})` : ''}: ${pct(within)}`;
  return `${overall} · ${pass ? `${pass}, ` : ''}${where}`;
}

export interface Divergence {
  dynamics: string;
  rho: number;
  eta: number;
  diverged: number;
  paths: number;
  /** The batch size of a mini-batch experiment's run. */
  batchSize?: number;
}

/** Every (run, dynamics) with diverged paths. */
export function divergences(result: SimulationResult): Divergence[] {
  return result.runs.flatMap((run) => Object.entries(run.series)
    .filter(([, s]) => s.diverged > 0)
    .map(([dynamics, s]) => {
      const batchSize = (run as { batchSize?: number }).batchSize;
      return { dynamics, rho: run.rho, eta: run.eta, diverged: s.diverged, paths: result.config.paths, ...(batchSize !== undefined ? { batchSize } : {}) };
    }));
}

/** One sentence for the banner: how many paths of which dynamics diverged, at which ρ (and η). */
export function divergenceSentence(result: SimulationResult): string | undefined {
  const all = divergences(result);
  if (all.length === 0) return undefined;
  const oneEta = result.runs.every((r) => r.eta === result.runs[0]?.eta);
  const names = [...new Set(all.map((d) => d.dynamics))];
  const parts = names.map((name) => `${name} ${all.filter((d) => d.dynamics === name)
    .map((d) => `${d.diverged} of ${d.paths}${oneEta ? '' : ` at η = ${short(d.eta)}`}${d.batchSize !== undefined ? ` at B = ${d.batchSize},` : ''} at ρ = ${short(d.rho)}`).join(', ')}`);
  const lost = names.filter((name) => all.some((d) => d.dynamics === name && d.diverged >= d.paths));
  return `Paths diverged (left the divergence bound or became non-finite; excluded from the means): ${parts.join('; ')}.`
    + (lost.length > 0 ? ` Every path of ${lost.join(', ')} diverged${all.some((d) => d.diverged < d.paths) ? ' at some ρ' : ''}: `
      + 'the curves stop where the last path left, and the comparisons there are missing.' : '');
}

/** For a plot at one ρ: the dynamics drawn there that lost paths, as a short note. */
export function divergenceNote(run: SimulationResult['runs'][number], names: readonly string[], paths: number): string | undefined {
  const hit = names.map((n) => [n, run.series[n]?.diverged ?? 0] as const).filter(([, d]) => d > 0);
  if (hit.length === 0) return undefined;
  return `Diverged: ${hit.map(([n, d]) => `${n} ${d} of ${paths} paths${d >= paths ? ' (all: the curve stops where the last one left)' : ''}`).join(', ')}.`;
}
