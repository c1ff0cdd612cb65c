// Checkpoints of page runs (issue 11, docs/model.md §9): a run saves its job every
// CHECKPOINT_EVERY_SECONDS into the page's one slot (web/lib/checkpoint-store.ts); after a
// reload, a tab crash, a cancel or a lost device the page offers the saved run, and Resume
// re-creates the same request and continues from the saved stages, to the same `runs` as a run
// that never stopped. A saved run is refused, with the reason, when its bytes do not decode
// (torn, altered, another version) or when the page now makes another job or config of it.
// DOM-free: the store is an interface, so the unit tests run all of it on a Map.
import type { ResolvedConfig } from '../../src/config/schema.js';
import type { OrderSpec } from '../../src/experiments/types.js';
import {
  Checkpointer, SavedJobError, configHash, decodeSavedJob, encodeSavedJob, jobName, type RunCheckpoint, type SavedJob,
} from '../../src/simulate/checkpoint.js';
import { STORED_RUN_FORMAT, type CheckpointStore, type StoredRun } from './checkpoint-store.js';

/**
 * Seconds between a page run's checkpoints. A save reads the chunk's state back and writes it to
 * IndexedDB (milliseconds for the page's sizes), so at most these few seconds of work are lost.
 */
export const CHECKPOINT_EVERY_SECONDS = 5;
/** The most seconds the page's `checkpointEvery` link field allows (an hour). */
export const CHECKPOINT_EVERY_MAX_SECONDS = 3600;

/**
 * The link field `checkpointEvery` (seconds, 0 turns checkpoints off; like the CLI's
 * `--checkpoint-every`): the seconds, or the message that says why the text is refused.
 */
export function parseCheckpointEvery(text: string): { seconds: number } | { error: string } {
  const seconds = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > CHECKPOINT_EVERY_MAX_SECONDS) {
    return { error: `checkpointEvery must be a number of seconds from 0 (off) to ${CHECKPOINT_EVERY_MAX_SECONDS}; got "${text}". Checkpoints come every ${CHECKPOINT_EVERY_SECONDS} s.` };
  }
  return { seconds };
}

/** What identifies a page run besides its label: the job and config its checkpoint must match, and the page state to load. */
export interface RunIdentity {
  job: string;
  config: ResolvedConfig;
  /** The page state (URL query) that makes this run. */
  search: string;
}

/**
 * The job of a page run, as the CLI names it (src/node/commands/experiments.ts): `run` for a
 * pasted config, else the experiment's kind and id, and an order run's ladder, which the page
 * lets the user edit.
 */
export function pageJob(experiment: { kind?: string; id: string } | undefined, order?: OrderSpec): string {
  return jobName(experiment, order);
}

/** What the page offers on load: a saved run to resume, or one it refuses and why. */
export type Offer =
  | { state: 'resumable'; run: StoredRun; saved: SavedJob }
  | { state: 'refused'; reason: string; run?: StoredRun };

/** The stored record if it has this page's shape, else why not. */
export function readStoredRun(value: unknown): StoredRun | string {
  const other = 'it was saved by another version of this page';
  if (value === null || typeof value !== 'object') return other;
  const r = value as Partial<StoredRun>;
  if (r.format !== STORED_RUN_FORMAT) return `${other} (record format ${String(r.format)}, this page reads ${STORED_RUN_FORMAT})`;
  const ok = typeof r.search === 'string' && typeof r.label === 'string' && typeof r.job === 'string'
    && typeof r.fraction === 'number' && typeof r.savedAt === 'number' && r.bytes instanceof Uint8Array;
  return ok ? (r as StoredRun) : `${other} (a field is missing)`;
}

