// The `sam-sde` command end to end: `node bin/sam-sde.mjs` as a child process, exactly as a
// user's `npx sam-sde` runs it, on the machine's WebGPU adapter (SwiftShader without a GPU).
// Checks the public interface of issue 3: exit codes (0 done, 2 invalid input, 1 failure),
// error messages that name the field and the value, result.json (schema "sam-sde/result@1"),
// the command-line overrides, divergence counted rather than crashing, and the expected shape
// of a small validation-quadratic run (docs/model.md §4, §6 and §7).
// Budget on a 2-core SwiftShader machine: about 30 s for the whole file when the machine is
// otherwise idle (compiling the kernels is most of it); the runs keep to a few dynamics, and
// leave SAM-SDE, the most expensive kernel to compile, to the GPU tier.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OBSERVABLES } from '../../src/dynamics/names.js';
import type { SimulationResult } from '../../src/simulate/result.js';
import { runCli, type Outcome } from './spawn.js';

const EXIT_OK = 0;
const EXIT_INVALID = 2;

type CliOutcome = Outcome;

const cli = (args: string[], options: { timeoutMs?: number; cwd?: string } = {}) => runCli(args, options);

/** Asserts exit 0, naming the command and its stderr when it is not. */
function expectOk(outcome: CliOutcome, what: string): void {
  expect(outcome.code, `${what} exited ${outcome.code} (${outcome.signal ?? 'no signal'})\nstderr:\n${outcome.stderr}`).toBe(EXIT_OK);
}

let dir = '';
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'sam-sde-cli-')); });
afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

async function writeConfig(name: string, config: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, typeof config === 'string' ? config : JSON.stringify(config, null, 1));
  return file;
}

async function readResult(outDir: string): Promise<SimulationResult> {
  return JSON.parse(await readFile(join(outDir, 'result.json'), 'utf8')) as SimulationResult;
}

