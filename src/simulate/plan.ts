// Expands a config into what the dispatch loop needs: the dynamics simulated side by side,
// the reduction rows per recorded time, path chunks that fit the adapter's limits, and
// observation windows that fit the memory budget (DESIGN.md "plan").
import type { ResolvedConfig } from '../config/schema.js';
import { OBSERVABLES, type Dynamics, type Model } from '../dynamics/names.js';
import { WORKGROUP_SIZE, lanes } from './kernels.js';
import { MIN_REDUCE_BLOCK, REDUCE_BLOCK } from '../gpu/reduce.js';

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
  /** Global path offsets (chunk boundaries are multiples of leafPaths). */
  chunks: { offset: number; paths: number }[];
  /**
   * Paths per reduction block: the leaves of the canonical combination (docs/model.md §9).
   * A function of config.paths alone, so a shard reduces the same blocks as the whole run.
   */
  leafPaths: number;
  /** The paths this run simulates: all of them, or one shard's range. */
  range: PathRange;
  /** Records per observation window. */
  window: number;
  /** Reduction rows per recorded time: each dynamics × observable, then each pair × observable. */
  rowsPerRecord: number;
}

/** Paths [start, end) of a run. */
export interface PathRange {
  start: number;
  end: number;
}

/** At most this many leaves per run when the paths allow it, so that shards can balance. */
const TARGET_LEAVES = 64;

/**
 * Paths per reduction block of a run of `paths` paths: a power of two in 128..4096 giving
 * about 64 blocks (fewer at under 8192 paths, more above 262 144).
 */
export function leafPathsFor(paths: number): number {
  let leaf = MIN_REDUCE_BLOCK;
  while (leaf < REDUCE_BLOCK && leaf * TARGET_LEAVES < paths) leaf *= 2;
  return leaf;
}

/**
 * Shard `index` of `count` (0-based): a contiguous run of whole leaves, the leaves spread as
 * evenly as possible; shards past the number of leaves are empty.
 */
export function shardRange(paths: number, index: number, count: number): PathRange {
  if (!Number.isInteger(count) || count < 1 || count > paths) {
    throw new RangeError(`shard count: got ${count}; allowed: an integer 1..${paths} (the run's paths)`);
  }
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`shard index: got ${index}; allowed: an integer 0..${count - 1}`);
  }
  const leaf = leafPathsFor(paths);
  const leaves = Math.ceil(paths / leaf);
  const boundary = (i: number) => Math.min(paths, Math.floor((i * leaves) / count) * leaf);
  return { start: boundary(index), end: boundary(index + 1) };
}

export interface DeviceLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxComputeWorkgroupsPerDimension: number;
}

/**
 * `pathsPerWorkgroup`: 64 for the thread-per-path kernels, the path slots (1 or more) for workgroup-per-path.
 * `range`: the paths to simulate (a shard's); all of them by default.
 */
export function makePlan(
  config: ResolvedConfig, dim: number, limits: DeviceLimits, pathsPerWorkgroup = WORKGROUP_SIZE,
  range: PathRange = { start: 0, end: config.paths },
): Plan {
  const leafPaths = leafPathsFor(config.paths);
  const rangePaths = range.end - range.start;
  if (range.start < 0 || range.end > config.paths || rangePaths < 0 || (range.start % leafPaths !== 0 && range.start !== config.paths)) {
    throw new RangeError(`path range [${range.start}, ${range.end}) is not a range of whole ${leafPaths}-path blocks of 0..${config.paths}`);
  }
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
  const fitting = Math.max(
    1,
    Math.min(
      Math.max(rangePaths, 1),
      Math.floor(maxBinding / stateBytesPerPath),
      Math.floor(budget / obsBytesPerPathRecord),
      limits.maxComputeWorkgroupsPerDimension * pathsPerWorkgroup,
    ),
  );
  // Chunk boundaries on leaf boundaries: every chunk reduces whole blocks of the run.
  const chunkPaths = fitting >= rangePaths ? Math.max(rangePaths, 1) : Math.max(leafPaths, fitting - (fitting % leafPaths));
  const chunks: Plan['chunks'] = [];
  for (let offset = range.start; offset < range.end; offset += chunkPaths) {
    chunks.push({ offset, paths: Math.min(chunkPaths, range.end - offset) });
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
  return { dynamics, pairs, records, lastStep, chunkPaths, chunks, leafPaths, range, rowsPerRecord, window };
}
