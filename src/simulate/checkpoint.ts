// Checkpoints and shard results (docs/model.md §9): what a run holds at a record boundary, and
// the one file format both are stored in. No Node imports: the page keeps the same bytes in
// IndexedDB that the CLI writes to disk.
//
// A job is one or more simulate() calls ("stages": one for `run`, one per η rung for `order`,
// two for a saddle experiment). A saved job holds every finished stage's accumulators and the
// current stage's checkpoint; resumed, each stage continues where it stood, so the job ends
// with the same bits as one that never stopped.
import type { ResolvedConfig } from '../config/schema.js';
import type { AdapterReport } from '../gpu/device.js';
import type { AccumulatorState } from './accumulate.js';
import type { PathRange } from './plan.js';
import { RESULT_SCHEMA } from './result.js';

/** A stage at a record boundary: enough to finish it as if it had never stopped. */
export interface RunCheckpoint {
  range: PathRange;
  /**
   * ρ index, path chunk, and the next record to simulate in that chunk. A finished stage
   * stands at its last ρ, one past its last chunk.
   */
  position: { run: number; chunk: number; record: number };
  /** One per ρ from the first to position.run. */
  accumulators: AccumulatorState[];
  /** The chunk's state, divergence and guard buffers (absent at record 0: the chunk restarts). */
  buffers?: { state: Uint8Array; divergedAt: Uint8Array; guards: Uint8Array };
  /** Path-steps done so far (progress only). */
  pathSteps: number;
}

/**
 * Carries a job's stages through its simulate() calls: hands each stage its saved checkpoint,
 * and saves the finished stages with the current one every `everySeconds` (0: never).
 */
export class Checkpointer {
  private readonly finished: RunCheckpoint[] = [];

  constructor(
    readonly everySeconds: number,
    private readonly save: (stages: RunCheckpoint[]) => Promise<void> | void,
    private readonly resumeFrom: readonly RunCheckpoint[] = [],
  ) {}

  /** The stage the next simulate() call runs. */
  get stage(): number {
    return this.finished.length;
  }

  /** The saved checkpoint of the current stage, if the job is being resumed. */
  resumeCurrent(): RunCheckpoint | undefined {
    return this.resumeFrom[this.stage];
  }

  async saveCurrent(current: RunCheckpoint): Promise<void> {
    if (this.everySeconds > 0) await this.save([...this.finished, current]);
  }

  /**
   * Records the current stage as finished (its final accumulators, no GPU state) and saves
   * the job, so that a stop before the next stage's first checkpoint loses nothing finished.
   */
  async finish(final: RunCheckpoint): Promise<void> {
    this.finished.push(final);
    if (this.everySeconds > 0) await this.save([...this.finished]);
  }

  /** Every finished stage so far. */
  finishedStages(): readonly RunCheckpoint[] {
    return this.finished;
  }
}

// ---- the file format ----------------------------------------------------------------------

const MAGIC = 'SAMSDE\u0000\u0001';
/**
 * Bumped whenever the layout of the saved state or the random streams change: a run resumed
 * under another generator would continue with other draws. 2: Threefry4x32-20 (format 1 was
 * written with Philox4x32-10, docs/model.md §3.6).
 */
export const CHECKPOINT_FORMAT = 2;

/** What a file holds besides the stages. */
export interface SavedJobHeader {
  kind: 'checkpoint' | 'shard';
  /** The job: `run` (a config file), or the id of a registered experiment. */
  job: string;
  config: ResolvedConfig;
  /** Shard index of count (0-based), for a shard and a shard's checkpoint. */
  shard?: { index: number; count: number };
  /** The adapter that ran it (shards: the merged result reports the first shard's). */
  adapter?: AdapterReport;
}

export interface SavedJob extends SavedJobHeader {
  configHash: string;
  stages: RunCheckpoint[];
}

/**
 * The job of a saved run besides its config, named alike by the CLI and the page: `run` for a
 * config, else the experiment's kind and id, and an order ladder's spec (which can be edited).
 */
export function jobName(experiment?: { kind?: string; id: string }, order?: unknown): string {
  if (!experiment) return 'run';
  return `${experiment.kind ?? 'run'} ${experiment.id}${order ? ` ${JSON.stringify(order)}` : ''}`;
}

/** A checkpoint or shard file that cannot be used, and why. */
export class SavedJobError extends Error {}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The identity of a config: the hash of its resolved JSON. */
export function configHash(config: ResolvedConfig): Promise<string> {
  return sha256Hex(new TextEncoder().encode(JSON.stringify(config)));
}

