// The float64 twin of the sharpness readouts (docs/model.md §8) against closed forms: a diagonal
// quadratic (every Rademacher probe gives tr H exactly; Lanczos with Q = d gives λ_max), the
// saddle's H(x) = diag(λ) + μ(‖x‖² I + 2xxᵀ), a dense Wishart quadratic against a Jacobi
// eigensolver, and the config rules of the `sharpness` key.
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../src/config/schema';
import {
  countBelow, hutchinsonTrace, lanczosTop, rademacherProbe, sharpnessPathTwin, tridiagonalTop,
} from '../../src/dynamics/twinSharpness';
import { QuadraticTwin, SaddleTwin, createProblemTwin, initialPoint, quadraticHessian } from '../../src/problems/index';
import { threefry4x32, Stream } from '../../src/rng/threefry';
import { twinParams } from '../../src/simulate/twinRuns';
import { jacobiEigenvalues } from './helpers/eigenvalues';

/** docs/model.md §8: the saddle's Hessian H(x) = diag(λ) + μ(‖x‖² I + 2xxᵀ), dense. */
function saddleHessian(lambda: number[], mu: number, x: Float64Array): Float64Array {
  const d = lambda.length;
  const r2 = x.reduce((s, v) => s + v * v, 0);
  const h = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) h[i * d + j] = (i === j ? lambda[i] + mu * r2 : 0) + 2 * mu * x[i] * x[j];
  }
  return h;
}

describe('sharpness probes and the tridiagonal solver', () => {
  it('Rademacher probes are the top bits of the sharpnessProbe stream, ±1 and balanced', () => {
    const v = rademacherProbe(3, 17, 5, 2, new Float64Array(4000));
    const words = threefry4x32(17, 5, 2, 1, 3, Stream.sharpnessProbe);
    for (let j = 0; j < 4; j++) expect(v[4 + j]).toBe(words[j] >= 2 ** 31 ? -1 : 1);
    expect(v.every((e) => e === 1 || e === -1)).toBe(true);
    // Sum of 4000 fair signs: standard deviation sqrt(4000) ≈ 63; 4 SE = 253.
    expect(Math.abs(v.reduce((s, e) => s + e, 0))).toBeLessThan(253);
    expect(rademacherProbe(3, 17, 5, 3, new Float64Array(16))).not.toEqual(rademacherProbe(3, 17, 5, 2, new Float64Array(16)));
  });

  it('bisection finds the top eigenvalue of the second-difference matrix, 2 + 2cos(π/(k+1))', () => {
    for (const k of [1, 2, 5, 17]) {
      const alpha = new Array(k).fill(2);
      const beta = new Array(k - 1).fill(-1);
      expect(tridiagonalTop(alpha, beta, k)).toBeCloseTo(2 + 2 * Math.cos(Math.PI / (k + 1)), 12);
      expect(countBelow(alpha, beta, k, 2.0001, 1e-300)).toBe(Math.ceil(k / 2));
    }
  });
});

describe('sharpness on a quadratic (docs/model.md §8: constant tr H and λ_max)', () => {
  const eigenvalues = [3, -0.5, 1, 2, 0.25, 7, 0.1];
  const twin = new QuadraticTwin({ kind: 'quadratic', hessian: { eigenvalues } });
  const x = initialPoint({ normal: { std: 1, seed: 4 } }, eigenvalues.length, 0);

  it('every Rademacher probe gives tr H of a diagonal H exactly', () => {
    for (const probes of [1, 3]) {
      expect(hutchinsonTrace(twin, x, 9, 2, 4, probes)).toBeCloseTo(eigenvalues.reduce((s, v) => s + v), 12);
    }
  });

  it('Lanczos with Q = d gives λ_max; fewer iterations a lower bound', () => {
    expect(lanczosTop(twin, x, 9, 2, 4, eigenvalues.length)).toBeCloseTo(7, 10);
    const early = lanczosTop(twin, x, 9, 2, 4, 2);
    expect(early).toBeLessThan(7);
    expect(early).toBeGreaterThan(-0.5);
  });

  it('on a dense Wishart H (d = 20), Lanczos with Q = 20 matches a Jacobi eigensolver and the trace is unbiased', () => {
    const spec = { wishart: { dim: 20, seed: 3 } };
    const h = quadraticHessian(spec);
    const dense = new QuadraticTwin({ kind: 'quadratic', hessian: spec });
    const eigen = jacobiEigenvalues(h, 20);
    const y = initialPoint({ normal: { std: 1, seed: 1 } }, 20, 0);
    for (let path = 0; path < 4; path++) expect(lanczosTop(dense, y, 0, path, 0, 20)).toBeCloseTo(eigen[19], 9);
    // Per probe variance 2 Σ_{i≠j} H_ij²; 4000 probes: the mean lies within 4 SE of tr H.
    let offDiagonal = 0;
    let trace = 0;
    for (let i = 0; i < 20; i++) {
      trace += h[i * 20 + i];
      for (let j = 0; j < 20; j++) if (i !== j) offDiagonal += h[i * 20 + j] ** 2;
    }
    const probes = 4000;
    const se = Math.sqrt((2 * offDiagonal) / probes);
    expect(Math.abs(hutchinsonTrace(dense, y, 0, 0, 0, probes) - trace)).toBeLessThan(4 * se);
    expect(se).toBeLessThan(0.02 * trace);
  });
});

