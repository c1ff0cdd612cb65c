// src/analysis against closed forms and hand-computed numbers: Chan's block combination
// (docs/model.md §4 statistics), the paper metric and weak error (section 4), and the exact
// moments of SGD/USAM on a quadratic with the USAM-SDE stationary loss (section 7).
import { describe, expect, it } from 'vitest';
import { compareSeries } from '../../src/analysis/comparisons';
import { expectedLoss, linearMoments, usamSdeStationaryLoss } from '../../src/analysis/linear';
import { blockPartial, combine, combinePartials } from '../../src/analysis/statistics';
import { normals, Stream } from '../../src/rng/threefry';

function randomData(n: number, offset: number, scale: number): Float64Array {
  return normals({ seed: 5, stream: Stream.check }, 0, 0, 0, new Float64Array(n)).map((v) => offset + scale * v);
}

function direct(values: Float64Array) {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, variance };
}

describe('statistics: Chan combination of block partials', () => {
  // Uneven blocks, including an empty one (all paths excluded) and a single value.
  const cuts = [0, 1, 1, 38, 500, 1001, 1777, 2048];

  it.each([
    ['unit data', 0, 1],
    // Block means are stored at the precision of |mean| (ulp(1e4) ≈ 2e-12), which bounds the
    // between-block term's relative accuracy near ulp·sqrt(n)/spread ≈ 1e-8 at worst.
    ['a mean 1e6 times the spread', 1e4, 1e-2],
  ])('matches a direct two-pass float64 computation on %s', (_label, offset, scale) => {
    const values = randomData(2048, offset, scale);
    const parts = cuts.slice(1).map((end, b) => blockPartial(values.subarray(cuts[b], end)));
    const combined = combine(parts);
    const reference = direct(values);
    expect(combined.count).toBe(2048);
    expect(Math.abs(combined.mean - reference.mean)).toBeLessThanOrEqual(1e-15 * Math.abs(reference.mean) + 1e-15);
    expect(Math.abs(combined.variance / reference.variance - 1)).toBeLessThan(1e-8);
    expect(combined.stderr).toBeCloseTo(Math.sqrt(reference.variance / 2048), 12);

    const flat = new Float64Array(4 * parts.length);
    parts.forEach((p, b) => flat.set([p.count, p.sum, p.m2, 0], 4 * b));
    expect(combinePartials(flat)).toEqual(combined);
  });

  it('reports NaN where a variance does not exist', () => {
    expect(combine([{ count: 0, sum: 0, m2: 0 }]).mean).toBeNaN();
    const one = combinePartials([0, 0, 0, 0, 1, 3.5, 0, 0]);
    expect(one.count).toBe(1);
    expect(one.mean).toBe(3.5);
    expect(one.variance).toBeNaN();
    expect(one.stderr).toBeNaN();
  });

  it('reads a wider stride', () => {
    // (count, sum, m2, pad, pad): blocks {1, 2} and {6}: mean 3, variance ((−2)²+(−1)²+3²)/2 = 7.
    const summary = combinePartials([2, 3, 0.5, 9, 9, 1, 6, 0, 9, 9], 5);
    expect(summary.mean).toBeCloseTo(3, 15);
    expect(summary.variance).toBeCloseTo(7, 14);
  });
});

describe('comparisons: paper metric and weak error (docs/model.md §4)', () => {
  const algorithm = [2, -4, 6, 8];
  const model = [2, -3, 6, 10];
  const algorithmStderr = [0.1, 0.1, 0.1, 0.3];
  const modelStderr = [0.1, 0.1, 0.1, 0.4];

  it('computes relMaxError, band and the weak error on a hand-made series', () => {
    // |a − s| = (0, 1, 0, 2); mean|a| = 5; mean|a − s| = 0.75;
    // population variance ((0.75)² + (0.25)² + (0.75)² + (1.25)²)/4 = 0.6875.
    const result = compareSeries({ algorithm, model, algorithmStderr, modelStderr });
    expect(result.relMaxError).toBeCloseTo(2 / 5, 15);
    expect(result.band).toBeCloseTo(Math.sqrt(0.6875) / 5, 15);
    expect(result.weakError).toBe(2);
    expect(result.argmax).toBe(3);
    expect(result.weakErrorStderr).toBeCloseTo(0.5, 15);
  });

  it('uses the paired standard error when given', () => {
    const paired = compareSeries({ algorithm, model, algorithmStderr, modelStderr, differenceStderr: [1, 1, 1, 0.05] });
    expect(paired.weakErrorStderr).toBe(0.05);
  });

  it('turns a record without paths (NaN) into NaN metrics and rejects ragged input', () => {
    const result = compareSeries({ algorithm, model: [2, NaN, 6, 10], algorithmStderr, modelStderr });
    expect(result.relMaxError).toBeNaN();
    expect(result.band).toBeNaN();
    expect(result.weakErrorStderr).toBeNaN();
    expect(() => compareSeries({ algorithm, model: [1, 2], algorithmStderr, modelStderr })).toThrow(RangeError);
  });
});

