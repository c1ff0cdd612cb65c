// docs/model.md §9: the canonical combination of block moments (the same bits whatever order
// the blocks arrive in, and split however), shard ranges on block boundaries, path chunks on
// block boundaries, and the checkpoint/shard file format (round trip, corruption, versions).
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/schema.js';
import { blockPartial } from '../../src/analysis/statistics.js';
import { MOMENT_WORDS, MomentStack, combineMoments } from '../../src/simulate/momentTree.js';
import { leafPathsFor, makePlan, shardRange } from '../../src/simulate/plan.js';
import { RecordAccumulator } from '../../src/simulate/accumulate.js';
import { CHECKPOINT_FORMAT, SavedJobError, decodeSavedJob, encodeSavedJob, type RunCheckpoint } from '../../src/simulate/checkpoint.js';
import { mergeShards } from '../../src/simulate/merge.js';
import type { RunResult } from '../../src/simulate/result.js';

/** Leaf moments of `blocks` blocks of `rows` rows: blocks of 1..40 values, some empty. */
function leaves(blocks: number, rows: number, seed: number): Float64Array[] {
  // Deterministic values of varied size and sign (any spread will do).
  let k = seed;
  const next = () => Math.sin(++k * 12.9898) * 43758.5453 % 1;
  return Array.from({ length: blocks }, (_, b) => {
    const moments = new Float64Array(rows * MOMENT_WORDS);
    for (let r = 0; r < rows; r++) {
      const n = (b * 7 + r * 3) % 11 === 5 ? 0 : 1 + ((b * 13 + r) % 40);
      const values = Array.from({ length: n }, () => 3 + next() * (1 + r));
      const p = blockPartial(values);
      moments.set([p.count, p.count > 0 ? p.sum / p.count : 0, p.m2], r * MOMENT_WORDS);
    }
    return moments;
  });
}

function total(from: Float64Array[], splits: number[]): Float64Array {
  // Push blocks [splits[i], splits[i+1]) into separate stacks, then merge their nodes in order.
  const parts = splits.slice(0, -1).map((start, i) => {
    const stack = new MomentStack(from[0].length / MOMENT_WORDS);
    for (let b = start; b < splits[i + 1]; b++) stack.push({ level: 0, index: b, moments: from[b] });
    return stack;
  });
  const merged = new MomentStack(from[0].length / MOMENT_WORDS);
  for (const part of parts) for (const node of part.nodes) merged.push(node);
  return merged.total();
}

describe('canonical block tree (docs/model.md §9)', () => {
  const blocks = 45;
  const data = leaves(blocks, 5, 11);
  const whole = total(data, [0, blocks]);

  it('gives the same bits for any split into contiguous parts', () => {
    for (const splits of [[0, 1, blocks], [0, 16, 32, blocks], [0, 7, 13, 20, 26, 33, 39, blocks], [0, 44, blocks], [0, 3, 4, 5, 6, 40, blocks]]) {
      expect(Array.from(total(data, splits))).toEqual(Array.from(whole));
    }
  });

  it('equals the float64 two-pass moments of all values to rounding', () => {
    // A left-to-right Chan fold is a different (non-canonical) order: equal to ~1e-15, not bitwise.
    let fold = data[0];
    for (let b = 1; b < blocks; b++) fold = combineMoments(fold, data[b]);
    for (let i = 0; i < whole.length; i++) expect(whole[i]).toBeCloseTo(fold[i], 9);
    expect(whole[0]).toBe(fold[0]);
  });

  it('refuses blocks out of order', () => {
    const stack = new MomentStack(5);
    stack.push({ level: 0, index: 0, moments: data[0] });
    expect(() => stack.push({ level: 0, index: 2, moments: data[2] })).toThrow(/do not follow/);
  });
});

