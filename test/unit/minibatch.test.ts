// The mini-batch noise experiment (docs/model.md §6.6) without a GPU: the spec and config rules,
// the σ matching (checked against real mini-batches drawn by the project's sampler), the merge of
// a mode-B and an injection simulation with unpaired comparisons, the summary, the claim checks on
// hand-made results (holding, failing, tied), the figures and the report.
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, type ResolvedConfig } from '../../src/config/schema';
import { batchWeights } from '../../src/dynamics/batches';
import { Stream } from '../../src/rng/threefry';
import { createProblemTwin, initialPoint } from '../../src/problems/index';
import type { NetworkTwin } from '../../src/problems/network';
import { registerNodeDatasets } from '../../src/node/datasets';
import { findExperiment } from '../../src/experiments/registry';
import { resolveExperiment } from '../../src/experiments/config';
import {
  batchSlice, checkMinibatchConfig, injectionConfig, injectionModels, injectionSigma, matchNoise, mergeRuns, minibatchStages,
  modeBConfig, summariseMinibatch, validateMinibatchSpec, type MinibatchRun,
} from '../../src/experiments/minibatch';
import { claimChecks, minibatchChecks } from '../../src/experiments/claims';
import type { ExperimentDocument } from '../../src/experiments/run';
import type { RunResult, SimulationResult } from '../../src/simulate/result';
import { documentFigures } from '../../src/node/figures';
import { buildReport } from '../../src/node/report';

beforeAll(() => registerNodeDatasets());

const experiment = () => findExperiment('minibatch-noise')!;

describe('the registered experiment', () => {
  it('is mode B on Breast Cancer with B ∈ {8, 32, 128}, every path from one x0, and needs a GPU only at full size', () => {
    const e = experiment();
    expect(e.kind).toBe('minibatch');
    expect(e.minibatch).toEqual({ batchSizes: [8, 32, 128], matchPaths: 1 });
    expect(e.needsGpu).toBeTruthy();
    expect(e.quickRunsOnSoftware).toBe(true);
    for (const quick of [false, true]) {
      const c = resolveExperiment(e, quick);
      expect(c.noise).toEqual({ sigma: 0, batchSize: 8 });
      expect(c.problem).toMatchObject({ kind: 'mlp', dataset: 'breast-cancer', activation: 'sigmoid', weightDecay: 0.1 });
      expect(() => checkMinibatchConfig(c)).not.toThrow();
      // One starting point: path 0's draw of N(0, I/h) with x0 seed 2, as a list of d numbers.
      const h = (c.problem as { hidden: number }).hidden;
      expect(Array.isArray(c.x0)).toBe(true);
      expect(c.x0).toEqual(Array.from(initialPoint({ normal: { std: 1 / Math.sqrt(h), seed: 2 } }, 31 * h, 0)));
    }
    expect((resolveExperiment(e).problem as { hidden: number }).hidden).toBe(30);
    expect((resolveExperiment(e, true).problem as { hidden: number }).hidden).toBe(16);
  });

  it('stages: per B a mode-B simulation of everything, then the full SDEs with injection and nothing compared', () => {
    const c = resolveExperiment(experiment(), true);
    const stages = minibatchStages(c, experiment().minibatch!, [0.3, 0.2, 0.1]);
    expect(stages.map((s) => s.noise)).toEqual([
      { sigma: 0, batchSize: 8 }, { sigma: 0.3 }, { sigma: 0, batchSize: 32 }, { sigma: 0.2 }, { sigma: 0, batchSize: 128 }, { sigma: 0.1 },
    ]);
    expect(stages[0].algorithms).toEqual(['SGD', 'USAM', 'DNSAM', 'SAM']);
    expect(stages[1].algorithms).toEqual([]);
    expect(stages[1].models).toEqual(['SGD-SDE', 'USAM-SDE', 'DNSAM-SDE', 'SAM-SDE']);
    expect(stages[1].compare).toEqual([]);
    // Each stage is a valid run config on its own (what simulate() gets).
    for (const stage of stages) {
      const noise = stage.noise.batchSize !== undefined ? { batchSize: stage.noise.batchSize } : { sigma: stage.noise.sigma };
      expect(resolveConfig({ ...stage, noise })).toEqual(stage);
    }
  });
});

