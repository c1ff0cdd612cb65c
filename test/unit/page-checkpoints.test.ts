// The page's checkpoints (web/lib/page-checkpoints.ts, issue 11 item 6), on an in-memory store:
// a run's save lands in the slot and comes back as a resumable offer with the same stages, bit
// for bit; torn, altered, foreign and out-of-date records are refused with the reason; a resumed
// run is refused when the page now makes another job or config of the saved state; a failed save
// is reported without failing the run. The browser side (IndexedDB, reload, Resume) is in
// test/e2e/page-resume.test.ts.
import { describe, expect, test } from 'vitest';
import { resolveConfig } from '../../src/config/schema.js';
import { findExperiment } from '../../src/experiments/registry.js';
import type { RunCheckpoint } from '../../src/simulate/checkpoint.js';
import { decodeState, encodeState } from '../../web/lib/url-state.js';
import { STORED_RUN_FORMAT, type CheckpointStore, type StoredRun } from '../../web/lib/checkpoint-store.js';
import {
  CHECKPOINT_EVERY_MAX_SECONDS, CHECKPOINT_EVERY_SECONDS, PageCheckpoints, clockTime, offerFrom, pageJob, parseCheckpointEvery,
  readStoredRun, resumeRefusal, savedLine,
  type Offer, type RunIdentity, type SaveReport,
} from '../../web/lib/page-checkpoints.js';

const config = resolveConfig({
  problem: { kind: 'quadratic', hessian: { eigenvalues: [1, 0.5, 0.25, 0.125] } },
  x0: { normal: { std: 1, seed: 1 } },
  noise: { sigma: 0.1 },
  eta: 0.01,
  rho: [0.01, 0.1],
  steps: 500,
  paths: 64,
  seed: 1,
});
const identity: RunIdentity = { job: 'run', config, search: '?experiment=custom&config=%7B%7D' };

/** The one slot, in memory: what IndexedDB's structured clone would hand back is a copy. */
class MemoryStore implements CheckpointStore {
  value: unknown;
  failSave = '';
  async load(): Promise<unknown> { return structuredClone(this.value); }
  async save(run: StoredRun): Promise<void> {
    if (this.failSave) throw new Error(this.failSave);
    this.value = structuredClone(run);
  }
  async clear(): Promise<void> { this.value = undefined; }
}

/** A stage mid-run: two ρ's accumulators, the chunk's buffers, distinct bytes everywhere. */
function stage(seed: number): RunCheckpoint {
  const bytes = (n: number, k: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + k * 7 + seed) & 255);
  return {
    range: { start: 0, end: 64 },
    position: { run: 1, chunk: 0, record: 17 },
    accumulators: [0, 1].map((r) => ({
      recorded: 20 + r, diverged: [r, 0, 2], guarded: [0, r, 0],
      stacks: Float64Array.from({ length: 24 }, (_, i) => Math.sin(seed + r * 100 + i) * 1e3),
    })),
    buffers: { state: bytes(64 * 16, 1), divergedAt: bytes(64 * 4, 2), guards: bytes(64 * 4, 3) },
    pathSteps: 12_345 + seed,
  };
}

async function savedOffer(store: MemoryStore, stages: RunCheckpoint[], fraction = 0.42): Promise<Extract<Offer, { state: 'resumable' }>> {
  const reports: SaveReport[] = [];
  const checkpointer = new PageCheckpoints(store).checkpointer(identity, 'Pasted config, 4 path-steps', () => fraction, (r) => reports.push(r));
  // A finished stage is saved at once (with those before it), the current one with them all.
  for (const s of stages.slice(0, -1)) await checkpointer.finish(s);
  await checkpointer.saveCurrent(stages[stages.length - 1]);
  expect(reports).toHaveLength(stages.length);
  for (const report of reports) expect(report).toMatchObject({ fraction });
  const offer = await new PageCheckpoints(store).offer();
  if (offer?.state !== 'resumable') throw new Error(`expected a resumable offer, got ${JSON.stringify(offer)}`);
  return offer;
}

