// The page in a browser from Node: Vite builds web/ (as `npm start` does) and serves it on
// 127.0.0.1, and Debian's Chromium runs it through playwright-core (SwiftShader WebGPU when
// there is no GPU; see ENVIRONMENT.md). Used by `sam-sde headless` and the end-to-end tests.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { LOOP_ZERO_INIT_TOGGLE } from './gpu.js';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_INSTALL_HINT =
  "Install Debian's Chromium (it ships SwiftShader, a CPU Vulkan): as root, apt-get update && apt-get install -y chromium libvulkan1";
// `--enable-unsafe-webgpu` is what exposes navigator.gpu on Linux; without a GPU, Chromium
// falls back to SwiftShader on its own. The rest keeps a headless run off the network.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  // Workgroup memory zeroed by a loop in the shader, as in Node on SwiftShader (src/node/gpu.ts).
  `--disable-dawn-features=${LOOP_ZERO_INIT_TOGGLE}`,
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface ServedPage {
  /** The page's URL on 127.0.0.1 (ends with a slash). */
  url: string;
  close(): Promise<void>;
}

/** Builds web/ into a temporary folder and serves it with Vite's preview server on a free port. */
export async function buildAndServe(options: { log?: (line: string) => void } = {}): Promise<ServedPage> {
  const { build, preview } = await import('vite');
  const outDir = await mkdtemp(join(tmpdir(), 'sam-sde-web-'));
  const configFile = join(PROJECT_ROOT, 'vite.config.ts');
  // Under vitest NODE_ENV is "test", which would bundle Lit's development build; serve what
  // `npm start` serves.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    options.log?.('building the page (vite build)');
    await build({ configFile, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  } catch (e) {
    await rm(outDir, { recursive: true, force: true });
    throw e;
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  const server = await preview({
    configFile,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) {
    await server.close();
    throw new Error('Vite preview server did not report a local URL');
  }
  return {
    url,
    async close() {
      await server.close();
      await rm(outDir, { recursive: true, force: true });
    },
  };
}

/** Launches /usr/bin/chromium headless with WebGPU; the error says what to install when it cannot. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}. ${CHROMIUM_INSTALL_HINT}`);
  const { chromium } = await import('playwright-core');
  try {
    return await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
  } catch (e) {
    throw new Error(`Could not launch ${CHROMIUM}: ${(e as Error).message}\n${CHROMIUM_INSTALL_HINT}`);
  }
}

/**
 * Waits until <sam-gpu-status> has settled and returns the adapter's name; throws with the
 * page's own words when there is no usable adapter.
 */
export async function waitForAdapter(page: Page, timeoutMs = 180_000): Promise<string> {
  await page.locator('[data-testid="gpu-status"]:not([data-kind="acquiring"])').waitFor({ timeout: timeoutMs });
  const card = page.getByTestId('gpu-status');
  const kind = await card.getAttribute('data-kind');
  if (kind !== 'ready') {
    const said = (await card.innerText()).replace(/\s+/g, ' ').trim();
    throw new Error(`The page has no WebGPU adapter (state "${kind}"): ${said}\n` +
      `Chromium was started as ${CHROMIUM} ${CHROMIUM_ARGS.join(' ')}. ${CHROMIUM_INSTALL_HINT}`);
  }
  return (await page.getByTestId('adapter-name').innerText()).trim();
}
