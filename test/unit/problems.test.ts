// The float64 problem twins (docs/model.md §5) against closed forms and finite differences.
import { describe, expect, it } from 'vitest';
import type { ProblemSpec } from '../../src/config/schema';
import {
  createProblemTwin, hessianScale, initialPoint, problemUniforms, quadraticHessian,
} from '../../src/problems/index';
import type { ProblemTwin } from '../../src/problems/types';
import { normals, Stream } from '../../src/rng/threefry';
import { jacobiEigenvalues } from './helpers/eigenvalues';

/** Deterministic test vectors from the check stream (seeded, so failures reproduce). */
function testVector(dim: number, step: number, scale = 1): Float64Array {
  const v = normals({ seed: 2024, stream: Stream.check }, 0, step, 0, new Float64Array(dim));
  return v.map((value) => value * scale);
}

const dot = (a: Float64Array, b: Float64Array) => a.reduce((sum, value, i) => sum + value * b[i], 0);
const norm = (a: Float64Array) => Math.sqrt(dot(a, a));
const distance = (a: Float64Array, b: Float64Array) => norm(a.map((value, i) => value - b[i]));

describe('Wishart Hessian', () => {
  const d = 12;
  const h = quadraticHessian({ wishart: { dim: d, seed: 7 } });

  it('is exactly symmetric and positive semi-definite', () => {
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(h[i * d + j]).toBe(h[j * d + i]);
    const eigenvalues = jacobiEigenvalues(h, d);
    expect(eigenvalues[0]).toBeGreaterThanOrEqual(-1e-12);
    // A is d×2d with i.i.d. rows, so H is full rank almost surely.
    expect(eigenvalues[0]).toBeGreaterThan(1e-6);
    const trace = Array.from({ length: d }, (_, i) => h[i * d + i]).reduce((s, x) => s + x, 0);
    expect(eigenvalues.reduce((s, x) => s + x, 0)).toBeCloseTo(trace, 10);
    const twin = createProblemTwin({ kind: 'quadratic', hessian: { wishart: { dim: d, seed: 7 } } });
    for (let k = 0; k < 20; k++) {
      const x = testVector(d, k);
      const hx = twin.hvp(x, x, new Float64Array(d));
      expect(dot(x, hx)).toBeGreaterThanOrEqual(0);
    }
  });

  it('trace equals Σ A_ik² / (2d) with row i of A the Threefry draw (problem stream, step i)', () => {
    let expected = 0;
    const row = new Float64Array(2 * d);
    for (let i = 0; i < d; i++) {
      normals({ seed: 7, stream: Stream.problem }, 0, i, 0, row);
      expected += dot(row, row);
      // Entry (0, i) checks the off-diagonal definition too.
      const row0 = normals({ seed: 7, stream: Stream.problem }, 0, 0, 0, new Float64Array(2 * d));
      expect(h[i]).toBeCloseTo(dot(row0, row) / (2 * d), 12);
    }
    const trace = Array.from({ length: d }, (_, i) => h[i * d + i]).reduce((s, x) => s + x, 0);
    expect(trace).toBeCloseTo(expected / (2 * d), 12);
  });

  it('is deterministic per seed and differs across seeds', () => {
    expect(quadraticHessian({ wishart: { dim: d, seed: 7 } })).toEqual(h);
    const other = quadraticHessian({ wishart: { dim: d, seed: 8 } });
    expect(distance(other, h)).toBeGreaterThan(0.1);
  });

  it('d = 20: trace ≈ d (E tr H = d) and the Gershgorin scale bounds the top eigenvalue', () => {
    const spec = { wishart: { dim: 20, seed: 1 } };
    const h20 = quadraticHessian(spec);
    const eigenvalues = jacobiEigenvalues(h20, 20);
    const trace = eigenvalues.reduce((s, x) => s + x, 0);
    // tr H = Σ A_ik²/(2d) ~ χ²(2d²)/(2d): mean d, sd sqrt(2) here; 6 sd of margin.
    expect(Math.abs(trace - 20)).toBeLessThan(6 * Math.SQRT2);
    const scale = hessianScale(spec, h20);
    expect(scale).toBeGreaterThanOrEqual(eigenvalues[19]);
    expect(createProblemTwin({ kind: 'quadratic', hessian: spec }).scale).toBe(scale);
  });
});