describe('spec and config rules', () => {
  it('validates the spec field by field', () => {
    expect(validateMinibatchSpec({ batchSizes: [8, 32], matchPaths: 4 })).toEqual({ batchSizes: [8, 32], matchPaths: 4 });
    expect(() => validateMinibatchSpec({ batchSizes: [], matchPaths: 1 })).toThrow(/minibatch\.batchSizes/);
    expect(() => validateMinibatchSpec({ batchSizes: [8, 8], matchPaths: 1 })).toThrow(/minibatch\.batchSizes.*distinct/);
    expect(() => validateMinibatchSpec({ batchSizes: [0.5], matchPaths: 1 })).toThrow(/minibatch\.batchSizes/);
    expect(() => validateMinibatchSpec({ batchSizes: [8], matchPaths: 0 })).toThrow(/minibatch\.matchPaths/);
    expect(() => validateMinibatchSpec({ batchSizes: [8], matchPaths: 1, extra: 1 })).toThrow(/minibatch\.extra/);
  });

  it('needs mode B on data, an algorithm and a model with an injection twin', () => {
    const c = resolveExperiment(experiment(), true);
    expect(() => checkMinibatchConfig({ ...c, noise: { sigma: 0.01 } })).toThrow(/noise.*batchSize/);
    expect(() => checkMinibatchConfig({ ...c, algorithms: [] })).toThrow(/algorithms/);
    expect(() => checkMinibatchConfig({ ...c, models: ['USAM-DRIFT'] })).toThrow(/models/);
    expect(injectionModels({ ...c, models: ['USAM-DRIFT', 'SAM-SDE', 'SGD-SDE'] })).toEqual(['SAM-SDE', 'SGD-SDE']);
  });
});

describe('σ matching (docs/model.md §1.2: Σ_B = C/B)', () => {
  it('σ_B² d is the mean squared deviation of real mini-batch gradients from ∇f at x0, over 20 000 batches', () => {
    // Iris, h = 5: N = 150, d = 35; the project's own batch sampler (uniform, with replacement).
    const config = resolveConfig({
      problem: { kind: 'mlp', dataset: 'iris', hidden: 5, activation: 'sigmoid', weightDecay: 0.1 },
      x0: { normal: { seed: 3 } }, noise: { batchSize: 4 }, eta: 0.01, rho: 0.1, steps: 1, paths: 1,
    });
    const twin = createProblemTwin(config.problem) as NetworkTwin;
    const match = matchNoise(config, 3);
    expect([match.dim, match.samples, match.matchPaths]).toEqual([35, 150, 3]);
    const B = 4;
    const sigma = injectionSigma(match.covarianceTrace, B, match.dim);
    // tr Σ_B at the x0 of paths 0..2 by Monte Carlo over batches: E‖∇f_γ − ∇f‖² (weight decay cancels).
    const n = twin.samples;
    const d = twin.dim;
    const full = new Float64Array(d);
    const batch = new Float64Array(d);
    const weights = new Float64Array(n);
    const traces: number[] = [];
    for (let p = 0; p < 3; p++) {
      const x = initialPoint(config.x0, d, p);
      twin.weightedGrad(x, new Float64Array(n).fill(1 / n), full);
      let sum = 0;
      const draws = 20000;
      for (let k = 0; k < draws; k++) {
        batchWeights(9, Stream.batch, p, k, 0, 0, B, weights);
        twin.weightedGrad(x, weights, batch);
        for (let i = 0; i < d; i++) sum += (batch[i] - full[i]) ** 2;
      }
      traces.push(sum / draws);
    }
    const mean = traces.reduce((a, b) => a + b, 0) / traces.length;
    // Relative Monte Carlo error of a mean of 60 000 squared norms: a few 0.1 %; allow 3 %.
    expect(sigma * sigma * d).toBeGreaterThan(0.97 * mean);
    expect(sigma * sigma * d).toBeLessThan(1.03 * mean);
    expect(match.covarianceTraceStd).toBeGreaterThan(0);
    // σ_B ∝ 1/sqrt(B).
    expect(injectionSigma(match.covarianceTrace, 4 * B, d)).toBeCloseTo(sigma / 2, 15);
  });

  it('one x0 for all paths: no spread over the matched points', () => {
    const c = resolveExperiment(experiment(), true);
    const one = matchNoise(c, 1);
    const three = matchNoise(c, 3);
    expect(three.covarianceTrace).toBeCloseTo(one.covarianceTrace, 12);
    expect(three.covarianceTraceStd).toBeLessThan(1e-12 * one.covarianceTrace);
  });
});

