// How long a run will take on the adapter at hand, before it runs: a short calibration runs
// the job itself (so the kernels it compiles are the ones the real run will reuse) for a
// couple of seconds of stepping, and the steady rate at which its progress fraction grows
// (fractions are proportional to the job's work: path-steps, weighted by substeps for an order
// ladder) gives the stepping time of the whole job. No Node imports.
import type { ResolvedConfig } from '../config/schema.js';
import type { ShaderSources } from '../gpu/compose.js';
import type { GpuContext } from '../gpu/device.js';
import { runExperiment } from './run.js';
import { SETUP_PHASES } from '../simulate/runner.js';
import type { Experiment } from './types.js';

export interface RunEstimate {
  /** Building the problem and compiling the kernels, as the calibration measured it (a later run in the same process reuses the compiled kernels). */
  setupSeconds: number;
  /** Stepping time of the whole job. */
  steppingSeconds: number;
  /** Path-steps per second over the steady part of the calibration. */
  pathStepsPerSecond: number;
  /** How long the calibration stepped, and the fraction of the job it did. */
  calibration: { seconds: number; fraction: number };
}

/** Seconds of stepping a calibration runs for; the first half only warms up (slices grow). */
export const CALIBRATION_SECONDS = 2;

export async function estimateRun(
  ctx: GpuContext, sources: ShaderSources, experiment: Experiment, config: ResolvedConfig,
  options: { signal?: AbortSignal; seconds?: number } = {},
): Promise<RunEstimate> {
  const seconds = options.seconds ?? CALIBRATION_SECONDS;
  const stop = new AbortController();
  options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  const started = performance.now();
  let steppingFrom = 0;
  // (time, fraction, path-steps) at the end of the warm-up, and at the last progress seen.
  let warm: [number, number, number] | undefined;
  let last: [number, number, number] = [0, 0, 0];
  await runExperiment(ctx, sources, experiment, config, {
    signal: stop.signal,
    onSetup: (phase, fraction) => {
      if (phase === SETUP_PHASES.compiling && fraction >= 1 && steppingFrom === 0) steppingFrom = performance.now();
    },
    onProgress: (p) => {
      if (steppingFrom === 0) steppingFrom = performance.now();
      const t = (performance.now() - steppingFrom) / 1000;
      last = [t, p.fraction, p.pathSteps];
      if (!warm && t >= seconds / 2) warm = last;
      if (t >= seconds) stop.abort();
    },
  });
  const setupSeconds = ((steppingFrom || performance.now()) - started) / 1000;
  const [t1, f1, s1] = last;
  const [t0, f0, s0] = warm && t1 > warm[0] && f1 > warm[1] ? warm : [0, 0, 0];
  const rate = (f1 - f0) / Math.max(t1 - t0, 1e-9);
  return {
    setupSeconds,
    // A job the calibration finished takes what it took.
    steppingSeconds: f1 >= 1 ? t1 : 1 / Math.max(rate, 1e-12),
    pathStepsPerSecond: (s1 - s0) / Math.max(t1 - t0, 1e-9),
    calibration: { seconds: t1, fraction: f1 },
  };
}

/** A duration for people: seconds, minutes, hours or days (the CLI and the page). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'unknown';
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${Number((seconds / 3600).toPrecision(2))} h`;
  return `${Number((seconds / 86400).toPrecision(2))} days`;
}

/** One line: the estimate and what it rests on. */
export function formatEstimate(estimate: RunEstimate): string {
  return `estimate: ${formatDuration(estimate.steppingSeconds)} of stepping + ${formatDuration(estimate.setupSeconds)} of set-up ` +
    `(calibrated over ${estimate.calibration.seconds.toFixed(1)} s of stepping, ${(estimate.calibration.fraction * 100).toFixed(2)} % of the job, ` +
    `${estimate.pathStepsPerSecond.toExponential(2)} path-steps/s)`;
}
