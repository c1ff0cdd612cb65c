// The experiment page end to end (issue 6), in Debian's Chromium on the machine's WebGPU adapter
// (SwiftShader here): pick and validate parameters, run, watch progress, read each plot, cancel,
// export and import, the URL as the page's state, and `sam-sde headless` against `sam-sde run`.
// Budget on a 2-core SwiftShader machine (~3 min for this file, most of it the two headless-vs-
// CLI pairs, each compiling its own pipelines): page runs are at most a few hundred thousand
// path-steps; every recorded time costs a GPU reduction and every pipeline ~3 s to compile, so
// the validation runs record 11–21 times and share one set of five quadratic pipelines.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { OBSERVABLES } from '../../src/dynamics/names.js';
import { PROJECT_ROOT, waitForAdapter, type ServedPage } from '../../src/node/browser.js';
import { SHOTS, usePageSession } from './page-session.js';
import type { SimulationResult } from '../../src/simulate/result.js';
import { findExperiment } from '../../src/experiments/registry.js';
import type { EscapeSeries } from '../../src/experiments/saddle.js';
import type { PageResult } from '../../web/lib/page-result.js';
import { RESULT_SCHEMA } from '../../src/simulate/result.js';
import { runCli } from './spawn.js';

const WAIT_MS = 240_000;

/** docs/model.md §6's validation-quadratic, shrunk: 64 paths × 200 steps, 11 recorded times. */
const SMALL = {
  problem: { kind: 'quadratic', hessian: { wishart: { dim: 20, seed: 1 } } },
  x0: { normal: { std: 1, seed: 2 } },
  noise: { sigma: 0.01 },
  eta: 0.01,
  rho: [0.01, 0.5],
  steps: 200,
  paths: 64,
  seed: 7,
  recordEvery: 20,
  algorithms: ['SGD', 'USAM'],
  models: ['SGD-SDE', 'USAM-SDE', 'USAM-DRIFT'],
};
/** A network in row groups of four (src/simulate/kernelsWorkgroup.ts), for `sam-sde headless`. */
const NETWORK = {
  problem: {
    kind: 'teacher-student', inputs: 5, samples: 10, hidden: 100, outputs: 1, teacherHidden: 100,
    activation: 'sigmoid', teacherActivation: 'sigmoid', weightDecay: 0.01, seed: 0,
  },
  x0: { normal: { std: 0.1, seed: 2 } },
  noise: { sigma: 0.01 },
  eta: 0.01,
  rho: [0.1],
  steps: 20,
  paths: 8,
  seed: 7,
  recordEvery: 10,
  algorithms: ['SGD'],
  models: ['SGD-SDE', 'USAM-SDE'],
};
/** The same dynamics (compiled pipelines are reused), long enough to cancel midway. */
const LONG = { ...SMALL, rho: [0.01, 0.1, 0.5], steps: 3000, paths: 256, recordEvery: 150 };

const customUrl = (base: string, config: unknown) =>
  `${base}?experiment=custom&config=${encodeURIComponent(JSON.stringify(config))}`;

const session = usePageSession('sam-sde-page-app-', { width: 1280, height: 800 });
const pageErrors = session.errors;
let served: ServedPage;
let browser: Browser;
let page: Page;
let dir = '';
beforeAll(() => { ({ served, browser, page, dir } = session); });

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `page-${name}.png`), fullPage: true });
const state = () => page.getByTestId('run-status').getAttribute('data-state');

/** Presses Run; samples the progress bar until the run ends; fails with the page's error if it failed. */
async function runToEnd(): Promise<{ fractions: number[]; streamed: boolean }> {
  const button = page.getByTestId('run-button');
  await expect.poll(() => button.isEnabled(), { timeout: WAIT_MS }).toBe(true);
  await button.click();
  const fractions: number[] = [];
  let streamed = false;
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const s = await state();
    fractions.push(Number(await page.getByTestId('run-progress').getAttribute('data-fraction')));
    if (s === 'pending' && (await page.getByTestId('result-banner').count()) > 0) streamed = true;
    if (s !== 'pending' && s !== 'initial') break;
    if (Date.now() > deadline) throw new Error(`the run did not finish within ${WAIT_MS} ms`);
    await page.waitForTimeout(150);
  }
  if ((await state()) === 'error') throw new Error(`the run failed in the page: ${await page.getByTestId('run-error').innerText()}`);
  return { fractions, streamed };
}