describe('sharpness on the saddle (docs/model.md §8: H(x) = diag(λ) + μ(‖x‖² I + 2xxᵀ))', () => {
  const lambda = [1, 1, 1, 1, 1, -1, -1, -1, -1, -1];
  const mu = 1;
  const twin = new SaddleTwin({ kind: 'saddle', eigenvalues: lambda, quartic: mu });
  const x = initialPoint({ normal: { std: 0.7, seed: 2 } }, 10, 3);
  const h = saddleHessian(lambda, mu, x);

  it('the twin H·v is the closed form', () => {
    const e = new Float64Array(10);
    const out = new Float64Array(10);
    for (let j = 0; j < 10; j++) {
      e.fill(0);
      e[j] = 1;
      twin.hvp(x, e, out);
      for (let i = 0; i < 10; i++) expect(out[i]).toBeCloseTo(h[i * 10 + j], 12);
    }
  });

  it('Lanczos gives the largest eigenvalue of the closed form, through the breakdown of its repeated eigenvalues', () => {
    const top = jacobiEigenvalues(h, 10)[9];
    for (const iterations of [4, 10]) expect(lanczosTop(twin, x, 1, 0, 0, iterations)).toBeCloseTo(top, 9);
  });

  it('Hutchinson is unbiased for tr H(x) = Σλ + μ(d + 2)‖x‖²', () => {
    const r2 = x.reduce((s, v) => s + v * v, 0);
    const trace = lambda.reduce((s, v) => s + v) + mu * (10 + 2) * r2;
    let offDiagonal = 0;
    for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) if (i !== j) offDiagonal += h[i * 10 + j] ** 2;
    const probes = 4000;
    const se = Math.sqrt((2 * offDiagonal) / probes);
    expect(Math.abs(hutchinsonTrace(twin, x, 1, 0, 0, probes) - trace)).toBeLessThan(4 * se);
  });
});

describe('sharpness along a twin path', () => {
  it('reads out at steps 0, every, 2·every and keys the probes by record', () => {
    const config = resolveConfig({
      problem: { kind: 'saddle', eigenvalues: [1, -1, 2], quartic: 1 }, noise: { sigma: 0.1 },
      eta: 0.01, rho: 0.1, steps: 10, paths: 1, recordEvery: 2, sharpness: { every: 4, probes: 2, iterations: 3 },
    });
    const params = twinParams(config, 'SAM', 0.1);
    const x0 = initialPoint(config.x0, 3, 0);
    const run = sharpnessPathTwin(params, x0, 0, 10, 2, config.sharpness!);
    expect(run.trace.length).toBe(3);
    const problem = createProblemTwin(config.problem);
    expect(run.trace[0]).toBe(hutchinsonTrace(problem, x0, 0, 0, 0, 2));
    expect(run.top[0]).toBe(lanczosTop(problem, x0, 0, 0, 0, 3));
    expect(run.top.every(Number.isFinite)).toBe(true);
  });
});

describe('the sharpness config key', () => {
  const base = {
    problem: { kind: 'quadratic', hessian: { wishart: { dim: 20, seed: 7 } } },
    noise: { sigma: 0.01 }, eta: 0.01, rho: 0.1, steps: 1000, paths: 64, recordEvery: 10,
  };
  const failure = (sharpness: unknown, extra: object = {}): ConfigError => {
    try {
      resolveConfig({ ...base, ...extra, sharpness });
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('is kept when given and absent otherwise', () => {
    expect(resolveConfig({ ...base, sharpness: { every: 50, probes: 4, iterations: 20 } }).sharpness)
      .toEqual({ every: 50, probes: 4, iterations: 20 });
    expect('sharpness' in resolveConfig(base)).toBe(false);
  });

  it('rejects bad fields, naming the field, the value and what is allowed', () => {
    const cases: [unknown, string, string, object?][] = [
      [{ every: 15, probes: 4, iterations: 4 }, 'sharpness.every', 'a multiple of recordEvery (10)'],
      [{ every: 2000, probes: 4, iterations: 4 }, 'sharpness.every', 'in 10..1000'],
      [{ every: 0, probes: 4, iterations: 4 }, 'sharpness.every', 'an integer >= 1'],
      [{ every: 10, probes: 0, iterations: 4 }, 'sharpness.probes', 'an integer in 1..64'],
      [{ every: 10, probes: 65, iterations: 4 }, 'sharpness.probes', 'an integer in 1..64'],
      [{ every: 10, probes: 4, iterations: 0 }, 'sharpness.iterations', 'an integer in 1..64'],
      [{ every: 10, probes: 4, iterations: 21 }, 'sharpness.iterations', "at most the problem's dimension 20"],
      [{ every: 10, probes: 4 }, 'sharpness.iterations', 'an integer in 1..64'],
      [{ every: 10, probes: 4, iterations: 4, extra: 1 }, 'sharpness.extra', 'only the keys every, probes, iterations'],
      [{ every: 20, probes: 4, iterations: 4 }, 'sharpness.every', 'a multiple of recordEvery (100)', { recordEvery: 100 }],
    ];
    for (const [sharpness, field, allowed, extra] of cases) {
      const error = failure(sharpness, extra);
      expect(error.field, JSON.stringify(sharpness)).toBe(field);
      expect(error.message).toContain(`config.${field}: got `);
      expect(error.allowed).toContain(allowed);
    }
  });
});
