// The problems and run settings of the cases. Values follow docs/model.md §6 (validation-
// quadratic: σ = η = 0.01, x0 ~ N(0, I); saddle-quadratic: λ = (1×5, −1×5), μ = 1, x0 = 0.02·1)
// so that no path diverges: a frozen path would do less work and flatter the throughput.
import { resolveConfig, type ProblemSpec, type ResolvedConfig } from '../../src/config/schema.js';
import type { Dynamics } from '../../src/dynamics/names.js';
import { isModel } from '../../src/dynamics/names.js';
import { createProblemTwin, isSampledProblem } from '../../src/problems/index.js';
import { stepWork, type StepWork } from '../work.js';

export interface BenchProblem {
  /** Short id used in case ids and tables. */
  name: string;
  spec: ProblemSpec;
  /** Absent: the problem's default (docs/model.md §5). */
  x0?: ResolvedConfig['x0'];
  /** For tables. */
  description: string;
}

export function wishart(dim: number): BenchProblem {
  return {
    name: `wishart${dim}`,
    spec: { kind: 'quadratic', hessian: { wishart: { dim, seed: 1 } } },
    x0: { normal: { std: 1, seed: 2 } },
    description: `quadratic d=${dim} Wishart`,
  };
}

/** The 3-d linear case: a diagonal quadratic, so SGD-SDE is a 3-d Ornstein–Uhlenbeck process. */
export const DIAGONAL_3D: BenchProblem = {
  name: 'diag3',
  spec: { kind: 'quadratic', hessian: { eigenvalues: [1, 0.5, 0.25] } },
  x0: { normal: { std: 1, seed: 2 } },
  description: 'quadratic d=3 diagonal (1, 0.5, 0.25)',
};

export const SADDLE_10: BenchProblem = {
  name: 'saddle10',
  spec: { kind: 'saddle', eigenvalues: [1, 1, 1, 1, 1, -1, -1, -1, -1, -1], quartic: 1 },
  x0: { constant: 0.02 },
  description: 'saddle d=10, μ=1',
};

/** docs/model.md §6's networks (their validation settings of size and weight decay). */
export const NETWORKS: BenchProblem[] = [
  {
    name: 'mlp-iris',
    spec: { kind: 'mlp', dataset: 'iris', hidden: 20, activation: 'linear', weightDecay: 0.1 },
    description: 'mlp iris, linear, h=20',
  },
  {
    name: 'mlp-breast-cancer',
    spec: { kind: 'mlp', dataset: 'breast-cancer', hidden: 30, activation: 'sigmoid', weightDecay: 0.1 },
    description: 'mlp breast-cancer, sigmoid, h=30',
  },
  {
    name: 'teacher-student',
    spec: {
      kind: 'teacher-student', inputs: 5, samples: 10, hidden: 100, outputs: 1, teacherHidden: 100,
      activation: 'sigmoid', teacherActivation: 'sigmoid', weightDecay: 0.01, seed: 0,
    },
    description: 'teacher-student 5→100→1',
  },
  {
    name: 'deep-linear',
    spec: { kind: 'deep-linear', dataset: 'iris', hidden: 10, lambda: 0.001 },
    x0: { constant: 0.02 },
    description: 'deep-linear iris, h=10',
  },
];

export const RUN = { sigma: 0.01, eta: 0.01, rho: 0.1, seed: 7 } as const;

/** One dynamics, one ρ, records only at step 0 and the last step (the kernel's own cost). */
export function singleConfig(problem: BenchProblem, dynamics: Dynamics, paths: number, steps: number): ResolvedConfig {
  const model = isModel(dynamics);
  return resolveConfig({
    problem: problem.spec,
    ...(problem.x0 ? { x0: problem.x0 } : {}),
    noise: { sigma: RUN.sigma },
    eta: RUN.eta,
    rho: RUN.rho,
    steps,
    paths,
    seed: RUN.seed,
    algorithms: model ? [] : [dynamics],
    models: model ? [dynamics] : [],
    recordEvery: steps,
    compare: [],
  });
}

export function workOf(config: ResolvedConfig, dynamics: Dynamics): StepWork {
  const twin = createProblemTwin(config.problem);
  const kind = config.problem.kind;
  return stepWork(dynamics, {
    kind: kind === 'quadratic' || kind === 'saddle' ? kind : 'network',
    dim: twin.dim,
    samples: isSampledProblem(twin) ? twin.samples : undefined,
    substeps: config.substeps,
    samInner: config.samInner,
    coupling: config.coupling,
  });
}