describe('linear: exact moments of SGD and USAM on a quadratic (docs/model.md §7)', () => {
  // H = R diag(λ) Rᵀ: in the eigenbasis each coordinate is the scalar recursion
  // y ← q y − b ζ, q = 1 − ηλ − ηρλ², b = η(1 + ρλ), so mean q^k y0 and variance
  // σ²b²(1 − q^{2k})/(1 − q²) + q^{2k} v0.
  const lambda = [0.5, 2];
  const theta = 0.6;
  const rotation = [[Math.cos(theta), -Math.sin(theta)], [Math.sin(theta), Math.cos(theta)]];
  const rotate = (diag: number[]) => {
    const out = new Float64Array(4);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) out[2 * i + j] = rotation[i][0] * diag[0] * rotation[j][0] + rotation[i][1] * diag[1] * rotation[j][1];
    }
    return out;
  };
  const hessian = rotate(lambda);

  it.each([['SGD', 0], ['USAM', 0.4]])('%s: mean and covariance match the eigenbasis closed form', (_name, rho) => {
    const [eta, sigma, v0] = [0.1, 0.3, 0.2];
    const y0 = [1, -2];
    const x0Mean = Float64Array.from([0, 1].map((i) => rotation[i][0] * y0[0] + rotation[i][1] * y0[1]));
    const series = linearMoments(hessian, 2, eta, rho, sigma, { mean: x0Mean, cov: rotate([v0, v0]) }, 30, 7);
    expect(series.mean.length).toBe(5);
    series.mean.forEach((mean, r) => {
      const k = 7 * r;
      const q = lambda.map((l) => 1 - eta * l - eta * rho * l * l);
      const b = lambda.map((l) => eta * (1 + rho * l));
      const yMean = y0.map((y, i) => q[i] ** k * y);
      const yVar = q.map((qi, i) => (sigma * b[i]) ** 2 * (1 - qi ** (2 * k)) / (1 - qi * qi) + qi ** (2 * k) * v0);
      for (let i = 0; i < 2; i++) {
        expect(mean[i]).toBeCloseTo(rotation[i][0] * yMean[0] + rotation[i][1] * yMean[1], 13);
      }
      const cov = rotate(yVar);
      for (let i = 0; i < 4; i++) expect(series.cov[r][i]).toBeCloseTo(cov[i], 14);
    });
  });

  it('expectedLoss is ½(mᵀHm + tr(HC))', () => {
    const h = Float64Array.from([2, 0, 0, 4]);
    const value = expectedLoss(h, Float64Array.from([1, 1]), Float64Array.from([0.5, 0.1, 0.1, 0.25]));
    expect(value).toBeCloseTo(0.5 * (2 + 4 + 1 + 1), 15);
  });

  it('usamSdeStationaryLoss is the η → 0 limit of discrete USAM, approached at order 1', () => {
    // Discrete USAM's stationary loss is (ησ²/4) Σ (1+ρλ)/(1 − ηλ(1+ρλ)/2): relative
    // error ≈ η·mean-weighted λ(1+ρλ)/2, so halving η halves it.
    const [sigma, rho] = [0.5, 0.4];
    const traceH = lambda[0] + lambda[1];
    const relativeError = (eta: number) => {
      const steps = Math.ceil(40 / eta);
      const series = linearMoments(hessian, 2, eta, rho, sigma, { mean: new Float64Array(2), cov: new Float64Array(4) }, steps, steps);
      const loss = expectedLoss(hessian, series.mean[1], series.cov[1]);
      return loss / usamSdeStationaryLoss(eta, sigma, 2, traceH, rho) - 1;
    };
    const coarse = relativeError(0.004);
    const fine = relativeError(0.002);
    expect(coarse).toBeGreaterThan(0);
    expect(coarse).toBeLessThan(0.004 * 2 * (1 + rho * 2));
    expect(coarse / fine).toBeCloseTo(2, 1);
  });
});
