// Issue 11 end to end (docs/model.md §9): `sam-sde run` killed with SIGKILL at several points
// and resumed gives result.json `runs` identical to an uninterrupted run; shards run as
// parallel processes (and through the Slurm example with the index set by hand) and merged
// give the same; every refusal exits 2 and overwrites nothing.
// Budget on a 2-core SwiftShader machine: about 2 minutes (each process compiles its kernels).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BIN, ROOT, runCli, type Outcome } from './spawn.js';

const CONFIG = {
  problem: { kind: 'quadratic', hessian: { wishart: { dim: 6, seed: 1 } } },
  x0: { normal: { std: 1, seed: 2 } },
  noise: { sigma: 0.1 },
  eta: 0.01,
  rho: [0.01, 0.1],
  // Long enough that a run resumed after its first checkpoint is still going one checkpoint
  // and half a second later: 2 000 steps took ~2 s of simulation here once Node stopped
  // spinning beside SwiftShader (src/node/dawnPolling.ts), too short for that; 6 000 take ~5 s.
  steps: 6000,
  recordEvery: 10,
  paths: 600,
  seed: 1,
  algorithms: ['USAM'],
  models: ['USAM-SDE'],
};

let dir = '';
let config = '';
let reference = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sam-sde-long-'));
  config = join(dir, 'config.json');
  await writeFile(config, JSON.stringify(CONFIG));
  const outcome = await runCli(['run', config, '--out', join(dir, 'reference'), '--no-progress', '--checkpoint-every', '0'], { timeoutMs: 240_000 });
  expectCode(outcome, 0, 'the uninterrupted run');
  reference = runsOf(join(dir, 'reference'));
});
afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

function expectCode(outcome: Outcome, code: number, what: string): void {
  expect(outcome.code, `${what} exited ${outcome.code} (${outcome.signal ?? 'no signal'})\nstdout:\n${outcome.stdout}\nstderr:\n${outcome.stderr}`).toBe(code);
}

/** The `runs` of DIR/result.json, as JSON after parsing (the identity). */
function runsOf(outDir: string): string {
  return JSON.stringify(JSON.parse(readFileSync(join(outDir, 'result.json'), 'utf8')).runs);
}

const checkpointOf = (outDir: string) => join(outDir, 'checkpoint', 'checkpoint.samsde');

/**
 * Starts `sam-sde run` and SIGKILLs it once `when` says so (polled every 20 ms); resolves
 * with how the process ended, or rejects if it finished first.
 */
function runAndKill(args: string[], when: (elapsedMs: number) => boolean, timeoutMs = 120_000): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const started = Date.now();
    const poll = setInterval(() => {
      const elapsed = Date.now() - started;
      if (elapsed > timeoutMs) child.kill('SIGKILL');
      else if (when(elapsed)) child.kill('SIGKILL');
    }, 20);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      if (signal === 'SIGKILL' && Date.now() - started <= timeoutMs) resolve(signal);
      else reject(new Error(`sam-sde ${args.join(' ')} ended (${code}, ${signal}) before it was killed\n${stderr}`));
    });
  });
}

/** A file's identity, so a rewrite (a new checkpoint, renamed into place) is seen. */
function stamp(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const s = statSync(file);
  return `${s.ino}:${s.mtimeMs}`;
}

