// docs/model.md §9 on the GPU: a run resumed from any of its checkpoints, and a run merged
// from shards, give the same `runs` (sharpness readouts of §8 included) as one uninterrupted
// run over all paths, bit for bit — for the thread-per-path kernels (two ρ, several windows), a network on the workgroup kernels,
// and an order ladder (a job of several simulate() calls).
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, type ResolvedConfig } from '../../src/config/schema.js';
import type { GpuContext } from '../../src/gpu/device.js';
import { simulate } from '../../src/simulate/runner.js';
import { Checkpointer, decodeSavedJob, encodeSavedJob, type RunCheckpoint } from '../../src/simulate/checkpoint.js';
import { mergeShards } from '../../src/simulate/merge.js';
import { shardRange } from '../../src/simulate/plan.js';
import { runOrder } from '../../src/experiments/order.js';
import type { OrderSpec } from '../../src/experiments/types.js';
import { registerNodeDatasets } from '../../src/node/datasets.js';
import { sources, useGpu } from './context.js';

const gpu = useGpu();
beforeAll(() => registerNodeDatasets());

const QUADRATIC = resolveConfig({
  problem: { kind: 'quadratic', hessian: { wishart: { dim: 5, seed: 4 } } },
  x0: { normal: { std: 1, seed: 2 } }, noise: { sigma: 0.2 }, eta: 0.02, rho: [0.05, 0.2],
  steps: 60, recordEvery: 3, paths: 1000, seed: 9, algorithms: ['SAM', 'USAM'], models: ['SAM-SDE', 'USAM-SDE'],
  samInner: 3, divergeAbove: 4, sharpness: { every: 6, probes: 2, iterations: 3 },
});

/** Every checkpoint a run takes when it saves at every record boundary (windows of one slice). */
async function runSavingEverything(ctx: GpuContext, config: ResolvedConfig) {
  const saved: RunCheckpoint[][] = [];
  const checkpoints = new Checkpointer(1e-9, (stages) => { saved.push(stages); });
  const result = await simulate(ctx, sources, config, { checkpoints, partialIntervalSeconds: 0, targetSliceSeconds: 1e-4 });
  return { result, saved };
}

/** Through the file format, as the CLI and the page store them. */
async function throughFile(stages: RunCheckpoint[], config: ResolvedConfig): Promise<RunCheckpoint[]> {
  return (await decodeSavedJob(await encodeSavedJob({ kind: 'checkpoint', job: 'run', config }, stages))).stages;
}

describe('resume (docs/model.md §9)', () => {
  it('a quadratic run resumed from its first, a middle and its last checkpoints ends with the same bits', async () => {
    const ctx = gpu();
    await ctx.scoped('long-runs: resume', async () => {
      const { result: whole, saved } = await runSavingEverything(ctx, QUADRATIC);
      expect(whole.runs[0].series.SAM.diverged + whole.runs[1].series.SAM.diverged).toBeGreaterThan(0); // counters carried too
      expect(saved.length).toBeGreaterThan(6);
      for (const k of [0, Math.floor(saved.length / 2), saved.length - 1]) {
        const stages = await throughFile(saved[k], QUADRATIC);
        const resumed = await simulate(ctx, sources, QUADRATIC, { checkpoints: new Checkpointer(0, () => {}, stages) });
        expect(resumed.runs, `resumed from checkpoint ${k} of ${saved.length}`).toEqual(whole.runs);
      }
    });
  });

  it('an MLP (workgroup kernels) resumed mid-run ends with the same bits', async () => {
    const ctx = gpu();
    const config = resolveConfig({
      problem: { kind: 'mlp', dataset: 'iris', hidden: 4, activation: 'sigmoid', weightDecay: 0.1 },
      x0: { normal: { std: 0.5, seed: 1 } }, noise: { sigma: 0.05 }, eta: 0.05, rho: 0.1, steps: 12, recordEvery: 2,
      paths: 6, seed: 3, algorithms: ['USAM'], models: ['USAM-SDE'],
    });
    await ctx.scoped('long-runs: network resume', async () => {
      const { result: whole, saved } = await runSavingEverything(ctx, config);
      const mid = saved[Math.floor(saved.length / 2)];
      expect(mid[0].position.record).toBeGreaterThan(0);
      const resumed = await simulate(ctx, sources, config, { checkpoints: new Checkpointer(0, () => {}, await throughFile(mid, config)) });
      expect(resumed.runs).toEqual(whole.runs);
    });
  });

  it('an order ladder resumed inside its second rung ends with the same bits', async () => {
    const ctx = gpu();
    const spec: OrderSpec = { etas: [0.1, 0.05], horizon: 0.5, rhoScaling: 'fixed', rhoScale: 0.1 };
    const config = resolveConfig({
      problem: { kind: 'quadratic', hessian: { eigenvalues: [1, 0.5] } }, x0: [1, -1], noise: { sigma: 0.3 },
      eta: 0.1, rho: 0.1, steps: 5, recordEvery: 1, paths: 300, seed: 5, substeps: 4, algorithms: ['USAM'], models: ['USAM-SDE'], coupling: 'shared',
    });
    await ctx.scoped('long-runs: order resume', async () => {
      const saved: RunCheckpoint[][] = [];
      const whole = await runOrder(ctx, sources, config, spec, {
        checkpoints: new Checkpointer(1e-9, (stages) => { saved.push(stages); }), partialIntervalSeconds: 0, targetSliceSeconds: 1e-4,
      });
      const inSecond = [...saved].reverse().find((stages) => stages.length === 2 && stages[1].position.record > 0)!;
      expect(inSecond).toBeDefined();
      const resumed = await runOrder(ctx, sources, config, spec, { checkpoints: new Checkpointer(0, () => {}, await throughFile(inSecond, config)) });
      expect(resumed.runs).toEqual(whole.runs);
      expect(resumed.order).toEqual(whole.order);
    });
  });
});

describe('shards and merge (docs/model.md §9)', () => {
  it('1, 2, 3 and 7 shards merged give the unsharded runs bit for bit', async () => {
    const ctx = gpu();
    await ctx.scoped('long-runs: shards', async () => {
      const whole = await simulate(ctx, sources, QUADRATIC);
      expect(whole.runs[1].series['SAM-SDE'].sharpness!.top.mean.length).toBe(11); // readouts at 0, 6, …, 60
      for (const count of [1, 2, 3, 7]) {
        const shards = [];
        for (let index = count - 1; index >= 0; index--) {
          const checkpoints = new Checkpointer(0, () => {});
          const part = await simulate(ctx, sources, QUADRATIC, { range: shardRange(QUADRATIC.paths, index, count), checkpoints });
          expect(part.cancelled).toBe(false);
          shards.push(await decodeSavedJob(await encodeSavedJob(
            { kind: 'shard', job: 'run', config: QUADRATIC, shard: { index, count } }, checkpoints.finishedStages(),
          )));
        }
        expect(mergeShards(shards).runs, `${count} shards`).toEqual(whole.runs);
      }
    });
  });
});