// ---- hand-made results ----

const NAMES = ['SGD', 'USAM', 'SGD-SDE', 'USAM-SDE'];

function series(means: number[], stderr: number) {
  const stats = { mean: means, stderr: means.map(() => stderr) };
  return { loss: stats, norm: stats, gradNorm: stats, g: stats, diverged: 0, guarded: 0, count: means.map(() => 10) };
}

function config(): ResolvedConfig {
  return resolveConfig({
    problem: { kind: 'mlp', dataset: 'iris', hidden: 5, activation: 'sigmoid', weightDecay: 0.1 },
    noise: { batchSize: 8 }, eta: 0.01, rho: [0.01, 0.5], steps: 2, paths: 10,
    algorithms: ['SGD', 'USAM'], models: ['SGD-SDE', 'USAM-SDE'],
  });
}

/** g of each dynamics at 3 records: the algorithms at 1, 0.9, 0.8; a model off by `off` at the end. */
function modeBRun(rho: number, off: Record<string, number>, stderr = 1e-4): RunResult {
  const scale = (1 + 0.9 + 0.8) / 3;
  // What simulate() reports for the mode-B pairs (paired: the per-path differences' standard error).
  // The SGD SDE as a model of USAM: off by 0.05·ρ more (its error grows with ρ, as the validation claim says).
  const pair = (algorithm: string, model: string) => {
    const e = Math.abs(off[model] ?? 0) + (algorithm !== 'SGD' && model === 'SGD-SDE' ? 0.05 * rho : 0);
    return { algorithm, model, observable: 'g' as const, relMaxError: e / scale, band: 0, weakError: e, weakErrorStderr: stderr };
  };
  return {
    rho, eta: 0.01, t: [0, 0.01, 0.02],
    series: Object.fromEntries(NAMES.map((n) => [n, series([1, 0.9, 0.8 + (off[n] ?? 0)], stderr)])) as RunResult['series'],
    comparisons: [pair('SGD', 'SGD-SDE'), pair('USAM', 'USAM-SDE'), pair('USAM', 'SGD-SDE')],
  };
}

function injectionRun(rho: number, off: Record<string, number>, stderr = 1e-4, records = 3): RunResult {
  const run = modeBRun(rho, off, stderr);
  return {
    ...run, t: run.t.slice(0, records),
    series: Object.fromEntries(['SGD-SDE', 'USAM-SDE'].map((n) => [n, series([1, 0.9, 0.8 + (off[n] ?? 0)].slice(0, records), stderr)])) as RunResult['series'],
  };
}

/** A document with injection errors `inj` and mode-B errors `modeB` (per batch size, absolute on g at the last record). */
function document(modeB: number[], inj: number[], stderr = 1e-4): ExperimentDocument {
  const c = config();
  const sizes = [8, 32, 128];
  const runs: MinibatchRun[] = sizes.flatMap((b, j) => c.rho.map((rho) => mergeRuns(
    c, modeBRun(rho, { 'SGD-SDE': modeB[j], 'USAM-SDE': modeB[j] }, stderr),
    injectionRun(rho, { 'SGD-SDE': inj[j], 'USAM-SDE': inj[j] }, stderr), b, 0.1 / Math.sqrt(b),
  )));
  const match = { covarianceTrace: 1, covarianceTraceStd: 0, matchPaths: 1, dim: 35, samples: 150 };
  return {
    schema: 'sam-sde/result@1', config: c, runs, cancelled: false,
    adapter: { vendor: 'v', architecture: 'a', device: 'd', description: 'test', isFallbackAdapter: false, isSoftware: true, features: [], limits: {} },
    timing: { wallSeconds: 1, pathSteps: 1000, pathStepsPerSecond: 1000 },
    minibatch: summariseMinibatch(c, { batchSizes: sizes, matchPaths: 1 }, match, sizes.map((b) => 0.1 / Math.sqrt(b)), runs),
    experiment: { id: 'minibatch-noise', quick: true },
  };
}

