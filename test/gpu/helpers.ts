// Shared by the simulation tests of the GPU tier: one GPU run with every chunk's final states
// gathered per dynamics, and the same config run path by path through the float64 twin
// (src/dynamics/twin.ts), so that both sides read one ResolvedConfig and nothing else.
import type { ResolvedConfig } from '../../src/config/schema.js';
import type { GpuContext } from '../../src/gpu/device.js';
import type { Dynamics } from '../../src/dynamics/names.js';
import type { TwinPathResult } from '../../src/dynamics/twin.js';
import { createProblemTwin } from '../../src/problems/index.js';
import { simulate, type SimulateOptions } from '../../src/simulate/runner.js';
import { runTwinPaths } from '../../src/simulate/twinRuns.js';
import type { SimulationResult } from '../../src/simulate/result.js';
import { loadShaderSources } from '../../src/node/shaders.js';

const sources = loadShaderSources();

/** shaders/prelude.wgsl's NONE: the divergedAt of a path that never diverged. */
export const ALIVE = 0xffffffff;

export interface GpuPaths {
  /** Final states, paths × dim row-major, in global path order. */
  state: Float32Array;
  divergedAt: Uint32Array;
  guards: Uint32Array;
}

export interface GpuRun {
  result: SimulationResult;
  /** Per ρ (in config order), per dynamics: the final per-path status of all chunks. */
  finals: Map<number, Record<string, GpuPaths>>;
}

/** simulate() with the inspect hook, chunks stitched together by their global path offset. */
export async function runGpu(ctx: GpuContext, config: ResolvedConfig, options: SimulateOptions = {}): Promise<GpuRun> {
  const dim = createProblemTwin(config.problem).dim;
  const finals = new Map<number, Record<string, GpuPaths>>();
  const result = await simulate(ctx, sources, config, {
    ...options,
    inspect: (snapshot) => {
      let byName = finals.get(snapshot.rho);
      if (!byName) {
        byName = {};
        for (const name of Object.keys(snapshot.dynamics)) {
          byName[name] = {
            state: new Float32Array(config.paths * dim),
            divergedAt: new Uint32Array(config.paths),
            guards: new Uint32Array(config.paths),
          };
        }
        finals.set(snapshot.rho, byName);
      }
      for (const [name, chunk] of Object.entries(snapshot.dynamics)) {
        byName[name].state.set(chunk.state, snapshot.pathOffset * dim);
        byName[name].divergedAt.set(chunk.divergedAt, snapshot.pathOffset);
        byName[name].guards.set(chunk.guards, snapshot.pathOffset);
      }
    },
  });
  return { result, finals };
}

/** Paths `from`..`from+count-1` of one dynamics through the float64 twin, from the GPU's x0. */
export function runTwin(
  config: ResolvedConfig, dynamics: Dynamics, rho: number, count = config.paths, from = 0,
): TwinPathResult[] {
  return runTwinPaths(config, dynamics, rho, { from, count });
}

/** Whether a twin path counts at recorded step `step` (the GPU reduction's rule). */
export function aliveAt(path: TwinPathResult, step: number): boolean {
  return path.divergedAt === null || path.divergedAt > step;
}

/** Path mean of a twin observable at each record, over the paths alive there; NaN if none. */
export function twinRecordMeans(paths: TwinPathResult[], observable: keyof TwinPathResult['records'], recordEvery: number): number[] {
  const records = paths[0].records[observable].length;
  const means: number[] = [];
  for (let r = 0; r < records; r++) {
    let sum = 0;
    let count = 0;
    for (const path of paths) {
      if (!aliveAt(path, r * recordEvery)) continue;
      sum += path.records[observable][r];
      count++;
    }
    means.push(count > 0 ? sum / count : Number.NaN);
  }
  return means;
}

export function twinRecordCounts(paths: TwinPathResult[], recordEvery: number): number[] {
  const records = paths[0].records.loss.length;
  return Array.from({ length: records }, (_, r) => paths.filter((p) => aliveAt(p, r * recordEvery)).length);
}

export function euclidean(v: ArrayLike<number>, from = 0, length = v.length): number {
  let sum = 0;
  for (let i = from; i < from + length; i++) sum += v[i] * v[i];
  return Math.sqrt(sum);
}

/**
 * The largest error of the GPU's final states against the twin's, per path measured as
 * ‖x_gpu − x_twin‖ / max(‖x_twin‖, floor): relative where the state is large, absolute
 * (in units of `floor`) near the origin, where a relative error means nothing.
 */
export function worstStateError(gpu: Float32Array, twin: TwinPathResult[], dim: number, floor: number): number {
  let worst = 0;
  twin.forEach((path, p) => {
    let diff = 0;
    for (let i = 0; i < dim; i++) diff += (gpu[p * dim + i] - path.final[i]) ** 2;
    worst = Math.max(worst, Math.sqrt(diff) / Math.max(euclidean(path.final), floor));
  });
  return worst;
}

/** max_r |a_r − b_r| / max(|b_r|, floor). */
export function worstSeriesError(a: readonly number[], b: readonly number[], floor: number): number {
  if (a.length !== b.length) throw new Error(`series of ${a.length} and ${b.length} records`);
  let worst = 0;
  for (let r = 0; r < a.length; r++) worst = Math.max(worst, Math.abs(a[r] - b[r]) / Math.max(Math.abs(b[r]), floor));
  return worst;
}
