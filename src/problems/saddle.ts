// docs/model.md §5, `saddle`: f = ½ xᵀ diag(λ) x + (μ/4)‖x‖⁴, the float64 twin of the WGSL module.
// The origin is a saddle when some λ_i < 0; μ ≥ 0 bounds the loss from below.
import type { SaddleProblem } from '../config/schema';
import type { ProblemTwin } from './types';

export class SaddleTwin implements ProblemTwin {
  readonly kind = 'saddle';
  readonly dim: number;
  /** max|λ|: the Hessian at the origin is diag(λ), as ProblemTwin.scale asks. */
  readonly scale: number;
  private readonly lambda: Float64Array;
  private readonly quartic: number;

  constructor(problem: SaddleProblem) {
    this.lambda = Float64Array.from(problem.eigenvalues);
    this.quartic = problem.quartic;
    this.dim = this.lambda.length;
    this.scale = Math.max(...problem.eigenvalues.map(Math.abs));
  }

  private squaredNorm(x: Float64Array): number {
    let sum = 0;
    for (let i = 0; i < this.dim; i++) sum += x[i] * x[i];
    return sum;
  }

  loss(x: Float64Array): number {
    let quadratic = 0;
    for (let i = 0; i < this.dim; i++) quadratic += this.lambda[i] * x[i] * x[i];
    const r2 = this.squaredNorm(x);
    return 0.5 * quadratic + 0.25 * this.quartic * r2 * r2;
  }

  /** ∇f = λ⊙x + μ‖x‖² x. */
  grad(x: Float64Array, out: Float64Array): Float64Array {
    const r2 = this.squaredNorm(x);
    for (let i = 0; i < this.dim; i++) out[i] = this.lambda[i] * x[i] + this.quartic * r2 * x[i];
    return out;
  }

  /** H(x)v = λ⊙v + μ(‖x‖² v + 2x(x·v)): the R-op of the gradient above. */
  hvp(x: Float64Array, v: Float64Array, out: Float64Array): Float64Array {
    const r2 = this.squaredNorm(x);
    let xv = 0;
    for (let i = 0; i < this.dim; i++) xv += x[i] * v[i];
    for (let i = 0; i < this.dim; i++) {
      out[i] = this.lambda[i] * v[i] + this.quartic * (r2 * v[i] + 2 * x[i] * xv);
    }
    return out;
  }
}