describe('merging the two simulations of a batch size', () => {
  it('adds the injection models as <model>-INJ and compares them unpaired: sqrt(se_a² + se_s²)', () => {
    const c = config();
    const run = mergeRuns(c, modeBRun(0.5, { 'USAM-SDE': 0.01 }), injectionRun(0.5, { 'USAM-SDE': 0.03 }, 3e-4), 32, 0.02);
    expect(Object.keys(run.series)).toEqual([...NAMES, 'SGD-SDE-INJ', 'USAM-SDE-INJ']);
    expect([run.batchSize, run.sigma]).toEqual([32, 0.02]);
    const inj = run.comparisons.find((x) => x.algorithm === 'USAM' && x.model === 'USAM-SDE-INJ' && x.observable === 'g')!;
    expect(inj.weakError).toBeCloseTo(0.03, 12);
    expect(inj.weakErrorStderr).toBeCloseTo(Math.hypot(1e-4, 3e-4), 15);
    expect(inj.relMaxError).toBeCloseTo(0.03 / ((1 + 0.9 + 0.8) / 3), 12);
    // Every pair of the config whose model has a twin, on every observable: SGD–SGD-SDE, USAM–USAM-SDE, USAM–SGD-SDE.
    const twins = run.comparisons.filter((x) => x.model.endsWith('-INJ'));
    expect(twins.map((x) => `${x.algorithm}|${x.model}`).filter((v, i, a) => a.indexOf(v) === i))
      .toEqual(['SGD|SGD-SDE-INJ', 'USAM|USAM-SDE-INJ', 'USAM|SGD-SDE-INJ']);
    expect(twins.length).toBe(3 * 4);
  });

  it('a cancelled injection stage is compared over the records it has; a missing one adds nothing', () => {
    const c = config();
    const run = mergeRuns(c, modeBRun(0.5, { 'USAM-SDE': 0.01 }), injectionRun(0.5, {}, 1e-4, 2), 8, 0.03);
    const inj = run.comparisons.find((x) => x.algorithm === 'USAM' && x.model === 'USAM-SDE-INJ' && x.observable === 'g')!;
    expect(inj.weakError).toBe(0);
    expect(mergeRuns(c, modeBRun(0.5, {}), undefined, 8, 0.03).comparisons).toEqual(modeBRun(0.5, {}).comparisons);
  });

  it('the summary has one pair per (B, ρ, algorithm) with gap = injection − mode B and its standard error', () => {
    const doc = document([0.001, 0.001, 0.001], [0.01, 0.005, 0.002]);
    const pairs = doc.minibatch!.pairs;
    expect(pairs.length).toBe(3 * 2 * 2);
    const p = pairs.find((q) => q.batchSize === 8 && q.rho === 0.5 && q.algorithm === 'USAM')!;
    const scale = (1 + 0.9 + 0.8) / 3;
    expect(p.model).toBe('USAM-SDE');
    expect(p.modeB.relMaxError).toBeCloseTo(0.001 / scale, 12);
    expect(p.injection.relMaxError).toBeCloseTo(0.01 / scale, 12);
    expect(p.gap).toBeCloseTo(0.009 / scale, 12);
    expect(p.gapStderr).toBeCloseTo(Math.hypot(Math.SQRT2 * 1e-4, Math.SQRT2 * 1e-4) / scale, 12);
    expect(batchSlice(doc, 32).runs.map((r) => r.rho)).toEqual([0.01, 0.5]);
    expect(batchSlice(doc, 32).config.noise).toEqual({ sigma: 0, batchSize: 32 });
  });
});

