// The mini-batch noise experiment (docs/model.md §6.6, beyond the paper): the algorithms with
// real mini-batches (docs/model.md §1.2) against their SDEs with the per-sample covariance
// (docs/model.md §3.3) and against the same SDEs driven by Gaussian injection (docs/model.md §1.1,
// §3.1), per batch size B and per ρ.
//
// A config has one noise mode, so each B is two simulate() calls ("stages", checkpointed as
// such, docs/model.md §9): mode B with every algorithm and model of the config, then mode A with
// the config's full SDE models only (the drift-only ablations share the SGD SDE's noise, so an
// injection twin of them says nothing new). The paper does not say which σ an injection model of
// mini-batch noise should take; we match the noise's scale (docs/model.md §6.6):
// σ_B² d = tr Σ_B(x0), the trace of the mini-batch gradient covariance of docs/model.md §1.2,
//
//   Σ_B(x) = (1/B)·(1/N) Σ_n (∇f_n − ∇f)(∇f_n − ∇f)ᵀ,  so  σ_B = sqrt( tr C(x0) / (B·d) ),
//
// with tr C averaged over the x0 of paths 0 … matchPaths − 1 (the run's own starting points),
// computed on the host in float64 from the data. Both models then inject the same noise energy
// per step at the start; the injection model's is isotropic and constant, the mode-B model's has
// the data's shape and follows x.
//
// The two simulations of a B run the same path indices from the same x0 but draw unrelated
// noise, and a result keeps path means, not paths: an algorithm against an injection SDE is an
// unpaired comparison, whose standard error is sqrt(se_a² + se_s²) (docs/model.md §4.5, as under
// independent coupling). With one x0 for every path (the registered experiment) the two runs are
// independent and that standard error is exact; with a random x0 per path it ignores the
// correlation the shared x0 brings and overstates the error. The summary compares the mode-B
// SDE the same unpaired way, so both errors carry the same kind of standard error. No Node
// imports: the page runs it.
import { compareSeries } from '../analysis/comparisons.js';
import { ConfigError, isNetworkProblem, type ResolvedConfig } from '../config/schema.js';
import { OBSERVABLES, isModel, type Dynamics, type Model } from '../dynamics/names.js';
import type { ShaderSources } from '../gpu/compose.js';
import type { GpuContext } from '../gpu/device.js';
import { createProblemTwin, initialPoint, isSampledProblem } from '../problems/index.js';
import { simulate, type SimulateOptions } from '../simulate/runner.js';
import type { Comparison, RunResult, SimulationResult } from '../simulate/result.js';
import type { MinibatchSpec } from './types.js';

/** Suffix of an injection (mode A) model's name in a merged run: `USAM-SDE-INJ`. */
export const INJECTION_SUFFIX = '-INJ';
/** The models that get an injection twin: the full SDEs (docs/model.md §3.1). */
export const INJECTABLE_MODELS: readonly Model[] = ['SGD-SDE', 'USAM-SDE', 'DNSAM-SDE', 'SAM-SDE'];

export function injectionName(model: string): string {
  return `${model}${INJECTION_SUFFIX}`;
}

export function isInjectionName(name: string): boolean {
  return name.endsWith(INJECTION_SUFFIX);
}

/** A merged run: one batch size and one ρ, with the injection models beside the mode-B dynamics. */
export interface MinibatchRun extends RunResult {
  batchSize: number;
  /** σ_B of the injection models at this batch size. */
  sigma: number;
}

/** One error of the summary: the paper's metric on g with its unpaired Monte Carlo standard error. */
export interface UnpairedError {
  relMaxError: number;
  weakError: number;
  /** sqrt(se_a² + se_s²) at the weak error's record. */
  weakErrorStderr: number;
  /** weakErrorStderr on relMaxError's scale. */
  relStderr: number;
}

export interface MinibatchPair {
  batchSize: number;
  rho: number;
  algorithm: string;
  /** The algorithm's own SDE, e.g. USAM-SDE (its injection twin is USAM-SDE-INJ). */
  model: string;
  modeB: UnpairedError;
  injection: UnpairedError;
  /** injection.relMaxError − modeB.relMaxError: > 0 where the mode-B SDE tracks better. */
  gap: number;
  /** sqrt(modeB.relStderr² + injection.relStderr²). */
  gapStderr: number;
}

export interface MinibatchSummary {
  batchSizes: number[];
  /** σ_B of the injection SDEs, one per batch size. */
  sigmas: number[];
  /** tr C(x0), the per-sample gradient covariance's trace, averaged over the matched x0. */
  covarianceTrace: number;
  /** Its standard deviation over those x0. */
  covarianceTraceStd: number;
  matchPaths: number;
  dim: number;
  samples: number;
  injectionModels: string[];
  observable: 'g';
  method: string;
  pairs: MinibatchPair[];
}

