// The network problems (docs/model.md §5) on the GPU, workgroup-per-path layout
// (shaders/simulate_wg.wgsl, dynamics_wg.wgsl, problems/network.wgsl), against the float64
// twin path by path: every algorithm and model on mlp, teacher-student and deep-linear, in
// noise mode A and mode B, full-batch gradient descent on Iris and Breast Cancer, the norm
// guards, and layout independence. Every network here has d ≤ 256, so the whole file shares
// one compiled program (one pipeline for all dynamics).
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, type ResolvedConfig } from '../../src/config/schema.js';
import type { GpuContext } from '../../src/gpu/device.js';
import { ALGORITHMS, MODELS, OBSERVABLES, type Dynamics, type Observable } from '../../src/dynamics/names.js';
import type { TwinPathResult } from '../../src/dynamics/twin.js';
import { createProblemTwin, initialPoint, networkSpec } from '../../src/problems/index.js';
import { workgroupProgramShape } from '../../src/simulate/kernelsWorkgroup.js';
import type { SimulationResult } from '../../src/simulate/result.js';
import { runTwinPaths } from '../../src/simulate/twinRuns.js';
import { registerNodeDatasets } from '../../src/node/datasets.js';
import { useNodeGpu } from './context.js';
import { runGpu as runGpuAllRho } from './helpers.js';

const nodeGpu = useNodeGpu();
const gpu = () => nodeGpu().context;
beforeAll(() => registerNodeDatasets());

const EVERY: Dynamics[] = [...ALGORITHMS, ...MODELS];
const NONE = 0xffffffff;

/** One ρ per config here: the GPU run's finals at that ρ. */
async function runGpu(ctx: GpuContext, config: ResolvedConfig) {
  const { result, finals } = await runGpuAllRho(ctx, config);
  return { result, finals: finals.get(config.rho[0])! };
}

const runTwin = (config: ResolvedConfig, dynamics: Dynamics) => runTwinPaths(config, dynamics, config.rho[0]);

function norm(v: ArrayLike<number>, from = 0, length = v.length): number {
  let sum = 0;
  for (let i = from; i < from + length; i++) sum += v[i] * v[i];
  return Math.sqrt(sum);
}

/** max over paths of ‖x_gpu − x_twin‖ / max(‖x_twin‖, 1). */
function worstStateError(gpuState: Float32Array, twin: TwinPathResult[], dim: number): number {
  let worst = 0;
  twin.forEach((path, p) => {
    let diff = 0;
    for (let i = 0; i < dim; i++) diff += (gpuState[p * dim + i] - path.final[i]) ** 2;
    worst = Math.max(worst, Math.sqrt(diff) / Math.max(norm(path.final), 1));
  });
  return worst;
}

/**
 * max over records of |mean_gpu − mean_twin| / max(|mean_twin|, 1e-3) for each observable,
 * divided by that observable's share of the tolerance (`scale`, 1 where absent).
 */
function worstSeriesError(
  result: SimulationResult, name: string, twin: TwinPathResult[], scale: Partial<Record<Observable, number>> = {},
): number {
  let worst = 0;
  for (const observable of OBSERVABLES) {
    const gpuMeans = result.runs[0].series[name][observable].mean;
    gpuMeans.forEach((value, r) => {
      const twinMean = twin.reduce((sum, path) => sum + path.records[observable][r], 0) / twin.length;
      worst = Math.max(worst, Math.abs(value - twinMean) / Math.max(Math.abs(twinMean), 1e-3) / (scale[observable] ?? 1));
    });
  }
  return worst;
}

/**
 * Every dynamics against the twin: final states, guards (exactly), no divergence, and the
 * per-record path means of the docs/model.md §4 observables. The errors are f32 rounding: the
 * passes sum over the data in another order than the twin; the measured worst errors
 * (SwiftShader) are listed per case.
 */
async function compareEvery(
  ctx: GpuContext, config: ResolvedConfig, tolerance: number, scale: Partial<Record<Observable, number>> = {},
): Promise<Record<string, number>> {
  const { result, finals } = await runGpu(ctx, config);
  const dim = createProblemTwin(config.problem).dim;
  const errors: Record<string, number> = {};
  for (const name of config.algorithms.length + config.models.length === EVERY.length ? EVERY : [...config.algorithms, ...config.models]) {
    const twin = runTwin(config, name);
    const gpuPaths = finals[name];
    expect(twin.every((p) => p.divergedAt === null), `${name}: twin divergence`).toBe(true);
    expect([...gpuPaths.divergedAt].every((d) => d === NONE), `${name}: GPU divergence`).toBe(true);
    expect([...gpuPaths.guards], `${name}: guards`).toEqual(twin.map((p) => p.guarded));
    // The paths must have moved well beyond the tolerance, or the comparison says nothing.
    const moved = twin.map((p, i) => norm(p.final.map((v, j) => v - initialPoint(config.x0, dim, i)[j])) / Math.max(norm(p.final), 1));
    expect(Math.min(...moved), `${name}: paths moved`).toBeGreaterThan(100 * tolerance);
    errors[name] = Math.max(worstStateError(gpuPaths.state, twin, dim), worstSeriesError(result, name, twin, scale));
    expect(errors[name], `${name}: GPU against twin`).toBeLessThanOrEqual(tolerance);
  }
  return errors;
}

