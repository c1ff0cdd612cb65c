// The float64 reference of every algorithm (docs/model.md §2) and SDE model (section 3) in
// mode A noise (section 1), one path at a time; mode B (mini-batches) is in twinModeB.ts.
// The WGSL kernels (shaders/dynamics.wgsl, dynamics_wg.wgsl) are tested against it, so its
// random draws follow the project's addressing contract exactly:
//   SDE substep j of step k, path p:  ξ   = normals({seed, sde},       p, k, j)
//   SAM-SDE inner draw i:             ζ_i = normals({seed, samInner},  p, k, j, block i·⌈d/4⌉)
//   algorithm, shared coupling:       ξ_k = (1/√m) Σ_j normals({seed, sde}, p, k, j)
//   algorithm, independent coupling:  ξ_k = normals({seed, algorithm}, p, k, 0)
// It is also the "float64 twin" peer of the benchmarks, so a step allocates nothing: every
// vector lives in a TwinScratch made once per path (or once per problem and reused).
import { isSampledProblem, type ProblemTwin, type SampledProblemTwin } from '../problems/types';
import { Stream } from '../rng/threefry';
import type { Algorithm, Dynamics, Model } from './names';
import { isDriftOnly, isModel, MODELS, modelFamily } from './names';
import { dot, fillNormals, guardedNorm, norm } from './twinMath';
import { algorithmStepB, modelSubstepB, type SampleScratch } from './twinModeB';

export type Coupling = 'shared' | 'independent';

/** modelFamily() splits a string; looked up once here so that a step allocates nothing. */
const MODEL_FAMILY = new Map<Model, Algorithm>(MODELS.map((model) => [model, modelFamily(model)]));

export interface TwinParams {
  problem: ProblemTwin;
  dynamics: Dynamics;
  eta: number;
  rho: number;
  sigma: number;
  /** Euler–Maruyama substeps m per step of length η (docs/model.md §3); ≥ 1. */
  substeps: number;
  /** How the algorithms' noise relates to the SDEs' Brownian increments (docs/model.md §3). */
  coupling: Coupling;
  /** K, SAM-SDE's inner Monte Carlo draws of Z per substep (docs/model.md §3); ≥ 1. */
  samInner: number;
  seed: number;
  /** A path whose ‖x‖ exceeds this (or turns non-finite) is frozen (docs/model.md §4). */
  divergeAbove: number;
  /** Norm guard ε: a divisor n is replaced by max(n, ε) (docs/model.md §2). */
  guardEps: number;
  /**
   * Noise mode B (docs/model.md §1): mini-batches of this size (twinModeB.ts); the problem must
   * have data (SampledProblemTwin) and `sigma` is unused. Absent: mode A.
   */
  batchSize?: number;
}

/** docs/model.md §4 observables, one entry per recorded step 0, r, 2r, … ≤ steps. */
export interface TwinRecords {
  loss: Float64Array;
  norm: Float64Array;
  gradNorm: Float64Array;
  g: Float64Array;
}

export interface TwinPathResult {
  records: TwinRecords;
  /** x after the last step, or the frozen value of a diverged path. */
  final: Float64Array;
  /** k+1 of the step after which the path diverged; 0 if x0 itself is; null if never. */
  divergedAt: number | null;
  /** How many times a norm guard fired along the path (docs/model.md §2). */
  guarded: number;
}

/** Preallocated vectors of one step; reuse it across steps and paths of the same dimension. */
export class TwinScratch {
  readonly dim: number;
  readonly words = new Uint32Array(4);
  readonly four = new Float64Array(4);
  readonly xi: Float64Array;
  readonly draw: Float64Array;
  readonly z: Float64Array;
  readonly g: Float64Array;
  readonly gz: Float64Array;
  readonly y: Float64Array;
  readonly gy: Float64Array;
  readonly hv: Float64Array;
  readonly hxi: Float64Array;
  readonly w: Float64Array;
  readonly meanU: Float64Array;
  readonly aHxi: Float64Array;
  /** Guard firings of the step in progress. */
  guards = 0;
  /** Mode B's sample-sized vectors, made on first use (twinModeB.ts). */
  samples?: SampleScratch;

