// One entry point from a resolved problem config to its float64 twin and to the numbers the
// GPU problem modules need (docs/model.md §5), plus the initial points x0 of every path.
import { isNetworkProblem, type NetworkProblem, type ProblemSpec, type X0Spec } from '../config/schema';
import { normals, Stream } from '../rng/threefry';
import { QuadraticTwin, hessianDimension, prepareWishart, quadraticHessian } from './quadratic';
import { SaddleTwin } from './saddle';
import type { ProblemTwin } from './types';
import { NetworkTwin, type NetworkSpec } from './network';
import { mlpNetwork } from './mlp';
import { teacherStudentNetwork } from './teacherStudent';
import { deepLinearNetwork } from './deepLinear';

export { QuadraticTwin, quadraticHessian, hessianScale, hessianDimension, SetupCancelled } from './quadratic';
export { SaddleTwin } from './saddle';
export type { ProblemTwin, SampledProblemTwin } from './types';
export { isSampledProblem } from './types';
export { NetworkTwin, type NetworkSpec } from './network';

/** The network (sizes, data, loss) of an `mlp`, `teacher-student` or `deep-linear` problem. */
export function networkSpec(problem: NetworkProblem): NetworkSpec {
  if (problem.kind === 'mlp') return mlpNetwork(problem);
  if (problem.kind === 'teacher-student') return teacherStudentNetwork(problem);
  return deepLinearNetwork(problem);
}

export function createProblemTwin(problem: ProblemSpec): ProblemTwin {
  if (isNetworkProblem(problem)) return new NetworkTwin(networkSpec(problem));
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
  /** mlp, teacher-student, deep-linear: the network, its data and loss. */
  network?: NetworkSpec;
}

/**
 * Builds what is costly to build about a problem (a large Wishart Hessian) without blocking,
 * so that the run's set-up shows progress and can be cancelled.
 * @throws SetupCancelled when `signal` aborts.
 */
export async function prepareProblem(
  problem: ProblemSpec, hooks: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<void> {
  if (problem.kind === 'quadratic' && 'wishart' in problem.hessian) {
    await prepareWishart(problem.hessian.wishart.dim, problem.hessian.wishart.seed, hooks);
  }
}

export function problemUniforms(problem: ProblemSpec): ProblemUniforms {
  if (isNetworkProblem(problem)) {
    const network = networkSpec(problem);
    return { dim: new NetworkTwin(network).dim, network };
  }
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
 * depends on the path index only, so chunking never changes a path's start (docs/model.md §3).
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
