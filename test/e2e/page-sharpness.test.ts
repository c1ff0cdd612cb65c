// The page's sharpness view (docs/model.md §8) in Chromium: a run with readouts on a diagonal
// quadratic, where every path reads tr H and λ_max exactly, shows both over time and against
// the loss, its table gives those numbers, sharpness.csv exports them, and the panel's field
// travels in the URL.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { waitForAdapter, type ServedPage } from '../../src/node/browser.js';
import { SHOTS, usePageSession } from './page-session.js';

const WAIT_MS = 240_000;

/** tr H = 12.85, λ_max = 7: exact for every path and every readout. */
const CONFIG = {
  problem: { kind: 'quadratic', hessian: { eigenvalues: [3, -0.5, 1, 2, 0.25, 7, 0.1] } },
  noise: { sigma: 0.1 },
  eta: 0.01,
  rho: 0.05,
  steps: 40,
  paths: 32,
  recordEvery: 10,
  algorithms: ['SGD', 'SAM'],
  models: ['SAM-SDE'],
  sharpness: { every: 20, probes: 2, iterations: 7 },
};

const session = usePageSession('sam-sde-page-sharpness-', { width: 1280, height: 900 });
let served: ServedPage;
let page: Page;
beforeAll(() => { ({ served, page } = session); });

async function runToEnd(): Promise<void> {
  const button = page.getByTestId('run-button');
  await expect.poll(() => button.isEnabled(), { timeout: WAIT_MS }).toBe(true);
  await button.click();
  await expect.poll(() => page.getByTestId('run-status').getAttribute('data-state'), { timeout: WAIT_MS, interval: 200 })
    .not.toMatch(/^(pending|initial)$/);
  const state = await page.getByTestId('run-status').getAttribute('data-state');
  if (state === 'error') throw new Error(`the run failed in the page: ${await page.getByTestId('run-error').innerText()}`);
}

describe('the sharpness view', () => {
  test('a run with readouts: trace and top over time and against loss, exact on a diagonal quadratic, exported as CSV', { timeout: WAIT_MS + 60_000 }, async () => {
    await page.goto(`${served.url}?experiment=custom&config=${encodeURIComponent(JSON.stringify(CONFIG))}`, { waitUntil: 'load' });
    await waitForAdapter(page);
    expect(await page.getByTestId('param-sharpness').inputValue()).toBe('20, 2, 7');
    await runToEnd();
    const view = page.getByTestId('sharpness-view');
    await expect.poll(() => view.count()).toBe(1);
    // The default family (SAM with SAM-SDE): 3 readouts each, over time and against loss.
    const points = await view.locator('[data-testid="plot"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-points'))));
    expect(points).toEqual([6, 6]);
    const rows = view.locator('[data-testid="sharp-table"] tbody tr');
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-dynamics')))).toEqual(['SAM', 'SAM-SDE']);
    for (const cell of await view.getByTestId('sharp-top').all()) {
      expect(Math.abs(Number(await cell.getAttribute('data-value')) - 7)).toBeLessThan(1e-5);
    }
    for (const cell of await view.getByTestId('sharp-trace').all()) {
      expect(Math.abs(Number(await cell.getAttribute('data-value')) - 12.85)).toBeLessThan(1e-4);
    }
    await page.getByTestId('sharp-quantity').selectOption('trace');
    await page.getByTestId('sharp-family').selectOption('all');
    await expect.poll(() => view.locator('[data-testid="plot"]').first().getAttribute('data-points')).toBe('9');
    await page.screenshot({ path: join(SHOTS, 'page-sharpness.png'), fullPage: true });

    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-sharpness').click()]);
    const csv = (await readFile(await file.path(), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('rho,dynamics,readout,t,count,trace_mean,trace_stderr,top_mean,top_stderr');
    expect(csv).toHaveLength(1 + 3 * 3);
    expect(csv.slice(1).map((line) => line.split(',').slice(1, 5).join(','))).toContain('SGD,2,0.4,32');
    expect(session.errors).toEqual([]);
  });

  test('the sharpness field travels in the URL; a bad value is shown beside it and blocks the run', { timeout: 60_000 }, async () => {
    await page.goto(`${served.url}?experiment=validation-quadratic&quick=1`, { waitUntil: 'load' });
    const field = page.getByTestId('param-sharpness');
    expect(await field.inputValue()).toBe('');
    // d = 20: Lanczos cannot take 30 iterations.
    await field.fill('10, 4, 30');
    await expect.poll(() => page.url()).toContain('sharpness=10,4,30');
    await expect.poll(() => page.getByTestId('error-sharpness').innerText()).toContain("sharpness.iterations: got 30; allowed: an integer in 1..20");
    expect(await page.getByTestId('run-button').isEnabled()).toBe(false);
  });
});
