// One entry point from a resolved problem config to its float64 twin and to the numbers the
// GPU problem modules need (SPEC section 5), plus the initial points x0 of every path.
import type { ProblemSpec, X0Spec } from '../config/schema';
import { normals, Stream } from '../rng/philox';
import { QuadraticTwin, hessianDimension, quadraticHessian } from './quadratic';
import { SaddleTwin } from './saddle';
import type { ProblemTwin } from './types';

export { QuadraticTwin, quadraticHessian, hessianScale, hessianDimension } from './quadratic';
export { SaddleTwin } from './saddle';
export type { ProblemTwin } from './types';

export function createProblemTwin(problem: ProblemSpec): ProblemTwin {
  return problem.kind === 'quadratic' ? new QuadraticTwin(problem) : new SaddleTwin(problem);
}

/** The parameters a GPU problem kernel binds; which fields are present depends on the kind. */
export interface ProblemUniforms {
  dim: number;
  /** quadratic: H, row-major d×d (dense for every hessian form, so one kernel serves all). */
  hessian?: Float64Array;
  /** quadratic: x* (zeros when the config gives none). */
  minimizer?: Float64Array;
  /** saddle: λ. */
  eigenvalues?: Float64Array;
  /** saddle: μ. */
  quartic?: number;
}

export function problemUniforms(problem: ProblemSpec): ProblemUniforms {
  if (problem.kind === 'saddle') {
    const eigenvalues = Float64Array.from(problem.eigenvalues);
    return { dim: eigenvalues.length, eigenvalues, quartic: problem.quartic };
  }
  const hessian = quadraticHessian(problem.hessian);
  const dim = hessianDimension(problem.hessian);
  const minimizer = problem.minimizer ? Float64Array.from(problem.minimizer) : new Float64Array(dim);
  return { dim, hessian, minimizer };
}

/**
 * x0 of one path. `{normal}` draws from (x0.seed, Stream.init; path, step 0, substep 0), which
 * depends on the path index only, so chunking never changes a path's start (SPEC section 3).
 */
export function initialPoint(x0: X0Spec, dim: number, path: number): Float64Array {
  if (Array.isArray(x0)) {
    if (x0.length !== dim) throw new RangeError(`x0 has ${x0.length} entries; the problem has dimension ${dim}`);
    return Float64Array.from(x0);
  }
  if ('constant' in x0) return new Float64Array(dim).fill(x0.constant);
  const out = normals({ seed: x0.normal.seed, stream: Stream.init }, path, 0, 0, new Float64Array(dim));
  for (let i = 0; i < dim; i++) out[i] *= x0.normal.std;
  return out;
}
