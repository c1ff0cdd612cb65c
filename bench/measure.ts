// How the suite measures a GPU case: simulate() on a resolved config, wrapped by the
// Instrument (counts, timestamps, buffer bytes) and the clocks; a warm-up run per size (it
// compiles on first use and gives the rate the step count is sized from); then the
// repetitions, with the peers' repetitions interleaved so that all see the same load.
import type { ResolvedConfig } from '../src/config/schema.js';
import type { ShaderSources } from '../src/gpu/compose.js';
import type { GpuContext } from '../src/gpu/device.js';
import { simulate, type SimulateOptions } from '../src/simulate/runner.js';
import type { SimulationResult } from '../src/simulate/result.js';
import type { Instrument, Measurement } from './instrument.js';
import type { NumpyAvailability } from './peers/numpy.js';
import type { Profile } from './profiles.js';
import type { CaseResult, Group, MetricName, Runner } from './results.js';
import { load1, spread, timed, type Clock } from './stats.js';
import type { StepWork } from './work.js';

export interface BenchEnv {
  ctx: GpuContext;
  sources: ShaderSources;
  instrument: Instrument;
  profile: Profile;
  numpy: NumpyAvailability;
  /** A new device on the same adapter (empty pipeline caches), where the platform allows. */
  newContext?: (label: string) => Promise<GpuContext>;
  /** performance.now() after which the remaining cases are skipped. */
  deadline: number;
  log(line: string): void;
}

export interface Rep extends Clock {
  pathSteps: number;
}

export interface GpuRep extends Rep {
  measurement: Measurement;
  result: SimulationResult;
}

export const ADVANCE_PASS = 'simulate.advance';

export async function simulateRep(env: BenchEnv, config: ResolvedConfig, options: SimulateOptions = {}): Promise<GpuRep> {
  env.instrument.begin();
  let clock: Clock & { value: SimulationResult };
  try {
    clock = await timed(() => env.ctx.scoped('bench.simulate', () => simulate(env.ctx, env.sources, config, options)));
  } catch (e) {
    await env.instrument.end().catch(() => undefined);
    throw e;
  }
  const measurement = await env.instrument.end();
  return { wallSeconds: clock.wallSeconds, cpuSeconds: clock.cpuSeconds, pathSteps: clock.value.timing.pathSteps, measurement, result: clock.value };
}

/** path-steps per second of the advance passes alone (null without timestamps). */
export function kernelRate(rep: GpuRep): number | null {
  const seconds = rep.measurement.gpuSecondsByPass?.[ADVANCE_PASS];
  return seconds && seconds > 0 ? rep.pathSteps / seconds : null;
}

/** The rate step counts are sized from: kernel time where timed (compile-free), else wall. */
export function sizingRate(rep: GpuRep): number {
  return kernelRate(rep) ?? rep.pathSteps / rep.wallSeconds;
}

export function powerOfTwoAtMost(x: number): number {
  return 2 ** Math.floor(Math.log2(Math.max(1, x)));
}

export interface CaseBase {
  id: string;
  group: Group;
  runner: Runner;
  subject: string;
  problem?: string;
  paths?: number;
  steps?: number;
  params: CaseResult['params'];
}

export function skippedCase(base: CaseBase, reason: string): CaseResult {
  return { ...base, repetitions: 0, skipped: reason, metrics: {}, load: [load1(), load1()] };
}

function metricSpreads(values: Partial<Record<MetricName, number[]>>): CaseResult['metrics'] {
  const out: CaseResult['metrics'] = {};
  for (const [name, list] of Object.entries(values) as [MetricName, number[]][]) {
    if (list.length > 0 && list.some(Number.isFinite)) out[name] = spread(list);
  }
  return out;
}

