import { describe, expect, it } from 'vitest';
import { useGpu, sources } from './context.js';
import { RngKernels } from '../../src/gpu/rngCheck.js';
import { PathReducer } from '../../src/gpu/reduce.js';
import { threefry4x32, normals, Stream } from '../../src/rng/threefry.js';

const gpu = useGpu();

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 is too coarse for KS at 1e6; use erf series). */
function normalCdf(x: number): number {
  // W. J. Cody's rational erfc approximation is overkill here; a high-order series/continued
  // fraction pair is accurate to ~1e-14, far below the KS statistic's resolution (~1e-3).
  const z = Math.abs(x) / Math.SQRT2;
  let erfc: number;
  if (z < 3) {
    let term = z, sum = z;
    for (let n = 1; n < 200; n++) {
      term *= (-z * z) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) break;
    }
    erfc = 1 - (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    let f = 0;
    for (let n = 60; n >= 1; n--) f = (n / 2) / (z + f);
    erfc = Math.exp(-z * z) / Math.sqrt(Math.PI) / (z + f);
  }
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

describe('Threefry4x32-20 on the GPU', () => {
  it('produces the same bits as the TypeScript twin for 20 000 keys, including extreme counters', async () => {
    const ctx = gpu();
    await ctx.scoped('threefry bits', async () => {
      const rng = await RngKernels.create(ctx, sources);
      const n = 20_000;
      const counters = new Uint32Array(4 * n);
      const keys = new Uint32Array(2 * n);
      let s = 12345;
      const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
      for (let i = 0; i < n; i++) {
        counters.set(i < 2 ? [i ? 0xffffffff : 0, i ? 0xffffffff : 0, i ? 0xffffffff : 0, i ? 0xffffffff : 0] : [next(), next(), next(), next()], 4 * i);
        keys.set(i < 2 ? [i ? 0xffffffff : 0, i ? 0xffffffff : 0] : [next(), next()], 2 * i);
      }
      const words = await rng.threefryWords(counters, keys);
      const expected = new Uint32Array(4);
      let mismatches = 0;
      for (let i = 0; i < n; i++) {
        threefry4x32(counters[4 * i], counters[4 * i + 1], counters[4 * i + 2], counters[4 * i + 3], keys[2 * i], keys[2 * i + 1], expected);
        for (let j = 0; j < 4; j++) if (words[4 * i + j] !== expected[j]) mismatches++;
      }
      expect(mismatches).toBe(0);
      // Random123's known answer for counter 0, key 0.
      expect([...words.slice(0, 4)]).toEqual([0x9c6ca96a, 0xe17eae66, 0xfc10ecd4, 0x5256a7d8]);
    });
  });

  it('normals agree with the float64 twin to f32 accuracy (|Δ| ≤ 2e-6 · max(1, |z|))', async () => {
    const ctx = gpu();
    await ctx.scoped('normals vs twin', async () => {
      const rng = await RngKernels.create(ctx, sources);
      const paths = 5000;
      const gpuNormals = await rng.normals({ seed: 7, stream: Stream.sde, step: 3, substep: 1, paths });
      const twin = new Float64Array(4);
      let worst = 0;
      for (let p = 0; p < paths; p++) {
        normals({ seed: 7, stream: Stream.sde }, p, 3, 1, twin);
        for (let j = 0; j < 4; j++) worst = Math.max(worst, Math.abs(gpuNormals[4 * p + j] - twin[j]) / Math.max(1, Math.abs(twin[j])));
      }
      expect(worst).toBeLessThan(2e-6);
    });
  });

  it('is independent of workgroup size and of how paths are chunked', async () => {
    const ctx = gpu();
    await ctx.scoped('layout independence', async () => {
      const rng = await RngKernels.create(ctx, sources);
      const request = { seed: 99, stream: Stream.sde, step: 11, substep: 0 };
      const whole = await rng.normals({ ...request, paths: 3000, workgroupSize: 64 });
      const other = await rng.normals({ ...request, paths: 3000, workgroupSize: 256 });
      const first = await rng.normals({ ...request, paths: 1234, workgroupSize: 32 });
      const rest = await rng.normals({ ...request, pathOffset: 1234, paths: 3000 - 1234, workgroupSize: 128 });
      const chunked = new Float32Array(whole.length);
      chunked.set(first, 0);
      chunked.set(rest, first.length);
      expect(Buffer.from(other.buffer).equals(Buffer.from(whole.buffer))).toBe(true);
      expect(Buffer.from(chunked.buffer).equals(Buffer.from(whole.buffer))).toBe(true);
    });
  });

  it('gives N(0,1) normals: mean, variance and Kolmogorov–Smirnov over 1 048 576 samples', async () => {
    const ctx = gpu();
    await ctx.scoped('normal statistics', async () => {
      const rng = await RngKernels.create(ctx, sources);
      const reducer = await PathReducer.create(ctx, sources);
      const z = await rng.normals({ seed: 2024, stream: Stream.check, step: 0, substep: 0, paths: 262_144 });
      const n = z.length;
      const m = await reducer.reduceArray(z);
      // Mean ~ N(0, 1/n): 4 standard errors = 4/sqrt(n) ≈ 0.0039.
      expect(Math.abs(m.mean)).toBeLessThan(4 / Math.sqrt(n));
      // Variance of the sample variance ≈ 2/n: 4 standard errors ≈ 0.0055.
      expect(Math.abs(m.variance - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
      const sorted = Float64Array.from(z).sort();
      let d = 0;
      for (let i = 0; i < n; i++) {
        const f = normalCdf(sorted[i]);
        d = Math.max(d, Math.abs(f - i / n), Math.abs((i + 1) / n - f));
      }
      // KS critical value at α = 0.001 is 1.95/sqrt(n) ≈ 0.0019; Box–Muller on 24-bit uniforms
      // only truncates the tails beyond |z| ≈ 5.7, far below that resolution.
      expect(d).toBeLessThan(1.95 / Math.sqrt(n));
    });
  });
});
