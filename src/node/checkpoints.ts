// Checkpoint and shard files on disk (docs/model.md §9): written atomically (a temporary file,
// fsync, rename, fsync of the directory), so a SIGKILL at any instant leaves the previous
// file or the new one, never a torn one; read back with their config checked.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  Checkpointer, SavedJobError, configHash, decodeSavedJob, encodeSavedJob,
  type RunCheckpoint, type SavedJob, type SavedJobHeader,
} from '../simulate/checkpoint.js';

export const CHECKPOINT_FILE = join('checkpoint', 'checkpoint.samsde');
export const SHARD_FILE = 'shard.samsde';

export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    let at = 0;
    while (at < bytes.byteLength) at += writeSync(fd, bytes, at, bytes.byteLength - at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

export async function readSavedJob(path: string): Promise<SavedJob> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new SavedJobError(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return await decodeSavedJob(bytes);
  } catch (e) {
    if (e instanceof SavedJobError) throw new SavedJobError(`${path}: ${e.message}`);
    throw new SavedJobError(`${path}: unreadable (${(e as Error).message})`);
  }
}

export interface CheckpointOptions {
  /** Seconds between checkpoints; 0 turns them off. */
  everySeconds: number;
  resume: boolean;
}

/**
 * The checkpointer of a job writing to `outDir`: resumed from DIR/checkpoint when asked (and
 * refused, before anything is written, when that checkpoint is of another job or config, of
 * another version, or corrupted); a fresh job refuses to start over an existing checkpoint.
 */
export async function openCheckpoints(
  outDir: string, header: SavedJobHeader, options: CheckpointOptions,
): Promise<{ checkpointer: Checkpointer; file: string; resumedFrom?: SavedJob }> {
  const file = join(outDir, CHECKPOINT_FILE);
  let resumedFrom: SavedJob | undefined;
  if (options.resume) {
    if (!existsSync(file)) throw new SavedJobError(`--resume: there is no checkpoint at ${file}`);
    resumedFrom = await readSavedJob(file);
    const hash = await configHash(header.config);
    if (resumedFrom.job !== header.job || resumedFrom.configHash !== hash) {
      throw new SavedJobError(
        `--resume: ${file} is a checkpoint of another ${resumedFrom.job !== header.job ? `job (${resumedFrom.job}, not ${header.job})` : 'config'}` +
        ` (config hash ${resumedFrom.configHash.slice(0, 12)}…, this run's ${hash.slice(0, 12)}…); nothing was overwritten`,
      );
    }
    const same = (a?: { index: number; count: number }, b?: { index: number; count: number }) => a?.index === b?.index && a?.count === b?.count;
    if (!same(resumedFrom.shard, header.shard)) {
      throw new SavedJobError(`--resume: ${file} is a checkpoint of ${resumedFrom.shard ? `shard ${resumedFrom.shard.index}/${resumedFrom.shard.count}` : 'the whole run'}, not of ${header.shard ? `shard ${header.shard.index}/${header.shard.count}` : 'the whole run'}`);
    }
  } else if (existsSync(file) && options.everySeconds > 0) {
    throw new SavedJobError(`${file} holds the checkpoint of an earlier run: pass --resume to continue it, or remove it to start over`);
  }
  const save = async (stages: RunCheckpoint[]) => writeFileAtomic(file, await encodeSavedJob({ ...header, kind: 'checkpoint' }, stages));
  return { checkpointer: new Checkpointer(options.everySeconds, save, resumedFrom?.stages ?? []), file, resumedFrom };
}

/** What the CLI says after `wrote result.json` of a cancelled job. */
export function cancelledNote(outDir: string): string {
  return existsSync(join(outDir, CHECKPOINT_FILE))
    ? ` (cancelled: partial results; --resume continues from ${join(outDir, CHECKPOINT_FILE)})`
    : ' (cancelled: partial results; no checkpoint was taken yet)';
}

/** Removes the checkpoint of a job that finished: its result is written. */
export function removeCheckpoint(outDir: string): void {
  rmSync(join(outDir, 'checkpoint'), { recursive: true, force: true });
}

export async function writeShard(outDir: string, header: SavedJobHeader, stages: readonly RunCheckpoint[]): Promise<string> {
  const file = join(outDir, SHARD_FILE);
  writeFileAtomic(file, await encodeSavedJob({ ...header, kind: 'shard' }, stages));
  return file;
}