export interface MinibatchOutcome {
  runs: MinibatchRun[];
  minibatch: MinibatchSummary;
  cancelled: boolean;
  timing: SimulationResult['timing'];
}

const BATCH_MAX = 1 << 20;
const MATCH_PATHS_MAX = 4096;

/** @throws ConfigError naming the `minibatch.*` field that is wrong. */
export function validateMinibatchSpec(spec: unknown): MinibatchSpec {
  const s = spec as Partial<MinibatchSpec> | null;
  if (s === null || typeof s !== 'object' || Array.isArray(s)) {
    throw new ConfigError('minibatch', spec, 'an object {batchSizes, matchPaths}');
  }
  const known = ['batchSizes', 'matchPaths'];
  const stray = Object.keys(s).find((k) => !known.includes(k));
  if (stray) throw new ConfigError(`minibatch.${stray}`, (s as Record<string, unknown>)[stray], `only the keys ${known.join(', ')}`);
  const sizes = s.batchSizes;
  if (!Array.isArray(sizes) || sizes.length === 0
    || !sizes.every((b) => Number.isInteger(b) && b >= 1 && b <= BATCH_MAX) || new Set(sizes).size !== sizes.length) {
    throw new ConfigError('minibatch.batchSizes', sizes, `a non-empty list of distinct integers in 1..${BATCH_MAX}`);
  }
  const match = s.matchPaths;
  if (typeof match !== 'number' || !Number.isInteger(match) || match < 1 || match > MATCH_PATHS_MAX) {
    throw new ConfigError('minibatch.matchPaths', match, `an integer in 1..${MATCH_PATHS_MAX}`);
  }
  return { batchSizes: [...sizes], matchPaths: match };
}

/** The config's full SDE models, simulated a second time with Gaussian injection. */
export function injectionModels(config: ResolvedConfig): Model[] {
  return config.models.filter((m) => INJECTABLE_MODELS.includes(m));
}

/** @throws ConfigError when the config cannot run the experiment (mode B on data, something to compare). */
export function checkMinibatchConfig(config: ResolvedConfig): void {
  if (!isNetworkProblem(config.problem) || config.noise.batchSize === undefined) {
    throw new ConfigError('noise', config.noise,
      '{batchSize: B} (mode B) on a problem with data: the mini-batch experiment runs the algorithms on real mini-batches');
  }
  if (config.algorithms.length === 0) {
    throw new ConfigError('algorithms', config.algorithms, 'at least one algorithm: the models are compared with the algorithms');
  }
  if (injectionModels(config).length === 0) {
    throw new ConfigError('models', config.models, `at least one of ${INJECTABLE_MODELS.join(', ')} (the models with an injection twin)`);
  }
}

/** The mode-B stage of batch size B: every algorithm and model of the config. */
export function modeBConfig(config: ResolvedConfig, batchSize: number): ResolvedConfig {
  return { ...config, noise: { sigma: 0, batchSize } };
}

/** The injection stage: the full SDE models only, mode A with σ_B, nothing compared inside it. */
export function injectionConfig(config: ResolvedConfig, sigma: number): ResolvedConfig {
  return { ...config, noise: { sigma }, algorithms: [], models: injectionModels(config), compare: [] };
}

export interface NoiseMatch {
  /** Mean over the matched x0 of tr C(x0) = (1/N) Σ_n ‖∇ℓ_n(x0) − (1/N) Σ_m ∇ℓ_m(x0)‖². */
  covarianceTrace: number;
  covarianceTraceStd: number;
  matchPaths: number;
  dim: number;
  samples: number;
}

/**
 * tr C(x0) averaged over the x0 of paths 0 … matchPaths − 1, in float64 on the host (the weight
 * decay is the same in every f_n and cancels from ∇f_n − ∇f). Cost: matchPaths · N per-sample
 * gradients (Breast Cancer, h = 30: 0.35 s for 32 paths).
 */