const symmetric3 = [[2, 0.5, -0.3], [0.5, 1, 0.2], [-0.3, 0.2, 3]];
const problems: [string, ProblemSpec][] = [
  ['quadratic eigenvalues', { kind: 'quadratic', hessian: { eigenvalues: [3, 1, -0.5, 0.2] }, minimizer: [1, -2, 0.5, 3] }],
  ['quadratic matrix', { kind: 'quadratic', hessian: { matrix: symmetric3 }, minimizer: [0.3, -0.1, 2] }],
  ['quadratic wishart', {
    kind: 'quadratic', hessian: { wishart: { dim: 10, seed: 3 } }, minimizer: Array.from({ length: 10 }, (_, i) => i / 10),
  }],
  ['saddle μ = 1', { kind: 'saddle', eigenvalues: [1, 1, 1, -1, -1, -0.5], quartic: 1 }],
  ['saddle μ = 0.3', { kind: 'saddle', eigenvalues: [2, -1, 0.5], quartic: 0.3 }],
];

/** Central differences: O(h²) truncation, which is below 1e-6 relative at h = 1e-5. */
const H_STEP = 1e-5;

function fdGradient(twin: ProblemTwin, x: Float64Array): Float64Array {
  const out = new Float64Array(twin.dim);
  for (let i = 0; i < twin.dim; i++) {
    const plus = Float64Array.from(x);
    const minus = Float64Array.from(x);
    plus[i] += H_STEP;
    minus[i] -= H_STEP;
    out[i] = (twin.loss(plus) - twin.loss(minus)) / (2 * H_STEP);
  }
  return out;
}

function fdHvp(twin: ProblemTwin, x: Float64Array, v: Float64Array): Float64Array {
  const plus = x.map((value, i) => value + H_STEP * v[i]);
  const minus = x.map((value, i) => value - H_STEP * v[i]);
  const gPlus = twin.grad(plus, new Float64Array(twin.dim));
  const gMinus = twin.grad(minus, new Float64Array(twin.dim));
  return gPlus.map((value, i) => (value - gMinus[i]) / (2 * H_STEP));
}

describe.each(problems)('%s twin', (_name, problem) => {
  const twin = createProblemTwin(problem);
  const points = [0, 1, 2, 3].map((k) => testVector(twin.dim, 100 + k, 1.5));

  it('gradient matches central differences of the loss (rel 1e-6)', () => {
    for (const x of points) {
      const g = twin.grad(x, new Float64Array(twin.dim));
      expect(distance(g, fdGradient(twin, x))).toBeLessThan(1e-6 * norm(g));
    }
  });

  it('HVP matches central differences of the gradient (rel 1e-6) and is symmetric', () => {
    points.forEach((x, k) => {
      const u = testVector(twin.dim, 200 + k);
      const v = testVector(twin.dim, 300 + k);
      const hv = twin.hvp(x, v, new Float64Array(twin.dim));
      const hu = twin.hvp(x, u, new Float64Array(twin.dim));
      expect(distance(hv, fdHvp(twin, x, v))).toBeLessThan(1e-6 * norm(hv));
      expect(Math.abs(dot(u, hv) - dot(v, hu))).toBeLessThan(1e-12 * norm(u) * norm(hv) + 1e-14);
    });
  });
});