const MLP_IRIS = { kind: 'mlp', dataset: 'iris', hidden: 4, activation: 'sigmoid', weightDecay: 0.1 };
const TEACHER = {
  kind: 'teacher-student', inputs: 5, samples: 10, hidden: 8, outputs: 1, teacherHidden: 6,
  activation: 'sigmoid', teacherActivation: 'sigmoid', weightDecay: 0.01, seed: 2,
};
const DEEP_LINEAR = { kind: 'deep-linear', dataset: 'iris', hidden: 3, lambda: 0.001 };

describe('networks on the GPU against the float64 twin, path by path (mode A)', () => {
  // Measured worst relative errors over the 11 dynamics (SwiftShader, 4 paths): mlp 7.0e-7,
  // teacher-student 1.1e-6, deep-linear 1.6e-6 → tolerance 1e-5.
  const TOLERANCE = 1e-5;
  const common = {
    noise: { sigma: 0.05 }, rho: 0.1, paths: 4, seed: 7, samInner: 3, coupling: 'shared', recordEvery: 25,
  };

  it('mlp (Iris, sigmoid, h=4, wd=0.1): every algorithm and model, 100 steps, m=2', async () => {
    const ctx = gpu();
    await ctx.scoped('networks: mlp', () => compareEvery(ctx, resolveConfig({
      ...common, problem: MLP_IRIS, eta: 0.05, steps: 100, substeps: 2,
    }), TOLERANCE));
  });

  // Not much longer: once the 10 samples are nearly fitted, DNSAM's ρ/‖∇f‖ amplifies the f32
  // rounding (at 200 steps of η = 0.1 the GPU and the twin part by 1e-3). Near that fit the
  // mean of ‖∇f‖ is ill-conditioned: ‖∇f‖ ≈ 0.05–0.1 while ‖H‖‖x‖ is O(1), so DNSAM's states,
  // which agree to 1.1e-6, give ‖∇f‖ means that agree to 4.0e-5 (records 1–3; the problem's
  // Threefry-drawn teacher and data). That one observable gets 10× the tolerance.
  it('teacher-student (5→8→1, sigmoid teacher 6): every algorithm and model, 100 steps, independent coupling', async () => {
    const ctx = gpu();
    await ctx.scoped('networks: teacher-student', () => compareEvery(ctx, resolveConfig({
      ...common, problem: TEACHER, eta: 0.05, steps: 100, coupling: 'independent',
    }), TOLERANCE, { gradNorm: 10 }));
  });

  it('deep-linear (Iris, h=3): every algorithm and model, 100 steps from x0 = 0.02·1', async () => {
    const ctx = gpu();
    await ctx.scoped('networks: deep-linear', () => compareEvery(ctx, resolveConfig({
      ...common, problem: DEEP_LINEAR, eta: 0.1, steps: 100, noise: { sigma: 0.02 },
    }), TOLERANCE));
  });
});

describe('noise mode B (mini-batches) on the GPU against the twin', () => {
  // Batch indices, ζ weights and ghost batches come from the same Threefry counters on both
  // sides; measured worst relative error over the 11 dynamics: 7.7e-7 → tolerance 1e-5.
  const TOLERANCE = 1e-5;

  it('mlp (Iris): every algorithm and model, B=8, 100 steps, m=2, K=3 ghost batches', async () => {
    const ctx = gpu();
    await ctx.scoped('networks: mode B mlp', () => compareEvery(ctx, resolveConfig({
      problem: MLP_IRIS, noise: { batchSize: 8 }, eta: 0.05, rho: 0.1, steps: 100, paths: 4, seed: 3,
      samInner: 3, substeps: 2, recordEvery: 25,
    }), TOLERANCE));
  });

  it('a path depends on its global index only: paths 0..1 of 6 equal a run of 2, bit for bit', async () => {
    const ctx = gpu();
    await ctx.scoped('networks: layout', async () => {
      const base = {
        problem: MLP_IRIS, noise: { batchSize: 5 }, eta: 0.05, rho: 0.1, steps: 20, seed: 9, samInner: 2,
        algorithms: ['SAM'], models: ['SAM-SDE', 'USAM-SDE'], recordEvery: 10,
      };
      const whole = await runGpu(ctx, resolveConfig({ ...base, paths: 6 }));
      const part = await runGpu(ctx, resolveConfig({ ...base, paths: 2 }));
      const dim = createProblemTwin(resolveConfig({ ...base, paths: 2 }).problem).dim;
      for (const name of ['SAM', 'SAM-SDE', 'USAM-SDE']) {
        expect([...part.finals[name].state], name).toEqual([...whole.finals[name].state.subarray(0, 2 * dim)]);
      }
    });
  });
});

