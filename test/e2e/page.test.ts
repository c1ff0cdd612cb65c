// The page end to end: Vite builds web/ exactly as `npm start` does, Vite's preview server
// serves it on 127.0.0.1, and Debian's Chromium (SwiftShader WebGPU when there is no GPU)
// runs the RNG + reduction round trip. No adapter, no browser: the test fails and says what
// to install — an end-to-end run that skipped the GPU is a red run (DESIGN.md "Tests").
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, describe, expect, test } from 'vitest';
import { PROJECT_ROOT, buildAndServe, launchChromium, waitForAdapter } from '../../src/node/browser.js';
import { loadShaderSources } from '../../src/node/shaders.js';
import type { SamGpuStatus } from '../../web/components/gpu-status.js';
import { shaderSources } from '../../web/shaders.js';

const SCREENSHOT = join(PROJECT_ROOT, 'test-results', 'page-roundtrip.png');

/** Paths × 4 normals the page draws (web/components/rng-roundtrip.ts). */
const NORMALS = 262_144;
const WAIT_MS = 180_000;

interface Harness {
  browser: Browser;
  page: Page;
  /** Uncaught exceptions and console errors of the page. */
  pageErrors: string[];
}

let harness: Promise<Harness> | undefined;
const cleanup: Array<() => Promise<void>> = [];

/** Builds, serves and opens the page once; each test awaits it so a setup failure fails the test. */
function openPage(): Promise<Harness> {
  harness ??= setUp();
  return harness;
}

async function setUp(): Promise<Harness> {
  const served = await buildAndServe();
  cleanup.push(() => served.close());
  const browser = await launchChromium();
  cleanup.push(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`console.error: ${message.text()} (${message.location().url})`);
  });
  await page.goto(served.url, { waitUntil: 'load' });
  return { browser, page, pageErrors };
}

/** Waits until <sam-gpu-status> has settled, and fails with the page's own words unless it has an adapter. */
const expectAdapter = (page: Page) => waitForAdapter(page, WAIT_MS);

async function number(page: Page, testId: string): Promise<number> {
  const raw = await page.getByTestId(testId).getAttribute('data-value');
  const value = Number(raw);
  if (raw === null || !Number.isFinite(value)) throw new Error(`${testId}: data-value is ${raw}`);
  return value;
}

interface RoundTrip {
  normals: number;
  mean: number;
  variance: number;
  stderr: number;
  wordsMatching: number;
  wordsChecked: number;
  maxError: number;
  elapsedMs: number;
}

/** Clicks the button and reads every figure once the run has completed (or fails with its error). */
async function runRoundTrip(page: Page): Promise<RoundTrip> {
  // The self-check sits in the collapsed "Diagnostics" section of the page.
  await page.locator('details.diagnostics').evaluate((d) => ((d as HTMLDetailsElement).open = true));
  const button = page.getByRole('button', { name: 'Run RNG + reduction round trip' });
  await expect.poll(() => button.isEnabled(), { timeout: WAIT_MS }).toBe(true);
  await button.click();
  const status = page.getByTestId('rt-status');
  await page.locator('[data-testid="rt-status"][data-state="complete"], [data-testid="rt-status"][data-state="error"]')
    .waitFor({ timeout: WAIT_MS });
  if ((await status.getAttribute('data-state')) === 'error') {
    throw new Error(`The round trip failed in the page: ${await page.getByTestId('rt-error').innerText()}`);
  }
  return {
    normals: await number(page, 'rt-normals'),
    mean: await number(page, 'rt-mean'),
    variance: await number(page, 'rt-variance'),
    stderr: await number(page, 'rt-stderr'),
    wordsMatching: await number(page, 'rt-words-matching'),
    wordsChecked: await number(page, 'rt-words-checked'),
    maxError: await number(page, 'rt-max-error'),
    elapsedMs: await number(page, 'rt-elapsed'),
  };
}

afterAll(async () => {
  // Browser first, then the server, then the build folder: the reverse of setUp.
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
});

describe('the page\'s shader sources', () => {
  test('are the files src/node/shaders.ts reads, under the same keys', () => {
    const node = loadShaderSources();
    expect(Object.keys(shaderSources).sort()).toEqual(Object.keys(node).sort());
    expect(Object.keys(shaderSources)).toContain('threefry.wgsl');
    for (const [file, text] of Object.entries(node)) expect(shaderSources[file], file).toBe(text);
  });
});

describe('the page in Chromium', () => {
  let first: RoundTrip | undefined;

  test('acquires a WebGPU adapter and names it', async () => {
    const { page } = await openPage();
    const name = await expectAdapter(page);
    expect(name.length).toBeGreaterThan(0);
    expect(name).not.toBe('unknown adapter');
    const architecture = (await page.getByTestId('adapter-architecture').innerText()).trim();
    expect(architecture.length).toBeGreaterThan(0);
  });

  test('runs the RNG + reduction round trip: bit-exact Threefry, N(0,1) moments within 4 s.e.', async () => {
    const { page, pageErrors } = await openPage();
    await expectAdapter(page);
    const rt = await runRoundTrip(page);
    await mkdir(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    expect(rt.normals).toBe(NORMALS);
    // 256 paths × one Threefry block of 4 words, compared bit for bit with the TypeScript twin.
    expect(rt.wordsChecked).toBe(1024);
    expect(rt.wordsMatching).toBe(rt.wordsChecked);
    // Fixed seed; the bands are 4 standard errors of N(0,1) moments over 262 144 draws:
    // s.e.(mean) = 1/√n, s.e.(variance) = √(2/n).
    expect(Math.abs(rt.mean)).toBeLessThan(4 / Math.sqrt(NORMALS));
    expect(Math.abs(rt.variance - 1)).toBeLessThan(4 * Math.sqrt(2 / NORMALS));
    expect(rt.stderr).toBeCloseTo(Math.sqrt(rt.variance / NORMALS), 12);
    // f32 Box–Muller against the float64 twin.
    expect(rt.maxError).toBeLessThan(2e-6);
    expect(rt.elapsedMs).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
    first = rt;
  });

  test('recovers from device loss: "Re-acquire GPU" gives a new device and the same numbers', async () => {
    const { page, pageErrors } = await openPage();
    await expectAdapter(page);
    // Destroying the GPUDevice behind the context's back is how a lost device looks to the page.
    await page.evaluate(() => {
      const status = document.querySelector('sam-gpu-status') as SamGpuStatus | null;
      status?.context?.device.destroy();
    });
    await page.locator('[data-testid="gpu-status"][data-kind="lost"]').waitFor({ timeout: WAIT_MS });
    await expect.poll(() => page.getByTestId('gpu-message').innerText()).toMatch(/device was lost/i);
    expect(await page.getByTestId('rt-run').isDisabled()).toBe(true);

    await page.getByRole('button', { name: 'Re-acquire GPU' }).click();
    await expectAdapter(page);
    const again = await runRoundTrip(page);
    expect(again.wordsMatching).toBe(1024);
    // Same seed, fixed-order reduction tree: a new device must reproduce the figures exactly.
    if (first) {
      expect(again.mean).toBe(first.mean);
      expect(again.variance).toBe(first.variance);
      expect(again.maxError).toBe(first.maxError);
    }
    expect(pageErrors).toEqual([]);
  });
});
