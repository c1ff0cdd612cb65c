// Issue 11 item 6, the page loses nothing: a page run keeps its latest checkpoint in IndexedDB;
// after a reload mid-run, a lost device or a tab crash the page offers it and, resumed, ends with the
// `runs` of an uninterrupted run, bit for bit after JSON parsing. A cancelled run keeps its
// checkpoint; a finished one clears it; a checkpoint that no longer fits the page, or is
// corrupted, is refused with the reason. In Debian's Chromium on SwiftShader.
// Budget (2 cores, SwiftShader, ~1.5–2 min for the file besides the page build): a pasted d = 4
// quadratic, 2 dynamics × 2 ρ × 256 paths × 20 000 steps (20.5 M path-steps, ~12 s a run,
// compiling included). The link sets checkpoints every 0.5 s (`checkpointEvery`; the page's
// default is 5 s), so an interrupted run has one well before it would end, also on a machine with
// more cores than this one, where a run can be over in less than the default 5 s.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { waitForAdapter, type ServedPage } from '../../src/node/browser.js';
import type { RunResult } from '../../src/simulate/result.js';
import type { SamGpuStatus } from '../../web/components/gpu-status.js';
import type { PageResult } from '../../web/lib/page-result.js';
import { SHOTS, usePageSession } from './page-session.js';

const WAIT_MS = 240_000;

const CONFIG = {
  problem: { kind: 'quadratic', hessian: { eigenvalues: [1, 0.5, 0.25, 0.125] } },
  x0: { normal: { std: 1, seed: 1 } },
  noise: { sigma: 0.1 },
  eta: 0.01,
  rho: [0.01, 0.1],
  steps: 20_000,
  paths: 256,
  seed: 1,
  recordEvery: 500,
  algorithms: ['SGD'],
  models: ['SGD-SDE'],
};

const PATH_STEPS = 2 * 2 * CONFIG.paths * CONFIG.steps;

const session = usePageSession('sam-sde-page-resume-', { width: 1280, height: 900 });
const pageErrors = session.errors;
let served: ServedPage;
let page: Page;
beforeAll(() => { ({ served, page } = session); });

const CHECKPOINT_EVERY = 'checkpointEvery=0.5';
const url = () => `${served.url}?experiment=custom&config=${encodeURIComponent(JSON.stringify(CONFIG))}&${CHECKPOINT_EVERY}`;
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `page-resume-${name}.png`), fullPage: true });
const state = () => page.getByTestId('run-status').getAttribute('data-state');
const offer = () => page.getByTestId('resume-offer');

async function open(): Promise<void> {
  await page.goto(url(), { waitUntil: 'load' });
  await waitForAdapter(page);
}

/**
 * Waits until the run started by `press` has begun and ended, sampling its progress bar into
 * `fractions`; fails with the page's error if it failed.
 */
async function runToEnd(press: () => Promise<void>, fractions: number[] = []): Promise<PageResult> {
  await press();
  // The status still shows the previous run's end until this one starts (Resume first loads and checks).
  await expect.poll(state, { timeout: WAIT_MS, interval: 50 }).toBe('pending');
  await expect.poll(async () => {
    fractions.push(Number(await page.getByTestId('run-progress').getAttribute('data-fraction')));
    return state();
  }, { timeout: WAIT_MS, interval: 100 }).not.toBe('pending');
  if ((await state()) === 'error') throw new Error(`the run failed in the page: ${await page.getByTestId('run-error').innerText()}`);
  return JSON.parse((await page.evaluate(() => window.samSde.resultJson()))!) as PageResult;
}

/** Presses Run and waits for the run's first checkpoint (it is still running then); returns its progress. */
async function runUntilCheckpoint(): Promise<number> {
  const button = page.getByTestId('run-button');
  await expect.poll(() => button.isEnabled(), { timeout: WAIT_MS }).toBe(true);
  await button.click();
  const checkpoint = page.getByTestId('run-checkpoint');
  await expect.poll(async () => (await checkpoint.count()) > 0 && Boolean(await checkpoint.getAttribute('data-saved-at')), { timeout: 60_000, interval: 100 }).toBe(true);
  expect(await state(), 'the run ended before its first checkpoint: make it longer').toBe('pending');
  return Number(await page.getByTestId('run-progress').getAttribute('data-fraction'));
}