describe('a record pass serves the next step (shaders/simulate_wg.wgsl)', () => {
  // In noise mode A the record's full-batch gradient at x is the next step's first pass, and
  // the step reuses it. Recording every step (reused at every step) or only at the end (once)
  // must give the same paths, bit for bit, and the same observables where both record.
  it('recording every step or every 8th: the same final states and the same records at steps 8 and 16', async () => {
    const ctx = gpu();
    await ctx.scoped('networks: record reuse', async () => {
      const base = {
        problem: MLP_IRIS, x0: { normal: { std: 0.3, seed: 2 } }, noise: { sigma: 0.05 }, eta: 0.05, rho: 0.1, steps: 16,
        paths: 3, seed: 4, samInner: 2, substeps: 2, algorithms: ['SGD', 'DNSAM'], models: ['USAM-SDE', 'SAM-DRIFT', 'SAM-SDE'],
      };
      const every = await runGpu(ctx, resolveConfig({ ...base, recordEvery: 1 }));
      const sparse = await runGpu(ctx, resolveConfig({ ...base, recordEvery: 8 }));
      for (const name of [...base.algorithms, ...base.models]) {
        expect([...every.finals[name].state], name).toEqual([...sparse.finals[name].state]);
        const dense = every.result.runs[0].series[name];
        const few = sparse.result.runs[0].series[name];
        for (const observable of OBSERVABLES) {
          expect([0, 8, 16].map((step) => dense[observable].mean[step]), `${name} ${observable}`).toEqual(few[observable].mean);
        }
      }
    });
  });
});

describe('row groups without subgroups (shaders/problems/network.wgsl)', () => {
  // A device without the subgroups feature (as some browsers give) sums each row group's
  // hidden units through workgroup memory: the same sums in the same order, so the same bits.
  // Mode B: batches, ζ weights, self-minus directions and second outputs.
  const cases = [
    { name: 'pairs: Iris h=60 (hidden units padded to 64)', problem: { ...MLP_IRIS, hidden: 60 }, threads: 2, models: ['SAM-SDE', 'USAM-SDE', 'DNSAM-SDE'] },
    {
      name: 'quads: teacher-student 30→30→1, 64 samples (padded to 32)',
      problem: {
        kind: 'teacher-student', inputs: 30, samples: 64, hidden: 30, outputs: 1, teacherHidden: 30,
        activation: 'sigmoid', teacherActivation: 'sigmoid', weightDecay: 0.01, seed: 0,
      },
      threads: 4,
      models: ['SAM-SDE', 'USAM-SDE'],
    },
  ];
  for (const { name, problem, threads, models } of cases) {
    it(`${name}: SAM and ${models.join(', ')}, bit for bit the subgroup form, and the twin's paths`, async () => {
      const ctx = gpu();
      const config = resolveConfig({
        problem, noise: { batchSize: 8 }, eta: 0.05, rho: 0.1, steps: 10, paths: 2, seed: 5,
        samInner: 3, substeps: 2, recordEvery: 5, algorithms: ['SAM'], models,
      });
      const spec = networkSpec(config.problem as Parameters<typeof networkSpec>[0]);
      expect(workgroupProgramShape(spec, ctx.device.limits.maxComputeWorkgroupStorageSize, true).rowThreads).toBe(threads);
      if (ctx.adapter.features.includes('subgroups')) expect(ctx.device.features.has('subgroups')).toBe(true);
      const fallback = await nodeGpu().newContext('networks: no subgroups', { withoutFeatures: ['subgroups' as GPUFeatureName] });
      try {
        expect(fallback.device.features.has('subgroups')).toBe(false);
        const withSubgroups = await ctx.scoped('networks: subgroups', () => runGpu(ctx, config));
        const without = await fallback.scoped('networks: no subgroups', () => runGpu(fallback, config));
        for (const dynamics of ['SAM', ...models]) {
          expect([...without.finals[dynamics].state], dynamics).toEqual([...withSubgroups.finals[dynamics].state]);
          expect(without.result.runs[0].series[dynamics].loss.mean, dynamics).toEqual(withSubgroups.result.runs[0].series[dynamics].loss.mean);
        }
        const dim = createProblemTwin(config.problem).dim;
        for (const dynamics of ['SAM', ...models] as Dynamics[]) {
          expect(worstStateError(without.finals[dynamics].state, runTwin(config, dynamics), dim), dynamics).toBeLessThanOrEqual(1e-5);
        }
      } finally {
        fallback.destroy();
      }
    });
  }
});

