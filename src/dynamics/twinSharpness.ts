// The float64 twin of the sharpness readouts (docs/model.md §8): Hutchinson's trace with
// Rademacher probes and the top eigenvalue by Lanczos with full reorthogonalisation, at the
// same Threefry addresses as shaders/sharpness.wgsl and shaders/sharpness_wg.wgsl, and the same
// breakdown rule and tridiagonal bisection, so that the GPU can be tested against it.
import type { SharpnessSpec } from '../config/schema.js';
import type { ProblemTwin } from '../problems/types.js';
import { normals, threefry4x32, Stream } from '../rng/threefry.js';
import { hasDiverged, stepTwin, TwinScratch, type TwinParams } from './twin.js';

/**
 * Lanczos stops when β_j ≤ LANCZOS_BREAKDOWN·‖H q_j‖: the Krylov space is then invariant to
 * rounding, and the Ritz values already found are eigenvalues of H (to within β_j).
 */
export const LANCZOS_BREAKDOWN = 1e-5;
/** Bisection steps on the tridiagonal matrix: enough to reach f32 (GPU) or f64 (twin) rounding. */
export const BISECTIONS_F32 = 40;
export const BISECTIONS_F64 = 80;

/**
 * Probe `probe` of the readout at record `record` of path `path` (docs/model.md §8): entry i is
 * −1 when the top bit of word i mod 4 of block ⌊i/4⌋ of (seed, sharpnessProbe; path, record,
 * probe, ·) is set, else +1.
 */
export function rademacherProbe(seed: number, path: number, record: number, probe: number, out: Float64Array): Float64Array {
  const words = new Uint32Array(4);
  for (let b = 0; 4 * b < out.length; b++) {
    threefry4x32(path, record, probe, b, seed, Stream.sharpnessProbe, words);
    for (let j = 0; j < 4 && 4 * b + j < out.length; j++) out[4 * b + j] = words[j] >>> 31 ? -1 : 1;
  }
  return out;
}

/** Lanczos' start vector (unnormalised): standard normals of (seed, sharpnessStart; path, record, 0, ·). */
export function lanczosStart(seed: number, path: number, record: number, out: Float64Array): Float64Array {
  return normals({ seed, stream: Stream.sharpnessStart }, path, record, 0, out);
}

const dot = (a: Float64Array, b: Float64Array) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
};

/** Hutchinson (docs/model.md §8): the mean over the probes of vᵀHv at x. */
export function hutchinsonTrace(problem: ProblemTwin, x: Float64Array, seed: number, path: number, record: number, probes: number): number {
  const v = new Float64Array(problem.dim);
  const hv = new Float64Array(problem.dim);
  let sum = 0;
  for (let p = 0; p < probes; p++) {
    rademacherProbe(seed, path, record, p, v);
    sum += dot(v, problem.hvp(x, v, hv));
  }
  return sum / probes;
}

/**
 * Number of eigenvalues of the symmetric tridiagonal T (diagonal alpha, off-diagonal beta,
 * size k) below `shift`: the negative pivots of the LDLᵀ factorisation of T − shift·I
 * (Sturm). A zero pivot is replaced by a tiny one of the same rounding scale.
 */
export function countBelow(alpha: ArrayLike<number>, beta: ArrayLike<number>, k: number, shift: number, tiny: number): number {
  let count = 0;
  let pivot = 1;
  for (let i = 0; i < k; i++) {
    pivot = alpha[i] - shift - (i > 0 ? (beta[i - 1] * beta[i - 1]) / pivot : 0);
    if (pivot === 0) pivot = -tiny;
    if (pivot < 0) count++;
  }
  return count;
}