/**
 * Resume continued from the checkpoint rather than starting over: its progress never fell below
 * the saved run's (a run started over reports a few per cent within its first second).
 */
function expectContinuedFrom(saved: number, fractions: number[]): void {
  expect(fractions.length).toBeGreaterThan(5);
  expect(Math.min(...fractions)).toBeGreaterThanOrEqual(saved);
}

/** The resumable offer's progress after checking its banner line. */
async function expectResumable(): Promise<number> {
  await expect.poll(async () => (await offer().count()) > 0 ? offer().getAttribute('data-state') : 'none', { timeout: WAIT_MS }).toBe('resumable');
  const text = (await offer().innerText()).replace(/\s+/g, ' ');
  expect(text).toMatch(/An unfinished run: Pasted config, [\d ]+ path-steps \(progress \d{1,2} %, saved at \d\d:\d\d:\d\d\)/);
  const fraction = Number(await offer().getAttribute('data-fraction'));
  expect(fraction).toBeGreaterThan(0);
  expect(fraction).toBeLessThan(1);
  return fraction;
}

/** Rewrites the page's IndexedDB slot in place: a new `search`, or one flipped byte in the checkpoint. */
function alterSlot(change: { search: string } | { flipByte: true }): Promise<void> {
  return page.evaluate((change) => new Promise<void>((resolve, reject) => {
    const req = indexedDB.open('sam-sde', 1);
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const tx = req.result.transaction('checkpoints', 'readwrite');
      const store = tx.objectStore('checkpoints');
      const get = store.get('latest');
      get.onsuccess = () => {
        const record = get.result as { search: string; bytes: Uint8Array };
        if ('search' in change) record.search = change.search;
        else record.bytes[record.bytes.length - 40] ^= 1;
        store.put(record, 'latest');
      };
      tx.oncomplete = () => { req.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  }), change);
}

let uninterrupted: RunResult[] = [];

describe('page: a run survives a reload, a lost device and a tab crash (issue 11)', () => {
  test('an uninterrupted run finishes and leaves no checkpoint behind', async () => {
    await open();
    expect(await offer().count()).toBe(0);
    const result = await runToEnd(() => page.getByTestId('run-button').click());
    expect(result.cancelled).toBe(false);
    expect(result.runs).toHaveLength(2);
    expect(result.timing.pathSteps).toBe(PATH_STEPS);
    // It saved checkpoints while it ran (the run is longer than 5 s here) and cleared them at the end.
    expect(await page.getByTestId('run-checkpoint').getAttribute('data-saved-at')).toMatch(/^\d+$/);
    uninterrupted = result.runs;
    await open();
    expect(await offer().count()).toBe(0);
  });

  test('reloaded mid-run, the page offers the run and, resumed, gives the uninterrupted run\'s runs bit for bit', async () => {
    expect(uninterrupted).toHaveLength(2);
    const atCheckpoint = await runUntilCheckpoint();
    expect(atCheckpoint).toBeLessThan(1);
    await page.reload({ waitUntil: 'load' });
    await waitForAdapter(page);
    const saved = await expectResumable();
    await shot('offer');
    const fractions: number[] = [];
    const result = await runToEnd(() => page.getByTestId('resume-button').click(), fractions);
    expectContinuedFrom(saved, fractions);
    expect(result.cancelled).toBe(false);
    expect(JSON.parse(JSON.stringify(result.runs))).toEqual(JSON.parse(JSON.stringify(uninterrupted)));
    // The path-steps count on from the checkpoint's: the whole run's, as if it had never stopped.
    expect(result.timing.pathSteps).toBe(PATH_STEPS);
    expect(await offer().count()).toBe(0);
    await page.reload({ waitUntil: 'load' });
    await waitForAdapter(page);
    expect(await offer().count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  test('after a lost device the offer waits for a new device; resumed on it, the same runs', async () => {
    await runUntilCheckpoint();
    await page.evaluate(() => (document.querySelector('sam-gpu-status') as SamGpuStatus | null)?.context?.device.destroy());
    await page.locator('[data-testid="gpu-status"][data-kind="lost"]').waitFor({ timeout: WAIT_MS });
    await expect.poll(state, { timeout: WAIT_MS }).not.toBe('pending');
    const saved = await expectResumable();
    expect(await page.getByTestId('resume-button').isDisabled()).toBe(true);
    expect(await offer().innerText()).toContain('Waiting for a GPU device');
    await page.getByTestId('gpu-reacquire').click();
    await waitForAdapter(page);
    await expect.poll(() => page.getByTestId('resume-button').isEnabled(), { timeout: WAIT_MS }).toBe(true);
    const fractions: number[] = [];
    const result = await runToEnd(() => page.getByTestId('resume-button').click(), fractions);
    expectContinuedFrom(saved, fractions);
    expect(result.cancelled).toBe(false);
    expect(JSON.parse(JSON.stringify(result.runs))).toEqual(JSON.parse(JSON.stringify(uninterrupted)));
    expect(await offer().count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  test('a cancelled run keeps its checkpoint; one of another config or corrupted is refused, saying why; Discard clears it', async () => {
    await runUntilCheckpoint();
    await page.getByTestId('cancel-button').click();
    await expect.poll(state, { timeout: WAIT_MS }).toBe('cancelled');
    expect(await page.getByTestId('run-status').innerText()).toMatch(/Its last checkpoint \(\d{1,2} %\) is kept: Resume continues from there/);
    await expectResumable();

    // The saved page state now makes another config (seed 2): Resume refuses to continue it.
    const other = `?experiment=custom&config=${encodeURIComponent(JSON.stringify({ ...CONFIG, seed: 2 }))}&${CHECKPOINT_EVERY}`;
    await alterSlot({ search: other });
    await open();
    await expectResumable();
    await page.getByTestId('resume-button').click();
    await expect.poll(() => offer().getAttribute('data-state'), { timeout: WAIT_MS }).toBe('refused');
    expect(await page.getByTestId('resume-refused').innerText()).toMatch(/config no longer matches/);
    expect(await state()).not.toBe('pending');

    await alterSlot({ flipByte: true });
    await open();
    await expect.poll(async () => (await offer().count()) > 0 ? offer().getAttribute('data-state') : 'none', { timeout: WAIT_MS }).toBe('refused');
    expect(await page.getByTestId('resume-refused').innerText()).toMatch(/corrupted: its SHA-256 does not match/);
    await shot('refused');
    await page.getByTestId('resume-discard').click();
    await expect.poll(() => offer().count()).toBe(0);
    await open();
    expect(await offer().count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  test('after a tab crash, a new tab of the browser offers the run; resumed, the same runs', async () => {
    // A context of its own: the session's page is the only one its context may have.
    const context = await session.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tab = async () => {
      const opened = await context.newPage();
      opened.on('pageerror', (error) => pageErrors.push(`uncaught: ${error.message}`));
      opened.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(`console.error: ${message.text()}`);
      });
      return opened;
    };
    page = await tab();
    await open();
    await runUntilCheckpoint();
    const crashed = page.waitForEvent('crash', { timeout: 60_000 });
    void page.goto('chrome://crash').catch(() => undefined);
    await crashed;
    page = await tab();
    await open();
    const saved = await expectResumable();
    const fractions: number[] = [];
    const result = await runToEnd(() => page.getByTestId('resume-button').click(), fractions);
    expectContinuedFrom(saved, fractions);
    expect(result.cancelled).toBe(false);
    expect(JSON.parse(JSON.stringify(result.runs))).toEqual(JSON.parse(JSON.stringify(uninterrupted)));
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
