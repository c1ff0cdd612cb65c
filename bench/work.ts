// What one path-step costs, counted from the step's definition (src/dynamics/twin.ts and
// shaders/dynamics.wgsl), so that path-steps/s can be turned into HVPs/s, GFLOP/s and normals/s.
//
// FLOP count (stated in every report): only the problem's gradient and Hessian-vector
// products are counted, as the kernels evaluate them (shaders/dynamics.wgsl: one gradient per
// (sub)step; USAM-/DNSAM-SDE one H·v, SAM-SDE two), not as the kernel pads them:
//   quadratic, dense H (d×d): ∇f = H(x − x*) and H·v are 2d² flops each (d² multiplies + d² adds);
//   quadratic, diagonal H:    the kernel stores H dense (one kernel serves every H form), so the
//                             same 2d² is counted: it is the work the GPU does, not the minimum;
//   saddle:                   ∇f = λ⊙x + μ‖x‖²x is 5d, H(x)·v = λ⊙v + μ(‖x‖²v + 2x(x·v)) is 10d;
//   networks (d weights, N samples, full batch in mode A): the usual estimate, not an exact
//                             count: a gradient 6Nd (forward 2Nd, backward 4Nd), an HVP (R-op
//                             forward and backward) twice that, 12Nd.
// Vector updates (axpy, norms), the divergence check and the Threefry/Box–Muller normals are
// not counted: GFLOP/s is a lower bound on the arithmetic done. Normals are counted apart, as
// the kernel draws them: ⌈d/4⌉ Threefry blocks of 4 normals per vector.
import { isDriftOnly, isModel, modelFamily, type Dynamics } from '../src/dynamics/names.js';

export type ProblemKind = 'quadratic' | 'saddle' | 'network';

export interface StepWork {
  /** Gradient evaluations per path-step. */
  grads: number;
  /** Hessian-vector products per path-step. */
  hvps: number;
  /** Counted flops per path-step (gradients and HVPs only, see above). */
  flops: number;
  /** Standard normals drawn per path-step (4 per Threefry block). */
  normals: number;
}

export interface WorkShape {
  kind: ProblemKind;
  dim: number;
  /** Networks: N, the samples of one full-batch gradient. */
  samples?: number;
  /** Euler–Maruyama substeps per step. */
  substeps: number;
  /** SAM-SDE's inner draws K. */
  samInner: number;
  coupling: 'shared' | 'independent';
}

export function gradFlops(kind: ProblemKind, d: number, samples = 1): number {
  return kind === 'quadratic' ? 2 * d * d : kind === 'saddle' ? 5 * d : 6 * samples * d;
}

export function hvpFlops(kind: ProblemKind, d: number, samples = 1): number {
  return kind === 'quadratic' ? 2 * d * d : kind === 'saddle' ? 10 * d : 12 * samples * d;
}

export function stepWork(dynamics: Dynamics, shape: WorkShape): StepWork {
  const vector = 4 * Math.ceil(shape.dim / 4);
  let grads: number;
  let hvps: number;
  let normals: number;
  if (isModel(dynamics)) {
    const family = modelFamily(dynamics);
    const full = !isDriftOnly(dynamics);
    // One gradient per substep. USAM-/DNSAM-SDE apply H once, to w = Δt∇f + sσξ (drift and
    // noise share the product); SAM-SDE needs Hξ before its inner draws and H·m after them.
    grads = 1;
    hvps = family === 'SGD' ? 0 : full && family === 'SAM' ? 2 : 1;
    normals = vector * (family === 'SAM' ? 1 + shape.samInner : 1);
    grads *= shape.substeps;
    hvps *= shape.substeps;
    normals *= shape.substeps;
  } else {
    grads = dynamics === 'SGD' ? 1 : 2;
    hvps = 0;
    normals = vector * (shape.coupling === 'shared' ? shape.substeps : 1);
  }
  const flops = grads * gradFlops(shape.kind, shape.dim, shape.samples) + hvps * hvpFlops(shape.kind, shape.dim, shape.samples);
  return { grads, hvps, flops, normals };
}