interface StageHeader {
  range: PathRange;
  position: RunCheckpoint['position'];
  pathSteps: number;
  accumulators: { recorded: number; diverged: number[]; guarded: number[]; stacks: number; sharpness?: { readouts: number; stacks: number } }[];
  buffers?: { state: number; divergedAt: number; guards: number };
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;
const bytesOf = (words: Float64Array) => new Uint8Array(words.buffer, words.byteOffset, words.byteLength);

/**
 * The bytes of a saved job: magic, header length (u32), header JSON, 8-aligned blobs, and a
 * SHA-256 of everything before it, so a torn or altered file is recognised.
 */
export async function encodeSavedJob(header: SavedJobHeader, stages: readonly RunCheckpoint[]): Promise<Uint8Array> {
  const blobs: Uint8Array[] = [];
  const blob = (bytes: Uint8Array) => blobs.push(bytes) - 1;
  const stageHeaders: StageHeader[] = stages.map((stage) => ({
    range: stage.range,
    position: stage.position,
    pathSteps: stage.pathSteps,
    accumulators: stage.accumulators.map((a) => ({
      recorded: a.recorded, diverged: a.diverged, guarded: a.guarded, stacks: blob(bytesOf(a.stacks)),
      sharpness: a.sharpness && { readouts: a.sharpness.readouts, stacks: blob(bytesOf(a.sharpness.stacks)) },
    })),
    buffers: stage.buffers && {
      state: blob(stage.buffers.state), divergedAt: blob(stage.buffers.divergedAt), guards: blob(stage.buffers.guards),
    },
  }));
  const blobTable: [number, number][] = [];
  let offset = 0;
  for (const b of blobs) {
    blobTable.push([offset, b.byteLength]);
    offset = align8(offset + b.byteLength);
  }
  const json = new TextEncoder().encode(JSON.stringify({
    format: CHECKPOINT_FORMAT,
    resultSchema: RESULT_SCHEMA,
    ...header,
    configHash: await configHash(header.config),
    stages: stageHeaders,
    blobs: blobTable,
  }));
  const start = align8(MAGIC.length + 4 + json.byteLength);
  const bytes = new Uint8Array(start + offset + 32);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(MAGIC.length, json.byteLength, true);
  bytes.set(json, MAGIC.length + 4);
  blobs.forEach((b, i) => bytes.set(b, start + blobTable[i][0]));
  const hash = await globalThis.crypto.subtle.digest('SHA-256', bytes.subarray(0, bytes.byteLength - 32));
  bytes.set(new Uint8Array(hash), bytes.byteLength - 32);
  return bytes;
}

/** Reads a saved job, refusing (SavedJobError) a corrupted file or one of another format. */
export async function decodeSavedJob(input: Uint8Array): Promise<SavedJob> {
  // A plain view: a Node Buffer's slice() would share memory instead of copying.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const magic = new TextEncoder().encode(MAGIC);
  if (bytes.byteLength < magic.length + 4 + 32 || magic.some((b, i) => bytes[i] !== b)) {
    throw new SavedJobError('not a sam-sde checkpoint or shard file');
  }
  const body = bytes.subarray(0, bytes.byteLength - 32) as Uint8Array<ArrayBuffer>;
  const expected = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', body));
  if (expected.some((b, i) => bytes[bytes.byteLength - 32 + i] !== b)) {
    throw new SavedJobError('corrupted: its SHA-256 does not match its contents (a torn or altered file)');
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(magic.length, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(magic.length + 4, magic.length + 4 + length)));
  if (header.format !== CHECKPOINT_FORMAT || header.resultSchema !== RESULT_SCHEMA) {
    throw new SavedJobError(
      `written by another version: format ${header.format}, result schema ${header.resultSchema}; ` +
      `this sam-sde reads format ${CHECKPOINT_FORMAT}, result schema ${RESULT_SCHEMA}`,
    );
  }
  const start = align8(magic.length + 4 + length);
  const blobAt = (i: number) => {
    const [offset, size] = header.blobs[i] as [number, number];
    return bytes.slice(start + offset, start + offset + size);
  };
  const stages: RunCheckpoint[] = (header.stages as StageHeader[]).map((stage) => ({
    range: stage.range,
    position: stage.position,
    pathSteps: stage.pathSteps,
    accumulators: stage.accumulators.map((a) => ({
      recorded: a.recorded, diverged: a.diverged, guarded: a.guarded, stacks: new Float64Array(blobAt(a.stacks).buffer),
      sharpness: a.sharpness && { readouts: a.sharpness.readouts, stacks: new Float64Array(blobAt(a.sharpness.stacks).buffer) },
    })),
    buffers: stage.buffers && {
      state: blobAt(stage.buffers.state), divergedAt: blobAt(stage.buffers.divergedAt), guards: blobAt(stage.buffers.guards),
    },
  }));
  return { kind: header.kind, job: header.job, config: header.config, shard: header.shard, adapter: header.adapter, configHash: header.configHash, stages };
}
