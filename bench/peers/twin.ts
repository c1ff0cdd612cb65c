// The float64 twin as a peer: src/dynamics/twin.ts's simulatePathTwin over the same config,
// path after path on one thread, with the same x0, steps and Threefry draws as the GPU. It
// records only the first and last step, as the GPU cases do. Its cost per path-step does not
// depend on how many paths there are, so it runs fewer paths than the GPU (sized to a time
// budget) and is compared by path-steps per second.
import type { ResolvedConfig } from '../../src/config/schema.js';
import type { Dynamics } from '../../src/dynamics/names.js';
import { runTwinPaths } from '../../src/simulate/twinRuns.js';
import { timed, type Clock } from '../stats.js';

export interface TwinRep extends Clock {
  pathSteps: number;
  paths: number;
}

/** Paths 0..paths-1 of one dynamics for `steps` steps, recording the first and last. */
export async function runTwin(config: ResolvedConfig, dynamics: Dynamics, rho: number, paths: number, steps: number): Promise<TwinRep> {
  const clock = await timed(() => runTwinPaths(config, dynamics, rho, { count: paths, steps, recordEvery: steps }));
  return { wallSeconds: clock.wallSeconds, cpuSeconds: clock.cpuSeconds, pathSteps: paths * steps, paths };
}

/**
 * How many twin paths of `steps` steps take about `seconds`, from a one-path probe
 * (at least 1, at most `maxPaths`).
 */
export async function twinPathsFor(
  config: ResolvedConfig, dynamics: Dynamics, rho: number, steps: number, seconds: number, maxPaths: number,
): Promise<number> {
  // The first probe warms the JIT; the second is timed.
  await runTwin(config, dynamics, rho, 1, steps);
  const probe = await runTwin(config, dynamics, rho, 1, steps);
  const perPath = Math.max(probe.wallSeconds, 1e-6);
  return Math.max(1, Math.min(maxPaths, Math.round(seconds / perPath)));
}