describe('page checkpoints: save, offer, resume (issue 11)', () => {
  test('a save comes back as a resumable offer holding the same stages, bit for bit', async () => {
    const store = new MemoryStore();
    const before = Date.now();
    const stages = [stage(1), stage(2)];
    const offer = await savedOffer(store, stages, 0.37);
    expect(offer.run).toMatchObject({ format: STORED_RUN_FORMAT, search: identity.search, job: 'run', fraction: 0.37, label: 'Pasted config, 4 path-steps' });
    expect(offer.run.savedAt).toBeGreaterThanOrEqual(before);
    expect(offer.saved.job).toBe('run');
    expect(offer.saved.config).toEqual(config);
    expect(offer.saved.stages).toHaveLength(2);
    offer.saved.stages.forEach((s, i) => {
      expect(s.position).toEqual(stages[i].position);
      expect(s.pathSteps).toBe(stages[i].pathSteps);
      expect(Array.from(s.buffers!.state)).toEqual(Array.from(stages[i].buffers!.state));
      s.accumulators.forEach((a, r) => expect(Array.from(a.stacks)).toEqual(Array.from(stages[i].accumulators[r].stacks)));
    });
    expect(await resumeRefusal(offer, identity)).toBeUndefined();
  });

  test('the Checkpointer of a resumed run hands back the saved stages, and saves every CHECKPOINT_EVERY_SECONDS', async () => {
    const offer = await savedOffer(new MemoryStore(), [stage(5)]);
    const checkpointer = new PageCheckpoints(new MemoryStore()).checkpointer(identity, 'x', () => 0, () => undefined, offer.saved.stages);
    expect(CHECKPOINT_EVERY_SECONDS).toBe(5);
    expect(checkpointer.everySeconds).toBe(CHECKPOINT_EVERY_SECONDS);
    expect(checkpointer.resumeCurrent()?.position).toEqual(stage(5).position);
    expect(Array.from(checkpointer.resumeCurrent()!.buffers!.guards)).toEqual(Array.from(stage(5).buffers!.guards));
  });

  test('clear empties the slot: nothing is offered', async () => {
    const store = new MemoryStore();
    await savedOffer(store, [stage(1)]);
    await new PageCheckpoints(store).clear();
    expect(await new PageCheckpoints(store).offer()).toBeUndefined();
  });

  test('a failed save is reported and the run goes on', async () => {
    const store = new MemoryStore();
    store.failSave = 'QuotaExceededError: the quota has been exceeded';
    const reports: SaveReport[] = [];
    const checkpointer = new PageCheckpoints(store).checkpointer(identity, 'x', () => 0.5, (r) => reports.push(r));
    await expect(checkpointer.saveCurrent(stage(1))).resolves.toBeUndefined();
    expect(reports).toEqual([{ error: 'QuotaExceededError: the quota has been exceeded' }]);
    expect(store.value).toBeUndefined();
  });

  test('refuses a torn or altered checkpoint, a record of another version, and a record naming another job', async () => {
    const store = new MemoryStore();
    const { run } = await savedOffer(store, [stage(3)]);
    const refused = async (value: unknown) => {
      const offer = await offerFrom(value);
      if (offer?.state !== 'refused') throw new Error(`expected a refusal, got ${offer?.state}`);
      return offer.reason;
    };
    const altered = run.bytes.slice();
    altered[altered.length - 100] ^= 1;
    expect(await refused({ ...run, bytes: altered })).toMatch(/corrupted/);
    expect(await refused({ ...run, bytes: run.bytes.slice(0, run.bytes.length >> 1) })).toMatch(/corrupted/);
    expect(await refused({ ...run, bytes: new TextEncoder().encode('not a checkpoint at all, but long enough to be read') })).toMatch(/not a sam-sde checkpoint/);
    expect(await refused({ ...run, format: STORED_RUN_FORMAT + 1 })).toMatch(/another version of this page \(record format 2/);
    expect(await refused({ ...run, search: undefined })).toMatch(/a field is missing/);
    expect(await refused('a string')).toMatch(/another version/);
    expect(await refused({ ...run, job: 'validation other-experiment' })).toMatch(/another job/);
    expect(readStoredRun(run)).toEqual(run);
  });

  test('refuses to resume when the page now makes another config, another job, or nothing', async () => {
    const offer = await savedOffer(new MemoryStore(), [stage(4)]);
    const changed = resolveConfig({ ...config, seed: 2 });
    expect(await resumeRefusal(offer, { ...identity, config: changed })).toMatch(/config no longer matches.*hash [0-9a-f]{12}…/);
    expect(await resumeRefusal(offer, { ...identity, job: 'validation validation-quadratic' })).toMatch(/another job \("run"/);
    expect(await resumeRefusal(offer, undefined, 'paths: must be at least 1')).toBe('the page can no longer set this run up: paths: must be at least 1');
  });

  test('pageJob names a job as the CLI does: run, or kind, id and an order ladder', () => {
    expect(pageJob(undefined)).toBe('run');
    const validation = findExperiment('validation-quadratic')!;
    expect(pageJob(validation)).toBe('validation validation-quadratic');
    const order = { etas: [0.1, 0.05], horizon: 1, rhoScaling: 'fixed' as const, rhoScale: 0.1 };
    expect(pageJob({ kind: 'order', id: 'order-x' }, order)).toBe(`order order-x ${JSON.stringify(order)}`);
    expect(pageJob({ kind: 'order', id: 'order-x' }, { ...order, horizon: 2 })).not.toBe(pageJob({ kind: 'order', id: 'order-x' }, order));
  });

  test('the banner line: progress rounded down (never 100 % unfinished), the time, the date when not today', () => {
    const now = new Date(2026, 11, 2, 6, 0, 0);
    expect(savedLine({ fraction: 0.376, savedAt: new Date(2026, 11, 2, 5, 42, 7).getTime() }, now)).toBe('progress 37 %, saved at 05:42:07');
    expect(savedLine({ fraction: 0.9999, savedAt: now.getTime() }, now)).toBe('progress 99 %, saved at 06:00:00');
    expect(clockTime(new Date(2026, 10, 30, 23, 5, 9), now)).toBe('2026-11-30 23:05:09');
  });

  test('the link field checkpointEvery: seconds from 0 (off) to an hour, kept in the URL; anything else refused, saying why', () => {
    expect(parseCheckpointEvery('0.5')).toEqual({ seconds: 0.5 });
    expect(parseCheckpointEvery('0')).toEqual({ seconds: 0 });
    expect(parseCheckpointEvery(String(CHECKPOINT_EVERY_MAX_SECONDS))).toEqual({ seconds: CHECKPOINT_EVERY_MAX_SECONDS });
    for (const bad of ['', ' ', 'soon', '-1', '3601', 'Infinity']) {
      const parsed = parseCheckpointEvery(bad);
      expect(parsed, bad).toHaveProperty('error');
      expect((parsed as { error: string }).error).toContain(`checkpointEvery must be a number of seconds from 0 (off) to 3600; got "${bad}"`);
      expect((parsed as { error: string }).error).toContain(`every ${CHECKPOINT_EVERY_SECONDS} s`);
    }
    const { state } = decodeState('?experiment=custom&checkpointEvery=0.5', 'x');
    expect(state.checkpointEvery).toBe('0.5');
    expect(encodeState(state)).toBe('?experiment=custom&checkpointEvery=0.5');
    expect(decodeState('?experiment=custom', 'x').state.checkpointEvery).toBeUndefined();
  });
});
