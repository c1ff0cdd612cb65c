// The benchmark suite's smoke test (issue 7): `bench/run.ts --quick` finishes on this machine's
// adapter and writes a valid sam-sde/bench@1 document and its markdown; the device bundle
// builds with its assets embedded. No time is asserted: CI machines differ and are loaded.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BenchDocument, CaseResult } from '../../bench/results.js';
import { runNode, type Outcome } from './spawn.js';


const node = (args: string[], timeoutMs: number) => runNode(args, { timeoutMs });

function expectSpread(value: unknown, what: string): void {
  const s = value as Record<string, unknown>;
  for (const key of ['median', 'min', 'max', 'relSpread']) expect(typeof s[key], `${what}.${key}`).toBe('number');
  expect(Array.isArray(s.values), `${what}.values`).toBe(true);
  expect((s.min as number) <= (s.median as number) && (s.median as number) <= (s.max as number), `${what}: min ≤ median ≤ max`).toBe(true);
}

let dir = '';
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'sam-sde-bench-')); });
afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

describe('npm run bench -- --quick', () => {
  let run: Promise<{ outcome: Outcome; out: string }> | undefined;
  const quick = () => (run ??= (async () => {
    const out = join(dir, 'quick.json');
    // --no-install: the smoke test never installs packages; the numpy peer is skipped without numpy.
    const outcome = await node(['--import', 'tsx', 'bench/run.ts', '--quick', '--no-install', '--out', out], 540_000);
    return { outcome, out };
  })());

  test('exits 0 and writes the JSON document and its markdown', async () => {
    const { outcome, out } = await quick();
    expect(outcome.code, `bench --quick exited ${outcome.code}\nstderr:\n${outcome.stderr}`).toBe(0);
    expect(existsSync(out)).toBe(true);
    const markdown = await readFile(out.replace(/\.json$/, '.md'), 'utf8');
    expect(markdown).toMatch(/^## sam-sde benchmark: quick/m);
    expect(markdown).toContain('### (a) SDE kernels');
  }, 600_000);

  test('the document follows sam-sde/bench@1', async () => {
    const { out } = await quick();
    const doc = JSON.parse(await readFile(out, 'utf8')) as BenchDocument;
    expect(doc.schema).toBe('sam-sde/bench@1');
    expect(doc.profile).toBe('quick');
    expect(doc.complete).toBe(true);
    expect(doc.errors).toEqual([]);
    expect(Number.isNaN(Date.parse(doc.date))).toBe(false);
    expect(typeof doc.machine.cpuModel).toBe('string');
    expect(doc.machine.cores).toBeGreaterThan(0);
    expect(doc.machine.loadBefore).toHaveLength(3);
    expect(doc.machine.loadAfter).toHaveLength(3);
    expect(doc.adapter.name.length).toBeGreaterThan(0);
    expect(typeof doc.adapter.timestampQuery).toBe('boolean');
    expect(typeof doc.peers.numpy.available).toBe('boolean');
    expect(doc.flopCount).toMatch(/2d²/);

    const groups = new Set(doc.cases.map((c) => c.group));
    for (const group of ['kernel', 'linear3d', 'problem', 'reduction', 'end-to-end', 'compile', 'rng', 'checkpoint']) expect(groups.has(group as CaseResult['group']), group).toBe(true);
    expect(new Set(doc.cases.map((c) => c.id)).size).toBe(doc.cases.length);
    for (const c of doc.cases) {
      expect(['gpu', 'twin', 'numpy']).toContain(c.runner);
      expect(c.load).toHaveLength(2);
      if (c.skipped !== undefined) {
        expect(typeof c.skipped).toBe('string');
        continue;
      }
      expect(c.repetitions, c.id).toBeGreaterThanOrEqual(3);
      expect(Object.keys(c.metrics).length, c.id).toBeGreaterThan(0);
      for (const [name, value] of Object.entries(c.metrics)) {
        expectSpread(value, `${c.id}.${name}`);
        expect((value as { values: number[] }).values, `${c.id}.${name}`).toHaveLength(c.repetitions);
      }
      expect(c.metrics.wallSeconds?.median, c.id).toBeGreaterThan(0);
      if (c.group === 'compile') {
        // One timed compile per dynamics' advance pipeline, on a device of its own.
        expect(c.repetitions, c.id).toBe(11);
        expect(typeof c.params.slowest, c.id).toBe('string');
      } else if (c.group === 'rng') {
        expect(c.metrics.normalsPerSecond?.median, c.id).toBeGreaterThan(0);
        expect(c.metrics.normalsPerCpuSecond?.median, c.id).toBeGreaterThan(0);
      } else if (c.group === 'checkpoint') {
        // One repetition per checkpoint taken; the file holds the chunk's state at least.
        expect(c.params.checkpoints, c.id).toBe(c.repetitions);
        expect(Number(c.params.bytes), c.id).toBeGreaterThan(2 * 1024 * 20 * 4);
        for (const key of ['gatherSeconds', 'encodeSeconds', 'writeSeconds']) expect(Number(c.params[key]), `${c.id}.${key}`).toBeGreaterThan(0);
      } else if (c.runner === 'gpu' && c.group !== 'reduction') {
        expect(c.metrics.pathStepsPerSecond?.median, c.id).toBeGreaterThan(0);
        expect(c.counts?.submits, c.id).toBeGreaterThan(0);
        expect(c.counts?.dispatches, c.id).toBeGreaterThan(0);
        expect(c.counts?.peakBufferBytes, c.id).toBeGreaterThan(0);
      }
    }
    // USAM-SDE has its peers in the same run, and the ratios name both sides.
    const usam = doc.cases.filter((c) => c.group === 'kernel' && c.subject === 'USAM-SDE' && !c.skipped);
    expect(usam.some((c) => c.runner === 'gpu')).toBe(true);
    expect(usam.some((c) => c.runner === 'twin')).toBe(true);
    expect(usam.some((c) => c.runner === 'numpy')).toBe(doc.peers.numpy.available);
    expect(doc.ratios.some((r) => r.subject === 'USAM-SDE' && r.peer === 'twin' && r.basis === 'wall')).toBe(true);
    for (const r of doc.ratios) {
      expect(['twin', 'numpy']).toContain(r.peer);
      expect(r.ratio).toBeCloseTo(r.gpu / r.other, 6);
    }
  }, 600_000);
});

describe('npm run bench:bundle', () => {
  test('writes one ES module with the shaders, data sets and numpy peer embedded', async () => {
    const out = join(dir, 'bench.mjs');
    const outcome = await node(['bench/bundle.mjs', out], 120_000);
    expect(outcome.code, outcome.stderr).toBe(0);
    const bundle = await readFile(out, 'utf8');
    expect(bundle).toContain('fn advance');
    expect(bundle).toContain('def make_substep');
    expect(bundle).toMatch(/from ["']webgpu["']|import\(["']webgpu["']\)/);
    // Nothing is read from the package's folders (shaders/, data/, bench/peers/) at run time.
    expect(bundle).not.toMatch(/numpy_peer\.py["']\s*,\s*import\.meta\.url/);
    expect(bundle).not.toContain('SHADER_DIR');
    expect(bundle).not.toContain('DATA_DIR');
  }, 120_000);
});
