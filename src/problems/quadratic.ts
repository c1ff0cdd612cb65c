// docs/model.md §5, `quadratic`: f = ½ (x-x*)ᵀ H (x-x*), the float64 twin of the WGSL module.
// ∇f = H(x-x*) and H(x)v = Hv (the Hessian is constant).
import type { HessianSpec, QuadraticProblem } from '../config/schema';
import { normals, Stream } from '../rng/threefry';
import type { ProblemTwin } from './types';

/** d of a Hessian spec. */
export function hessianDimension(spec: HessianSpec): number {
  if ('eigenvalues' in spec) return spec.eigenvalues.length;
  if ('matrix' in spec) return spec.matrix.length;
  return spec.wishart.dim;
}

/**
 * Wishart H = A Aᵀ / (2d), A ∈ R^{d×2d} i.i.d. N(0,1) (docs/model.md §5). Row i of A is the
 * Threefry draw (seed, Stream.problem; path 0, step i, substep 0), so the GPU side and any peer
 * implementation can rebuild the same matrix row by row. A generator: it yields the fraction
 * of the work done after each row of H, so that prepareWishart can build a large one (d³
 * multiply-adds: about a minute at d = 4096) without blocking, with progress and cancellation.
 */
function* wishartRows(dim: number, seed: number, h: Float64Array): Generator<number> {
  const cols = 2 * dim;
  const a = new Float64Array(dim * cols);
  const row = new Float64Array(cols);
  for (let i = 0; i < dim; i++) {
    normals({ seed, stream: Stream.problem }, 0, i, 0, row);
    a.set(row, i * cols);
  }
  // Only j >= i is summed and then mirrored, so H is exactly symmetric (and half the work).
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      let sum = 0;
      for (let k = 0; k < cols; k++) sum += a[i * cols + k] * a[j * cols + k];
      h[i * dim + j] = sum / cols;
      h[j * dim + i] = sum / cols;
    }
    // Row i costs d − i: the work done so far is 1 − ((d − i − 1)/d)².
    yield 1 - ((dim - i - 1) / dim) ** 2;
  }
}

/** The last Wishart matrices built (the twin and the GPU uniforms both ask for one). */
const wishartCache = new Map<string, Float64Array>();
const WISHART_CACHE_SIZE = 2;

function remember(key: string, h: Float64Array): Float64Array {
  wishartCache.delete(key);
  wishartCache.set(key, h);
  while (wishartCache.size > WISHART_CACHE_SIZE) wishartCache.delete(wishartCache.keys().next().value!);
  return h;
}

function wishartHessian(dim: number, seed: number): Float64Array {
  const key = `${dim}/${seed}`;
  const cached = wishartCache.get(key);
  if (cached) return cached;
  const h = new Float64Array(dim * dim);
  for (const _ of wishartRows(dim, seed, h));
  return remember(key, h);
}

/** A set-up step of a run was cancelled (docs/model.md §9: every phase is cancellable). */
export class SetupCancelled extends Error {
  constructor(what: string) {
    super(`cancelled while ${what}`);
  }
}

/**
 * Builds (and keeps for the next wishartHessian call) a Wishart Hessian without holding the
 * event loop for more than ~50 ms at a time; `onProgress` gets the fraction done.
 * @throws SetupCancelled when `signal` aborts.
 */
export async function prepareWishart(
  dim: number, seed: number, hooks: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<void> {
  const key = `${dim}/${seed}`;
  if (wishartCache.has(key)) return;
  const h = new Float64Array(dim * dim);
  let slice = performance.now();
  for (const fraction of wishartRows(dim, seed, h)) {
    if (performance.now() - slice < 50) continue;
    hooks.onProgress?.(fraction);
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (hooks.signal?.aborted) throw new SetupCancelled(`building the ${dim}×${dim} Wishart Hessian`);
    slice = performance.now();
  }
  remember(key, h);
}

/** The Hessian as a row-major d×d matrix. */
export function quadraticHessian(spec: HessianSpec): Float64Array {
  if ('eigenvalues' in spec) {
    const d = spec.eigenvalues.length;
    const h = new Float64Array(d * d);
    spec.eigenvalues.forEach((lambda, i) => { h[i * d + i] = lambda; });
    return h;
  }
  if ('matrix' in spec) return Float64Array.from(spec.matrix.flat());
  return wishartHessian(spec.wishart.dim, spec.wishart.seed);
}

/**
 * The curvature scale of ProblemTwin.scale. Diagonal: max|λ| exactly. Dense: the Gershgorin
 * bound max_i Σ_j |H_ij| ≥ spectral radius; it only sets the norm guard's ε (docs/model.md §2),
 * where a bound is as good as the exact value and needs no iteration or convergence test.
 */
export function hessianScale(spec: HessianSpec, hessian: Float64Array): number {
  if ('eigenvalues' in spec) return Math.max(...spec.eigenvalues.map(Math.abs));
  const d = hessianDimension(spec);
  let bound = 0;
  for (let i = 0; i < d; i++) {
    let rowSum = 0;
    for (let j = 0; j < d; j++) rowSum += Math.abs(hessian[i * d + j]);
    bound = Math.max(bound, rowSum);
  }
  return bound;
}

export class QuadraticTwin implements ProblemTwin {
  readonly kind = 'quadratic';
  readonly dim: number;
  readonly scale: number;
  /** Row-major H, or null when H is diagonal (then `diagonal` holds it and products are O(d)). */
  private readonly dense: Float64Array | null;
  private readonly diagonal: Float64Array | null;
  private readonly minimizer: Float64Array;
  private readonly shifted: Float64Array;
  private readonly product: Float64Array;

  constructor(problem: QuadraticProblem) {
    const spec = problem.hessian;
    this.dim = hessianDimension(spec);
    if ('eigenvalues' in spec) {
      this.diagonal = Float64Array.from(spec.eigenvalues);
      this.dense = null;
      this.scale = hessianScale(spec, this.diagonal);
    } else {
      this.dense = quadraticHessian(spec);
      this.diagonal = null;
      this.scale = hessianScale(spec, this.dense);
    }
    this.minimizer = problem.minimizer ? Float64Array.from(problem.minimizer) : new Float64Array(this.dim);
    this.shifted = new Float64Array(this.dim);
    this.product = new Float64Array(this.dim);
  }

  private multiply(v: Float64Array, out: Float64Array): Float64Array {
    const d = this.dim;
    if (this.diagonal) {
      for (let i = 0; i < d; i++) out[i] = this.diagonal[i] * v[i];
      return out;
    }
    const h = this.dense as Float64Array;
    for (let i = 0; i < d; i++) {
      let sum = 0;
      for (let j = 0; j < d; j++) sum += h[i * d + j] * v[j];
      out[i] = sum;
    }
    return out;
  }

  private shift(x: Float64Array): Float64Array {
    for (let i = 0; i < this.dim; i++) this.shifted[i] = x[i] - this.minimizer[i];
    return this.shifted;
  }

  loss(x: Float64Array): number {
    const r = this.shift(x);
    const hr = this.multiply(r, this.product);
    let sum = 0;
    for (let i = 0; i < this.dim; i++) sum += r[i] * hr[i];
    return 0.5 * sum;
  }

  grad(x: Float64Array, out: Float64Array): Float64Array {
    return this.multiply(this.shift(x), out);
  }

  hvp(_x: Float64Array, v: Float64Array, out: Float64Array): Float64Array {
    return this.multiply(v, out);
  }
}
