// Minimal ProblemTwins for the dynamics and analysis tests, independent of src/problems so
// that a bug there cannot hide one in the twin (and the other way round).
import type { ProblemTwin } from '../../../src/problems/types';

/** f = ½ (x−x*)ᵀ H (x−x*) with an explicit row-major symmetric H. */
export function denseQuadratic(rows: number[][], minimizer?: number[]): ProblemTwin & { hessian: Float64Array } {
  const d = rows.length;
  const hessian = Float64Array.from(rows.flat());
  const center = Float64Array.from(minimizer ?? new Array<number>(d).fill(0));
  const shifted = new Float64Array(d);
  const product = new Float64Array(d);
  const multiply = (v: Float64Array, out: Float64Array) => {
    for (let i = 0; i < d; i++) {
      let sum = 0;
      for (let j = 0; j < d; j++) sum += hessian[i * d + j] * v[j];
      out[i] = sum;
    }
    return out;
  };
  const shift = (x: Float64Array) => {
    for (let i = 0; i < d; i++) shifted[i] = x[i] - center[i];
    return shifted;
  };
  let scale = 0;
  for (let i = 0; i < d; i++) scale = Math.max(scale, rows[i].reduce((s, v) => s + Math.abs(v), 0));
  return {
    kind: 'test-quadratic',
    dim: d,
    scale,
    hessian,
    loss(x) {
      const r = shift(x);
      multiply(r, product);
      let sum = 0;
      for (let i = 0; i < d; i++) sum += r[i] * product[i];
      return 0.5 * sum;
    },
    grad: (x, out) => multiply(shift(x), out),
    hvp: (_x, v, out) => multiply(v, out),
  };
}

export function diagonalQuadratic(eigenvalues: number[], minimizer?: number[]): ProblemTwin & { hessian: Float64Array } {
  return denseQuadratic(eigenvalues.map((lambda, i) => eigenvalues.map((_, j) => (i === j ? lambda : 0))), minimizer);
}

/** f = ½ xᵀ diag(λ) x + (μ/4)‖x‖⁴. */
export function saddle(lambda: number[], mu: number): ProblemTwin {
  const d = lambda.length;
  const r2 = (x: Float64Array) => x.reduce((s, v) => s + v * v, 0);
  return {
    kind: 'test-saddle',
    dim: d,
    scale: Math.max(...lambda.map(Math.abs)),
    loss: (x) => 0.5 * x.reduce((s, v, i) => s + lambda[i] * v * v, 0) + 0.25 * mu * r2(x) ** 2,
    grad(x, out) {
      const q = r2(x);
      for (let i = 0; i < d; i++) out[i] = lambda[i] * x[i] + mu * q * x[i];
      return out;
    },
    hvp(x, v, out) {
      const q = r2(x);
      let xv = 0;
      for (let i = 0; i < d; i++) xv += x[i] * v[i];
      for (let i = 0; i < d; i++) out[i] = lambda[i] * v[i] + mu * (q * v[i] + 2 * x[i] * xv);
      return out;
    },
  };
}