/** The offer a stored record makes: decoded when its bytes are a sound checkpoint of the job it names. */
export async function offerFrom(value: unknown): Promise<Offer | undefined> {
  if (value === undefined || value === null) return undefined;
  const run = readStoredRun(value);
  if (typeof run === 'string') return { state: 'refused', reason: run };
  let saved: SavedJob;
  try {
    saved = await decodeSavedJob(run.bytes);
  } catch (e) {
    const why = e instanceof SavedJobError ? e.message : `unreadable (${(e as Error).message})`;
    return { state: 'refused', run, reason: `its checkpoint is ${why}` };
  }
  if (saved.kind !== 'checkpoint' || saved.job !== run.job) {
    return { state: 'refused', run, reason: `its checkpoint is of another job (${saved.kind} "${saved.job}", the page saved "${run.job}")` };
  }
  return { state: 'resumable', run, saved };
}

/**
 * Why the run the page now makes of a saved run's state cannot continue its checkpoint, or
 * undefined when it can: the same job and the same config, to the hash.
 */
export async function resumeRefusal(
  offer: Extract<Offer, { state: 'resumable' }>, identity: RunIdentity | undefined, blocked = '',
): Promise<string | undefined> {
  if (!identity) return `the page can no longer set this run up${blocked ? `: ${blocked}` : ''}`;
  const saved = offer.saved;
  if (saved.job !== identity.job) return `it is a checkpoint of another job ("${saved.job}"; the page now makes "${identity.job}")`;
  const hash = await configHash(identity.config);
  if (hash !== saved.configHash) {
    return `its config no longer matches: the page now resolves this run to another config (hash ${hash.slice(0, 12)}…, ` +
      `the checkpoint's ${saved.configHash.slice(0, 12)}…), as after an update of the page, so it cannot continue bit for bit`;
  }
  return undefined;
}

/** "14:05:09", with the date in front when it is not the day of `now`. */
export function clockTime(at: Date, now: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
  const sameDay = at.getFullYear() === now.getFullYear() && at.getMonth() === now.getMonth() && at.getDate() === now.getDate();
  return sameDay ? time : `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${time}`;
}

/** "progress 37 %, saved at 14:05:09": never rounds up to 100 % before the end. */
export function savedLine(run: Pick<StoredRun, 'fraction' | 'savedAt'>, now = new Date()): string {
  const percent = Math.min(99, Math.floor(100 * Math.max(0, run.fraction)));
  return `progress ${percent} %, saved at ${clockTime(new Date(run.savedAt), now)}`;
}

/** What one save did: when and how far, or why it failed (the run goes on either way). */
export type SaveReport = { savedAt: number; fraction: number; bytes: number } | { error: string };

/** The page's checkpoints: one Checkpointer per run, writing the one slot of `store`. */
export class PageCheckpoints {
  /** Seconds between checkpoints (the link's `checkpointEvery`); a run reads it when it starts. */
  everySeconds = CHECKPOINT_EVERY_SECONDS;

  constructor(private readonly store: CheckpointStore) {}

  /**
   * The Checkpointer of one run: each save writes the slot and is reported to `onSaved`; a save
   * that fails (storage full, IndexedDB gone) is reported and the run goes on.
   */
  checkpointer(
    identity: RunIdentity, label: string, progress: () => number, onSaved: (report: SaveReport) => void,
    resumeFrom: readonly RunCheckpoint[] = [],
  ): Checkpointer {
    return new Checkpointer(this.everySeconds, async (stages) => {
      const fraction = progress();
      const savedAt = Date.now();
      try {
        const bytes = await encodeSavedJob({ kind: 'checkpoint', job: identity.job, config: identity.config }, stages);
        await this.store.save({ format: STORED_RUN_FORMAT, search: identity.search, label, job: identity.job, fraction, savedAt, bytes });
        onSaved({ savedAt, fraction, bytes: bytes.byteLength });
      } catch (e) {
        onSaved({ error: e instanceof Error ? e.message : String(e) });
      }
    }, resumeFrom);
  }

  /** What the slot offers now. */
  async offer(): Promise<Offer | undefined> {
    let value: unknown;
    try {
      value = await this.store.load();
    } catch (e) {
      return { state: 'refused', reason: `the browser's storage could not be read (${(e as Error).message})` };
    }
    return offerFrom(value);
  }

  /** Empties the slot: the run finished (its result is on show) or the user discarded it. */
  clear(): Promise<void> {
    return this.store.clear();
  }
}