describe('checkpoint and resume', () => {
  test('killed early (no checkpoint yet), right after a checkpoint and mid-interval, resumed: the same runs', async () => {
    const out = join(dir, 'killed');
    const args = ['run', config, '--out', out, '--no-progress', '--checkpoint-every', '1'];
    const file = checkpointOf(out);

    // Early: before the first checkpoint. Nothing to resume, and --resume says so.
    await runAndKill(args, (ms) => ms > 300 && !existsSync(file));
    const early = await runCli([...args, '--resume']);
    expectCode(early, 2, '--resume with no checkpoint');
    expect(early.stderr).toContain('there is no checkpoint at');

    // Right after the first checkpoint lands.
    await runAndKill(args, () => existsSync(file));
    const first = readFileSync(file);

    // Refusals while it is there: a fresh run over it, another config, a corrupted copy.
    const over = await runCli(args);
    expectCode(over, 2, 'a fresh run over a checkpoint');
    expect(over.stderr).toContain('pass --resume to continue it');
    const otherConfig = await runCli([...args, '--resume', '--seed', '2']);
    expectCode(otherConfig, 2, '--resume with another seed');
    expect(otherConfig.stderr).toMatch(/is a checkpoint of another config \(config hash [0-9a-f]{12}…, this run's [0-9a-f]{12}…\); nothing was overwritten/);
    const corrupted = join(dir, 'corrupted');
    await mkdir(join(corrupted, 'checkpoint'), { recursive: true });
    const bytes = Buffer.from(first);
    bytes[Math.floor(bytes.length / 2)] ^= 0x40;
    await writeFile(checkpointOf(corrupted), bytes);
    const torn = await runCli(['run', config, '--out', corrupted, '--no-progress', '--resume']);
    expectCode(torn, 2, '--resume from a corrupted checkpoint');
    expect(torn.stderr).toContain('corrupted: its SHA-256 does not match its contents');
    expect(readFileSync(file).equals(first)).toBe(true);

    // Resumed, then killed mid-interval: after one more checkpoint, between two.
    let seen = stamp(file);
    let rewrittenAt = 0;
    await runAndKill([...args, '--resume'], (ms) => {
      const now = stamp(file);
      if (now !== seen && rewrittenAt === 0) { rewrittenAt = ms; seen = now; }
      return rewrittenAt > 0 && ms > rewrittenAt + 500;
    });
    expect(readFileSync(file).equals(first)).toBe(false);

    const last = await runCli([...args, '--resume'], { timeoutMs: 240_000 });
    expectCode(last, 0, 'the last resume');
    expect(runsOf(out)).toBe(reference);
    expect(existsSync(join(out, 'checkpoint')), 'a finished run removes its checkpoint').toBe(false);
  });
});

describe('estimates (issue 13 item 2)', () => {
  test('run --dry-run prints the plan and a calibrated estimate, and writes nothing', async () => {
    const out = join(dir, 'dry');
    const outcome = await runCli(['run', config, '--dry-run', '--out', out]);
    expectCode(outcome, 0, 'run --dry-run');
    expect(outcome.stdout).toContain('config: 600 paths × 6000 steps × 2 ρ × 2 dynamics');
    const match = /estimate: (.+) of stepping \+ (.+) of set-up \(calibrated over ([\d.]+) s of stepping, ([\d.]+) % of the job, ([\d.e+-]+) path-steps\/s\)/.exec(outcome.stdout);
    expect(match, outcome.stdout).not.toBeNull();
    expect(Number(match![4])).toBeGreaterThan(0);
    expect(Number(match![5])).toBeGreaterThan(0);
    expect(existsSync(out)).toBe(false);
    const refused = await runCli(['run', config, '--dry-run', '--shard', '0/2']);
    expectCode(refused, 2, '--dry-run with --shard');
  });
});

describe('shards and merge', () => {
  test('3 shards as parallel processes, merged: the same runs; bad merges refused', async () => {
    const shards = [0, 1, 2].map((i) => join(dir, `shard-${i}`));
    const outcomes = await Promise.all(shards.map((out, i) =>
      runCli(['run', config, '--shard', `${i}/3`, '--out', out, '--no-progress', '--checkpoint-every', '0'], { timeoutMs: 240_000 })));
    outcomes.forEach((o, i) => expectCode(o, 0, `shard ${i}/3`));
    // 600 paths are 5 blocks of 128: shard 1 of 3 holds blocks 1 and 2.
    expect(outcomes[1].stdout).toContain('shard 1/3: paths 128..383 of 600');

    const merged = join(dir, 'merged');
    const merge = await runCli(['merge', shards[2], shards[0], shards[1], '--out', merged]);
    expectCode(merge, 0, 'merge');
    expect(runsOf(merged)).toBe(reference);

    const missing = await runCli(['merge', shards[0], shards[2], '--out', join(dir, 'bad')]);
    expectCode(missing, 2, 'merge with a shard missing');
    expect(missing.stderr).toContain('shard 1/3 missing');
    const twice = await runCli(['merge', shards[0], shards[1], shards[1], shards[2], '--out', join(dir, 'bad')]);
    expectCode(twice, 2, 'merge with a shard twice');
    expect(twice.stderr).toContain('shard 1/3 is given twice');
    const notShard = await runCli(['merge', shards[0], join(dir, 'reference'), '--out', join(dir, 'bad')]);
    expectCode(notShard, 2, 'merge of a directory without a shard');
    expect(notShard.stderr).toMatch(/cannot read .*shard\.samsde/);
    expect(existsSync(join(dir, 'bad'))).toBe(false);
  });

  test('the Slurm example, with SLURM_ARRAY_TASK_ID set by hand, then merge: the same runs', async () => {
    const script = join(ROOT, 'examples', 'shards', 'slurm.sbatch');
    const out = join(dir, 'slurm');
    const task = (env: Record<string, string>) => new Promise<Outcome>((resolve, reject) => {
      const child = spawn('bash', [script, config, out], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
      child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
    // Outside an array job the script stops with a message, before running anything.
    const bare = await task({});
    expect(bare.code).not.toBe(0);
    expect(bare.stderr).toContain('SLURM_ARRAY_TASK_ID is not set');
    for (const index of [0, 1]) {
      expectCode(await task({ SLURM_ARRAY_TASK_ID: String(index), SLURM_ARRAY_TASK_COUNT: '2' }), 0, `slurm task ${index}`);
    }
    const merge = await runCli(['merge', join(out, 'shard-0'), join(out, 'shard-1'), '--out', join(out, 'merged')]);
    expectCode(merge, 0, 'merge of the Slurm shards');
    expect(runsOf(join(out, 'merged'))).toBe(reference);
  });
});
