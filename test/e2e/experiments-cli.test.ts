// The experiment commands of `sam-sde` end to end (issue 5), as a user runs them: `list`, input
// errors of `run <id>` and `order` (exit 2, before any GPU work), and one small `order` run from
// a config file that writes result.json with its `order` block, the figure and its CSV.
// Budget on a 2-core SwiftShader machine: about 30 s (two pipelines compile for the order run).
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ExperimentDocument } from '../../src/experiments/run.js';
import { runCli } from './spawn.js';


const cli = (args: string[], timeoutMs = 30_000) => runCli(args, { timeoutMs });

let dir = '';
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'sam-sde-experiments-')); });
afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

const ORDER_CONFIG = {
  problem: { kind: 'quadratic', hessian: { eigenvalues: [1, 0.5, 2] } },
  x0: [1, -1, 0.5],
  noise: { sigma: 0.5 },
  paths: 64,
  seed: 3,
  substeps: 4,
  algorithms: ['SGD'],
  models: ['SGD-SDE'],
  order: { etas: [0.2, 0.1, 0.05], horizon: 1, rhoScaling: 'fixed', rhoScale: 0 },
};

describe('sam-sde list', () => {
  test('lists every registered experiment with its kind and description', async () => {
    const outcome = await cli(['list']);
    expect(outcome.code, outcome.stderr).toBe(0);
    for (const id of ['validation-quadratic', 'saddle-quadratic', 'order-quadratic', 'validation-iris', 'saddle-deep-linear', 'minibatch-noise']) {
      expect(outcome.stdout).toMatch(new RegExp(`^[ !] ${id}\\s+(validation|saddle|order|minibatch)\\s+\\S`, 'm'));
    }
    expect(outcome.stdout).toMatch(/^ {2}minibatch-noise\s+minibatch\s+.*\[needs a hardware GPU; --quick runs on a software adapter\]$/m);
    const json = JSON.parse((await cli(['list', '--json'])).stdout) as { id: string; available: boolean; claim: string }[];
    expect(json.find((e) => e.id === 'order-quadratic')).toMatchObject({ available: true });
    expect(json.every((e) => e.claim.length > 0)).toBe(true);
  });
});

describe('input errors exit 2 and say why', () => {
  test('order on a validation experiment, an unknown id, --quick on a file, a config without order, m < 4', async () => {
    const notOrder = await cli(['order', 'validation-quadratic']);
    expect(notOrder.code).toBe(2);
    expect(notOrder.stderr).toContain('not a convergence-order experiment; those are: order-quadratic, order-breast-cancer');

    const unknown = await cli(['order', 'no-such-experiment']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown experiment "no-such-experiment"');

    const file = join(dir, 'plain.json');
    const { order: _order, ...withoutOrder } = ORDER_CONFIG;
    await writeFile(file, JSON.stringify({ ...withoutOrder, eta: 0.1, rho: 0, steps: 10 }));
    const noOrder = await cli(['order', file]);
    expect(noOrder.code).toBe(2);
    expect(noOrder.stderr).toContain('config.order: got nothing (missing)');
    const quick = await cli(['run', file, '--quick']);
    expect(quick.code).toBe(2);
    expect(quick.stderr).toContain('--quick applies to registered experiments');

    const coarse = join(dir, 'coarse.json');
    await writeFile(coarse, JSON.stringify({ ...ORDER_CONFIG, substeps: 1 }));
    const m1 = await cli(['order', coarse]);
    expect(m1.code).toBe(2);
    expect(m1.stderr).toContain('config.substeps: got 1; allowed: an integer >= 4');
  });
});

describe('sam-sde order <config.json>', () => {
  test('writes result.json with the order block, the log–log figure and its CSV', async () => {
    const file = join(dir, 'tiny-order.json');
    await writeFile(file, JSON.stringify(ORDER_CONFIG));
    const out = join(dir, 'tiny-order');
    const outcome = await cli(['order', file, '--out', out, '--no-progress'], 120_000);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toMatch(/SGD vs SGD-SDE\s+slope \d/);
    const document = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as ExperimentDocument;
    expect(document.schema).toBe('sam-sde/result@1');
    const order = document.order!;
    expect(order).toMatchObject({ etas: [0.2, 0.1, 0.05], horizon: 1, steps: [5, 10, 20], rhos: [0, 0, 0] });
    expect(document.runs.map((r) => r.eta)).toEqual([0.2, 0.1, 0.05]);
    const [pair] = order.pairs;
    expect(pair).toMatchObject({ algorithm: 'SGD', model: 'SGD-SDE' });
    expect(pair.errors).toHaveLength(3);
    expect(pair.stderr).toHaveLength(3);
    expect(pair.qualified).toHaveLength(3);
    // SGD against its SDE with m = 4 on a quadratic: order 1, clearly resolved at 64 coupled paths.
    expect(pair.qualified).toEqual([true, true, true]);
    expect(pair.slope).toBeGreaterThan(0.7);
    expect(pair.slope).toBeLessThan(1.3);
    expect(pair.ci95[0]).toBeLessThan(pair.slope);
    expect(pair.ci95[1]).toBeGreaterThan(pair.slope);
    expect(existsSync(join(out, 'order.svg'))).toBe(true);
    const csv = (await readFile(join(out, 'order.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toContain('eta');
    expect(csv.filter((l) => l.startsWith('point,')).length).toBe(3);
  });
});

describe('sam-sde report on a software adapter', () => {
  test('skips every experiment that needs a hardware GPU, and says why (not only the first)', async () => {
    const out = join(dir, 'report');
    const outcome = await cli(['report', '--quick', '--only', 'implicit-regularization-breast-cancer,order-breast-cancer', '--out', out, '--adapter', 'swiftshader'], 120_000);
    expect(outcome.code, outcome.stderr).toBe(0);
    for (const id of ['implicit-regularization-breast-cancer', 'order-breast-cancer']) {
      expect(outcome.stderr).toContain(`${id}: not run: needs a hardware GPU`);
      expect(outcome.stdout).toMatch(new RegExp(`^${id}\\s+skipped$`, 'm'));
    }
    expect(await readFile(join(out, 'REPRODUCTION.md'), 'utf8')).toContain('needs a hardware GPU');
  });

  test('skips the mini-batch experiment at full size, saying why (its --quick size runs there: test/gpu/minibatch.test.ts)', async () => {
    const out = join(dir, 'report-full');
    const outcome = await cli(['report', '--only', 'minibatch-noise', '--out', out, '--adapter', 'swiftshader'], 120_000);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stderr).toContain('minibatch-noise: not run: needs a hardware GPU: per batch size');
    expect(outcome.stdout).toMatch(/^minibatch-noise\s+skipped$/m);
    const markdown = await readFile(join(out, 'REPRODUCTION.md'), 'utf8');
    expect(markdown).toContain('| [minibatch-noise](#minibatch-noise) | minibatch | not run (needs a hardware GPU) |');
  });
});
