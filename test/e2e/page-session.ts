// The browser session of the page's end-to-end files: the built page served on 127.0.0.1,
// Debian's Chromium with one page of the given size, page errors and console errors collected,
// a temporary folder; everything closed after the file. Registers its own beforeAll/afterAll.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { PROJECT_ROOT, buildAndServe, launchChromium, type ServedPage } from '../../src/node/browser.js';

/** Where the page tests write their screenshots (ignored by git). */
export const SHOTS = join(PROJECT_ROOT, 'test-results');

export interface PageSession {
  served: ServedPage;
  browser: Browser;
  page: Page;
  dir: string;
  /** Uncaught page errors and console errors, in order. */
  errors: string[];
}

/** Set up in beforeAll: read `session` inside tests and hooks, not at module level. */
export function usePageSession(prefix: string, viewport: { width: number; height: number }): PageSession {
  const session = { errors: [] as string[] } as PageSession;
  beforeAll(async () => {
    session.dir = await mkdtemp(join(tmpdir(), prefix));
    await mkdir(SHOTS, { recursive: true });
    session.served = await buildAndServe();
    session.browser = await launchChromium();
    session.page = await session.browser.newPage({ viewport });
    session.page.on('pageerror', (error) => session.errors.push(`uncaught: ${error.message}`));
    session.page.on('console', (message) => {
      if (message.type() === 'error') session.errors.push(`console.error: ${message.text()}`);
    });
  });
  afterAll(async () => {
    await session.browser?.close().catch(() => undefined);
    await session.served?.close().catch(() => undefined);
    if (session.dir) await rm(session.dir, { recursive: true, force: true });
  });
  return session;
}
