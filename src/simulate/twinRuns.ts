// The float64 twin over a resolved config, path after path: what the GPU kernels are tested
// against (test/gpu/helpers.ts) and what the bench times as a peer (bench/peers/twin.ts). Both
// sides read one ResolvedConfig, so they cannot drift apart in η, ρ, seeds or guards.
import type { ResolvedConfig } from '../config/schema.js';
import type { Dynamics } from '../dynamics/names.js';
import { simulatePathTwin, TwinScratch, type TwinParams, type TwinPathResult } from '../dynamics/twin.js';
import { createProblemTwin, initialPoint } from '../problems/index.js';
import { guardEpsilon } from './runner.js';

export function twinParams(config: ResolvedConfig, dynamics: Dynamics, rho: number): TwinParams {
  const problem = createProblemTwin(config.problem);
  return {
    problem,
    dynamics,
    eta: config.eta,
    rho,
    sigma: config.noise.sigma,
    substeps: config.substeps,
    coupling: config.coupling,
    samInner: config.samInner,
    seed: config.seed,
    divergeAbove: config.divergeAbove,
    guardEps: guardEpsilon(problem.scale),
    batchSize: config.noise.batchSize,
  };
}

export interface TwinRange {
  /** First global path index (default 0) and how many paths (default config.paths). */
  from?: number;
  count?: number;
  /** Default: the config's steps and recordEvery. */
  steps?: number;
  recordEvery?: number;
}

/** Paths from..from+count−1 of one dynamics through the twin, each from the GPU's x0. */
export function runTwinPaths(config: ResolvedConfig, dynamics: Dynamics, rho: number, range: TwinRange = {}): TwinPathResult[] {
  const { from = 0, count = config.paths, steps = config.steps, recordEvery = config.recordEvery } = range;
  const params = twinParams(config, dynamics, rho);
  const dim = params.problem.dim;
  const scratch = new TwinScratch(dim);
  const out: TwinPathResult[] = [];
  for (let p = from; p < from + count; p++) {
    out.push(simulatePathTwin(params, initialPoint(config.x0, dim, p), p, steps, recordEvery, scratch));
  }
  return out;
}
