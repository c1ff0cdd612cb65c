// How much one fused dispatch does (src/simulate/dispatchSize.ts): steps grow to
// MIN_FUSED_STEPS before a chunk's paths are split into groups of whole workgroups, each
// dispatch is sized to the target from the measured rate, and a slice cut short moves nothing.
import { describe, expect, test } from 'vitest';
import { DispatchSizer, MAX_STEPS_PER_DISPATCH, MIN_FUSED_STEPS } from '../../src/simulate/dispatchSize.js';

/** Feeds the sizer slices that run at `rate` path-steps/s until its sizes settle. */
function settle(sizer: DispatchSizer, paths: number, rate: number): void {
  for (let i = 0; i < 20; i++) {
    const groups = sizer.groups(paths);
    expect(groups.reduce((n, [, p]) => n + p, 0)).toBe(paths);
    sizer.observe((sizer.steps * paths) / rate, sizer.steps, paths);
  }
}

describe('DispatchSizer', () => {
  test('a fast adapter: one group of all paths and many steps per dispatch', () => {
    const sizer = new DispatchSizer(0.25, 65536, 64);
    settle(sizer, 65536, 1e9);
    expect(sizer.groups(65536)).toEqual([[0, 65536]]);
    expect(sizer.steps).toBe(Math.floor((1e9 * 0.25) / 65536));
  });

  test('a slow adapter at 65 536 paths: 16 steps per dispatch, in groups of whole workgroups near the target', () => {
    // SwiftShader here: ~3.5e5 path-steps/s, so one step of all paths takes 0.19 s.
    const sizer = new DispatchSizer(0.25, 65536, 64);
    settle(sizer, 65536, 3.5e5);
    expect(sizer.steps).toBe(MIN_FUSED_STEPS);
    expect(sizer.groupPaths % 64).toBe(0);
    expect((sizer.groupPaths * sizer.steps) / 3.5e5).toBeGreaterThan(0.2);
    expect((sizer.groupPaths * sizer.steps) / 3.5e5).toBeLessThanOrEqual(0.25);
    const groups = sizer.groups(65536);
    expect(groups.length).toBe(Math.ceil(65536 / sizer.groupPaths));
    expect(groups.every(([base], i) => base === i * sizer.groupPaths)).toBe(true);
  });

  test('slower still: the smallest group (16 workgroups), and fewer steps, never below one', () => {
    const sizer = new DispatchSizer(0.25, 65536, 64);
    settle(sizer, 65536, 1e3);
    expect(sizer.groupPaths).toBe(16 * 64);
    expect(sizer.steps).toBe(1);
  });

  test('the workgroup-per-path kernels: groups of any number of paths, at least 16', () => {
    const sizer = new DispatchSizer(0.25, 256, 1);
    settle(sizer, 256, 2000);
    expect(sizer.steps).toBe(MIN_FUSED_STEPS);
    expect(sizer.groupPaths).toBe(31);
    // The Breast Cancer MLP on SwiftShader (~150 path-steps/s): 16 paths, 2 steps per dispatch.
    settle(sizer, 256, 150);
    expect([sizer.groupPaths, sizer.steps]).toEqual([16, 2]);
  });

  test('a chunk smaller than the smallest group stays whole', () => {
    const sizer = new DispatchSizer(0.25, 500, 64);
    settle(sizer, 500, 10);
    expect(sizer.groups(500)).toEqual([[0, 500]]);
    expect(sizer.steps).toBe(1);
  });

  test('a slice cut short by a record window moves nothing; one change is at most 8-fold; steps are capped', () => {
    const sizer = new DispatchSizer(0.25, 1024, 64);
    sizer.observe(1e-6, 1, 1024);
    expect(sizer.steps).toBe(8);
    sizer.observe(1e-6, 3, 1024);
    expect(sizer.steps).toBe(8);
    settle(sizer, 1024, 1e12);
    expect(sizer.steps).toBe(MAX_STEPS_PER_DISPATCH);
  });

  test('the last chunk, smaller than a group, is one group', () => {
    const sizer = new DispatchSizer(0.25, 65536, 64);
    settle(sizer, 65536, 3.5e5);
    expect(sizer.groups(300)).toEqual([[0, 300]]);
  });
});
