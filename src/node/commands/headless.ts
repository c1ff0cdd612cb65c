// `sam-sde headless <id | config.json> [--out DIR] [--quick]`: runs an experiment on the page,
// in Chromium through Playwright, exactly as a researcher would (the page's own Run button, the
// same src/ code and WGSL), and saves the page's result.json and a full-page screenshot. The
// config is checked here first, so a bad one exits 2 before any browser starts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Page } from 'playwright-core';
import { resolveConfig, type ResolvedConfig } from '../../config/schema.js';
import { MissingProblemError, resolveExperiment } from '../../experiments/config.js';
import { EXPERIMENTS, findExperiment } from '../../experiments/registry.js';
import type { SimulationResult } from '../../simulate/result.js';
import { buildAndServe, launchChromium, waitForAdapter } from '../browser.js';
import { formatSummary } from '../summary.js';

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_INVALID = 2;
/** How often the progress line is refreshed on stderr. */
const POLL_MS = 1000;
const REPORT_EVERY_MS = 5000;

export interface HeadlessOptions {
  out?: string;
  quick?: boolean;
}

interface Target {
  /** Name for the default output folder and the log. */
  name: string;
  /** The page's query string: the state a link to this run carries. */
  query: string;
  config: ResolvedConfig;
}

class InvalidTarget extends Error {}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InvalidTarget(`cannot read config ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InvalidTarget(`config ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** An experiment id of the registry, or a config file; resolved here with the one schema. */
function resolveTarget(target: string, quick: boolean, warn: (line: string) => void): Target {
  const experiment = findExperiment(target);
  if (experiment) {
    const useQuick = quick && Object.keys(experiment.quick ?? {}).length > 0;
    if (quick && !useQuick) warn(`${target} has no quick size; running it at paper size`);
    let config: ResolvedConfig;
    try {
      config = resolveExperiment(experiment, useQuick);
    } catch (e) {
      if (e instanceof MissingProblemError) throw new InvalidTarget(e.message);
      throw e;
    }
    const query = new URLSearchParams({ experiment: experiment.id });
    if (useQuick) query.set('quick', '1');
    return { name: experiment.id, query: `?${query}`, config };
  }
  if (target.endsWith('.json') || existsSync(target)) {
    if (quick) warn('--quick applies to registered experiments only; the config file runs as written');
    const raw = readJson(target);
    const config = resolveConfig(raw);
    const query = new URLSearchParams({ experiment: 'custom', config: JSON.stringify(raw) });
    return { name: basename(target).replace(/\.json$/i, ''), query: `?${query}`, config };
  }
  throw new InvalidTarget(`"${target}" is neither a registered experiment nor a config file. Experiments: ${EXPERIMENTS.map((e) => e.id).join(', ')}`);
}

async function attribute(page: Page, testId: string, name: string): Promise<string | null> {
  return page.getByTestId(testId).getAttribute(name);
}

/** Presses Run and waits for the run to end, reporting progress on stderr. */
async function runInPage(page: Page, log: (line: string) => void): Promise<string> {
  const button = page.getByTestId('run-button');
  if (await button.isDisabled()) {
    const blocked = page.getByTestId('run-blocked');
    const why = (await blocked.count()) > 0 ? await blocked.innerText() : 'the Run button is disabled';
    const errors = await page.locator('[data-testid^="error-"]').allInnerTexts();
    throw new Error(`the page will not run this config: ${why}${errors.length ? `\n  ${errors.join('\n  ')}` : ''}`);
  }
  await button.click();
  let lastReport = 0;
  for (;;) {
    const state = await attribute(page, 'run-status', 'data-state');
    if (state !== 'pending' && state !== 'initial') return state ?? 'unknown';
    const now = Date.now();
    if (now - lastReport >= REPORT_EVERY_MS) {
      lastReport = now;
      const fraction = Number(await attribute(page, 'run-progress', 'data-fraction'));
      const rate = Number(await attribute(page, 'run-rate', 'data-value'));
      const elapsed = Number(await attribute(page, 'run-elapsed', 'data-value'));
      log(`${(100 * fraction).toFixed(1)} % | ${rate > 0 ? rate.toExponential(2) : '-'} path-steps/s | ${elapsed.toFixed(1)} s`);
    }
    await page.waitForTimeout(POLL_MS);
  }
}

export async function headlessCommand(target: string, options: HeadlessOptions): Promise<number> {
  const log = (line: string) => process.stderr.write(`headless: ${line}\n`);
  let resolved: Target;
  try {
    resolved = resolveTarget(target, Boolean(options.quick), log);
  } catch (e) {
    if (!(e instanceof InvalidTarget)) throw e;
    process.stderr.write(`sam-sde: invalid input: ${e.message}\n`);
    return EXIT_INVALID;
  }
  const outDir = resolve(options.out ?? join('out', `${resolved.name}-headless`));
  const served = await buildAndServe({ log });
  const pageErrors: string[] = [];
  let onSigint: (() => void) | undefined;
  try {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      page.on('pageerror', (error) => pageErrors.push(`uncaught: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(`console.error: ${message.text()}`);
      });
      const url = `${served.url}${resolved.query}`;
      log(`page ${served.url}`);
      await page.goto(url, { waitUntil: 'load' });
      log(`adapter: ${await waitForAdapter(page)}`);
      // Ctrl-C cancels the run in the page; the partial result is still saved.
      onSigint = () => {
        log('cancelling (the partial result will be saved)');
        void page.getByTestId('cancel-button').click().catch(() => undefined);
      };
      process.on('SIGINT', onSigint);
      const state = await runInPage(page, log);
      mkdirSync(outDir, { recursive: true });
      const screenshot = join(outDir, 'page.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      if (state === 'error') {
        const message = await page.getByTestId('run-error').innerText();
        process.stderr.write(`sam-sde: the run failed in the page: ${message}\n(screenshot: ${screenshot})\n`);
        return EXIT_FAILURE;
      }
      const text = await page.evaluate(() => window.samSde.resultJson());
      if (!text) throw new Error('the page finished without a result');
      const file = join(outDir, 'result.json');
      writeFileSync(file, text);
      const result = JSON.parse(text) as SimulationResult;
      process.stdout.write(formatSummary(result));
      process.stdout.write(`\nwrote ${file}${result.cancelled ? ' (cancelled: partial results)' : ''}\nwrote ${screenshot}\n`);
      if (pageErrors.length > 0) log(`the page reported errors:\n  ${pageErrors.join('\n  ')}`);
      return result.cancelled ? EXIT_FAILURE : EXIT_OK;
    } finally {
      await browser.close();
    }
  } catch (e) {
    if (pageErrors.length > 0) log(`the page reported errors:\n  ${pageErrors.join('\n  ')}`);
    throw e;
  } finally {
    if (onSigint) process.off('SIGINT', onSigint);
    await served.close();
  }
}

/** Adds the command to the program (src/node/cli.ts). */
export function registerHeadless(program: Command, setExit: (code: number) => void): void {
  program
    .command('headless')
    .description('run an experiment (registry id) or a config file on the page in headless Chromium; writes DIR/result.json and DIR/page.png')
    .argument('<target>', 'experiment id or config file (JSON)')
    .option('--out <dir>', 'output directory (default out/<name>-headless)')
    .option('--quick', 'the experiment\'s quick size')
    .action(async (target: string, options: HeadlessOptions) => setExit(await headlessCommand(target, options)));
}
