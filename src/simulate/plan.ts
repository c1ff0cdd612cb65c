// Expands a config into what the dispatch loop needs: the dynamics simulated side by side,
// the reduction rows per recorded time, path chunks that fit the adapter's limits, and
// observation windows that fit the memory budget (DESIGN.md "plan").
import type { ResolvedConfig } from '../config/schema.js';
import { OBSERVABLES, type Dynamics, type Model } from '../dynamics/names.js';
import { WORKGROUP_SIZE, lanes } from './kernels.js';

/** GPU memory the observation window may take (it is the largest buffer of a run). */
export const OBSERVATION_BUDGET_BYTES = 256 * 2 ** 20;

export interface Plan {
  dynamics: Dynamics[];
  pairs: [Dynamics, Model][];
  /** Records at steps 0, recordEvery, 2·recordEvery, … ≤ steps. */
  records: number;
  /** The last simulated step (the last recorded one). */
  lastStep: number;
  chunkPaths: number;
  chunks: { offset: number; paths: number }[];
  /** Records per observation window. */
  window: number;
  /** Reduction rows per recorded time: each dynamics × observable, then each pair × observable. */
  rowsPerRecord: number;
}

export interface DeviceLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxComputeWorkgroupsPerDimension: number;
}

/** `pathsPerWorkgroup`: 64 for the thread-per-path kernels, 1 for workgroup-per-path. */
export function makePlan(config: ResolvedConfig, dim: number, limits: DeviceLimits, pathsPerWorkgroup = WORKGROUP_SIZE): Plan {
  const dynamics: Dynamics[] = [...config.algorithms, ...config.models];
  const pairs = config.compare;
  const records = Math.floor(config.steps / config.recordEvery) + 1;
  const lastStep = (records - 1) * config.recordEvery;
  const observables = OBSERVABLES.length;
  const rowsPerRecord = (dynamics.length + pairs.length) * observables;
  const maxBinding = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const budget = Math.min(OBSERVATION_BUDGET_BYTES, maxBinding);

  const stateBytesPerPath = dynamics.length * lanes(dim) * 16;
  const obsBytesPerPathRecord = dynamics.length * observables * 4;
  const chunkPaths = Math.max(
    1,
    Math.min(
      config.paths,
      Math.floor(maxBinding / stateBytesPerPath),
      Math.floor(budget / obsBytesPerPathRecord),
      limits.maxComputeWorkgroupsPerDimension * pathsPerWorkgroup,
    ),
  );
  const chunks: Plan['chunks'] = [];
  for (let offset = 0; offset < config.paths; offset += chunkPaths) {
    chunks.push({ offset, paths: Math.min(chunkPaths, config.paths - offset) });
  }
  const window = Math.max(
    1,
    Math.min(
      records,
      Math.floor(budget / (obsBytesPerPathRecord * chunkPaths)),
      Math.floor(limits.maxComputeWorkgroupsPerDimension / rowsPerRecord),
    ),
  );
  if (rowsPerRecord > limits.maxComputeWorkgroupsPerDimension) {
    throw new Error(`${rowsPerRecord} reduction rows per record exceed the adapter's dispatch limit`);
  }
  return { dynamics, pairs, records, lastStep, chunkPaths, chunks, window, rowsPerRecord };
}