export function matchNoise(config: ResolvedConfig, matchPaths: number): NoiseMatch {
  const twin = createProblemTwin(config.problem);
  if (!isSampledProblem(twin)) throw new ConfigError('problem', config.problem.kind, 'a problem with data (mode B)');
  const n = twin.samples;
  const d = twin.dim;
  const uniform = new Float64Array(n).fill(1 / n);
  const one = new Float64Array(n);
  const mean = new Float64Array(d);
  const g = new Float64Array(d);
  const traces: number[] = [];
  for (let p = 0; p < matchPaths; p++) {
    const x = initialPoint(config.x0, d, p);
    twin.weightedGrad(x, uniform, mean);
    let sum = 0;
    for (let s = 0; s < n; s++) {
      one[s] = 1;
      twin.weightedGrad(x, one, g);
      one[s] = 0;
      for (let i = 0; i < d; i++) sum += (g[i] - mean[i]) ** 2;
    }
    traces.push(sum / n);
  }
  const average = traces.reduce((a, b) => a + b, 0) / traces.length;
  const spread = traces.length > 1
    ? Math.sqrt(traces.reduce((a, b) => a + (b - average) ** 2, 0) / (traces.length - 1)) : 0;
  return { covarianceTrace: average, covarianceTraceStd: spread, matchPaths, dim: d, samples: n };
}

/** σ_B with σ_B² d = tr Σ_B = tr C / B (docs/model.md §1.2, §6.6). */
export function injectionSigma(covarianceTrace: number, batchSize: number, dim: number): number {
  return Math.sqrt(covarianceTrace / (batchSize * dim));
}

/** The comparison of two series of different simulations: unpaired (docs/model.md §4.5). */
function unpaired(algorithm: string, model: string, a: RunResult, s: RunResult, observable: Comparison['observable']): Comparison {
  const x = a.series[algorithm][observable as (typeof OBSERVABLES)[number]];
  const y = s.series[model][observable as (typeof OBSERVABLES)[number]];
  // A cancelled stage has fewer records: compare over the records both have.
  const n = Math.min(x.mean.length, y.mean.length);
  const { relMaxError, band, weakError, weakErrorStderr } = compareSeries({
    algorithm: x.mean.slice(0, n), model: y.mean.slice(0, n),
    algorithmStderr: x.stderr.slice(0, n), modelStderr: y.stderr.slice(0, n),
  });
  return { algorithm, model, observable, relMaxError, band, weakError, weakErrorStderr };
}

function unpairedError(c: Comparison): UnpairedError {
  const relStderr = c.weakError > 0 ? (c.weakErrorStderr * c.relMaxError) / c.weakError : 0;
  return { relMaxError: c.relMaxError, weakError: c.weakError, weakErrorStderr: c.weakErrorStderr, relStderr };
}

/**
 * One merged run: the mode-B run's series and comparisons (paired, as simulate() made them),
 * the injection models' series as `<model>-INJ`, and each compared pair [algorithm, model] of
 * the config whose model has an injection twin also against that twin (unpaired).
 */
export function mergeRuns(
  config: ResolvedConfig, modeB: RunResult, injection: RunResult | undefined, batchSize: number, sigma: number,
): MinibatchRun {
  const run: MinibatchRun = {
    ...modeB, series: { ...modeB.series }, comparisons: [...modeB.comparisons], batchSize, sigma,
  };
  if (!injection) return run;
  for (const [name, series] of Object.entries(injection.series)) run.series[injectionName(name)] = series;
  const twins = injection.t.length > 0 ? Object.keys(injection.series) : [];
  for (const [left, right] of config.compare) {
    if (isModel(left as Dynamics) || !twins.includes(right)) continue;
    for (const observable of OBSERVABLES) {
      const c = unpaired(left, right, modeB, injection, observable);
      run.comparisons.push({ ...c, model: injectionName(right) });
    }
  }
  return run;
}

/** Per batch size, ρ and algorithm: its own SDE in mode B against its injection twin, on g. */
export function minibatchPairs(config: ResolvedConfig, runs: readonly MinibatchRun[]): MinibatchPair[] {
  const pairs: MinibatchPair[] = [];
  for (const run of runs) {
    for (const algorithm of config.algorithms) {
      const model = `${algorithm}-SDE`;
      const twin = injectionName(model);
      if (!run.series[algorithm] || !run.series[model] || !run.series[twin]) continue;
      const modeB = unpairedError(unpaired(algorithm, model, run, run, 'g'));
      const injection = unpairedError(unpaired(algorithm, twin, run, run, 'g'));
      pairs.push({
        batchSize: run.batchSize, rho: run.rho, algorithm, model, modeB, injection,
        gap: injection.relMaxError - modeB.relMaxError,
        gapStderr: Math.hypot(modeB.relStderr, injection.relStderr),
      });
    }
  }
  return pairs;
}

export const MINIBATCH_METHOD = 'per batch size B: one mode-B simulation (algorithms on real mini-batches, SDEs with the '
  + 'per-sample covariance) and one Gaussian-injection simulation of the full SDEs with σ_B² d = tr Σ_B(x0) = tr C(x0)/B, '
  + 'tr C averaged over the x0 of the first matchPaths paths; errors on g unpaired (sqrt(se_a² + se_s²)) for both models';

