// The float64 host twin of a problem (docs/model.md §5): the reference the WGSL problem
// modules are tested against. All vectors are Float64Array of length `dim`.
export interface ProblemTwin {
  readonly kind: string;
  readonly dim: number;
  /**
   * A curvature scale (largest |eigenvalue| of the Hessian at the origin, or a bound on it).
   * Norm guards use eps = 1e-8 * max(scale, 1e-30) (docs/model.md §2).
   */
  readonly scale: number;
  loss(x: Float64Array): number;
  /** Writes ∇f(x) into `out` and returns it. */
  grad(x: Float64Array, out: Float64Array): Float64Array;
  /** Writes H(x)·v into `out` and returns it (exact, no Hessian formed for large d). */
  hvp(x: Float64Array, v: Float64Array, out: Float64Array): Float64Array;
}

/**
 * A problem with data (docs/model.md §1, mode B): f = (1/N) Σ_i f_i with
 * f_i = ℓ_i + (wd/2)‖x‖². The weighted sums below cover the data terms ℓ_i only; the
 * callers add the weight-decay terms where the weights sum to one.
 */
export interface SampledProblemTwin extends ProblemTwin {
  /** N, the number of samples. */
  readonly samples: number;
  readonly weightDecay: number;
  /** Writes Σ_i w_i ∇ℓ_i(x) into `out` (weights: length N). */
  weightedGrad(x: Float64Array, weights: Float64Array, out: Float64Array): Float64Array;
  /** Writes Σ_i w_i ∇²ℓ_i(x) v_i into `out`, with v_i = v, or v_i = ∇ℓ_i(x) − v when selfMinus. */
  weightedHvp(x: Float64Array, v: Float64Array, weights: Float64Array, out: Float64Array, selfMinus?: boolean): Float64Array;
}

export function isSampledProblem(problem: ProblemTwin): problem is SampledProblemTwin {
  return typeof (problem as Partial<SampledProblemTwin>).weightedGrad === 'function';
}