  constructor(dim: number) {
    this.dim = dim;
    const vector = () => new Float64Array(dim);
    this.xi = vector();
    this.draw = vector();
    this.z = vector();
    this.g = vector();
    this.gz = vector();
    this.y = vector();
    this.gy = vector();
    this.hv = vector();
    this.hxi = vector();
    this.w = vector();
    this.meanU = vector();
    this.aHxi = vector();
  }
}

/**
 * Frozen when non-finite or beyond the bound (docs/model.md §4), judged on ‖x‖ as the GPU does:
 * a non-finite component makes the norm non-finite.
 */
export function hasDiverged(x: Float64Array, divergeAbove: number): boolean {
  const n = norm(x);
  return !Number.isFinite(n) || n > divergeAbove;
}

function algorithmStep(params: TwinParams, family: Algorithm, x: Float64Array, path: number, k: number, s: TwinScratch): void {
  const { problem, eta, rho, sigma, seed } = params;
  const d = problem.dim;
  const xi = s.xi;
  if (params.coupling === 'shared') {
    // The SDE's m Brownian increments over [kη, (k+1)η], summed and rescaled to unit
    // variance: the algorithm sees the same Brownian path as the SDE (docs/model.md §3).
    xi.fill(0);
    for (let j = 0; j < params.substeps; j++) {
      fillNormals(s, seed, Stream.sde, path, k, j, s.draw, 0);
      for (let i = 0; i < d; i++) xi[i] += s.draw[i];
    }
    const invSqrtM = 1 / Math.sqrt(params.substeps);
    for (let i = 0; i < d; i++) xi[i] *= invSqrtM;
  } else {
    fillNormals(s, seed, Stream.algorithm, path, k, 0, xi, 0);
  }
  const z = s.z;
  for (let i = 0; i < d; i++) z[i] = sigma * xi[i];
  const g = problem.grad(x, s.g);
  // ∇f_γ(x) = ∇f(x) + Z; the same Z is used again at the descent point (docs/model.md §1, A).
  const gz = s.gz;
  for (let i = 0; i < d; i++) gz[i] = g[i] + z[i];
  let descent = gz;
  if (family !== 'SGD') {
    let c = rho;
    if (family === 'DNSAM') c = rho / guardedNorm(norm(g), params.guardEps, s);
    else if (family === 'SAM') c = rho / guardedNorm(norm(gz), params.guardEps, s);
    const y = s.y;
    for (let i = 0; i < d; i++) y[i] = x[i] + c * gz[i];
    descent = problem.grad(y, s.gy);
    for (let i = 0; i < d; i++) descent[i] += z[i];
  }
  for (let i = 0; i < d; i++) x[i] -= eta * descent[i];
}

/**
 * SAM-SDE's K inner draws (docs/model.md §3): leaves ρ·H m̂ + ∇f in `drift` and, when the full
 * diffusion is wanted, ρ·Â(Hξ) + ξ in `noise`, with m̂ = mean u_i and
 * Â v = mean (v − u_i(u_i·v))/‖∇f+Z_i‖ — the factored form of the paper's covariance that
 * Stein's lemma gives, so no matrix square root is needed.
 */
