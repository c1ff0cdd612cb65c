// (h) What a checkpoint costs (issue 11, docs/model.md §9): USAM and USAM-SDE on the d = 20
// Wishart quadratic at the profile's peer size (65 536 paths in the software profile), run once
// without checkpoints and once saving one at every record boundary it can. Per checkpoint:
// reading the GPU state back with the accumulators (from the window's end to the save), encoding
// with its SHA-256, and the atomic write; and the wall and CPU time the run gained per checkpoint.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../src/config/schema.js';
import { simulate } from '../../src/simulate/runner.js';
import { Checkpointer, encodeSavedJob } from '../../src/simulate/checkpoint.js';
import { writeFileAtomic } from '../../src/node/checkpoints.js';
import type { BenchEnv } from '../measure.js';
import type { CaseResult } from '../results.js';
import { load1, spread, timed } from '../stats.js';

export async function checkpointCases(env: BenchEnv, emit: (result: CaseResult) => void): Promise<void> {
  const paths = env.profile.peerPaths;
  const steps = 40;
  const config = resolveConfig({
    problem: { kind: 'quadratic', hessian: { wishart: { dim: 20, seed: 1 } } }, x0: { normal: { std: 1, seed: 2 } },
    noise: { sigma: 0.01 }, eta: 0.01, rho: 0.1, steps, recordEvery: 4, paths, seed: 1,
    algorithms: ['USAM'], models: ['USAM-SDE'],
  });
  const dir = mkdtempSync(join(tmpdir(), 'sam-sde-bench-checkpoint-'));
  try {
    await simulate(env.ctx, env.sources, { ...config, steps: 2 }); // compile outside the timings
    const plain = await timed(() => simulate(env.ctx, env.sources, config));
    const gather: number[] = [];
    const encode: number[] = [];
    const write: number[] = [];
    let bytes = 0;
    let windowEnd = 0;
    // Every 1 ms: a checkpoint at every window boundary, each with the chunk's GPU state.
    const checkpoints = new Checkpointer(1e-3, async (stages) => {
      const t0 = performance.now();
      if (!stages.at(-1)!.buffers) return; // a finished stage: nodes only
      gather.push((t0 - windowEnd) / 1000);
      const file = await encodeSavedJob({ kind: 'checkpoint', job: 'run', config }, stages);
      const t1 = performance.now();
      encode.push((t1 - t0) / 1000);
      writeFileAtomic(join(dir, 'checkpoint.samsde'), file);
      write.push((performance.now() - t1) / 1000);
      bytes = Math.max(bytes, file.byteLength);
    });
    const loadBefore = load1();
    const saving = await timed(() => simulate(env.ctx, env.sources, config, {
      checkpoints, partialIntervalSeconds: 0, onPartial: () => { windowEnd = performance.now(); },
    }));
    const saves = Math.max(gather.length, 1);
    emit({
      id: `checkpoint/USAM+USAM-SDE/wishart20/${paths}/gpu`, group: 'checkpoint', runner: 'gpu',
      subject: 'checkpoint of USAM + USAM-SDE, d = 20', paths, steps, repetitions: gather.length,
      params: {
        bytes, checkpoints: gather.length,
        gatherSeconds: spread(gather).median, encodeSeconds: spread(encode).median, writeSeconds: spread(write).median,
        // What the run gained per checkpoint (more windows too: partialIntervalSeconds 0).
        wallPerCheckpoint: (saving.wallSeconds - plain.wallSeconds) / saves,
        cpuPerCheckpoint: (saving.cpuSeconds - plain.cpuSeconds) / saves,
      },
      // One repetition per checkpoint: its read-back + encode + write, wall seconds.
      metrics: { wallSeconds: spread(gather.map((g, i) => g + encode[i] + write[i])) },
      load: [loadBefore, load1()],
    });
    env.log(`  checkpoint: ${(bytes / 2 ** 20).toFixed(1)} MiB; gather ${spread(gather).median.toFixed(3)} s, encode ${spread(encode).median.toFixed(3)} s, write ${spread(write).median.toFixed(3)} s; ` +
      `run +${((saving.wallSeconds - plain.wallSeconds) / saves).toFixed(2)} s wall per checkpoint (${gather.length})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