async function plotPoints(view: string): Promise<number[]> {
  const figures = page.locator(`[data-testid="${view}"] [data-testid="plot"]`);
  return (await figures.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-points')))));
}

/** Marks drawn inside a view's charts (Plot's <g aria-label="line|dot|area|rule">). */
async function marks(view: string, kind: string, element: string): Promise<number> {
  return page.locator(`[data-testid="${view}"] svg g[aria-label="${kind}"] ${element}`).count();
}

async function download(testId: string, nth = 0): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).nth(nth).click()]);
  const path = await file.path();
  return readFile(path);
}

describe('the experiment page', () => {
  test('loads: the registry in the picker with descriptions, an adapter, nothing to show yet', async () => {
    await page.goto(served!.url, { waitUntil: 'load' });
    const adapter = await waitForAdapter(page);
    expect(adapter.length).toBeGreaterThan(0);
    expect(await page.getByTestId('run-adapter').innerText()).toBe(adapter);
    const picker = page.getByTestId('experiment-picker');
    for (const id of ['validation-quadratic', 'saddle-quadratic', 'custom']) {
      await expect.poll(() => picker.getByTestId(`experiment-${id}`).count()).toBe(1);
    }
    expect((await picker.getByTestId('experiment-validation-quadratic').innerText()).length).toBeGreaterThan(40);
    expect(await page.getByTestId('no-result').count()).toBe(1);
    expect(await page.getByTestId('run-button').isEnabled()).toBe(true);
    await shot('initial-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot('initial-phone');
    // Phone width: one column, nothing wider than the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test('an invalid parameter blocks the run with an inline message; fixing it unblocks', async () => {
    await page.goto(`${served!.url}?experiment=validation-quadratic`, { waitUntil: 'load' });
    await waitForAdapter(page);
    const run = page.getByTestId('run-button');
    await page.getByTestId('param-eta').fill('-1');
    await expect.poll(() => page.getByTestId('error-eta').innerText()).toBe('η: got −1; allowed: a number > 0');
    expect(await page.getByTestId('param-eta').getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('param-paths').fill('lots');
    await expect.poll(() => page.getByTestId('error-paths').innerText()).toBe('paths: got "lots", not a number; allowed: an integer from 1 to 2²⁴ (16 777 216)');
    expect(await run.isDisabled()).toBe(true);
    expect(await page.getByTestId('run-blocked').innerText()).toMatch(/Fix the 2 highlighted fields/);
    await shot('invalid-params');
    await page.getByTestId('param-eta').fill('0.02');
    await page.getByTestId('param-paths').fill('128');
    await expect.poll(() => run.isEnabled()).toBe(true);
    expect(await page.getByTestId('error-eta').count()).toBe(0);
    expect(await page.getByTestId('param-summary').innerText()).toBe('All parameters valid.');
  });

  test('the URL carries the state: a link reproduces experiment and parameters', async () => {
    await page.goto(`${served!.url}?experiment=validation-quadratic`, { waitUntil: 'load' });
    await page.getByTestId('experiment-saddle-quadratic').click();
    await page.getByTestId('param-steps').fill('777');
    await page.getByTestId('param-rho').fill('0.02, 0.2');
    await page.getByTestId('param-seed').fill('42');
    await page.getByTestId('param-coupling').selectOption('independent');
    await page.getByTestId('param-models').getByLabel('SAM-SDE', { exact: true }).uncheck();
    const url = page.url();
    expect(url).toContain('experiment=saddle-quadratic');
    expect(url).toContain('rho=0.02,0.2');
    const other = await browser!.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await other.goto(url, { waitUntil: 'load' });
      expect(await other.getByTestId('experiment-saddle-quadratic').locator('input').isChecked()).toBe(true);
      for (const [field, value] of [['steps', '777'], ['rho', '0.02,0.2'], ['seed', '42']] as const) {
        expect(await other.getByTestId(`param-${field}`).inputValue(), field).toBe(value);
      }
      expect(await other.getByTestId('param-coupling').inputValue()).toBe('independent');
      expect(await other.getByTestId('param-models').getByLabel('SAM-SDE', { exact: true }).isChecked()).toBe(false);
      expect(await other.getByTestId('param-models').getByLabel('SGD-SDE', { exact: true }).isChecked())
        .toBe(await page.getByTestId('param-models').getByLabel('SGD-SDE', { exact: true }).isChecked());
      expect(other.url()).toBe(url);
    } finally {
      await other.close();
    }
  });

  test('runs a small validation experiment: the progress bar moves and finishes, results stream, each plot has data', async () => {
    await page.goto(customUrl(served!.url, SMALL), { waitUntil: 'load' });
    await waitForAdapter(page);
    expect(JSON.parse(await page.getByTestId('param-config').inputValue())).toEqual(SMALL);
    const { fractions, streamed } = await runToEnd();
    expect(await state()).toBe('complete');
    expect(fractions.some((f) => f > 0 && f < 1), `progress seen: ${fractions.join(' ')}`).toBe(true);
    expect(fractions.at(-1)).toBe(1);
    // Non-decreasing: the bar never jumps back.
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1])).toBe(true);
    // The ρ = 0.01 result was on show before ρ = 0.5 had finished.
    expect(streamed).toBe(true);
    expect(Number(await page.getByTestId('run-elapsed').getAttribute('data-value'))).toBeGreaterThan(0);
    expect(Number(await page.getByTestId('run-rate').getAttribute('data-value'))).toBeGreaterThan(0);

    const banner = page.getByTestId('result-banner');
    expect(await banner.getAttribute('data-runs')).toBe('2');
    expect(await banner.getAttribute('data-cancelled')).toBe('false');
    // Error vs ρ: 4 pairs × 2 ρ dots, the two guides (ρ = η, ρ = √η).
    expect(await plotPoints('error-rho-view')).toEqual([8]);
    expect(await marks('error-rho-view', 'dot', 'circle')).toBe(8);
    expect(await marks('error-rho-view', 'rule', 'line')).toBe(2);
    // Trajectories: one plot per ρ; the default family USAM with its three models, 11 records each.
    expect(await plotPoints('trajectory-view')).toEqual([44, 44]);
    expect(await marks('trajectory-view', 'line', 'path')).toBe(8);
    expect(await marks('trajectory-view', 'area', 'path')).toBe(8);
    expect(await page.getByTestId('saddle-view').count()).toBe(0);
    await shot('validation-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await shot('validation-phone');
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test('exports result.json (the CLI\'s schema), CSV, and SVG/PNG of a plot', async () => {
    const json = (await download('export-json')).toString('utf8');
    const result = JSON.parse(json) as SimulationResult;
    expect(result.schema).toBe(RESULT_SCHEMA);
    expect(result.config).toMatchObject({ ...SMALL, substeps: 1, coupling: 'shared' });
    expect(result.cancelled).toBe(false);
    expect(result.runs.map((r) => r.rho)).toEqual([0.01, 0.5]);
    for (const run of result.runs) {
      expect(run.t).toHaveLength(11);
      expect(Object.keys(run.series)).toEqual([...SMALL.algorithms, ...SMALL.models]);
      for (const s of Object.values(run.series)) {
        expect(s.count).toEqual(run.t.map(() => 64));
        for (const o of OBSERVABLES) expect(s[o].mean.every(Number.isFinite)).toBe(true);
      }
      expect(run.comparisons).toHaveLength(4 * OBSERVABLES.length);
    }
    expect(result.timing.pathSteps).toBe(2 * 5 * 64 * 200);
    // What the export saves is what headless runs read.
    expect(await page.evaluate(() => window.samSde.resultJson())).toBe(json);

    const csv = (await download('export-csv')).toString('utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^rho,dynamics,k,t,count,loss_mean/);
    expect(csv).toHaveLength(1 + 2 * 5 * 11);
    const comparisons = (await download('export-comparisons')).toString('utf8').trim().split('\n');
    expect(comparisons).toHaveLength(1 + 2 * 4 * OBSERVABLES.length);

    const svg = (await download('export-svg')).toString('utf8');
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('ρ = η');
    expect((svg.match(/<circle/g) ?? []).length).toBeGreaterThanOrEqual(8);
    const png = await download('export-png');
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await writeFile(join(dir, 'exported.json'), json);
  });

  test('cancel mid-run keeps the partial result, marked cancelled', async () => {
    await page.goto(customUrl(served!.url, LONG), { waitUntil: 'load' });
    await waitForAdapter(page);
    const button = page.getByTestId('run-button');
    await expect.poll(() => button.isEnabled(), { timeout: WAIT_MS }).toBe(true);
    await button.click();
    // Cancel a quarter into the first ρ: several records are done, most of the run is not.
    await expect.poll(async () => Number(await page.getByTestId('run-progress').getAttribute('data-fraction')),
      { timeout: WAIT_MS, interval: 100 }).toBeGreaterThan(0.08);
    expect(await page.getByTestId('param-steps').isDisabled()).toBe(true);
    await page.getByTestId('cancel-button').click();
    await expect.poll(state, { timeout: WAIT_MS }).toBe('cancelled');
    const banner = page.getByTestId('result-banner');
    expect(await banner.getAttribute('data-cancelled')).toBe('true');
    expect(await banner.innerText()).toContain('Cancelled: partial result.');
    const result = JSON.parse((await page.evaluate(() => window.samSde.resultJson()))!) as SimulationResult;
    expect(result.cancelled).toBe(true);
    expect(result.runs.length).toBeGreaterThanOrEqual(1);
    expect(result.runs.length).toBeLessThan(3);
    const records = result.runs[0].t.length;
    expect(records).toBeGreaterThan(1);
    expect(result.timing.pathSteps).toBeLessThan(3 * 5 * 256 * 3000);
    expect(result.runs[0].series.USAM.g.mean.slice(0, records).every(Number.isFinite)).toBe(true);
    const points = await plotPoints('trajectory-view');
    expect(points[0]).toBeGreaterThan(0);
    // The panel is editable again.
    expect(await page.getByTestId('param-steps').isDisabled()).toBe(false);
    await shot('cancelled');
  });

  test('the registered saddle experiment at quick size, trimmed: ‖x_t‖ with the trap radius, and the escaped fraction', async () => {
    await page.goto(`${served!.url}?experiment=saddle-quadratic`, { waitUntil: 'load' });
    await waitForAdapter(page);
    await page.getByTestId('preset-quick').click();
    const quick = findExperiment('saddle-quadratic')!.quick;
    expect(await page.getByTestId('param-steps').inputValue()).toBe(String(quick.steps));
    expect(await page.getByTestId('param-paths').inputValue()).toBe(String(quick.paths));
    // Trimmed further for the test budget: 300 steps (SGD crosses the escape radius 0.5 near
    // step 210 at ρ = 0.1), SGD and SAM with SAM's SDE.
    await page.getByTestId('param-steps').fill('300');
    for (const name of ['USAM', 'DNSAM']) await page.getByTestId('param-algorithms').getByLabel(name, { exact: true }).uncheck();
    for (const name of ['SGD-SDE', 'USAM-SDE', 'DNSAM-SDE']) await page.getByTestId('param-models').getByLabel(name, { exact: true }).uncheck();
    // One path-step count (issue 14, item 8): the label counts both passes, as the status does after the run.
    const planned = (await page.getByTestId('run-next').innerText()).match(/, ([\d\u202f]+) path-steps \(two passes\)$/)?.[1];
    expect(planned?.replace(/\u202f/g, '')).toBe(String(2 * 2 * 3 * Number(quick.paths) * 300));
    await runToEnd();
    expect(await state()).toBe('complete');
    expect(await page.getByTestId('run-status').innerText()).toMatch(new RegExp(`^Done: ${planned} path-steps in`));
    const view = page.getByTestId('saddle-view');
    expect(await view.locator('sam-plot').first().getAttribute('note')).toBe('trap radius 0.0100');
    // ‖x_t‖ at each ρ (3 dynamics × 151 records), then the escaped fraction at each ρ.
    expect(await plotPoints('saddle-view')).toEqual([453, 453, 453, 453]);
    // Per ‖x_t‖ plot: the trap radius and the escape radius.
    expect(await marks('saddle-view', 'rule', 'line')).toBe(4);
    const result = JSON.parse((await page.evaluate(() => window.samSde.resultJson()))!) as PageResult;
    expect(result.escape?.radius).toBe(0.5);
    const series = (rho: number, name: string) => result.runs.find((r) => r.rho === rho)!.series[name] as EscapeSeries;
    // docs/model.md §7 at ρ = 0.1: SAM and its SDE stay inside the trap, every SGD path has escaped.
    expect(series(0.1, 'SAM').norm.mean.at(-1)).toBeLessThan(0.05);
    expect(series(0.1, 'SAM-SDE').norm.mean.at(-1)).toBeLessThan(0.05);
    expect(series(0.1, 'SAM').escaped?.at(-1)).toBe(0);
    expect(series(0.1, 'SGD').escaped?.at(-1)).toBe(1);
    await shot('saddle');
    // Issue 14, item 1: the loss f(x) goes negative past the saddle; log y then gives way to a
    // linear axis with a note, and every point of every dynamics is still drawn (3 × 151 per ρ).
    const traj = page.getByTestId('trajectory-view');
    await traj.getByTestId('traj-observable').selectOption('loss');
    await traj.getByTestId('traj-family').selectOption('all');
    await expect.poll(() => plotPoints('trajectory-view')).toEqual([453, 453]);
    const notes = await traj.getByTestId('plot-note').allInnerTexts();
    expect(notes.some((n) => /^Linear y: loss f\(x\) reaches -/.test(n)), notes.join(' | ')).toBe(true);
    await shot('saddle-loss');
  });

  test('imports a result.json: a convergence-order result draws its panel without running', async () => {
    const exported = JSON.parse(await readFile(join(dir, 'exported.json'), 'utf8')) as SimulationResult;
    const order = {
      etas: [0.08, 0.04, 0.02, 0.01],
      horizon: 1,
      pairs: [
        { algorithm: 'USAM', model: 'USAM-SDE', errors: [0.04, 0.021, 0.0098, 0.0051], stderr: [0.001, 0.001, 0.001, 0.001], qualified: [true, true, true, true], slope: 0.98, ci95: [0.9, 1.06] },
        { algorithm: 'USAM', model: 'SGD-SDE', errors: [0.28, 0.2, 0.14, 0.002], stderr: [0.01, 0.01, 0.01, 0.01], qualified: [true, true, true, false], slope: 0.5, ci95: [0.41, 0.59] },
      ],
    };
    const file = join(dir, 'order-result.json');
    await writeFile(file, JSON.stringify({ ...exported, order }));
    await page.getByTestId('import-file').setInputFiles(file);
    await expect.poll(() => page.getByTestId('result-banner').getAttribute('data-source')).toBe('import');
    expect(await page.getByTestId('result-banner').innerText()).toContain('Imported order-result.json');
    expect(await plotPoints('order-view')).toEqual([8]);
    // Qualified points filled, the unqualified one hollow; two fitted lines, two reference slopes.
    expect(await marks('order-view', 'dot', 'circle')).toBe(8);
    expect(await page.locator('[data-testid="order-view"] svg g[aria-label="dot"][fill="white"] circle').count()).toBe(1);
    expect(await marks('order-view', 'line', 'path')).toBe(4);
    expect(await page.getByTestId('order-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-slope')))).toEqual(['0.98', '0.5']);
    expect(await page.getByTestId('order-table').innerText()).toContain('[0.900, 1.060]');
    await shot('order-import');

    await writeFile(join(dir, 'bad.json'), '{"schema": "something-else"}');
    await page.getByTestId('import-file').setInputFiles(join(dir, 'bad.json'));
    await expect.poll(() => page.getByTestId('import-error').innerText()).toMatch(/bad\.json: schema is "something-else"/);
    expect(pageErrors).toEqual([]);
  });
});