describe('full-batch gradient descent (σ = 0, SGD) on the paper\'s data sets', () => {
  // Measured: the GPU's per-step losses match the twin's within 3.1e-7 (Iris) and 2.9e-7
  // (Breast Cancer), relative; sixty steps take the loss to 62 % of its start on both.
  const cases = [
    { name: 'Iris, linear MLP h=20, wd=0.1 (d=140)', problem: { kind: 'mlp', dataset: 'iris', hidden: 20, activation: 'linear', weightDecay: 0.1 }, eta: 0.05 },
    { name: 'Breast Cancer, sigmoid MLP h=8, wd=0.1 (d=248)', problem: { kind: 'mlp', dataset: 'breast-cancer', hidden: 8, activation: 'sigmoid', weightDecay: 0.1 }, eta: 0.05 },
  ];
  for (const { name, problem, eta } of cases) {
    it(`${name}: the loss decreases at every step and matches the twin step by step`, async () => {
      const ctx = gpu();
      await ctx.scoped(`networks: GD ${name}`, async () => {
        const config = resolveConfig({
          problem, noise: { sigma: 0 }, eta, rho: 0, steps: 60, paths: 1, seed: 1,
          algorithms: ['SGD'], models: [], recordEvery: 1,
        });
        const { result } = await runGpu(ctx, config);
        const gpuLoss = result.runs[0].series.SGD.loss.mean;
        const twinLoss = runTwin(config, 'SGD')[0].records.loss;
        expect(gpuLoss.length).toBe(61);
        for (let k = 1; k <= 60; k++) {
          expect(twinLoss[k], `twin step ${k}`).toBeLessThan(twinLoss[k - 1]);
          expect(gpuLoss[k], `GPU step ${k}`).toBeLessThan(gpuLoss[k - 1]);
          expect(Math.abs(gpuLoss[k] - twinLoss[k]) / twinLoss[k], `step ${k}`).toBeLessThan(2e-6);
        }
        // Sixty small steps make real progress (the test would pass vacuously otherwise).
        expect(twinLoss[60]).toBeLessThan(0.9 * twinLoss[0]);
      });
    });
  }
});

describe('norm guards on the GPU (docs/model.md §2)', () => {
  it('deep-linear from the saddle x0 = 0 with σ = 0: ∇f = 0, guards fire as the twin counts, states stay 0', async () => {
    const ctx = gpu();
    await ctx.scoped('networks: guards', async () => {
      const steps = 10;
      const config = resolveConfig({
        problem: DEEP_LINEAR, x0: { constant: 0 }, noise: { sigma: 0 }, eta: 0.1, rho: 0.1, steps, paths: 2,
        seed: 1, samInner: 3, substeps: 2, recordEvery: 5,
      });
      const { result, finals } = await runGpu(ctx, config);
      for (const name of EVERY) {
        const twin = runTwin(config, name);
        expect([...finals[name].guards], name).toEqual(twin.map((p) => p.guarded));
        expect([...finals[name].state].every((v) => v === 0), `${name}: stays at the saddle`).toBe(true);
        expect(result.runs[0].series[name].loss.mean.every(Number.isFinite)).toBe(true);
      }
      // DNSAM and SAM divide by ‖∇f‖ once per step; the DNSAM models once per substep; the
      // SAM models once per inner draw.
      expect(finals.SAM.guards[0]).toBe(steps);
      expect(finals['DNSAM-SDE'].guards[0]).toBe(steps * 2);
      expect(finals['SAM-SDE'].guards[0]).toBe(steps * 2 * 3);
    });
  });
});

