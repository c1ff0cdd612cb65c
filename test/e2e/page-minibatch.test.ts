// The mini-batch noise experiment (docs/model.md §6.6) on the page, in Chromium on the machine's
// WebGPU adapter: the picker offers it, the panel says what its noise is (no σ field in mode B),
// and a run trimmed to SGD with its SDE (in mode B and with Gaussian injection) at 2 paths × 10
// steps shows the error-against-B view, its table, the error against ρ at a chosen B and the
// trajectories per B and ρ; the exported result.json is the CLI's mini-batch document.
// Budget on a 2-core SwiftShader machine: three pipelines compile (1–3 minutes), the run is a
// few seconds.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { waitForAdapter, type ServedPage } from '../../src/node/browser.js';
import { findExperiment } from '../../src/experiments/registry.js';
import type { PageResult } from '../../web/lib/page-result.js';
import { SHOTS, usePageSession } from './page-session.js';

const WAIT_MS = 420_000;

const session = usePageSession('sam-sde-page-minibatch-', { width: 1280, height: 900 });
let served: ServedPage;
let page: Page;
beforeAll(() => { ({ served, page } = session); });

const state = () => page.getByTestId('run-status').getAttribute('data-state');

describe('the mini-batch experiment on the page', () => {
  test('its panel, a trimmed run and the views of the result', { timeout: WAIT_MS + 120_000 }, async () => {
    await page.goto(`${served.url}?experiment=minibatch-noise&quick=1`, { waitUntil: 'load' });
    await waitForAdapter(page);
    const picker = page.getByTestId('experiment-picker');
    expect(await picker.getByTestId('picker-group-minibatch').count()).toBe(1);
    expect(await picker.getByTestId('experiment-minibatch-noise').innerText()).toContain('real mini-batch noise');
    // Mode B: no σ to edit; the panel says what the noise is.
    expect(await page.getByTestId('param-sigma').count()).toBe(0);
    expect(await page.getByTestId('param-noise-note').innerText()).toContain('real mini-batches of B = 8, 32, 128 samples');
    const quick = findExperiment('minibatch-noise')!.quick;
    expect(await page.getByTestId('param-paths').inputValue()).toBe(String(quick.paths));
    // Trimmed for the test budget: SGD with its SDE, 2 paths × 10 steps.
    await page.getByTestId('param-paths').fill('2');
    await page.getByTestId('param-steps').fill('10');
    for (const name of ['USAM', 'DNSAM', 'SAM']) await page.getByTestId('param-algorithms').getByLabel(name, { exact: true }).uncheck();
    for (const name of ['USAM-SDE', 'DNSAM-SDE', 'SAM-SDE']) await page.getByTestId('param-models').getByLabel(name, { exact: true }).uncheck();
    // Per B: 2 ρ × 2 dynamics in mode B and 2 ρ × 1 model with injection, 2 paths × 10 steps; 3 batch sizes.
    const planned = (await page.getByTestId('run-next').innerText()).match(/, ([\d\u202f]+) path-steps \(batch sizes 8, 32, 128/)?.[1];
    expect(planned?.replace(/\u202f/g, '')).toBe(String(3 * (2 * 2 + 2 * 1) * 2 * 10));

    const button = page.getByTestId('run-button');
    await expect.poll(() => button.isEnabled(), { timeout: 60_000 }).toBe(true);
    await button.click();
    await expect.poll(() => state(), { timeout: WAIT_MS, interval: 250 }).not.toMatch(/^(pending|initial)$/);
    if ((await state()) === 'error') throw new Error(`the run failed in the page: ${await page.getByTestId('run-error').innerText()}`);
    expect(await state()).toBe('complete');
    expect(await page.getByTestId('result-banner').getAttribute('data-kind')).toBe('minibatch');

    const view = page.getByTestId('minibatch-view');
    // The table: one row per (B, ρ, algorithm), each with a verdict.
    const rows = view.getByTestId('minibatch-row');
    expect(await rows.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-batch')}|${e.getAttribute('data-rho')}|${e.getAttribute('data-algorithm')}`)))
      .toEqual(['8|0.01|SGD', '8|0.5|SGD', '32|0.01|SGD', '32|0.5|SGD', '128|0.01|SGD', '128|0.5|SGD']);
    expect((await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-verdict')))).every((v) => ['better', 'worse', 'tie'].includes(v!))).toBe(true);
    // The error against B at the last ρ: mode B and injection at 3 batch sizes (positive errors drawn).
    const first = view.getByTestId('plot').first();
    await expect.poll(async () => Number(await first.getAttribute('data-points'))).toBeGreaterThan(0);
    expect(Number(await first.getAttribute('data-points'))).toBeLessThanOrEqual(6);
    // The error against ρ at a chosen batch size: SGD against SGD-SDE and against SGD-SDE-INJ.
    await view.getByTestId('mb-batch').selectOption('32');
    const table = view.getByTestId('comparisons-table');
    await expect.poll(() => table.innerText()).toContain('SGD-SDE-INJ');
    // Trajectories: one plot per (B, ρ), headed by both.
    const headings = await page.getByTestId('trajectory-view').locator('sam-plot').evaluateAll((els) => els.map((e) => e.getAttribute('heading')));
    expect(headings).toEqual(['B = 8, ρ = 0.01', 'B = 8, ρ = 0.5', 'B = 32, ρ = 0.01', 'B = 32, ρ = 0.5', 'B = 128, ρ = 0.01', 'B = 128, ρ = 0.5']);
    await page.screenshot({ path: join(SHOTS, 'page-minibatch.png'), fullPage: true });

    const result = JSON.parse((await page.evaluate(() => window.samSde.resultJson()))!) as PageResult;
    // Tagged as the CLI tags it (the quick preset was the base of the edited values).
    expect(result.experiment).toEqual({ id: 'minibatch-noise', quick: true });
    expect(result.minibatch?.batchSizes).toEqual([8, 32, 128]);
    expect(result.minibatch?.sigmas.every((s, i, all) => s > 0 && (i === 0 || s < all[i - 1]))).toBe(true);
    expect(Object.keys(result.runs[0].series)).toEqual(['SGD', 'SGD-SDE', 'SGD-SDE-INJ']);
    expect(session.errors).toEqual([]);
  });
});
