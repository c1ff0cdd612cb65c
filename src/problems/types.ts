// The float64 host twin of a problem (SPEC.md section 5): the reference the WGSL problem
// modules are tested against. All vectors are Float64Array of length `dim`.
export interface ProblemTwin {
  readonly kind: string;
  readonly dim: number;
  /**
   * A curvature scale (largest |eigenvalue| of the Hessian at the origin, or a bound on it).
   * Norm guards use eps = 1e-8 * max(scale, 1e-30) (SPEC section 2).
   */
  readonly scale: number;
  loss(x: Float64Array): number;
  /** Writes ∇f(x) into `out` and returns it. */
  grad(x: Float64Array, out: Float64Array): Float64Array;
  /** Writes H(x)·v into `out` and returns it (exact, no Hessian formed for large d). */
  hvp(x: Float64Array, v: Float64Array, out: Float64Array): Float64Array;
}
