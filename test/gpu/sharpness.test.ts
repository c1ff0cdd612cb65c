// The sharpness readouts on the GPU (docs/model.md §8; shaders/sharpness*.wgsl,
// src/simulate/sharpness.ts) against closed forms and the float64 twin
// (src/dynamics/twinSharpness.ts): the diagonal quadratic's tr H and λ_max, the saddle and an
// Iris MLP path mean by path mean, a dense quadratic above the register budget, and the rule that adding
// readouts changes no other number of a run.
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, type ResolvedConfig } from '../../src/config/schema.js';
import type { GpuContext } from '../../src/gpu/device.js';
import type { Dynamics } from '../../src/dynamics/names.js';
import { sharpnessPathTwin } from '../../src/dynamics/twinSharpness.js';
import { initialPoint } from '../../src/problems/index.js';
import { simulate } from '../../src/simulate/runner.js';
import { sharpnessBudget } from '../../src/simulate/sharpness.js';
import type { SimulationResult } from '../../src/simulate/result.js';
import { twinParams } from '../../src/simulate/twinRuns.js';
import { registerNodeDatasets } from '../../src/node/datasets.js';
import { sources, useGpu } from './context.js';

const gpu = useGpu();
beforeAll(() => registerNodeDatasets());

const run = (ctx: GpuContext, config: ResolvedConfig) => ctx.scoped('sharpness', () => simulate(ctx, sources, config));

/** Twin means over the paths alive at each readout, per dynamics: trace and top. */
function twinMeans(config: ResolvedConfig, dynamics: Dynamics) {
  const params = twinParams(config, dynamics, config.rho[0]);
  const dim = params.problem.dim;
  const paths = Array.from({ length: config.paths }, (_, p) =>
    sharpnessPathTwin(params, initialPoint(config.x0, dim, p), p, config.steps, config.recordEvery, config.sharpness!));
  const readouts = paths[0].trace.length;
  const mean = (key: 'trace' | 'top') => Array.from({ length: readouts }, (_, r) => {
    const alive = paths.filter((path) => path.divergedAt === null || path.divergedAt > r * config.sharpness!.every);
    return alive.reduce((sum, path) => sum + path[key][r], 0) / alive.length;
  });
  return { trace: mean('trace'), top: mean('top') };
}

/** max over readouts of |gpu − twin| / max(|twin|, floor). */
function worst(gpuMeans: number[], twin: number[], floor: number): number {
  expect(gpuMeans.length).toBe(twin.length);
  return Math.max(...gpuMeans.map((v, r) => Math.abs(v - twin[r]) / Math.max(Math.abs(twin[r]), floor)));
}

function expectSameObservables(a: SimulationResult, b: SimulationResult): void {
  a.runs.forEach((runA, i) => {
    const runB = b.runs[i];
    expect(runB.t).toEqual(runA.t);
    for (const [name, series] of Object.entries(runA.series)) {
      const { sharpness: _a, ...plain } = series;
      const { sharpness: _b, ...other } = runB.series[name];
      expect(other).toEqual(plain);
    }
    const observableComparisons = (list: typeof runA.comparisons) => list.filter((c) => c.observable !== 'trace' && c.observable !== 'top');
    expect(observableComparisons(runB.comparisons)).toEqual(observableComparisons(runA.comparisons));
  });
}

