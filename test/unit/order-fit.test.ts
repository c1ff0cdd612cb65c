// src/analysis/order.ts on synthetic weak errors with a known order (docs/model.md §4): the
// least-squares slope, which points qualify, what happens without two of them, and the
// coverage of the parametric-bootstrap 95 % interval.
import { describe, expect, it } from 'vitest';
import { SeededNormal, fitOrder, leastSquares } from '../../src/analysis/order';

const ETAS = [0.08, 0.04, 0.02, 0.01];

describe('least squares in log–log', () => {
  it('recovers an exact power law e = C η^p', () => {
    for (const p of [0.5, 1, 2]) {
      const errors = ETAS.map((eta) => 3 * eta ** p);
      const fit = fitOrder(ETAS, errors, errors.map((e) => e / 100));
      expect(fit.slope).toBeCloseTo(p, 12);
      expect(Math.exp(fit.intercept)).toBeCloseTo(3, 10);
      expect(fit.residualRms).toBeLessThan(1e-12);
      expect(fit.qualified).toEqual([true, true, true, true]);
      // Errors at 100 stderr: the interval is narrow and contains p.
      expect(fit.ci95[0]).toBeLessThan(p);
      expect(fit.ci95[1]).toBeGreaterThan(p);
      expect(fit.ci95[1] - fit.ci95[0]).toBeLessThan(0.05);
    }
  });

  it('matches the closed form on scattered points', () => {
    const x = [1, 2, 3, 4];
    const y = [1, 3, 2, 5];
    // slope = Sxy/Sxx = 5.5/5 = 1.1; intercept = ȳ − 1.1·x̄ = 2.75 − 2.75 = 0.
    const { slope, intercept } = leastSquares(x, y);
    expect(slope).toBeCloseTo(1.1, 14);
    expect(intercept).toBeCloseTo(0, 14);
  });
});

describe('qualification (error > 3 stderr)', () => {
  it('fits only the qualified points', () => {
    // The smallest η is pure noise (error below 3 stderr) and off the line: it must not count.
    const errors = [0.08, 0.04, 0.02, 0.05];
    const stderr = [0.001, 0.001, 0.001, 0.02];
    const fit = fitOrder(ETAS, errors, stderr);
    expect(fit.qualified).toEqual([true, true, true, false]);
    expect(fit.used).toBe(3);
    expect(fit.slope).toBeCloseTo(1, 12);
  });

  it('reports no slope (NaN) with a reason when fewer than two points qualify', () => {
    const fit = fitOrder(ETAS, [0.01, 0.001, 0.001, 0.001], [0.001, 0.001, 0.001, 0.001]);
    expect(fit.qualified).toEqual([true, false, false, false]);
    expect(fit.used).toBe(1);
    expect(fit.slope).toBeNaN();
    expect(fit.ci95[0]).toBeNaN();
    expect(fit.ci95[1]).toBeNaN();
    expect(fit.note).toMatch(/1 qualified point .*at least two/);
  });

  it('never qualifies non-finite errors or standard errors', () => {
    const fit = fitOrder(ETAS, [NaN, 0.04, 0.02, 0.01], [0.001, Infinity, 0.001, 0.001]);
    expect(fit.qualified).toEqual([false, false, true, true]);
    expect(fit.slope).toBeCloseTo(1, 12);
  });

  it('rejects arrays of different lengths', () => {
    expect(() => fitOrder(ETAS, [1, 2], [1, 2, 3, 4])).toThrow(RangeError);
  });
});

describe('parametric bootstrap interval', () => {
  it('is reproducible for a fixed seed and changes with the seed', () => {
    const errors = [0.081, 0.039, 0.021, 0.0098];
    const stderr = errors.map((e) => e / 10);
    const a = fitOrder(ETAS, errors, stderr, { seed: 7 });
    const b = fitOrder(ETAS, errors, stderr, { seed: 7 });
    const c = fitOrder(ETAS, errors, stderr, { seed: 8 });
    expect(a.ci95).toEqual(b.ci95);
    expect(a.ci95).not.toEqual(c.ci95);
  });

  // Data drawn from the bootstrap's own model, e_j = |C η_j^p + s_j z_j| with s_j = e_j/r: the
  // 95 % interval must cover p in about 95 % of 400 replicates. Binomial sd of the coverage
  // is sqrt(0.95·0.05/400) ≈ 0.011; the band [0.90, 0.99] is more than 4 sd either side.
  it.each([
    ['order 1, errors at 8 stderr', 1, 8],
    ['order 0.5, errors at 20 stderr', 0.5, 20],
  ])('covers the true slope about 95 %% of the time (%s)', (_label, p, ratio) => {
    const rng = new SeededNormal(12345);
    const replicates = 400;
    let covered = 0;
    let widths = 0;
    for (let r = 0; r < replicates; r++) {
      const truth = ETAS.map((eta) => 2 * eta ** p);
      const stderr = truth.map((e) => e / ratio);
      const errors = truth.map((e, j) => Math.abs(e + stderr[j] * rng.next()));
      const fit = fitOrder(ETAS, errors, stderr, { seed: 1000 + r, resamples: 2000 });
      if (fit.ci95[0] <= p && p <= fit.ci95[1]) covered++;
      widths += fit.ci95[1] - fit.ci95[0];
    }
    const coverage = covered / replicates;
    expect(coverage).toBeGreaterThanOrEqual(0.9);
    expect(coverage).toBeLessThanOrEqual(0.99);
    // Width ≈ 2·1.96·(1/ratio)/sqrt(Σ(x − x̄)²) with Σ(x − x̄)² = 5 (ln 2)²: a sanity bound.
    const expected = (2 * 1.96 * (1 / ratio)) / Math.sqrt(5 * Math.LN2 ** 2);
    expect(widths / replicates).toBeGreaterThan(0.7 * expected);
    expect(widths / replicates).toBeLessThan(1.3 * expected);
  });
});