export function summariseMinibatch(
  config: ResolvedConfig, spec: MinibatchSpec, match: NoiseMatch, sigmas: number[], runs: readonly MinibatchRun[],
): MinibatchSummary {
  return {
    batchSizes: [...spec.batchSizes],
    sigmas,
    covarianceTrace: match.covarianceTrace,
    covarianceTraceStd: match.covarianceTraceStd,
    matchPaths: match.matchPaths,
    dim: match.dim,
    samples: match.samples,
    injectionModels: injectionModels(config),
    observable: 'g',
    method: MINIBATCH_METHOD,
    pairs: minibatchPairs(config, runs),
  };
}

/** The stages of the experiment in order: per B, mode B then injection. */
export function minibatchStages(config: ResolvedConfig, spec: MinibatchSpec, sigmas: readonly number[]): ResolvedConfig[] {
  return spec.batchSizes.flatMap((b, j) => [modeBConfig(config, b), injectionConfig(config, sigmas[j])]);
}

/** Path-steps of one simulation (what its progress fraction is proportional to). */
export function stagePathSteps(config: ResolvedConfig): number {
  return config.rho.length * (config.algorithms.length + config.models.length) * config.paths * config.steps;
}

/**
 * Runs every stage (per B: mode B, then injection) and merges them per (B, ρ). Progress
 * fractions cover the whole job, by path-steps; a cancelled run returns what it finished (a B
 * whose injection stage did not finish keeps its mode-B runs, without injection comparisons).
 */
export async function runMinibatch(
  ctx: GpuContext, sources: ShaderSources, config: ResolvedConfig, spec: MinibatchSpec, options: SimulateOptions = {},
): Promise<MinibatchOutcome> {
  const s = validateMinibatchSpec(spec);
  checkMinibatchConfig(config);
  const match = matchNoise(config, s.matchPaths);
  const sigmas = s.batchSizes.map((b) => injectionSigma(match.covarianceTrace, b, match.dim));
  const stages = minibatchStages(config, s, sigmas);
  const weights = stages.map(stagePathSteps);
  const total = weights.reduce((a, b) => a + b, 0);
  // The stages' results so far (the last one may be partial) as the experiment's outcome.
  const assemble = (results: readonly SimulationResult[], cancelled: boolean): MinibatchOutcome => {
    const runs: MinibatchRun[] = [];
    s.batchSizes.forEach((b, j) => {
      const modeB = results[2 * j];
      if (!modeB) return;
      const injection = results[2 * j + 1];
      modeB.runs.forEach((run, i) => runs.push(mergeRuns(config, run, injection?.runs[i], b, sigmas[j])));
    });
    const wallSeconds = results.reduce((a, r) => a + r.timing.wallSeconds, 0);
    const pathSteps = results.reduce((a, r) => a + r.timing.pathSteps, 0);
    return {
      runs,
      minibatch: summariseMinibatch(config, s, match, sigmas, runs),
      cancelled,
      timing: { wallSeconds, pathSteps, pathStepsPerSecond: pathSteps / Math.max(wallSeconds, 1e-9) },
    };
  };
  const results: SimulationResult[] = [];
  let done = 0;
  let cancelled = false;
  for (const [j, stage] of stages.entries()) {
    if (options.signal?.aborted) {
      cancelled = true;
      break;
    }
    const result = await simulate(ctx, sources, stage, {
      signal: options.signal,
      targetSliceSeconds: options.targetSliceSeconds,
      onSetup: options.onSetup,
      checkpoints: options.checkpoints,
      onProgress: options.onProgress && ((p) => options.onProgress!({ ...p, fraction: (done + p.fraction * weights[j]) / total })),
      // Streams the whole experiment so far (finished stages and this one), as a document of its own kind.
      onPartial: options.onPartial && ((partial) => {
        const outcome = assemble([...results, partial], false);
        options.onPartial!({ ...partial, config, runs: outcome.runs, timing: outcome.timing, minibatch: outcome.minibatch } as SimulationResult);
      }),
    });
    done += weights[j];
    results.push(result);
    if (result.cancelled) {
      cancelled = true;
      break;
    }
  }
  return assemble(results, cancelled);
}

/**
 * The runs of one batch size as a plain result (its config in mode B at that B): what the
 * validation checks and figures take.
 */
export function batchSlice<T extends SimulationResult>(document: T & { runs: RunResult[] }, batchSize: number): SimulationResult {
  return {
    schema: document.schema,
    config: modeBConfig(document.config, batchSize),
    adapter: document.adapter,
    runs: document.runs.filter((r) => (r as Partial<MinibatchRun>).batchSize === batchSize),
    cancelled: document.cancelled,
    timing: document.timing,
  };
}