function samModelTerms(
  params: TwinParams, x: Float64Array, path: number, k: number, j: number,
  full: boolean, s: TwinScratch,
): void {
  const { problem, rho, sigma, seed, samInner } = params;
  const d = problem.dim;
  const g = s.g;
  const hxi = s.hxi;
  if (full) problem.hvp(x, s.xi, hxi);
  s.meanU.fill(0);
  s.aHxi.fill(0);
  const blocksPerDraw = Math.ceil(d / 4);
  for (let draw = 0; draw < samInner; draw++) {
    // ζ_i occupies blocks i·⌈d/4⌉ … so that every inner draw has its own Threefry counters.
    fillNormals(s, seed, Stream.samInner, path, k, j, s.w, draw * blocksPerDraw);
    const w = s.w;
    for (let i = 0; i < d; i++) w[i] = g[i] + sigma * w[i];
    const invNorm = 1 / guardedNorm(norm(w), params.guardEps, s);
    // w becomes u_i in place.
    for (let i = 0; i < d; i++) w[i] *= invNorm;
    for (let i = 0; i < d; i++) s.meanU[i] += w[i];
    if (full) {
      const uh = dot(w, hxi);
      for (let i = 0; i < d; i++) s.aHxi[i] += invNorm * (hxi[i] - uh * w[i]);
    }
  }
  const invK = 1 / samInner;
  for (let i = 0; i < d; i++) s.meanU[i] *= invK;
  problem.hvp(x, s.meanU, s.hv);
  for (let i = 0; i < d; i++) s.gz[i] = g[i] + rho * s.hv[i];
  if (full) {
    for (let i = 0; i < d; i++) s.xi[i] += rho * invK * s.aHxi[i];
  }
}

/**
 * One Euler–Maruyama substep j (docs/model.md §3): X ← X − b(X)Δt − sqrt(ηΔt)·σ·G̃(X)ξ, where
 * σG̃ξ is the table's diffusion factor. The minus on the noise mirrors the algorithm's −ηZ,
 * so that with m = 1 and shared coupling the step is the algorithm's on a quadratic
 * (docs/model.md §7). All H are HVPs at the current X.
 */
function modelSubstep(
  params: TwinParams, family: Algorithm, full: boolean,
  x: Float64Array, path: number, k: number, j: number, s: TwinScratch,
): void {
  const { problem, eta, rho, sigma, seed } = params;
  const d = problem.dim;
  const xi = s.xi;
  fillNormals(s, seed, Stream.sde, path, k, j, xi, 0);
  const g = problem.grad(x, s.g);
  // `drift` is b(X); `xi` is turned in place into the diffusion factor divided by σ.
  const drift = s.gz;
  if (family === 'SGD') {
    drift.set(g);
  } else if (family === 'USAM' || family === 'DNSAM') {
    // USAM: b = ∇(f + (ρ/2)‖∇f‖²) = ∇f + ρH∇f, G = σ(I + ρH).
    // DNSAM: b = ∇(f + ρ‖∇f‖) = ∇f + (ρ/‖∇f‖)H∇f, G = σ(I + (ρ/‖∇f‖)H).
    // The factored G equals the paper's covariance Σ + ρ(HΣ + ΣH) to first order in ρ and
    // is positive semi-definite by construction.
    const c = family === 'USAM' ? rho : rho / guardedNorm(norm(g), params.guardEps, s);
    problem.hvp(x, g, s.hv);
    for (let i = 0; i < d; i++) drift[i] = g[i] + c * s.hv[i];
    if (full) {
      problem.hvp(x, xi, s.hxi);
      for (let i = 0; i < d; i++) xi[i] += c * s.hxi[i];
    }
  } else {
    samModelTerms(params, x, path, k, j, full, s);
  }
  const dt = eta / params.substeps;
  const noiseScale = Math.sqrt(eta * dt) * sigma;
  for (let i = 0; i < d; i++) x[i] = x[i] - dt * drift[i] - noiseScale * xi[i];
}

/**
 * Advances `x` in place by one step k → k+1 of path `path` (all m substeps for a model) and
 * returns how many times a norm guard fired in it. Divergence is the caller's business
 * (simulatePathTwin freezes the path).
 */
