// The simulation kernels (shaders/dynamics.wgsl, shaders/simulate.wgsl) against the float64
// twin (src/dynamics/twin.ts), path by path, for every algorithm of docs/model.md §2 and every
// model of section 3: the same ResolvedConfig drives both sides, x0 and every noise draw come
// from the same Threefry counters (section 3), so the only difference left is f32 rounding.
// Then layout independence: a path's result depends on its global index only.
import { describe, expect, it } from 'vitest';
import { resolveConfig, type ResolvedConfig } from '../../src/config/schema.js';
import type { GpuContext } from '../../src/gpu/device.js';
import type { SimulateOptions } from '../../src/simulate/runner.js';
import { ALGORITHMS, MODELS, OBSERVABLES, type Dynamics } from '../../src/dynamics/names.js';
import { HARDWARE_LARGE_PROBLEM_SLOTS, HARDWARE_LARGE_PROBLEM_THREADS } from '../../src/simulate/kernelsWorkgroup.js';
import { useGpu } from './context.js';
import {
  ALIVE, runGpu, runTwin, twinRecordCounts, twinRecordMeans, worstSeriesError, worstStateError,
} from './helpers.js';

const gpu = useGpu();
const EVERY: Dynamics[] = [...ALGORITHMS, ...MODELS];

// Dyadic, so that x* and an x0 placed on it are the same numbers in f32 and float64.
const MINIMIZER = [0.5, -0.25, 0.75, -1, 0.125, 0.375];
const WISHART = { kind: 'quadratic', hessian: { wishart: { dim: 6, seed: 3 } }, minimizer: MINIMIZER };

/**
 * f32 tolerances. One step rounds each coordinate a few times (≈ 6e-8 each); on a contracting
 * quadratic those errors add up but are not amplified, so after n steps (m substeps each) the
 * relative error is ≲ n·m·few·6e-8. On the saddle the negative directions grow errors by up to
 * (1 + η|λ|)^n. Measured on SwiftShader (max over the 11 dynamics, 64 paths):
 *   (a) Wishart, 100 steps × 2 substeps: 5.2e-7 (SGD-SDE) → tolerance 5e-6;
 *   (b) saddle, 100 steps: 1.0e-6 (SGD-SDE) → tolerance 1e-5;
 * and the per-record path means of the four observables (relative, floor 1e-3), where the
 * rounding partly averages out: 2.4e-7 (loss) → 3e-6. The state error is
 * ‖Δx‖ / max(‖x‖, 1): relative for large states, absolute near the origin.
 */
const TOLERANCE = {
  wishart: { state: 5e-6, means: 3e-6 },
  saddle: { state: 1e-5, means: 3e-6 },
};

/** Every dynamics on the GPU and through the twin; finals, divergence, guards and series. */
async function compareWithTwin(
  context: GpuContext, config: ResolvedConfig, tolerance: { state: number; means: number }, options: SimulateOptions = {},
): Promise<void> {
  const { result, finals } = await runGpu(context, config, options);
  const rho = config.rho[0];
  const run = result.runs[0];
  for (const name of EVERY) {
    const twin = runTwin(config, name, rho);
    const gpuPaths = finals.get(rho)![name];
    const dim = twin[0].final.length;
    // No path is meant to diverge here: a divergence would hide the comparison.
    expect(twin.every((p) => p.divergedAt === null), `${name}: twin divergence`).toBe(true);
    expect([...gpuPaths.divergedAt].every((d) => d === ALIVE), `${name}: GPU divergence`).toBe(true);
    expect(run.series[name].diverged).toBe(0);
    expect(run.series[name].count).toEqual(twinRecordCounts(twin, config.recordEvery));

    const stateError = worstStateError(gpuPaths.state, twin, dim, 1);
    expect(stateError, `${name}: final states`).toBeLessThanOrEqual(tolerance.state);

    // Guards: per path, exactly (none fire here, with σ > 0; see the σ = 0 test).
    expect([...gpuPaths.guards], `${name}: guards`).toEqual(twin.map((p) => p.guarded));

    for (const observable of OBSERVABLES) {
      const twinMeans = twinRecordMeans(twin, observable, config.recordEvery);
      const error = worstSeriesError(run.series[name][observable].mean, twinMeans, 1e-3);
      expect(error, `${name}: ${observable} means`).toBeLessThanOrEqual(tolerance.means);
    }
  }
}