describe('sam-sde info', () => {
  test('--json reports the adapter, its features and its limits', async () => {
    const outcome = await cli(['info', '--json']);
    expectOk(outcome, 'info --json');
    const report = JSON.parse(outcome.stdout) as Record<string, unknown>;
    for (const key of ['vendor', 'architecture', 'description']) expect(typeof report[key], key).toBe('string');
    expect(`${report.vendor}${report.architecture}${report.description}`.length).toBeGreaterThan(0);
    expect(typeof report.isFallbackAdapter).toBe('boolean');
    expect(Array.isArray(report.features)).toBe(true);
    expect((report.features as unknown[]).every((f) => typeof f === 'string')).toBe(true);
    const limits = report.limits as Record<string, number>;
    expect(limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThan(0);
  });

  test('prints the adapter line in plain text', async () => {
    const outcome = await cli(['info']);
    expectOk(outcome, 'info');
    expect(outcome.stdout).toMatch(/^adapter:\s+\S.*$/m);
    expect(outcome.stdout).toMatch(/^architecture:\s+\S/m);
    expect(outcome.stdout).toMatch(/^\s+maxStorageBufferBindingSize\s+[1-9]\d*$/m);
  });
});

// docs/model.md §6's validation-quadratic at a reduced size: d = 20 Wishart, σ = η = 0.01.
const validation = {
  problem: { kind: 'quadratic', hessian: { wishart: { dim: 20, seed: 1 } } },
  x0: { normal: { std: 1, seed: 2 } },
  noise: { sigma: 0.01 },
  eta: 0.01,
  rho: [0.01, 0.5],
  steps: 200,
  paths: 256,
  seed: 7,
  // 51 recorded times: on SwiftShader the per-record reductions cost as much as the steps.
  recordEvery: 4,
  algorithms: ['SGD', 'USAM'],
  models: ['SGD-SDE', 'USAM-SDE', 'USAM-DRIFT'],
};

describe('sam-sde run: a small validation-quadratic', () => {
  let run: Promise<{ outcome: CliOutcome; outDir: string }> | undefined;
  /** One run shared by the tests below; each awaits it so that a failed run fails each of them. */
  const validationRun = () => (run ??= (async () => {
    const config = await writeConfig('validation.json', validation);
    const outDir = join(dir, 'validation-out');
    return { outcome: await cli(['run', config, '--out', outDir, '--no-progress'], { timeoutMs: 240_000 }), outDir };
  })());

  test('exits 0, prints the summary table and writes DIR/result.json', async () => {
    const { outcome, outDir } = await validationRun();
    expectOk(outcome, 'run validation.json');
    expect(outcome.stdout).toContain('256 paths × 200 steps');
    expect(outcome.stdout).toMatch(/^ρ = 0\.01\b/m);
    expect(outcome.stdout).toMatch(/^ρ = 0\.5\b/m);
    expect(outcome.stdout).toMatch(/^algorithm\s+model\s+relMaxError\s+band\s+weakError/m);
    expect(outcome.stdout).toMatch(/^USAM\s+USAM-SDE\s+\S+/m);
    expect(outcome.stdout).toContain(`wrote ${join(outDir, 'result.json')}`);
    expect(outcome.stderr).toMatch(/^adapter: \S/m);
    expect(existsSync(join(outDir, 'result.json'))).toBe(true);
  }, 300_000);

  test('result.json follows schema sam-sde/result@1', async () => {
    const { outDir } = await validationRun();
    const result = await readResult(outDir);
    expect(result.schema).toBe('sam-sde/result@1');
    expect(result.cancelled).toBe(false);
    // The resolved config: the file's fields plus the defaults.
    expect(result.config).toMatchObject({ ...validation, substeps: 1, coupling: 'shared', samInner: 16 });
    expect(result.config.compare).toEqual([
      ['SGD', 'SGD-SDE'], ['USAM', 'USAM-SDE'], ['USAM', 'USAM-DRIFT'], ['USAM', 'SGD-SDE'],
    ]);
    expect(typeof result.adapter.architecture).toBe('string');
    expect(result.adapter.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);

    const dynamics = [...validation.algorithms, ...validation.models];
    // 2 ρ × 5 dynamics × 256 paths × 200 steps.
    expect(result.timing.pathSteps).toBe(2 * dynamics.length * 256 * 200);
    expect(result.timing.wallSeconds).toBeGreaterThan(0);
    expect(result.timing.pathStepsPerSecond).toBeGreaterThan(0);
    expect(result.timing.pathStepsPerSecond).toBeCloseTo(result.timing.pathSteps / result.timing.wallSeconds, 6);

    expect(result.runs.map((r) => r.rho)).toEqual([0.01, 0.5]);
    for (const r of result.runs) {
      expect(r.eta).toBe(0.01);
      // Recorded at steps 0, 4, …, 200: t = kη.
      expect(r.t).toHaveLength(51);
      expect(r.t[0]).toBe(0);
      expect(r.t[1]).toBeCloseTo(4 * 0.01, 9);
      expect(r.t[50]).toBeCloseTo(200 * 0.01, 9);
      expect(Object.keys(r.series).sort()).toEqual([...dynamics].sort());
      for (const [name, series] of Object.entries(r.series)) {
        expect(series.diverged, name).toBe(0);
        expect(series.guarded, name).toBe(0);
        expect(series.count, name).toEqual(r.t.map(() => 256));
        for (const observable of OBSERVABLES) {
          const { mean, stderr } = series[observable];
          expect(mean, `${name}.${observable}.mean`).toHaveLength(r.t.length);
          expect(stderr, `${name}.${observable}.stderr`).toHaveLength(r.t.length);
          expect(mean.every(Number.isFinite) && stderr.every((s) => Number.isFinite(s) && s >= 0), `${name}.${observable}`).toBe(true);
        }
        // g = ‖x‖ + ‖∇f(x)‖ per path, so the means add up (to f32 rounding).
        expect(Math.abs(series.g.mean[25] - series.norm.mean[25] - series.gradNorm.mean[25])).toBeLessThan(1e-5 * series.g.mean[25]);
      }
      // Every default pair, once per observable.
      expect(r.comparisons).toHaveLength(4 * OBSERVABLES.length);
      for (const c of r.comparisons) {
        for (const key of ['relMaxError', 'band', 'weakError', 'weakErrorStderr'] as const) {
          expect(Number.isFinite(c[key]) && c[key] >= 0, `${c.algorithm}/${c.model}/${c.observable}.${key} = ${c[key]}`).toBe(true);
        }
      }
    }
  }, 300_000);

  test('shows the expected shape: each model tracks its algorithm, the SGD SDE drifts away from USAM as ρ grows', async () => {
    const { outDir } = await validationRun();
    const result = await readResult(outDir);
    const relMax = (rho: number, algorithm: string, model: string) => {
      const c = result.runs.find((r) => r.rho === rho)?.comparisons
        .find((x) => x.algorithm === algorithm && x.model === model && x.observable === 'g');
      if (!c) throw new Error(`no comparison ${algorithm} vs ${model} at ρ = ${rho}`);
      return c.relMaxError;
    };
    // The seeds are fixed, so these numbers are deterministic; the margins are wide.
    for (const rho of [0.01, 0.5]) {
      // docs/model.md §7: with m = 1 and shared coupling the EM step of SGD-SDE and USAM-SDE on a
      // quadratic is the algorithm's step, so the paths agree up to f32 rounding (seen: ~5e-7).
      expect(relMax(rho, 'SGD', 'SGD-SDE')).toBeLessThan(1e-4);
      expect(relMax(rho, 'USAM', 'USAM-SDE')).toBeLessThan(1e-4);
    }
    // Once ρ exceeds η the SGD SDE misses USAM's ρH∇f drift: seen 9.4e-3 at ρ = 0.01 and 0.38 at
    // ρ = 0.5 (40×); the weak error at ρ = 0.5 is ~45 of its standard errors.
    expect(relMax(0.5, 'USAM', 'SGD-SDE')).toBeGreaterThan(10 * relMax(0.01, 'USAM', 'SGD-SDE'));
    expect(relMax(0.5, 'USAM', 'SGD-SDE')).toBeGreaterThan(1e-2);
    // The drift-only ablation keeps that drift, so it sits well below the SGD SDE's error.
    expect(relMax(0.5, 'USAM', 'USAM-DRIFT')).toBeLessThan(relMax(0.5, 'USAM', 'SGD-SDE') / 10);
  }, 300_000);
});

const tiny = {
  problem: { kind: 'quadratic', hessian: { eigenvalues: [1, 2] } },
  noise: { sigma: 0.01 },
  eta: 0.01,
  rho: 0.1,
  steps: 10,
  paths: 8,
  algorithms: ['SGD'],
  models: ['SGD-SDE'],
};

describe('sam-sde run: options', () => {
  test('--paths, --steps and --seed replace the config\'s values; the default output is out/<config name>', async () => {
    const config = await writeConfig('tiny.json', tiny);
    // Run from the temp dir so that the default output folder lands there.
    const outcome = await cli(['run', config, '--paths', '32', '--steps', '20', '--seed', '9', '--no-progress'], { cwd: dir, timeoutMs: 60_000 });
    expectOk(outcome, 'run tiny.json --paths 32 --steps 20 --seed 9');
    const result = await readResult(join(dir, 'out', 'tiny'));
    expect(result.config).toMatchObject({ paths: 32, steps: 20, seed: 9 });
    expect(result.runs[0].t).toHaveLength(21);
    expect(result.runs[0].series.SGD.count[0]).toBe(32);
    expect(result.timing.pathSteps).toBe(2 * 32 * 20);
    expect(outcome.stdout).toContain('32 paths × 20 steps');
  }, 90_000);
});

/** Invalid input: exit 2, nothing written, and stderr names the field (or file) and the value. */
interface InvalidCase { name: string; config: unknown; args?: string[]; field: string; value: string; allowed?: string }

const withField = (patch: Record<string, unknown>) => ({ ...tiny, ...patch });
const withProblem = (patch: Record<string, unknown>) => ({ ...tiny, problem: { ...tiny.problem, ...patch } });

const invalidCases: InvalidCase[] = [
  { name: 'wrong type: eta "x"', config: withField({ eta: 'x' }), field: 'config.eta', value: 'got "x"', allowed: '> 0' },
  { name: 'out of range: eta -1', config: withField({ eta: -1 }), field: 'config.eta', value: 'got -1', allowed: '> 0' },
  { name: 'out of range: substeps 0', config: withField({ substeps: 0 }), field: 'config.substeps', value: 'got 0', allowed: '1..1024' },
  { name: 'out of range: paths 0', config: withField({ paths: 0 }), field: 'config.paths', value: 'got 0', allowed: '1..' },
  { name: 'wrong dimension: x0 of length 3 for d = 2', config: withField({ x0: [1, 2, 3] }), field: 'config.x0', value: '[1,2,3]', allowed: '2 finite numbers' },
  {
    name: 'wrong dimension: minimizer of length 3 for d = 2', config: withProblem({ minimizer: [1, 2, 3] }),
    field: 'config.problem.minimizer', value: '[1,2,3]', allowed: '2 finite numbers',
  },
  { name: 'unknown name: algorithms ["ADAM"]', config: withField({ algorithms: ['ADAM'] }), field: 'config.algorithms[0]', value: '"ADAM"', allowed: 'SGD, USAM, DNSAM, SAM' },
  { name: 'unknown key: problem.foo', config: withProblem({ foo: 'bar' }), field: 'config.problem.foo', value: '"bar"', allowed: 'kind, hessian' },
  {
    name: 'non-symmetric matrix', config: withProblem({ hessian: { matrix: [[1, 0.5], [0.25, 1]] } }),
    field: 'config.problem.hessian.matrix[0][1]', value: 'got 0.5', allowed: 'symmetric',
  },
  { name: 'malformed JSON file', config: '{"eta": 0.01,', field: 'malformed.json', value: 'not valid JSON' },
  { name: 'missing file', config: undefined, field: 'no-such-config.json', value: 'cannot read' },
  { name: 'bad CLI option: --paths abc', config: tiny, args: ['--paths', 'abc'], field: '--paths', value: 'abc' },
  { name: 'out-of-range CLI option: --paths 0', config: tiny, args: ['--paths', '0'], field: '--paths', value: 'got 0', allowed: '1..' },
];

describe('sam-sde run: invalid input exits 2 and names the field and the value', () => {
  test.for(invalidCases.map((c, i) => [c.name, c, i] as const))('%s', async ([, c, i]) => {
    const fileName = c.name === 'malformed JSON file' ? 'malformed.json' : c.name === 'missing file' ? 'no-such-config.json' : `invalid-${i}.json`;
    const config = c.config === undefined ? join(dir, fileName) : await writeConfig(fileName, c.config);
    const outDir = join(dir, `invalid-out-${i}`);
    const outcome = await cli(['run', config, '--out', outDir, '--no-progress', ...(c.args ?? [])]);
    expect(outcome.code, `stderr:\n${outcome.stderr}`).toBe(EXIT_INVALID);
    expect(outcome.stderr).toContain(c.field);
    expect(outcome.stderr).toContain(c.value);
    if (c.allowed !== undefined) expect(outcome.stderr).toMatch(new RegExp(`allowed: .*${c.allowed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(outcome.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(outDir)).toBe(false);
  });

  test('an unknown command exits non-zero and says so', async () => {
    const outcome = await cli(['frobnicate']);
    expect(outcome.code).not.toBe(EXIT_OK);
    expect(outcome.code).not.toBeNull();
    expect(outcome.stderr).toContain("unknown command 'frobnicate'");
  });
});

describe('sam-sde run: divergence is counted, not a crash', () => {
  test('η = 50 on eigenvalues [1, 2]: every path diverges, is counted and reported', async () => {
    // |1 - ηλ| ≥ 49 per step: ‖x‖ passes divergeAbove = 1e6 within a few steps. A plain step,
    // a normalised one and two SDEs with Hessian-vector products and a norm division; every
    // kernel's divergence handling is checked against the twin in test/gpu/divergence.test.ts.
    const config = await writeConfig('diverge.json', {
      problem: { kind: 'quadratic', hessian: { eigenvalues: [1, 2] } },
      noise: { sigma: 0.01 }, eta: 50, rho: 0.1, steps: 50, paths: 64, recordEvery: 5,
      algorithms: ['SGD', 'SAM'], models: ['USAM-SDE', 'DNSAM-SDE'],
    });
    const outDir = join(dir, 'diverge-out');
    const outcome = await cli(['run', config, '--out', outDir, '--no-progress'], { timeoutMs: 180_000 });
    expectOk(outcome, 'run diverge.json');
    const result = await readResult(outDir);
    const series = Object.entries(result.runs[0].series);
    expect(series.map(([name]) => name)).toEqual(['SGD', 'SAM', 'USAM-SDE', 'DNSAM-SDE']);
    for (const [name, s] of series) {
      expect(s.diverged, name).toBe(64);
      expect(s.count[0], `${name} at t = 0`).toBe(64);
      expect(s.count, name).toHaveLength(11);
      expect(s.count.at(-1), `${name} at the end`).toBe(0);
      // No surviving path: the mean is not a number (NaN, written as null), never a silent average.
      expect(Number.isFinite(s.g.mean.at(-1)), name).toBe(false);
      expect(outcome.stdout).toContain(`${name}: 64 diverged`);
    }
  }, 240_000);
});