export function stepTwin(params: TwinParams, x: Float64Array, path: number, k: number, scratch: TwinScratch): number {
  const dynamics = params.dynamics;
  scratch.guards = 0;
  const sampled = params.batchSize === undefined ? null : params.problem as SampledProblemTwin;
  if (isModel(dynamics)) {
    const family = MODEL_FAMILY.get(dynamics) as Algorithm;
    const full = !isDriftOnly(dynamics);
    for (let j = 0; j < params.substeps; j++) {
      if (sampled) modelSubstepB(params, sampled, family, full, x, path, k, j, scratch);
      else modelSubstep(params, family, full, x, path, k, j, scratch);
    }
  } else if (sampled) {
    algorithmStepB(params, sampled, dynamics, x, path, k, scratch);
  } else {
    algorithmStep(params, dynamics, x, path, k, scratch);
  }
  return scratch.guards;
}

function requireInteger(value: number, field: string, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`twin: ${field} must be an integer >= ${min}, got ${value}`);
  }
}

function validate(params: TwinParams, x0: Float64Array, path: number, steps: number, recordEvery: number): void {
  requireInteger(params.substeps, 'substeps', 1);
  requireInteger(params.samInner, 'samInner', 1);
  requireInteger(steps, 'steps', 0);
  requireInteger(recordEvery, 'recordEvery', 1);
  requireInteger(path, 'path', 0);
  // Threefry counters are u32 (rng/threefry.ts): larger indices would silently alias.
  if (path > 0xffffffff || steps > 0xffffffff) {
    throw new RangeError(`twin: path and steps must fit in u32, got path ${path}, steps ${steps}`);
  }
  if (!(params.guardEps > 0)) throw new RangeError(`twin: guardEps must be > 0, got ${params.guardEps}`);
  if (params.batchSize !== undefined) {
    requireInteger(params.batchSize, 'batchSize', 1);
    if (!isSampledProblem(params.problem)) {
      throw new RangeError(`twin: batchSize (mode B) needs a problem with data, got ${params.problem.kind}`);
    }
    if (params.dynamics === 'SAM-SDE' && params.samInner < 2) {
      throw new RangeError('twin: SAM-SDE in mode B needs samInner >= 2 ghost batches');
    }
  }
  if (x0.length !== params.problem.dim) {
    throw new RangeError(`twin: x0 has length ${x0.length}, the problem has dim ${params.problem.dim}`);
  }
}

/**
 * Simulates path `path` from x0 for `steps` steps and records the docs/model.md §4 observables
 * at steps 0, recordEvery, 2·recordEvery, … ≤ steps. A diverged path is frozen at its last
 * value and still recorded (callers exclude it using divergedAt, never average it in).
 */
export function simulatePathTwin(
  params: TwinParams, x0: Float64Array, path: number, steps: number, recordEvery: number,
  scratch: TwinScratch = new TwinScratch(params.problem.dim),
): TwinPathResult {
  validate(params, x0, path, steps, recordEvery);
  const problem = params.problem;
  const recordCount = Math.floor(steps / recordEvery) + 1;
  const records: TwinRecords = {
    loss: new Float64Array(recordCount),
    norm: new Float64Array(recordCount),
    gradNorm: new Float64Array(recordCount),
    g: new Float64Array(recordCount),
  };
  const record = (r: number, x: Float64Array) => {
    const n = norm(x);
    const gradNorm = norm(problem.grad(x, scratch.g));
    records.loss[r] = problem.loss(x);
    records.norm[r] = n;
    records.gradNorm[r] = gradNorm;
    records.g[r] = n + gradNorm;
  };

  const x = Float64Array.from(x0);
  let divergedAt: number | null = hasDiverged(x, params.divergeAbove) ? 0 : null;
  let guarded = 0;
  record(0, x);
  for (let k = 0; k < steps; k++) {
    if (divergedAt === null) {
      guarded += stepTwin(params, x, path, k, scratch);
      if (hasDiverged(x, params.divergeAbove)) divergedAt = k + 1;
    }
    if ((k + 1) % recordEvery === 0) record((k + 1) / recordEvery, x);
  }
  return { records, final: x, divergedAt, guarded };
}