/** A case from plain repetitions (peers, reductions). */
export function repsCase(base: CaseBase, reps: Rep[], load: [number, number], work?: StepWork): CaseResult {
  const rates = reps.map((r) => r.pathSteps / r.wallSeconds);
  const values: Partial<Record<MetricName, number[]>> = {
    wallSeconds: reps.map((r) => r.wallSeconds),
    cpuSeconds: reps.map((r) => r.cpuSeconds),
    pathStepsPerSecond: rates,
    pathStepsPerCpuSecond: reps.map((r) => r.pathSteps / r.cpuSeconds),
  };
  if (work) {
    if (work.hvps > 0) values.hvpsPerSecond = rates.map((r) => r * work.hvps);
    values.gflopsPerSecond = rates.map((r) => (r * work.flops) / 1e9);
    values.normalsPerSecond = rates.map((r) => r * work.normals);
  }
  return { ...base, repetitions: reps.length, metrics: metricSpreads(values), work, load };
}

/** A GPU case: wall and CPU rates, the kernel rate from timestamps, counts and pass times. */
export function gpuCase(base: CaseBase, reps: GpuRep[], load: [number, number], work?: StepWork): CaseResult {
  const result = repsCase(base, reps, load);
  const kernel = reps.map(kernelRate);
  const timed = kernel.every((k) => k !== null);
  const basis = timed ? (kernel as number[]) : reps.map((r) => r.pathSteps / r.wallSeconds);
  const last = reps[reps.length - 1];
  const dynamicsCount = last.result.config.algorithms.length + last.result.config.models.length;
  const values: Partial<Record<MetricName, number[]>> = {
    stepsPerDispatch: reps.map((r) => {
      const passes = r.measurement.passesByLabel[ADVANCE_PASS] ?? 0;
      return passes > 0 ? r.pathSteps / (dynamicsCount * r.result.config.paths) / passes : NaN;
    }),
  };
  if (timed) {
    values.kernelPathStepsPerSecond = kernel as number[];
    values.gpuSeconds = reps.map((r) => r.measurement.gpuSeconds ?? NaN);
    values.advanceGpuSeconds = reps.map((r) => r.measurement.gpuSecondsByPass?.[ADVANCE_PASS] ?? NaN);
  }
  if (work) {
    if (work.hvps > 0) values.hvpsPerSecond = basis.map((r) => r * work.hvps);
    values.gflopsPerSecond = basis.map((r) => (r * work.flops) / 1e9);
    values.normalsPerSecond = basis.map((r) => r * work.normals);
  }
  Object.assign(result.metrics, metricSpreads(values));
  const { gpuSecondsByPass, gpuSeconds: _total, untimedPasses: _untimed, ...counts } = last.measurement;
  result.counts = counts;
  if (gpuSecondsByPass) {
    const labels = Object.keys(gpuSecondsByPass);
    result.gpuSecondsByPass = Object.fromEntries(
      labels.map((label) => [label, spread(reps.map((r) => r.measurement.gpuSecondsByPass?.[label] ?? 0)).median]),
    );
  }
  result.work = work;
  return result;
}

export interface PeerRun {
  base: CaseBase;
  work?: StepWork;
  rep(): Promise<Rep>;
}

export interface SizeOutcome {
  gpu: CaseResult;
  peers: CaseResult[];
  /** Sizing rate measured here (path-steps/s), for the next size's prediction. */
  rate: number;
}

export interface SizeRequest {
  base: (steps: number) => CaseBase;
  config: (steps: number) => ResolvedConfig;
  paths: number;
  /** Fixed step count; otherwise sized to profile.targetRepSeconds. */
  steps?: number;
  /** Overrides profile.minSteps (the least a sized run takes). */
  minSteps?: number;
  /** Rate of the previous size: a size predicted to exceed the cap is skipped before its warm-up. */
  previousRate?: number;
  /** Overrides profile.capRepSeconds. */
  capRepSeconds?: number;
  work?: StepWork;
  options?: SimulateOptions;
  peers?: (steps: number) => Promise<PeerRun[]>;
}

