// Merging shard results (docs/model.md §9): the shards' accumulators appended in path order
// give the same canonical tree, and so the same `runs`, as one run over all paths.
import { problemDimension, type ResolvedConfig } from '../config/schema.js';
import { RecordAccumulator } from './accumulate.js';
import { SharpnessAccumulator } from './sharpnessAccumulate.js';
import { SavedJobError, type SavedJob } from './checkpoint.js';
import { makePlan } from './plan.js';
import type { RunResult } from './result.js';

/** Limits that never split a run into chunks: merging needs only the plan's records and rows. */
const UNLIMITED = { maxStorageBufferBindingSize: 2 ** 52, maxBufferSize: 2 ** 52, maxComputeWorkgroupsPerDimension: 2 ** 31 };

export interface MergedRuns {
  config: ResolvedConfig;
  runs: RunResult[];
  pathSteps: number;
}

/**
 * The runs of shards 0..N−1 of one config, merged. Refuses (SavedJobError, naming what is wrong)
 * anything but a complete set of finished shards of one config and one version.
 */
export function mergeShards(shards: readonly SavedJob[], names: readonly string[] = shards.map((_, i) => `#${i + 1}`)): MergedRuns {
  if (shards.length === 0) throw new SavedJobError('no shards to merge');
  shards.forEach((s, i) => {
    if (s.kind !== 'shard' || !s.shard) throw new SavedJobError(`${names[i]} is a ${s.kind}, not a shard result`);
  });
  const first = shards[0];
  const count = first.shard!.count;
  shards.forEach((s, i) => {
    if (s.configHash !== first.configHash || s.job !== first.job) {
      throw new SavedJobError(`${names[i]} is a shard of another config than ${names[0]} (config hash ${s.configHash.slice(0, 12)}… vs ${first.configHash.slice(0, 12)}…)`);
    }
    if (s.shard!.count !== count) throw new SavedJobError(`${names[i]} is shard ${s.shard!.index}/${s.shard!.count}, but ${names[0]} is one of ${count}`);
  });
  const byIndex: SavedJob[] = [];
  shards.forEach((s, i) => {
    const index = s.shard!.index;
    if (byIndex[index]) throw new SavedJobError(`shard ${index}/${count} is given twice (${names[shards.indexOf(byIndex[index])]} and ${names[i]})`);
    byIndex[index] = s;
  });
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex[i]);
  if (missing.length > 0) throw new SavedJobError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing`);

  const config = first.config;
  const plan = makePlan(config, problemDimension(config.problem), UNLIMITED);
  const accumulators = config.rho.map(() => new RecordAccumulator(
    plan, config.sharpness ? new SharpnessAccumulator(plan, config.sharpness.every) : undefined,
  ));
  let expectedStart = 0;
  let pathSteps = 0;
  for (const shard of byIndex) {
    const stage = shard.stages[0];
    if (shard.stages.length !== 1 || stage.accumulators.length !== config.rho.length) {
      throw new SavedJobError(`shard ${shard.shard!.index}/${count} is not a finished run of every ρ`);
    }
    if (stage.range.start !== expectedStart) {
      throw new SavedJobError(`shard ${shard.shard!.index}/${count} starts at path ${stage.range.start}, not ${expectedStart}`);
    }
    expectedStart = stage.range.end;
    stage.accumulators.forEach((state, r) => accumulators[r].append(state));
    pathSteps += stage.pathSteps;
  }
  if (expectedStart !== config.paths) throw new SavedJobError(`the shards cover paths 0..${expectedStart}, not all ${config.paths}`);
  const runs = config.rho.map((rho, r) => {
    const run: RunResult = { rho, eta: config.eta, t: [], series: {}, comparisons: [] };
    accumulators[r].toRun(run, config);
    return run;
  });
  return { config, runs, pathSteps };
}