/** Largest eigenvalue of the k×k symmetric tridiagonal T by bisection inside its Gershgorin interval. */
export function tridiagonalTop(alpha: ArrayLike<number>, beta: ArrayLike<number>, k: number, bisections = BISECTIONS_F64): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < k; i++) {
    const radius = (i > 0 ? Math.abs(beta[i - 1]) : 0) + (i < k - 1 ? Math.abs(beta[i]) : 0);
    lo = Math.min(lo, alpha[i] - radius);
    hi = Math.max(hi, alpha[i] + radius);
  }
  const tiny = 1e-30 * Math.max(Math.abs(lo), Math.abs(hi), 1);
  for (let s = 0; s < bisections; s++) {
    const mid = 0.5 * (lo + hi);
    if (countBelow(alpha, beta, k, mid, tiny) === k) hi = mid;
    else lo = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * The largest Ritz value after `iterations` Lanczos steps (docs/model.md §8) from the Threefry
 * start vector, with full reorthogonalisation (every new direction is orthogonalised against
 * all earlier ones once more, after the three-term recurrence), stopping early at breakdown.
 */
export function lanczosTop(problem: ProblemTwin, x: Float64Array, seed: number, path: number, record: number, iterations: number): number {
  const d = problem.dim;
  const basis: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  const q = lanczosStart(seed, path, record, new Float64Array(d));
  const start = Math.sqrt(dot(q, q));
  for (let i = 0; i < d; i++) q[i] /= start;
  const w = new Float64Array(d);
  for (let j = 0; j < iterations; j++) {
    basis.push(Float64Array.from(q));
    problem.hvp(x, q, w);
    const size = Math.sqrt(dot(w, w));
    const a = dot(q, w);
    alpha.push(a);
    for (let i = 0; i < d; i++) w[i] -= a * q[i] + (j > 0 ? beta[j - 1] * basis[j - 1][i] : 0);
    for (const u of basis) {
      const c = dot(u, w);
      for (let i = 0; i < d; i++) w[i] -= c * u[i];
    }
    const b = Math.sqrt(dot(w, w));
    if (j === iterations - 1 || b <= LANCZOS_BREAKDOWN * size) break;
    beta.push(b);
    for (let i = 0; i < d; i++) q[i] = w[i] / b;
  }
  return tridiagonalTop(alpha, beta, alpha.length);
}

/** One readout's per-path trace (mean over the probes) and top eigenvalue. */
export interface SharpnessValue { trace: number; top: number }

export function sharpnessAt(problem: ProblemTwin, x: Float64Array, seed: number, path: number, record: number, spec: SharpnessSpec): SharpnessValue {
  return {
    trace: hutchinsonTrace(problem, x, seed, path, record, spec.probes),
    top: lanczosTop(problem, x, seed, path, record, spec.iterations),
  };
}

export interface SharpnessPathTwin {
  /** Per readout (steps 0, every, 2·every, … ≤ steps): the values, NaN once the path diverged. */
  trace: Float64Array;
  top: Float64Array;
  /** Step after which the path was frozen (null: it never diverged). */
  divergedAt: number | null;
}

/**
 * Path `path` of one dynamics (src/dynamics/twin.ts) from x0 for `steps` steps with a sharpness
 * readout every `spec.every` steps; record = step / recordEvery addresses the probes.
 */
export function sharpnessPathTwin(
  params: TwinParams, x0: Float64Array, path: number, steps: number, recordEvery: number, spec: SharpnessSpec,
): SharpnessPathTwin {
  const readouts = Math.floor(steps / spec.every) + 1;
  const trace = new Float64Array(readouts).fill(NaN);
  const top = new Float64Array(readouts).fill(NaN);
  const scratch = new TwinScratch(params.problem.dim);
  const x = Float64Array.from(x0);
  let divergedAt: number | null = hasDiverged(x, params.divergeAbove) ? 0 : null;
  const read = (k: number) => {
    if (divergedAt !== null) return;
    const value = sharpnessAt(params.problem, x, params.seed, path, k / recordEvery, spec);
    trace[k / spec.every] = value.trace;
    top[k / spec.every] = value.top;
  };
  read(0);
  for (let k = 0; k < (readouts - 1) * spec.every; k++) {
    if (divergedAt === null) {
      stepTwin(params, x, path, k, scratch);
      if (hasDiverged(x, params.divergeAbove)) divergedAt = k + 1;
    }
    if ((k + 1) % spec.every === 0) read(k + 1);
  }
  return { trace, top, divergedAt };
}