/** Path-steps one step of a config advances (every ρ and dynamics of every path). */
function pathStepsPerStep(config: ResolvedConfig): number {
  return config.rho.length * (config.algorithms.length + config.models.length) * config.paths;
}

function tooSlow(base: CaseBase, predicted: number, paths: number, steps: number, cap: number): CaseResult {
  return skippedCase(base, `predicted ${predicted.toFixed(0)} s per repetition at ${paths} paths × ${steps} steps (cap ${cap} s)`);
}

/**
 * Warm-up, sizing, repetitions (peers interleaved) of one GPU case at one size. The step count
 * is sized from the warm-up's rate (kernel time where timed: compile-free); a size predicted to
 * take more than the cap per repetition is skipped, and so is everything past the deadline.
 */
export async function measureSize(env: BenchEnv, request: SizeRequest): Promise<SizeOutcome> {
  const { profile } = env;
  const paths = request.paths;
  const cap = request.capRepSeconds ?? profile.capRepSeconds;
  const minSteps = request.steps ?? request.minSteps ?? profile.minSteps;
  const guessBase = request.base(minSteps);
  if (performance.now() > env.deadline) {
    return { gpu: skippedCase(guessBase, 'suite time budget (--budget) used up'), peers: [], rate: NaN };
  }
  const perStep = pathStepsPerStep(request.config(minSteps));
  if (request.previousRate) {
    const predicted = (minSteps * perStep) / request.previousRate;
    if (predicted > cap) return { gpu: tooSlow(guessBase, predicted, paths, minSteps, cap), peers: [], rate: request.previousRate };
  }
  const warmSteps = Math.min(minSteps, 2);
  env.log(`  ${guessBase.subject} ${paths} paths: warm-up (${warmSteps} steps)`);
  const warm = await simulateRep(env, request.config(warmSteps), request.options);
  const rate = sizingRate(warm);
  const steps = request.steps ?? Math.min(profile.maxSteps, Math.max(minSteps,
    powerOfTwoAtMost((profile.targetRepSeconds * rate) / perStep)));
  const predicted = (steps * perStep) / rate;
  const base = request.base(steps);
  if (predicted > cap) return { gpu: tooSlow(base, predicted, paths, steps, cap), peers: [], rate };
  const peerRuns = request.peers ? await request.peers(steps) : [];
  const loadBefore = load1();
  const gpuReps: GpuRep[] = [];
  const peerReps: Rep[][] = peerRuns.map(() => []);
  const config = request.config(steps);
  for (let r = 0; r < profile.repetitions; r++) {
    gpuReps.push(await simulateRep(env, config, request.options));
    for (const [i, peer] of peerRuns.entries()) peerReps[i].push(await peer.rep());
  }
  const load: [number, number] = [loadBefore, load1()];
  const gpu = gpuCase(base, gpuReps, load, request.work);
  const diverged = Object.values(gpuReps[0].result.runs[0]?.series ?? {}).reduce((sum, series) => sum + series.diverged, 0);
  gpu.params = { ...gpu.params, divergedPaths: diverged };
  const shown = gpu.metrics.kernelPathStepsPerSecond ?? gpu.metrics.pathStepsPerSecond;
  env.log(`  ${base.subject} ${paths} paths × ${steps} steps: ${shown?.median.toExponential(2)} path-steps/s`
    + `${gpu.metrics.kernelPathStepsPerSecond ? ' (kernel)' : ' (wall)'}, wall ${gpu.metrics.wallSeconds?.median.toFixed(2)} s`);
  const peers = peerRuns.map((peer, i) => repsCase(peer.base, peerReps[i], load, peer.work));
  for (const peer of peers) {
    env.log(`    peer ${peer.runner}: ${peer.metrics.pathStepsPerSecond?.median.toExponential(2)} path-steps/s (${peer.paths} paths)`);
  }
  return { gpu, peers, rate: sizingRate(gpuReps[gpuReps.length - 1]) };
}