describe('GPU dynamics against the float64 twin, path by path', () => {
  it('every algorithm and model on a non-diagonal quadratic (Wishart d=6, x* ≠ 0), m=2, shared coupling', async () => {
    const context = gpu();
    await context.scoped('twin: wishart', () => compareWithTwin(context, resolveConfig({
      problem: WISHART,
      x0: { normal: { std: 1, seed: 11 } },
      noise: { sigma: 0.5 },
      eta: 0.05, rho: 0.3, steps: 100, paths: 64, seed: 5,
      substeps: 2, coupling: 'shared', samInner: 4, recordEvery: 10,
    }), TOLERANCE.wishart));
  });

  it('every algorithm and model on the saddle (d=5, λ with negative entries, μ=0.5), independent coupling', async () => {
    const context = gpu();
    await context.scoped('twin: saddle', () => compareWithTwin(context, resolveConfig({
      problem: { kind: 'saddle', eigenvalues: [1, 0.5, -0.5, 2, -1], quartic: 0.5 },
      x0: { normal: { std: 0.5, seed: 12 } },
      noise: { sigma: 0.3 },
      eta: 0.05, rho: 0.2, steps: 100, paths: 64, seed: 6,
      substeps: 1, coupling: 'independent', samInner: 4, recordEvery: 10,
    }), TOLERANCE.saddle));
  });

  // Above the generated H·v: d = 37 > REGISTER_HVP_DIM_MAX keeps the register vectors but
  // loops over H's blocks; d = 133 > REGISTER_DIM_MAX takes the workgroup-per-path form
  // (shaders/problems/quadratic_wg.wgsl) with the adapter's threads per path (4 on SwiftShader).
  // 37 = 4·9 + 1 and 133 = 4·33 + 1 pad the last lane.
  const largerForms = [
    { name: 'register vectors with a looped H·v (REGISTER_HVP_DIM_MAX < d ≤ REGISTER_DIM_MAX): a Wishart d=37 quadratic', dim: 37, eta: 0.05, steps: 40, paths: 32 },
    { name: 'above the register budget (REGISTER_DIM_MAX): the workgroup-per-path form on a Wishart d=133 quadratic', dim: 133, eta: 0.02, steps: 20, paths: 16 },
  ];
  for (const { name, dim, eta, steps, paths } of largerForms) {
    it(`${name}, every dynamics, m=2`, { timeout: 600_000 }, async () => {
      const context = gpu();
      await context.scoped(`twin: d=${dim}`, () => compareWithTwin(context, resolveConfig({
        problem: { kind: 'quadratic', hessian: { wishart: { dim, seed: 4 } } },
        x0: { normal: { std: 1, seed: 13 } },
        noise: { sigma: 0.5 },
        eta, rho: 0.3, steps, paths, seed: 8,
        substeps: 2, coupling: 'shared', samInner: 4, recordEvery: 10,
      }), TOLERANCE.wishart));
    });
  }

  // The loop form this replaced crashed SwiftShader's compiler above d = 176; the workgroup
  // form has no such limit. d = 301 with a GPU's 64 threads a path (2 lane groups for some
  // threads, 1 for others: 301 = 4·75 + 1) and 4 paths a workgroup (6 paths: the second
  // workgroup half empty) checks the shape a hardware adapter gets.
  it('above the register budget with a GPU\'s shape (64 threads a path, 4 paths a workgroup): a Wishart d=301 quadratic, every dynamics, m=1', { timeout: 600_000 }, async () => {
    const context = gpu();
    await context.scoped('twin: d=301, 64 threads', () => compareWithTwin(context, resolveConfig({
      problem: { kind: 'quadratic', hessian: { wishart: { dim: 301, seed: 5 } } },
      x0: { normal: { std: 1, seed: 14 } },
      noise: { sigma: 0.5 },
      eta: 0.01, rho: 0.3, steps: 10, paths: 6, seed: 9,
      substeps: 1, coupling: 'shared', samInner: 4, recordEvery: 5,
    }), TOLERANCE.wishart, { largeProblemThreads: HARDWARE_LARGE_PROBLEM_THREADS, largeProblemSlots: HARDWARE_LARGE_PROBLEM_SLOTS }));
  });

  // With several path slots the quadratic's H·v reads H through tiles of workgroup memory that
  // the slots share (shaders/problems/quadratic_wg.wgsl), in the same order: the same bits as
  // one path a workgroup. 10 paths leave the last workgroup of 4 partly empty.
  it('above the register budget, 4 paths a workgroup sharing H\'s tiles give the bits of 1 (d=133, every dynamics, readouts)', { timeout: 600_000 }, async () => {
    const context = gpu();
    const config = resolveConfig({
      problem: { kind: 'quadratic', hessian: { wishart: { dim: 133, seed: 4 } } },
      x0: { normal: { std: 1, seed: 13 } }, noise: { sigma: 0.5 },
      eta: 0.02, rho: 0.3, steps: 10, paths: 10, seed: 8, substeps: 2, samInner: 3, recordEvery: 5,
      sharpness: { every: 10, probes: 2, iterations: 6 },
    });
    await context.scoped('twin: d=133, path slots', async () => {
      const one = await runGpu(context, config, { largeProblemSlots: 1 });
      const four = await runGpu(context, config, { largeProblemSlots: 4 });
      const rho = config.rho[0];
      for (const name of EVERY) {
        expect(four.finals.get(rho)![name].state, `${name}: states`).toEqual(one.finals.get(rho)![name].state);
        expect(four.result.runs[0].series[name], `${name}: series`).toEqual(one.result.runs[0].series[name]);
      }
      expect(one.result.runs[0].series.SGD.sharpness!.count).toEqual([10, 10]);
    });
  });

  it('above the register budget: the saddle (d=150, λ with negative entries), every dynamics, independent coupling', { timeout: 600_000 }, async () => {
    const context = gpu();
    // Negative entries of −0.2: with −0.5 the drift-only models' loss passes near zero, where the
    // means' relative error (floor 1e-3) reached 6e-6 at the same state errors (≤ 3e-7).
    const eigenvalues = Array.from({ length: 150 }, (_, i) => (i % 5 === 2 ? -0.2 : 0.5 + (i % 7) / 4));
    await context.scoped('twin: saddle d=150', () => compareWithTwin(context, resolveConfig({
      problem: { kind: 'saddle', eigenvalues, quartic: 0.5 },
      x0: { normal: { std: 0.1, seed: 15 } },
      noise: { sigma: 0.3 },
      eta: 0.05, rho: 0.2, steps: 40, paths: 16, seed: 10,
      substeps: 1, coupling: 'independent', samInner: 4, recordEvery: 10,
    }), TOLERANCE.saddle));
  });

  it('σ=0 from the minimizer: the norm guards fire, counted exactly as the twin counts them, and no NaN', async () => {
    const context = gpu();
    await context.scoped('twin: guards', async () => {
      const m = 2;
      const K = 4;
      const steps = 50;
      const config = resolveConfig({
        problem: WISHART, x0: MINIMIZER, noise: { sigma: 0 },
        eta: 0.05, rho: 0.3, steps, paths: 64, seed: 5,
        substeps: m, coupling: 'shared', samInner: K, recordEvery: 10,
      });
      const { result, finals } = await runGpu(context, config);
      const rho = config.rho[0];
      // ∇f(x*) = 0 exactly on both sides and σ = 0, so every division by a norm is guarded:
      // DNSAM and SAM once per step; DNSAM-SDE/-DRIFT once per substep; SAM-SDE/-DRIFT once
      // per inner draw (docs/model.md §3); the rest never divide by a norm.
      const perPath: Record<Dynamics, number> = {
        SGD: 0, USAM: 0, DNSAM: steps, SAM: steps,
        'SGD-SDE': 0, 'USAM-SDE': 0, 'DNSAM-SDE': steps * m, 'SAM-SDE': steps * m * K,
        'USAM-DRIFT': 0, 'DNSAM-DRIFT': steps * m, 'SAM-DRIFT': steps * m * K,
      };
      for (const name of EVERY) {
        const twin = runTwin(config, name, rho);
        const gpuPaths = finals.get(rho)![name];
        expect(twin.map((p) => p.guarded), `${name}: twin guards`).toEqual(new Array(64).fill(perPath[name]));
        expect([...gpuPaths.guards], `${name}: GPU guards`).toEqual(twin.map((p) => p.guarded));
        expect(result.runs[0].series[name].guarded).toBe(64 * perPath[name]);
        // The guard keeps the state finite and, with u = 0, exactly at x*.
        expect(worstStateError(gpuPaths.state, twin, 6, 1), `${name}: states`).toBe(0);
        expect(result.runs[0].series[name].diverged).toBe(0);
        for (const observable of OBSERVABLES) {
          const means = result.runs[0].series[name][observable].mean;
          expect(means.every(Number.isFinite), `${name}: ${observable} finite`).toBe(true);
        }
        expect(result.runs[0].series[name].loss.mean.every((v) => v === 0)).toBe(true);
      }
    });
  });
});