describe('block-aligned plans and shards', () => {
  const config = (paths: number) => resolveConfig({
    problem: { kind: 'quadratic', hessian: { eigenvalues: [1, 2] } }, x0: [1, 1], noise: { sigma: 0.1 },
    eta: 0.1, rho: 0.1, steps: 4, paths, seed: 1, models: ['SGD-SDE'],
  });
  const limits = (maxGroups: number) => ({ maxStorageBufferBindingSize: 2 ** 27, maxBufferSize: 2 ** 28, maxComputeWorkgroupsPerDimension: maxGroups });

  it('leaf size is a power of two in 128..4096 with about 64 leaves', () => {
    expect([1, 100, 8192, 8193, 65536, 10 ** 6].map(leafPathsFor)).toEqual([128, 128, 128, 256, 1024, 4096]);
  });

  it('shards tile the paths on leaf boundaries for every N ≤ paths', () => {
    for (const paths of [1, 129, 1000, 65536 + 17]) {
      const leaf = leafPathsFor(paths);
      for (const count of [1, 2, 3, 7, Math.min(paths, 64), paths].filter((n) => n <= paths && n <= 2000)) {
        let at = 0;
        for (let i = 0; i < count; i++) {
          const r = shardRange(paths, i, count);
          expect(r.start).toBe(at);
          expect(r.start % leaf === 0 || r.start === paths).toBe(true);
          at = r.end;
        }
        expect(at).toBe(paths);
      }
    }
    expect(() => shardRange(10, 0, 11)).toThrow(/allowed: an integer 1\.\.10/);
    expect(() => shardRange(10, 3, 3)).toThrow(/allowed: an integer 0\.\.2/);
  });

  it('path chunks start on leaf boundaries, also inside a shard', () => {
    const c = config(100_000);
    // 64 paths per workgroup × 300 workgroups = 19 200 paths fit: chunks round down to the leaf (2048).
    const plan = makePlan(c, 2, limits(300), 64, shardRange(c.paths, 1, 3));
    expect(plan.leafPaths).toBe(2048);
    expect(plan.chunkPaths % plan.leafPaths).toBe(0);
    for (const chunk of plan.chunks) expect(chunk.offset % plan.leafPaths).toBe(0);
    expect(plan.chunks[0].offset).toBe(plan.range.start);
    expect(plan.chunks.at(-1)!.offset + plan.chunks.at(-1)!.paths).toBe(plan.range.end);
  });
});