describe('SAM-SDE on the largest networks (once a SwiftShader crash)', () => {
  // SAM-SDE's kernel used to die with SIGSEGV in SwiftShader when each thread held many lane
  // groups (over 51 were refused); with the slice helpers taking vectors by pointer
  // (shaders/slice.wgsl) the networks run up to the largest that fit the workgroup memory.
  // The tolerance is the mode A tests' (1e-5).
  it('the Breast Cancer MLP (d = 930, 30 lane groups per thread) runs and matches the twin', async () => {
    const ctx = gpu();
    const errors = await ctx.scoped('networks: SAM-SDE on Breast Cancer', () => compareEvery(ctx, resolveConfig({
      problem: { kind: 'mlp', dataset: 'breast-cancer', hidden: 30, activation: 'sigmoid', weightDecay: 0.01 },
      x0: { normal: { std: 0.1, seed: 1 } }, noise: { sigma: 0.05 }, eta: 0.05, rho: 0.1,
      steps: 3, paths: 2, seed: 1, samInner: 2, recordEvery: 1, algorithms: [], models: ['SAM-SDE'], compare: [],
    }), 1e-5));
    expect(errors['SAM-SDE']).toBeLessThanOrEqual(1e-5);
  });

  it('teacher-student h = 640 (d = 3840, 120 lane groups per thread, near the workgroup memory limit) runs and matches the twin', async () => {
    const ctx = gpu();
    const errors = await ctx.scoped('networks: SAM-SDE, teacher-student h = 640', () => compareEvery(ctx, resolveConfig({
      problem: { ...TEACHER, samples: 10, hidden: 640 },
      x0: { normal: { std: 0.05, seed: 1 } }, noise: { sigma: 0.01 }, eta: 0.01, rho: 0.1,
      steps: 2, paths: 2, seed: 1, samInner: 2, recordEvery: 1, algorithms: [], models: ['SAM-SDE'], compare: [],
    }), 1e-5));
    expect(errors['SAM-SDE']).toBeLessThanOrEqual(1e-5);
  });
});

describe('path slots: several paths a workgroup (shaders/slice.wgsl, docs/architecture.md "Path slots")', () => {
  // A slot's sums run over its own threads in the same order whatever the slots, so 4 paths a
  // workgroup must give the bits of 1. The runs cover a partial last workgroup (10 paths in
  // workgroups of 4), paths that diverge at different steps (dead slots stepping beside live
  // ones, which must change neither their state nor their guard counts), mode B's per-path
  // batches and ζ weights, and sharpness readouts whose Lanczos runs end at different steps.
  it('4 slots give the bits of 1: every dynamics in mode A with divergence and readouts, and mode B', { timeout: 600_000 }, async () => {
    const ctx = gpu();
    expect(workgroupProgramShape(networkSpec(MLP_IRIS as never), 32768, true, 4).pathSlots).toBe(4);
    const configs = [
      resolveConfig({
        // 6 of the 10 paths cross ‖x‖ = 4.5 between steps 13 and 31.
        problem: MLP_IRIS, x0: { normal: { std: 0.5, seed: 3 } }, noise: { sigma: 1.5 }, eta: 0.1, rho: 0.1,
        steps: 40, paths: 10, seed: 4, substeps: 2, samInner: 3, recordEvery: 5, divergeAbove: 4.5,
        sharpness: { every: 20, probes: 2, iterations: 8 },
      }),
      resolveConfig({
        problem: MLP_IRIS, noise: { batchSize: 5 }, eta: 0.05, rho: 0.1, steps: 20, paths: 7, seed: 9, samInner: 3,
        recordEvery: 5,
      }),
    ];
    await ctx.scoped('networks: path slots', async () => {
      for (const [c, config] of configs.entries()) {
        const one = await runGpuAllRho(ctx, config, { networkPathSlots: 1 });
        const four = await runGpuAllRho(ctx, config, { networkPathSlots: 4 });
        const rho = config.rho[0];
        for (const name of EVERY) {
          const [a, b] = [one.finals.get(rho)![name], four.finals.get(rho)![name]];
          expect(b.state, `config ${c}, ${name}: states`).toEqual(a.state);
          expect(b.divergedAt, `config ${c}, ${name}: divergence steps`).toEqual(a.divergedAt);
          expect(b.guards, `config ${c}, ${name}: guards`).toEqual(a.guards);
          expect(four.result.runs[0].series[name], `config ${c}, ${name}: series`).toEqual(one.result.runs[0].series[name]);
        }
        if (c === 0) {
          // The divergence case has both kinds of path, dying at different steps.
          const steps = EVERY.flatMap((name) => [...one.finals.get(rho)![name].divergedAt]);
          const dead = new Set(steps.filter((s) => s !== NONE));
          expect(dead.size, 'distinct divergence steps').toBeGreaterThan(2);
          expect(steps.filter((s) => s === NONE).length, 'paths alive at the end').toBeGreaterThan(10);
        }
      }
    });
  });
});