const cli = (args: string[], timeoutMs: number) => runCli(args, { timeoutMs });

/**
 * `sam-sde headless` and `sam-sde run` of one config: the page's result.json (and screenshot)
 * agrees with the CLI's within a few f32 ulps.
 */
async function headlessAgreesWithCli(configObject: object, stem: string): Promise<void> {
  const config = join(dir, `${stem}.json`);
  await writeFile(config, JSON.stringify(configObject));
  const pageOut = join(dir, `${stem}-headless`);
  const cliOut = join(dir, `${stem}-cli`);
  const headless = await cli(['headless', config, '--out', pageOut], 300_000);
  expect(headless.code, headless.stderr).toBe(0);
  expect(headless.stdout).toContain(`wrote ${join(pageOut, 'result.json')}`);
  const png = await readFile(join(pageOut, 'page.png'));
  expect([...png.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
  const run = await cli(['run', config, '--out', cliOut, '--no-progress'], 300_000);
  expect(run.code, run.stderr).toBe(0);

  const fromPage = JSON.parse(await readFile(join(pageOut, 'result.json'), 'utf8')) as SimulationResult;
  const fromCli = JSON.parse(await readFile(join(cliOut, 'result.json'), 'utf8')) as SimulationResult;
  expect(fromPage.schema).toBe(RESULT_SCHEMA);
  expect(fromPage.config).toEqual(fromCli.config);
  expect(fromPage.runs.map((r) => r.rho)).toEqual(fromCli.runs.map((r) => r.rho));
  // Same kernels and Threefry streams: the per-path f32 arithmetic is the same program (Chromium's
  // Dawn and dawn.node may compile it differently), reductions finish in float64. Tolerance:
  // a few f32 ulps of the value, relative to max(|value|, 1e-3).
  let worst = 0;
  fromPage.runs.forEach((pageRun, i) => {
    const cliRun = fromCli.runs[i];
    expect(pageRun.t).toEqual(cliRun.t);
    for (const [name, s] of Object.entries(pageRun.series)) {
      expect(s.count).toEqual(cliRun.series[name].count);
      expect(s.diverged).toBe(cliRun.series[name].diverged);
      for (const o of OBSERVABLES) {
        s[o].mean.forEach((m, k) => {
          const ref = cliRun.series[name][o].mean[k];
          worst = Math.max(worst, Math.abs(m - ref) / Math.max(Math.abs(ref), 1e-3));
        });
      }
    }
    pageRun.comparisons.forEach((c, j) => {
      const ref = cliRun.comparisons[j];
      expect([c.algorithm, c.model, c.observable]).toEqual([ref.algorithm, ref.model, ref.observable]);
      expect(Math.abs(c.weakError - ref.weakError)).toBeLessThanOrEqual(1e-5 * Math.max(ref.weakError, 1e-2));
    });
  });
  expect(worst).toBeLessThan(1e-5);
}

describe('sam-sde headless', () => {
  test('saves result.json and a screenshot; the result agrees with `sam-sde run` for the same config and seed', async () => {
    await headlessAgreesWithCli(SMALL, 'small');
  });

  // The network passes' row groups sum through subgroup quad operations where the device has
  // them (Chromium's adapter does, as dawn.node's): teacher–student 5→100→1 takes quads.
  test('a network in row groups of four (teacher–student 5→100→1) agrees with `sam-sde run` too', async () => {
    await headlessAgreesWithCli(NETWORK, 'network');
  });

  test('an unknown experiment id exits 2 and lists the registered ones', async () => {
    const outcome = await cli(['headless', 'no-such-experiment'], 60_000);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/"no-such-experiment" is neither a registered experiment nor a config file/);
    expect(outcome.stderr).toContain('validation-quadratic');
    expect(existsSync(join(PROJECT_ROOT, 'out', 'no-such-experiment-headless'))).toBe(false);
  });
});