describe('claim checks', () => {
  const mainAndTrend = (doc: ExperimentDocument) => minibatchChecks(doc).slice(-2);

  it('hold when the injection SDE is resolved worse at every B and its excess shrinks with B', () => {
    const doc = document([0.001, 0.001, 0.001], [0.01, 0.005, 0.003]);
    const [better, trend] = mainAndTrend(doc);
    expect(better.holds).toBe(true);
    expect(better.measured).toContain('B=8:');
    expect(better.measured).toContain('(4/4 resolved better, 0 worse)');
    expect(trend.holds).toBe(true);
    // The validation experiments' checks, per batch size, come first.
    const all = claimChecks(experiment(), doc);
    expect(all.length).toBe(5);
    expect(all[0].statement).toMatch(/^At every batch size: Each SDE tracks its own algorithm/);
    expect(all[0].holds).toBe(true);
  });

  it('fail where the injection SDE is resolved better at one B, and where the excess grows with B', () => {
    const reversed = document([0.001, 0.006, 0.001], [0.01, 0.001, 0.003]);
    const [better] = mainAndTrend(reversed);
    expect(better.holds).toBe(false);
    expect(better.measured).toMatch(/B=32:.*✗.*\(0\/4 resolved better, 4 worse\)/);
    const growing = document([0.001, 0.001, 0.001], [0.003, 0.005, 0.01]);
    const [, trend] = mainAndTrend(growing);
    expect(trend.holds).toBe(false);
  });

  it('ties (gaps within 2 standard errors) do not support the claim, and leave the trend untestable', () => {
    const doc = document([0.001, 0.001, 0.001], [0.0012, 0.0011, 0.0013], 1e-3);
    const [better, trend] = mainAndTrend(doc);
    expect(better.holds).toBe(false);
    expect(better.measured).toContain('(0/4 resolved better, 0 worse)');
    expect(better.measured).toContain('≈');
    expect(trend.holds).toBeNull();
    expect(trend.measured).toContain('not testable at this size');
  });
});

describe('figures and report', () => {
  it('draws error against B, and per batch size the validation figures', () => {
    const doc = document([0.001, 0.001, 0.001], [0.01, 0.005, 0.003]);
    const figures = documentFigures(doc, 'minibatch');
    expect(figures.map((f) => f.name)).toEqual([
      'error-vs-batch', 'error-vs-rho-B8', 'trajectories-g-B8', 'error-vs-rho-B32', 'trajectories-g-B32', 'error-vs-rho-B128', 'trajectories-g-B128',
    ]);
    // Two rows (mode B, injection) per (B, ρ, algorithm).
    expect(figures[0].csv.trim().split('\n').length).toBe(1 + 2 * 12);
    expect(figures[0].svg).toContain('batch size B');
    // Per B: 2 ρ × (3 mode-B pairs + 3 injection pairs) rows; the injection class has its own colour.
    expect(figures[1].csv.trim().split('\n').length).toBe(1 + 2 * 6);
    expect(figures[1].csv).toContain('own SDE (injection)');
    expect(figures[1].svg).toContain('B = 8');
    // Trajectories at B = 8: 2 ρ × 6 dynamics × 3 records.
    expect(figures[2].csv.trim().split('\n').length).toBe(1 + 2 * 6 * 3);
  });

  it('writes the mini-batch table and the noise in the report', () => {
    const doc = document([0.001, 0.001, 0.001], [0.01, 0.005, 0.003]);
    const e = experiment();
    const markdown = buildReport([{ experiment: e, status: 'ran', document: doc, checks: claimChecks(e, doc), files: [] }],
      { quick: true, command: 'npx sam-sde report --quick', startedAt: new Date(0), seconds: 1, adapter: doc.adapter });
    expect(markdown).toContain('mini-batches B ∈ {8, 32, 128} and Gaussian injection σ_B = 0.0354, 0.0177, 0.00884');
    expect(markdown).toContain('| B | σ_B | ρ | algorithm | own SDE, mode B | own SDE, injection | gap (injection − mode B) |');
    expect(markdown.match(/^\| (8|32|128) \| /gm)?.length).toBe(12);
  });
});

// A plain result is not a mini-batch document: no checks.
it('minibatchChecks of a document without a summary is empty', () => {
  const doc = document([0.001, 0.001, 0.001], [0.01, 0.005, 0.003]);
  const { minibatch: _m, ...plain } = doc;
  expect(minibatchChecks(plain as SimulationResult)).toEqual([]);
  expect(modeBConfig(doc.config, 32).noise).toEqual({ sigma: 0, batchSize: 32 });
  expect(injectionConfig(doc.config, 0.1).noise).toEqual({ sigma: 0.1 });
});