describe('sharpness readouts, thread-per-path layout', () => {
  it('diagonal quadratic (register form): every path reads tr H and λ_max; nothing else changes', { timeout: 300_000 }, async () => {
    const ctx = gpu();
    const eigenvalues = [3, -0.5, 1, 2, 0.25, 7, 0.1];
    const plain = resolveConfig({
      problem: { kind: 'quadratic', hessian: { eigenvalues } }, noise: { sigma: 0.1 }, eta: 0.01, rho: 0.05,
      steps: 40, paths: 96, recordEvery: 10, algorithms: ['SGD', 'SAM'], models: ['SAM-SDE'],
    });
    const withSharpness = resolveConfig({ ...plain, sharpness: { every: 20, probes: 2, iterations: 7 } });
    const [a, b] = [await run(ctx, plain), await run(ctx, withSharpness)];
    expectSameObservables(a, b);
    for (const name of ['SGD', 'SAM', 'SAM-SDE']) {
      const s = b.runs[0].series[name].sharpness!;
      expect(s.t).toEqual([0, 0.2, 0.4]);
      expect(s.count).toEqual([96, 96, 96]);
      // f32: Σλ v_i² with v_i = ±1 is tr H to a few ulps (measured 8e-8 relative, standard error
      // 1e-7); Lanczos with Q = d gives λ_max (measured: 7 exactly in the mean, stderr 6e-8).
      for (const v of s.trace.mean) expect(Math.abs(v - 12.85) / 12.85).toBeLessThan(1e-6);
      for (const v of s.trace.stderr) expect(v).toBeLessThan(1e-6);
      for (const v of s.top.mean) expect(Math.abs(v - 7) / 7).toBeLessThan(1e-6);
    }
    const sharp = b.runs[0].comparisons.filter((c) => c.observable === 'trace' || c.observable === 'top');
    expect(sharp.map((c) => `${c.algorithm}/${c.model}/${c.observable}`)).toEqual(
      ['SAM/SAM-SDE/trace', 'SAM/SAM-SDE/top']);
    for (const c of sharp) expect(c.relMaxError).toBeLessThan(1e-5);
  });

  it('saddle (d = 10, repeated eigenvalues): GPU path means match the float64 twin', { timeout: 300_000 }, async () => {
    const ctx = gpu();
    const config = resolveConfig({
      problem: { kind: 'saddle', eigenvalues: [1, 1, 1, 1, 1, -1, -1, -1, -1, -1], quartic: 1 },
      x0: { normal: { std: 0.5, seed: 3 } }, noise: { sigma: 0.05 }, eta: 0.01, rho: 0.1,
      steps: 60, paths: 64, recordEvery: 10, algorithms: ['SGD', 'USAM'], models: ['USAM-SDE'],
      sharpness: { every: 30, probes: 3, iterations: 6 },
    });
    const result = await run(ctx, config);
    for (const name of ['SGD', 'USAM', 'USAM-SDE'] as Dynamics[]) {
      const twin = twinMeans(config, name);
      const s = result.runs[0].series[name].sharpness!;
      // Measured ≤ 7e-8 relative (f32 states after 60 steps, f32 probes and Lanczos): 10× margin.
      expect(worst(s.trace.mean, twin.trace, 1)).toBeLessThan(1e-6);
      expect(worst(s.top.mean, twin.top, 1)).toBeLessThan(1e-6);
    }
  });

  it('reading a chunk in several dispatches (a small Lanczos budget) gives the same bits', { timeout: 300_000 }, async () => {
    const ctx = gpu();
    const config = resolveConfig({
      problem: { kind: 'saddle', eigenvalues: [2, 1, -1, -0.5, 0.3], quartic: 0.5 }, noise: { sigma: 0.05 },
      eta: 0.01, rho: 0.1, steps: 20, paths: 100, recordEvery: 10, algorithms: ['DNSAM'], models: ['DNSAM-SDE'],
      sharpness: { every: 10, probes: 2, iterations: 5 },
    });
    const whole = await run(ctx, config);
    const saved = sharpnessBudget.basisBytes;
    // 5 iterations × 2 lane groups × 16 bytes = 160 bytes a path: 30 paths a dispatch, 4 dispatches.
    sharpnessBudget.basisBytes = 30 * 160;
    try {
      const split = await run(ctx, config);
      expect(split.runs[0].series.DNSAM.sharpness).toEqual(whole.runs[0].series.DNSAM.sharpness);
      expect(split.runs[0].series['DNSAM-SDE'].sharpness).toEqual(whole.runs[0].series['DNSAM-SDE'].sharpness);
      expect(whole.runs[0].series.DNSAM.sharpness!.count).toEqual([100, 100, 100]);
    } finally {
      sharpnessBudget.basisBytes = saved;
    }
  });

});

describe('sharpness readouts, workgroup-per-path layout', () => {
  it('a dense quadratic above the register budget (d = 133, shaders/problems/quadratic_wg.wgsl): top and trace against the twin', { timeout: 300_000 }, async () => {
    const ctx = gpu();
    const config = resolveConfig({
      problem: { kind: 'quadratic', hessian: { wishart: { dim: 133, seed: 2 } } }, noise: { sigma: 0.1 }, eta: 0.01,
      rho: 0.05, steps: 10, paths: 64, recordEvery: 10, algorithms: ['SGD'], models: [],
      sharpness: { every: 10, probes: 2, iterations: 12 },
    });
    const result = await run(ctx, config);
    const twin = twinMeans(config, 'SGD');
    const s = result.runs[0].series.SGD.sharpness!;
    // Measured ≤ 7e-8 relative.
    expect(worst(s.trace.mean, twin.trace, 1)).toBeLessThan(1e-6);
    expect(worst(s.top.mean, twin.top, 1)).toBeLessThan(1e-6);
  });

  it('Iris MLP with weight decay: GPU path means match the twin; nothing else changes', { timeout: 600_000 }, async () => {
    const ctx = gpu();
    const plain = resolveConfig({
      problem: { kind: 'mlp', dataset: 'iris', hidden: 4, activation: 'sigmoid', weightDecay: 0.1 },
      noise: { sigma: 0.01 }, eta: 0.05, rho: 0.1, steps: 20, paths: 8, recordEvery: 10,
      algorithms: ['SAM'], models: ['SAM-SDE'], samInner: 2,
    });
    const config = resolveConfig({ ...plain, sharpness: { every: 10, probes: 2, iterations: 8 } });
    const [a, b] = [await run(ctx, plain), await run(ctx, config)];
    expectSameObservables(a, b);
    for (const name of ['SAM', 'SAM-SDE'] as Dynamics[]) {
      const twin = twinMeans(config, name);
      const s = b.runs[0].series[name].sharpness!;
      // Measured ≤ 1e-7 relative (network passes in f32): 10× margin.
      expect(worst(s.trace.mean, twin.trace, 1)).toBeLessThan(1e-6);
      expect(worst(s.top.mean, twin.top, 1)).toBeLessThan(1e-6);
    }
  });
});