describe('closed forms', () => {
  it('quadratic: f(x*) = 0, ∇f(x*) = 0, f = ½ Σ λ_i r_i² for a diagonal H', () => {
    const twin = createProblemTwin({ kind: 'quadratic', hessian: { eigenvalues: [3, 1] }, minimizer: [1, -1] });
    expect(twin.loss(new Float64Array([1, -1]))).toBe(0);
    expect(Array.from(twin.grad(new Float64Array([1, -1]), new Float64Array(2)))).toEqual([0, 0]);
    expect(twin.loss(new Float64Array([2, 1]))).toBeCloseTo(0.5 * (3 * 1 + 1 * 4), 14);
    expect(Array.from(twin.grad(new Float64Array([2, 1]), new Float64Array(2)))).toEqual([3, 2]);
    expect(twin.scale).toBe(3);
  });

  it('quadratic matrix: the scale is the Gershgorin bound max_i Σ_j |H_ij|', () => {
    const twin = createProblemTwin({ kind: 'quadratic', hessian: { matrix: symmetric3 } });
    expect(twin.scale).toBeCloseTo(3.5, 14);
    expect(Array.from(quadraticHessian({ matrix: symmetric3 }))).toEqual(symmetric3.flat());
  });

  it('saddle: f = ½ Σ λ_i x_i² + (μ/4)‖x‖⁴, ∇f = λ⊙x + μ‖x‖²x, scale = max|λ|', () => {
    const twin = createProblemTwin({ kind: 'saddle', eigenvalues: [1, -2], quartic: 0.5 });
    const x = new Float64Array([1, 2]);
    expect(twin.loss(x)).toBeCloseTo(0.5 * (1 - 8) + (0.5 / 4) * 25, 14);
    expect(Array.from(twin.grad(x, new Float64Array(2)))).toEqual([1 + 0.5 * 5 * 1, -4 + 0.5 * 5 * 2]);
    expect(twin.scale).toBe(2);
    // At the origin the Hessian is diag(λ): a saddle.
    expect(Array.from(twin.hvp(new Float64Array(2), new Float64Array([1, 1]), new Float64Array(2)))).toEqual([1, -2]);
  });
});

describe('problemUniforms', () => {
  it('quadratic: dense H for every hessian form and a zero minimizer by default', () => {
    const u = problemUniforms({ kind: 'quadratic', hessian: { eigenvalues: [2, 5] } });
    expect(u.dim).toBe(2);
    expect(Array.from(u.hessian ?? [])).toEqual([2, 0, 0, 5]);
    expect(Array.from(u.minimizer ?? [])).toEqual([0, 0]);
    expect(u.eigenvalues).toBeUndefined();
    const w = problemUniforms({ kind: 'quadratic', hessian: { wishart: { dim: 5, seed: 4 } }, minimizer: [1, 2, 3, 4, 5] });
    expect(w.hessian).toEqual(quadraticHessian({ wishart: { dim: 5, seed: 4 } }));
    expect(Array.from(w.minimizer ?? [])).toEqual([1, 2, 3, 4, 5]);
  });

  it('saddle: eigenvalues and quartic only', () => {
    const u = problemUniforms({ kind: 'saddle', eigenvalues: [1, -1, 2], quartic: 0.25 });
    expect(u).toEqual({ dim: 3, eigenvalues: new Float64Array([1, -1, 2]), quartic: 0.25 });
  });
});

describe('initialPoint', () => {
  it('copies a list and fills a constant', () => {
    const list = [1, 2, 3];
    const x = initialPoint(list, 3, 5);
    x[0] = 99;
    expect(list[0]).toBe(1);
    expect(Array.from(initialPoint({ constant: 0.02 }, 4, 0))).toEqual([0.02, 0.02, 0.02, 0.02]);
    expect(() => initialPoint([1, 2], 3, 0)).toThrow(RangeError);
  });

  it('normal: std times the init-stream Threefry draw of the path, different per path', () => {
    const x = initialPoint({ normal: { std: 0.5, seed: 11 } }, 7, 3);
    const z = normals({ seed: 11, stream: Stream.init }, 3, 0, 0, new Float64Array(7));
    expect(Array.from(x)).toEqual(Array.from(z, (value) => 0.5 * value));
    const other = initialPoint({ normal: { std: 0.5, seed: 11 } }, 7, 4);
    expect(distance(x, other)).toBeGreaterThan(0.01);
    expect(initialPoint({ normal: { std: 0.5, seed: 11 } }, 7, 3)).toEqual(x);
  });
});
