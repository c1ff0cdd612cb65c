// The float64 reference of noise mode B (docs/model.md §1 and §3): mini-batch sampling for the
// algorithms, the matrix-free per-sample noise for the SDEs. The GPU kernels
// (shaders/dynamics_wg.wgsl) are tested against it, so its draws follow the same addressing:
//   algorithms' batch at step k:  batchWeights({seed, batch}; p, k, 0, firstBlock 0)
//   SDE substep j of step k:      ζ = normals({seed, sde}; p, k, j), N of them
//   SAM-SDE ghost batch i:        batchWeights({seed, samInner}; p, k, j, firstBlock i·⌈B/4⌉),
//                                 weighted by ξ_i = normal i of ({seed, sde}; p, k, j)
// f_i = ℓ_i + (wd/2)‖x‖², so ∇f_γ = Σ_i w_i ∇ℓ_i + wd·x for weights summing to one.
// `coupling` does not apply in mode B: an algorithm's batch and an SDE's Gaussian weights ζ
// are different objects, so the two always come from unrelated streams.
import type { SampledProblemTwin } from '../problems/types';
import { Stream } from '../rng/threefry';
import { batchWeights } from './batches';
import type { Algorithm } from './names';
import type { TwinParams, TwinScratch } from './twin';
import { fillNormals, guardedNorm, norm } from './twinMath';

/** Sample-sized scratch of mode B, made once per scratch. */
export interface SampleScratch {
  weights: Float64Array;
  zeta: Float64Array;
  uniform: Float64Array;
  /** SAM-SDE: Σ_i e_i, Σ_i ξ_i e_i and the ghost batches' ξ_i. */
  sumE: Float64Array;
  sumXiE: Float64Array;
  ghostXi: Float64Array;
}

export function sampleScratch(s: TwinScratch, problem: SampledProblemTwin, ghosts: number): SampleScratch {
  const current = s.samples;
  if (!current || current.weights.length !== problem.samples || current.ghostXi.length !== ghosts) {
    const n = problem.samples;
    s.samples = {
      weights: new Float64Array(n),
      zeta: new Float64Array(n),
      uniform: new Float64Array(n).fill(1 / n),
      sumE: new Float64Array(problem.dim),
      sumXiE: new Float64Array(problem.dim),
      ghostXi: new Float64Array(ghosts),
    };
  }
  return s.samples!;
}

function addWeightDecay(out: Float64Array, wd: number, x: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] += wd * x[i];
  return out;
}

/** One algorithm step in mode B: the same batch γ at the ascent and the descent point. */
export function algorithmStepB(
  params: TwinParams, problem: SampledProblemTwin, family: Algorithm, x: Float64Array, path: number, k: number, s: TwinScratch,
): void {
  const { eta, rho, seed } = params;
  const d = problem.dim;
  const wd = problem.weightDecay;
  const scratch = sampleScratch(s, problem, params.samInner);
  const weights = batchWeights(seed, Stream.batch, path, k, 0, 0, params.batchSize!, scratch.weights, s.words);
  const gz = addWeightDecay(problem.weightedGrad(x, weights, s.gz), wd, x);
  if (family === 'SGD') {
    for (let i = 0; i < d; i++) x[i] -= eta * gz[i];
    return;
  }
  let c = rho;
  if (family === 'DNSAM') c = rho / guardedNorm(norm(problem.grad(x, s.g)), params.guardEps, s);
  else if (family === 'SAM') c = rho / guardedNorm(norm(gz), params.guardEps, s);
  const y = s.y;
  for (let i = 0; i < d; i++) y[i] = x[i] + c * gz[i];
  const descent = addWeightDecay(problem.weightedGrad(y, weights, s.gy), wd, y);
  for (let i = 0; i < d; i++) x[i] -= eta * descent[i];
}

/**
 * One Euler–Maruyama substep in mode B (docs/model.md §3), X ← X − bΔt − sqrt(ηΔt)·n with:
 *   SGD/USAM/DNSAM (c = 0, ρ, ρ/‖∇f‖):  b = ∇f + c[H∇f + (1/B)(1/N)Σ_n H_n(∇ℓ_n − ∇ℓ̄)],
 *     n = (1/sqrt(BN)) Σ_n ζ̃_n s_n = (1/sqrt(BN)) (G + c[H G + Σ_n ζ̃_n H_n ∇f]),
 *     ζ̃ = ζ − ζ̄, G = Σ_n ζ̃_n ∇ℓ_n  (the diffusion of the drift-only ablations is c = 0's);
 *   SAM: K ghost batches, e_i = ∇f_γi + ρ H_γi u_i, u_i = ∇f_γi/‖∇f_γi‖; b = ē and, for SAM-SDE,
 *     n = (1/sqrt(K−1)) Σ_i ξ_i (e_i − ē).
 */