describe('checkpoint and shard files', () => {
  const config = resolveConfig({
    problem: { kind: 'quadratic', hessian: { eigenvalues: [1, 2] } }, x0: [1, 1], noise: { sigma: 0.1 },
    eta: 0.1, rho: [0.1, 0.2], steps: 4, paths: 300, seed: 1, models: ['SGD-SDE'],
  });
  const plan = makePlan(config, 2, { maxStorageBufferBindingSize: 2 ** 27, maxBufferSize: 2 ** 28, maxComputeWorkgroupsPerDimension: 65535 });

  /** Accumulators of blocks [first, last) of every record: synthetic partials (count, sum, m2). */
  function accumulatorOf(first: number, last: number): RecordAccumulator {
    const accumulator = new RecordAccumulator(plan);
    const blocks = last - first;
    if (blocks === 0) return accumulator;
    const partials = new Float32Array(plan.records * plan.rowsPerRecord * blocks * 4);
    for (let i = 0; i < partials.length; i += 4) {
      // A function of (record·row, block) only, as the GPU's partials are.
      const block = first + ((i / 4) % blocks);
      const row = Math.floor(i / 4 / blocks);
      partials.set([100 + block, ((row * 31 + block * 7) % 97) * 0.37 + block, 1 + ((row + block) % 13) * 0.1, 0], i);
    }
    accumulator.add(partials, 0, plan.records - 1, blocks, first);
    accumulator.addStatus(0, blocks, 2 * blocks);
    return accumulator;
  }
  const finished = (first: number, last: number): RunCheckpoint => ({
    range: { start: first * plan.leafPaths, end: Math.min(last * plan.leafPaths, config.paths) },
    position: { run: 1, chunk: 1, record: 0 },
    accumulators: [accumulatorOf(first, last).state(), accumulatorOf(first, last).state()],
    pathSteps: 10,
  });
  const runOf = (accumulator: RecordAccumulator): RunResult => {
    const run: RunResult = { rho: 0.1, eta: 0.1, t: [], series: {}, comparisons: [] };
    accumulator.toRun(run, config);
    return run;
  };

  it('round-trips state, GPU buffers and accumulators exactly', async () => {
    const stage: RunCheckpoint = { ...finished(0, 3), position: { run: 1, chunk: 0, record: 2 }, buffers: {
      state: new Uint8Array([1, 2, 3, 4, 5]), divergedAt: new Uint8Array([255, 255, 255, 255]), guards: new Uint8Array(8),
    } };
    const bytes = await encodeSavedJob({ kind: 'checkpoint', job: 'run', config }, [stage]);
    const back = await decodeSavedJob(bytes);
    expect(back.stages[0].buffers).toEqual(stage.buffers);
    expect(back.stages[0].position).toEqual(stage.position);
    expect(Array.from(back.stages[0].accumulators[1].stacks)).toEqual(Array.from(stage.accumulators[1].stacks));
    const restored = new RecordAccumulator(plan);
    restored.append(back.stages[0].accumulators[0]);
    expect(runOf(restored)).toEqual(runOf(accumulatorOf(0, 3)));
  });

  it('refuses a corrupted file and one of another format', async () => {
    const bytes = await encodeSavedJob({ kind: 'checkpoint', job: 'run', config }, [finished(0, 3)]);
    const flipped = bytes.slice();
    flipped[bytes.length - 100] ^= 1;
    await expect(decodeSavedJob(flipped)).rejects.toThrow(/corrupted: its SHA-256 does not match/);
    await expect(decodeSavedJob(bytes.slice(0, bytes.length - 1))).rejects.toThrow(SavedJobError);
    await expect(decodeSavedJob(new TextEncoder().encode('{"runs": []}'.padEnd(100)))).rejects.toThrow(/not a sam-sde checkpoint/);
    // Rewrite the header's format number and re-seal the file: a valid file of another version.
    const text = new TextDecoder().decode(bytes);
    const other = new TextEncoder().encode(text.replace(`"format":${CHECKPOINT_FORMAT}`, `"format":${CHECKPOINT_FORMAT + 1}`));
    const resealed = new Uint8Array(await crypto.subtle.digest('SHA-256', other.subarray(0, other.length - 32)));
    other.set(resealed, other.length - 32);
    await expect(decodeSavedJob(other)).rejects.toThrow(new RegExp(`written by another version: format ${CHECKPOINT_FORMAT + 1}`));
  });

  it('merges shards into the same bits as one accumulator over all blocks, and refuses bad sets', async () => {
    const leaves = Math.ceil(config.paths / plan.leafPaths); // 3
    const shard = async (index: number, first: number, last: number, hashConfig = config) => decodeSavedJob(
      await encodeSavedJob({ kind: 'shard', job: 'run', config: hashConfig, shard: { index, count: 3 } }, [finished(first, last)]),
    );
    const parts = [await shard(0, 0, 1), await shard(1, 1, 1), await shard(2, 1, leaves)];
    const merged = mergeShards([parts[2], parts[0], parts[1]]);
    const whole = runOf(accumulatorOf(0, leaves));
    expect(merged.runs[0].series).toEqual(whole.series);
    expect(merged.runs[0].comparisons).toEqual(whole.comparisons);
    expect(() => mergeShards([parts[0], parts[2]])).toThrow(/shard 1\/3 missing/);
    expect(() => mergeShards([parts[0], parts[1], parts[1], parts[2]])).toThrow(/shard 1\/3 is given twice/);
    const other = await shard(1, 1, 1, { ...config, seed: 2 });
    expect(() => mergeShards([parts[0], other, parts[2]])).toThrow(/a shard of another config/);
  });
});
