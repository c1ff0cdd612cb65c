// PNG copies of the SVG figures, rendered by a headless Chromium where one is at hand
// (playwright-core with Debian's /usr/bin/chromium, as in ENVIRONMENT.md). Optional: without a
// browser the SVGs are the figures and this says why there are no PNGs.
import { existsSync, readFileSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface PngOutcome {
  written: string[];
  /** Why nothing was written, when nothing was. */
  skipped?: string;
}

/** Renders each `.svg` file to a `.png` beside it at 2× scale. */
export async function svgsToPng(svgPaths: readonly string[]): Promise<PngOutcome> {
  if (svgPaths.length === 0) return { written: [] };
  if (!existsSync(CHROMIUM)) return { written: [], skipped: `no browser at ${CHROMIUM}` };
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    return { written: [], skipped: `playwright-core is not installed (${(e as Error).message})` };
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  const written: string[] = [];
  try {
    const page = await browser.newPage({ deviceScaleFactor: 2 });
    for (const path of svgPaths) {
      const svg = readFileSync(path, 'utf8').replace(/^<\?xml[^>]*>\s*/, '');
      await page.setContent(`<!doctype html><html><body style="margin:0;background:white">${svg}</body></html>`);
      const element = await page.$('svg');
      if (!element) continue;
      const target = path.replace(/\.svg$/, '.png');
      await element.screenshot({ path: target });
      written.push(target);
    }
  } finally {
    await browser.close();
  }
  return { written };
}