export function modelSubstepB(
  params: TwinParams, problem: SampledProblemTwin, family: Algorithm, full: boolean,
  x: Float64Array, path: number, k: number, j: number, s: TwinScratch,
): void {
  const { eta, rho, seed, samInner } = params;
  const batchSize = params.batchSize!;
  const d = problem.dim;
  const n = problem.samples;
  const wd = problem.weightDecay;
  const scratch = sampleScratch(s, problem, samInner);
  const drift = s.gz;
  const noise = s.xi;
  const invSqrtBN = 1 / Math.sqrt(batchSize * n);
  const samSde = family === 'SAM' && full;
  if (!samSde) {
    // ζ̃ and G = Σ ζ̃_n ∇ℓ_n (the SGD-SDE's noise direction), ∇f.
    const zeta = scratch.zeta;
    fillNormals(s, seed, Stream.sde, path, k, j, zeta, 0);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += zeta[i];
    mean /= n;
    for (let i = 0; i < n; i++) zeta[i] -= mean;
    problem.grad(x, s.g);
    problem.weightedGrad(x, zeta, s.w);
    drift.set(s.g);
    for (let i = 0; i < d; i++) noise[i] = invSqrtBN * s.w[i];
  }
  if (family === 'USAM' || family === 'DNSAM') {
    const g = s.g;
    const c = family === 'USAM' ? rho : rho / guardedNorm(norm(g), params.guardEps, s);
    const hg = problem.hvp(x, g, s.hv);
    // The drift correction (1/N)Σ_n ∇²ℓ_n(∇ℓ_n − ∇ℓ̄), ∇ℓ̄ = ∇f − wd·x.
    const meanDataGrad = s.y;
    for (let i = 0; i < d; i++) meanDataGrad[i] = g[i] - wd * x[i];
    const correction = problem.weightedHvp(x, meanDataGrad, scratch.uniform, s.gy, true);
    for (let i = 0; i < d; i++) drift[i] = g[i] + c * (hg[i] + correction[i] / batchSize);
    if (full) {
      const hG = problem.hvp(x, s.w, s.hxi);
      const zetaHg = problem.weightedHvp(x, g, scratch.zeta, s.aHxi);
      for (let i = 0; i < d; i++) noise[i] = invSqrtBN * (s.w[i] + c * (hG[i] + zetaHg[i]));
    }
  } else if (family === 'SAM') {
    const { sumE, sumXiE } = scratch;
    sumE.fill(0);
    sumXiE.fill(0);
    let sumXi = 0;
    const ghostXi = scratch.ghostXi;
    if (samSde) fillNormals(s, seed, Stream.sde, path, k, j, ghostXi, 0);
    const blocks = Math.ceil(batchSize / 4);
    for (let ghost = 0; ghost < samInner; ghost++) {
      const weights = batchWeights(seed, Stream.samInner, path, k, j, ghost * blocks, batchSize, scratch.weights, s.words);
      const gb = addWeightDecay(problem.weightedGrad(x, weights, s.gy), wd, x);
      const inv = 1 / guardedNorm(norm(gb), params.guardEps, s);
      const u = s.y;
      for (let i = 0; i < d; i++) u[i] = inv * gb[i];
      const hu = addWeightDecay(problem.weightedHvp(x, u, weights, s.hv), wd, u);
      const xi = samSde ? ghostXi[ghost] : 0;
      for (let i = 0; i < d; i++) {
        const e = gb[i] + rho * hu[i];
        sumE[i] += e;
        sumXiE[i] += xi * e;
      }
      sumXi += xi;
    }
    for (let i = 0; i < d; i++) drift[i] = sumE[i] / samInner;
    if (samSde) {
      const scale = 1 / Math.sqrt(samInner - 1);
      for (let i = 0; i < d; i++) noise[i] = scale * (sumXiE[i] - sumXi * drift[i]);
    }
  }
  const dt = eta / params.substeps;
  const noiseScale = Math.sqrt(eta * dt);
  for (let i = 0; i < d; i++) x[i] = x[i] - dt * drift[i] - noiseScale * noise[i];
}