describe('layout independence (docs/model.md §3: draws keyed by the global path index)', () => {
  it('the first 100 of 300 paths end bit-identically when run alone, for algorithms and models', async () => {
    const context = gpu();
    await context.scoped('layout', async () => {
      const base = {
        problem: { kind: 'saddle', eigenvalues: [1, -0.5, 0.8, -1, 0.3, 2], quartic: 0.5 },
        x0: { normal: { std: 0.7, seed: 31 } },
        noise: { sigma: 0.2 },
        eta: 0.04, rho: 0.15, steps: 60, seed: 9,
        substeps: 2, coupling: 'independent', samInner: 4, recordEvery: 6,
        algorithms: ['SGD', 'SAM'], models: ['DNSAM-SDE', 'SAM-SDE'],
      };
      const whole = await runGpu(context, resolveConfig({ ...base, paths: 300 }));
      const part = await runGpu(context, resolveConfig({ ...base, paths: 100 }));
      const rho = 0.15;
      for (const name of ['SGD', 'SAM', 'DNSAM-SDE', 'SAM-SDE']) {
        const a = whole.finals.get(rho)![name];
        const b = part.finals.get(rho)![name];
        const first = a.state.subarray(0, 100 * 6);
        expect(Buffer.from(b.state.buffer).equals(Buffer.from(first.buffer, first.byteOffset, first.byteLength)), `${name}: states`).toBe(true);
        expect([...b.divergedAt]).toEqual([...a.divergedAt.subarray(0, 100)]);
        expect([...b.guards]).toEqual([...a.guards.subarray(0, 100)]);
      }
      // And the last 100 of the 300 are the twin's paths 200..299 (offsets reach the kernel).
      for (const name of ['SGD', 'SAM-SDE'] as const) {
        const twin = runTwin(whole.result.config, name, rho, 100, 200);
        const last = whole.finals.get(rho)![name].state.slice(200 * 6);
        expect(worstStateError(last, twin, 6, 1), `${name}: paths 200..299`).toBeLessThanOrEqual(TOLERANCE.saddle.state);
      }
    });
  });

  it('dispatched in path groups (src/simulate/dispatchSize.ts), the runs and every path end bit-identically', async () => {
    const context = gpu();
    await context.scoped('path groups', async () => {
      const config = resolveConfig({
        problem: WISHART, x0: { normal: { std: 1, seed: 5 } }, noise: { sigma: 0.3 },
        eta: 0.05, rho: [0.05, 0.2], steps: 40, recordEvery: 4, paths: 3000, seed: 4, samInner: 4,
        algorithms: ['SGD', 'SAM'], models: ['USAM-SDE', 'SAM-SDE'],
      });
      const submits = async (options: { targetSliceSeconds: number }) => {
        const queue = context.device.queue;
        const submit = queue.submit.bind(queue);
        let count = 0;
        queue.submit = (buffers) => { count++; submit(buffers); };
        try {
          return { run: await runGpu(context, config, options), count };
        } finally {
          queue.submit = submit;
        }
      };
      // One group of all 3000 paths and many steps per dispatch, against groups of 1024 paths
      // (16 workgroups, the smallest group) and a step at a time.
      const whole = await submits({ targetSliceSeconds: 100 });
      const grouped = await submits({ targetSliceSeconds: 1e-6 });
      expect(grouped.count, 'more submits: the paths went in groups').toBeGreaterThan(2 * whole.count + 2 * 40);
      expect(grouped.run.result.runs).toEqual(whole.run.result.runs);
      for (const rho of config.rho) {
        for (const name of ['SGD', 'SAM', 'USAM-SDE', 'SAM-SDE']) {
          const a = whole.run.finals.get(rho)![name];
          const b = grouped.run.finals.get(rho)![name];
          expect(Buffer.from(b.state.buffer).equals(Buffer.from(a.state.buffer)), `${name}, ρ = ${rho}: states`).toBe(true);
          expect([...b.divergedAt]).toEqual([...a.divergedAt]);
          expect([...b.guards]).toEqual([...a.guards]);
        }
      }
    });
  });

  it('cancelled between the path groups of a slice: the records every path reached are kept, equal to the whole run\'s', async () => {
    const context = gpu();
    await context.scoped('path groups: cancel', async () => {
      const config = resolveConfig({
        problem: WISHART, x0: { normal: { std: 1, seed: 5 } }, noise: { sigma: 0.3 },
        eta: 0.05, rho: [0.1], steps: 12, recordEvery: 1, paths: 3000, seed: 4,
        algorithms: ['SGD'], models: ['USAM-SDE'],
      });
      const whole = await runGpu(context, config, { targetSliceSeconds: 100 });
      // A tiny target: slice 1 is one dispatch of all 3000 paths; from slice 2 on, three groups
      // (1024, 1024, 952). Abort while slice 3's first group runs: its second group sees it.
      const controller = new AbortController();
      const device = context.device;
      const create = device.createCommandEncoder.bind(device);
      let slices = 0;
      device.createCommandEncoder = (descriptor) => {
        if (descriptor?.label === 'simulate.slice' && ++slices === 5) controller.abort();
        return create(descriptor);
      };
      let cancelled;
      try {
        cancelled = await runGpu(context, config, { targetSliceSeconds: 1e-6, signal: controller.signal, partialIntervalSeconds: 0 });
      } finally {
        device.createCommandEncoder = create;
      }
      expect(slices, 'no slice after the cancel').toBe(5);
      expect(cancelled.result.cancelled).toBe(true);
      const kept = cancelled.result.runs[0];
      // Records at steps 0, 1 and 2: slice 3 (step 2 → 3) did not reach every path.
      expect(kept.t.length).toBe(3);
      const full = whole.result.runs[0];
      for (const name of ['SGD', 'USAM-SDE']) {
        for (const observable of OBSERVABLES) {
          expect(kept.series[name][observable].mean, `${name} ${observable}`).toEqual(full.series[name][observable].mean.slice(0, 3));
        }
        expect(kept.series[name].diverged).toBe(0);
      }
    });
  });
});
