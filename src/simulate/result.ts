// The result document (schema "sam-sde/result@1"): the same from the CLI, the page and a
// headless browser run. DESIGN.md: config → plan → kernels → reductions → result → views.
import type { ResolvedConfig } from '../config/schema.js';
import type { AdapterReport } from '../gpu/device.js';
import type { Observable } from '../dynamics/names.js';

export const RESULT_SCHEMA = 'sam-sde/result@1';

export interface SeriesStats {
  /** Path mean at each recorded time (NaN where no path survived). */
  mean: number[];
  /** Standard error of that mean. */
  stderr: number[];
}

/** docs/model.md §8: the sharpness readouts, compared like the observables. */
export const SHARPNESS_OBSERVABLES = ['trace', 'top'] as const;
export type SharpnessObservable = (typeof SHARPNESS_OBSERVABLES)[number];

/** docs/model.md §8: Hutchinson's trace and Lanczos' top eigenvalue at every readout. */
export interface SharpnessSeries {
  /** Readout times t = kη (k = 0, every, 2·every, …). */
  t: number[];
  /** Mean over paths of the per-path probe mean, and its standard error over paths. */
  trace: SeriesStats;
  /** Mean over paths of the top Ritz value, and its standard error. */
  top: SeriesStats;
  /** Paths that contributed at each readout. */
  count: number[];
}

export type DynamicsSeries = Record<Observable, SeriesStats> & {
  /** Paths that diverged (non-finite or ‖x‖ > divergeAbove): frozen and excluded. */
  diverged: number;
  /** Norm-guard firings summed over paths and steps (docs/model.md §2). */
  guarded: number;
  /** Paths that contributed at each recorded time. */
  count: number[];
  /** Present when the config asks for sharpness readouts. */
  sharpness?: SharpnessSeries;
};

export interface Comparison {
  algorithm: string;
  model: string;
  observable: Observable | SharpnessObservable;
  relMaxError: number;
  band: number;
  weakError: number;
  weakErrorStderr: number;
}

export interface RunResult {
  rho: number;
  eta: number;
  /** Recorded times t = kη. */
  t: number[];
  series: Record<string, DynamicsSeries>;
  comparisons: Comparison[];
}

export interface SimulationResult {
  schema: typeof RESULT_SCHEMA;
  config: ResolvedConfig;
  adapter: AdapterReport;
  runs: RunResult[];
  /** True when the run was cancelled: what was finished is kept. */
  cancelled: boolean;
  timing: { wallSeconds: number; pathSteps: number; pathStepsPerSecond: number };
}
