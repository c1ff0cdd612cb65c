import { describe, expect, it } from 'vitest';
import { useGpu, sources } from './context.js';
import { PathReducer } from '../../src/gpu/reduce.js';

const gpu = useGpu();

function float64Moments(values: Float32Array) {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let m2 = 0;
  for (const v of values) m2 += (v - mean) ** 2;
  return { sum, mean, m2, absSum: values.reduce((a, v) => a + Math.abs(v), 0) };
}

describe('GPU reduction over paths', () => {
  for (const n of [1, 7, 1000, 4097, 1_000_003]) {
    it(`matches a float64 sum and centred sum of squares for n = ${n}, and re-runs bit-identically`, async () => {
      const ctx = gpu();
      await ctx.scoped(`reduce ${n}`, async () => {
        const reducer = await PathReducer.create(ctx, sources);
        const values = new Float32Array(n);
        let s = n;
        // Offset mean (3.5) on purpose: cancellation is what the centred m2 avoids.
        for (let i = 0; i < n; i++) {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          values[i] = 3.5 + (s / 2 ** 32 - 0.5) * 0.1;
        }
        const exact = float64Moments(values);
        const got = await reducer.reduceArray(values);
        expect(got.count).toBe(n);
        // f32 blocks of 4096 in a 16-then-tree order: ≤ ~30 roundings per value, 2e-6 of Σ|v|.
        expect(Math.abs(got.sum - exact.sum)).toBeLessThanOrEqual(2e-6 * exact.absSum);
        if (n > 1) expect(Math.abs(got.m2 - exact.m2)).toBeLessThanOrEqual(1e-4 * exact.m2);
        const again = await reducer.reduceArray(values);
        expect(again.sum).toBe(got.sum);
        expect(again.m2).toBe(got.m2);
      });
    });
  }
});
