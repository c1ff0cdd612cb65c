// The result document of the suite (schema "sam-sde/bench@1"): written as JSON and rendered
// as markdown by bench/report.ts. Metric names and units are fixed here.
import type { AdapterReport } from '../src/gpu/device.js';
import type { ProfileName } from './profiles.js';
import type { Spread } from './stats.js';
import type { WorkCounts } from './instrument.js';

export const BENCH_SCHEMA = 'sam-sde/bench@1';

export type Group = 'kernel' | 'dispatch' | 'linear3d' | 'problem' | 'reduction' | 'end-to-end' | 'compile' | 'rng' | 'checkpoint';
export type Runner = 'gpu' | 'twin' | 'numpy';

/**
 * Metric names (all medians of the repetitions, with their spread):
 *   wallSeconds, cpuSeconds             one repetition (CPU: this process, all threads)
 *   pathStepsPerSecond                  path-steps / wall seconds of the whole call
 *   pathStepsPerCpuSecond               path-steps / CPU seconds
 *   kernelPathStepsPerSecond            path-steps / GPU seconds of the 'simulate.advance' passes
 *   gpuSeconds, advanceGpuSeconds       timestamp-query time of all passes / of the advance passes
 *   hvpsPerSecond, gflopsPerSecond      from the kernel rate (wall rate without timestamps), bench/work.ts
 *   normalsPerSecond                    standard normals drawn per second, same basis
 *   normalsPerCpuSecond                 rng group: standard normals per CPU second
 *   stepsPerDispatch                    steps advanced per advance dispatch
 *   gbPerSecond, gpuGbPerSecond         reductions: 4 bytes per value / wall or GPU seconds
 */
export type MetricName =
  | 'wallSeconds' | 'cpuSeconds' | 'pathStepsPerSecond' | 'pathStepsPerCpuSecond'
  | 'kernelPathStepsPerSecond' | 'gpuSeconds' | 'advanceGpuSeconds' | 'hvpsPerSecond'
  | 'gflopsPerSecond' | 'normalsPerSecond' | 'stepsPerDispatch' | 'gbPerSecond' | 'gpuGbPerSecond'
  | 'roundTripGbPerSecond' | 'normalsPerCpuSecond';

export interface CaseResult {
  /** Unique, e.g. "kernel/USAM-SDE/wishart20/65536/gpu". */
  id: string;
  group: Group;
  runner: Runner;
  /** e.g. "USAM-SDE", "SGD-SDE 3-d", "reduce 4 Mi floats". */
  subject: string;
  problem?: string;
  paths?: number;
  steps?: number;
  params: Record<string, string | number | boolean | number[] | string[]>;
  repetitions: number;
  /** Why the case did not run (too slow for the cap, peer unavailable, error): no metrics then. */
  skipped?: string;
  metrics: Partial<Record<MetricName, Spread>>;
  /** Work counts of the last repetition (submits, dispatches, peak buffer bytes, ...). */
  counts?: WorkCounts & { passesByLabel: Record<string, number> };
  /** GPU seconds per pass label (median over repetitions). */
  gpuSecondsByPass?: Record<string, number>;
  /** Work per path-step that the HVP/FLOP/normal figures use. */
  work?: { grads: number; hvps: number; flops: number; normals: number };
  /** 1-minute load average before and after the case. */
  load: [number, number];
}

export interface Ratio {
  subject: string;
  paths: number;
  peer: 'twin' | 'numpy';
  /** wall: path-steps/s of simulate() vs the peer's loop; kernel: GPU advance time vs the peer's loop; cpu: per CPU-second. */
  basis: 'wall' | 'kernel' | 'cpu';
  gpu: number;
  other: number;
  ratio: number;
  target?: number;
}

export interface MachineReport {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  platform: string;
  node: string;
  hostname: string;
  loadBefore: number[];
  loadAfter: number[];
  uptimeBefore: string;
  uptimeAfter: string;
}

export interface BenchDocument {
  schema: typeof BENCH_SCHEMA;
  date: string;
  profile: ProfileName;
  quick: boolean;
  complete: boolean;
  wallSeconds: number;
  machine: MachineReport;
  /** The code measured: HEAD and whether the working tree had changes (null outside a git checkout). */
  git: { commit: string; dirty: boolean } | null;
  adapter: AdapterReport & { name: string; driver: string; timestampQuery: boolean };
  peers: {
    twin: { available: true; note: string };
    numpy: { available: boolean; python?: string; numpy?: string; blas?: string[]; origin?: string; reason?: string };
  };
  flopCount: string;
  cases: CaseResult[];
  ratios: Ratio[];
  /** Where the time goes (bench/analysis.ts), recomputed from `cases`. */
  analysis: { costModel: CostModel | null; splits: TimeSplit[]; targets: TargetCheck[] };
  errors: string[];
}

// The analysis block of a document (computed by bench/analysis.ts).
export interface CostModel {
  basis: 'cpu-seconds per path-step';
  /** Path counts whose cases entered the fit. */
  paths: number[];
  models: string[];
  /** Seconds per path-step per matrix-vector product (d×d). */
  perProduct: number;
  /** Seconds per path-step per Threefry block (4 normals), SAM's O(Kd) vector work included. */
  perBlock: number;
  /** Seconds per path-step otherwise (state load/store, divergence check, loop, per-call overhead). */
  fixed: number;
  /** Largest |fitted − measured| / measured over the models. */
  worstRelResidual: number;
  /** USAM-SDE's measured seconds per path-step and the fitted shares of it. */
  usam?: { seconds: number; products: number; rng: number; fixed: number };
}

export interface TimeSplit {
  id: string;
  wallSeconds: number;
  /** GPU time per pass label, as a fraction of the wall time. */
  byPass: Record<string, number>;
  /** 1 − Σ passes: host work, submit/wait latency, compiles inside the call. */
  outsidePasses: number;
  /** CPU seconds / wall seconds of the repetition (2 = both cores busy for this process). */
  cpuShare: number;
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
  note: string;
}
