import { defineConfig } from 'vitest/config';

// Three tiers (DESIGN.md "Tests"): pure TypeScript, GPU kernels against float64 twins
// (dawn.node; SwiftShader when there is no GPU), and end to end (CLI, Playwright page).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 60_000 } },
      {
        test: {
          name: 'gpu',
          include: ['test/gpu/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          // One software GPU on two cores: files run one after another.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 300_000,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
