// The saddle experiments (docs/model.md §6 and §7): ‖x_t‖ and f(x_t) per dynamics, and the
// fraction of paths that have escaped, i.e. left the ball ‖x‖ ≤ escapeRadius at least once.
//
// A result keeps only path means, so the escaped fraction comes from a second pass with the
// same seed (the same paths, docs/model.md §3) whose divergence bound is the escape radius: the
// kernel freezes a path at its first exit and the reduction counts the paths still inside at
// every recorded time (`series.count`), so escaped(t) = 1 − count(t)/paths exactly, checked at
// every step, not only at the recorded ones. Frozen paths do no work, so the second pass costs
// what the trapped paths cost. No Node imports: the page runs it.
import type { ProblemSpec, ResolvedConfig } from '../config/schema.js';
import type { ShaderSources } from '../gpu/compose.js';
import type { GpuContext } from '../gpu/device.js';
import { simulate, type SimulateOptions } from '../simulate/runner.js';
import type { DynamicsSeries, SimulationResult } from '../simulate/result.js';
import type { SaddleSpec } from './types.js';

export type EscapeSeries = DynamicsSeries & {
  /** Fraction of paths that have left ‖x‖ ≤ escapeRadius by each recorded time. */
  escaped?: number[];
};

export interface SaddleResult extends SimulationResult {
  escape: {
    radius: number;
    /** Per run (ρ): the trap radius of docs/model.md §7, when the problem is `saddle`. */
    trapRadius: (number | null)[];
    method: string;
  };
}

/**
 * docs/model.md §7: ‖Hx‖ < ρ·min_{λ<0}|λ| is forward-invariant for the full-batch SAM flow; the
 * ball ‖x‖ < ρ·min|λ₋| / max|λ| lies inside it. Undefined for problems without that structure.
 */
export function trapRadius(problem: ProblemSpec, rho: number): number | undefined {
  if (problem.kind !== 'saddle') return undefined;
  const negative = problem.eigenvalues.filter((l) => l < 0).map(Math.abs);
  if (negative.length === 0) return undefined;
  return (rho * Math.min(...negative)) / Math.max(...problem.eigenvalues.map(Math.abs));
}

export async function runSaddle(
  ctx: GpuContext, sources: ShaderSources, config: ResolvedConfig, spec: SaddleSpec, options: SimulateOptions = {},
): Promise<SaddleResult> {
  if (!(spec.escapeRadius > 0) || spec.escapeRadius >= config.divergeAbove) {
    throw new RangeError(`escapeRadius must be > 0 and below divergeAbove (${config.divergeAbove}), got ${spec.escapeRadius}`);
  }
  const half = (offset: number) => options.onProgress && ((p: Parameters<NonNullable<SimulateOptions['onProgress']>>[0]) =>
    options.onProgress!({ ...p, fraction: offset + p.fraction / 2 }));
  const main = await simulate(ctx, sources, config, { ...options, onProgress: half(0) });
  const result: SaddleResult = {
    ...main,
    escape: {
      radius: spec.escapeRadius,
      trapRadius: main.runs.map((run) => trapRadius(config.problem, run.rho) ?? null),
      method: 'second pass, same paths, frozen at the first step with ‖x‖ > escapeRadius: escaped = 1 − count/paths',
    },
  };
  if (main.cancelled) return result;
  const exits = await simulate(ctx, sources, { ...config, divergeAbove: spec.escapeRadius }, {
    signal: options.signal, targetSliceSeconds: options.targetSliceSeconds, onProgress: half(0.5),
    checkpoints: options.checkpoints,
  });
  result.cancelled = exits.cancelled;
  result.timing = {
    wallSeconds: main.timing.wallSeconds + exits.timing.wallSeconds,
    pathSteps: main.timing.pathSteps + exits.timing.pathSteps,
    pathStepsPerSecond: (main.timing.pathSteps + exits.timing.pathSteps)
      / Math.max(main.timing.wallSeconds + exits.timing.wallSeconds, 1e-9),
  };
  main.runs.forEach((run, i) => {
    const exitRun = exits.runs[i];
    if (!exitRun) return;
    for (const [name, series] of Object.entries(run.series) as [string, EscapeSeries][]) {
      const counts = exitRun.series[name]?.count ?? [];
      series.escaped = run.t.map((_, k) => (k < counts.length ? 1 - counts[k] / config.paths : NaN));
    }
  });
  return result;
}
