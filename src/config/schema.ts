// The run config (DESIGN.md "config → plan → ..."): one zod schema with defaults filled in, plus
// the cross-field checks zod cannot express (dimensions, symmetry, compare pairs). Every failure
// is a ConfigError naming the field, the value and what is allowed.
import { z } from 'zod';
import {
  ALGORITHMS, MODELS, isModel, type Algorithm, type Dynamics, type Model,
} from '../dynamics/names';
import { ConfigError, issueToConfigError } from './errors';
import { DATASET_NAMES, type DatasetName } from '../problems/data';
import { datasetShape, shapeDimension, type NetworkShape } from '../problems/shapes';

export { ConfigError } from './errors';

// ---- Resolved types (what the rest of the house reads) ----

export type HessianSpec =
  | { eigenvalues: number[] }
  | { matrix: number[][] }
  | { wishart: { dim: number; seed: number } };

/** docs/model.md §5, `quadratic`; an absent minimizer means x* = 0. */
export interface QuadraticProblem { kind: 'quadratic'; hessian: HessianSpec; minimizer?: number[] }
/** docs/model.md §5, `saddle`: λ = eigenvalues, μ = quartic. */
export interface SaddleProblem { kind: 'saddle'; eigenvalues: number[]; quartic: number }
export type Activation = 'linear' | 'sigmoid';
/**
 * docs/model.md §5, `mlp`: one hidden layer, no biases, on a data set; softmax cross-entropy
 * (Iris) or logistic loss (Breast Cancer), plus (weightDecay/2)‖x‖².
 */
export interface MlpProblem {
  kind: 'mlp'; dataset: DatasetName; hidden: number; activation: Activation; weightDecay: number;
}
/**
 * docs/model.md §5, `teacher-student`: inputs X (samples × inputs) ~ N(0, 1/inputs) and a
 * random teacher inputs → teacherHidden → outputs, all from `seed`; the student is
 * inputs → hidden → outputs; loss mean((ŷ − y)²) + (weightDecay/2)‖x‖².
 */
export interface TeacherStudentProblem {
  kind: 'teacher-student'; inputs: number; samples: number; hidden: number; outputs: number;
  teacherHidden: number; activation: Activation; teacherActivation: Activation; weightDecay: number; seed: number;
}
/** docs/model.md §5, `deep-linear`: f = (1/2N)‖X W1 W2 − Y‖²_F + (λ/2)‖x‖². */
export interface DeepLinearProblem { kind: 'deep-linear'; dataset: DatasetName; hidden: number; lambda: number }
export type NetworkProblem = MlpProblem | TeacherStudentProblem | DeepLinearProblem;
export type ProblemSpec = QuadraticProblem | SaddleProblem | NetworkProblem;

export function isNetworkProblem(problem: ProblemSpec): problem is NetworkProblem {
  return problem.kind === 'mlp' || problem.kind === 'teacher-student' || problem.kind === 'deep-linear';
}

export type X0Spec = number[] | { normal: { std: number; seed: number } } | { constant: number };

export interface ResolvedConfig {
  problem: ProblemSpec;
  x0: X0Spec;
  /**
   * docs/model.md §1. Mode A: Gaussian injection of scale sigma. Mode B (problems with data):
   * mini-batches of batchSize samples drawn with replacement; sigma is then 0.
   */
  noise: { sigma: number; batchSize?: number };
  eta: number;
  rho: number[];
  steps: number;
  paths: number;
  seed: number;
  algorithms: Algorithm[];
  models: Model[];
  substeps: number;
  coupling: 'shared' | 'independent';
  samInner: number;
  recordEvery: number;
  divergeAbove: number;
  compare: [Dynamics, Model][];
  /** docs/model.md §8: Hessian trace and top eigenvalue along the paths; absent: no readouts. */
  sharpness?: SharpnessSpec;
}

/**
 * docs/model.md §8. Every `every` steps (a multiple of recordEvery, step 0 included), per path of
 * every dynamics: Hutchinson's trace with `probes` Rademacher probes and Lanczos' top eigenvalue
 * after `iterations` steps.
 */
export interface SharpnessSpec { every: number; probes: number; iterations: number }

/** Largest probe count and Lanczos iteration count a sharpness readout takes (docs/model.md §8). */
export const SHARPNESS_PROBES_MAX = 64;
export const SHARPNESS_ITERATIONS_MAX = 64;

// ---- Leaf schemas: each carries its "allowed" text as its only error message ----

const U32_MAX = 2 ** 32 - 1;
const FINITE = 'a finite number';

const finite = (allowed = FINITE) => z.number(allowed);
const positive = (allowed = 'a finite number > 0') => z.number(allowed).gt(0, allowed);
const nonNegative = (allowed = 'a finite number >= 0') => z.number(allowed).min(0, allowed);
const intIn = (lo: number, hi: number, allowed = `an integer in ${lo}..${hi}`) =>
  z.number(allowed).int(allowed).min(lo, allowed).max(hi, allowed);
const u32 = () => intIn(0, U32_MAX, `an integer in 0..${U32_MAX} (u32)`);
const finiteList = (allowed: string) => z.array(finite(), allowed).min(1, allowed);
const nameList = (names: readonly string[]) => `one of: ${names.join(', ')}`;

/** A strict object whose stray keys are reported with the keys that are known. */
function strict<S extends z.core.$ZodLooseShape>(shape: S, what: string, known = Object.keys(shape)) {
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `only the keys ${known.join(', ')}` : what),
  });
}

const PATHS_MAX = 2 ** 24;
export const fieldSchemas = {
  steps: intIn(1, 1e8),
  paths: intIn(1, PATHS_MAX, `an integer in 1..${PATHS_MAX} (2^24)`),
  seed: u32(),
} as const;

// ---- The config schema ----

const EIGENVALUES = 'a non-empty list of finite numbers';
const MATRIX = 'a non-empty list of rows, each a non-empty list of finite numbers';
const hessianSchema = z.union([
  strict({ eigenvalues: finiteList(EIGENVALUES) }, '{eigenvalues: number[]}'),
  strict({ matrix: z.array(finiteList(MATRIX), MATRIX).min(1, MATRIX) }, '{matrix: number[][]}'),
  strict({
    wishart: strict({ dim: intIn(1, 4096), seed: u32() }, '{dim: integer 1..4096, seed: u32}'),
  }, '{wishart: {dim, seed}}'),
], 'one of {eigenvalues: number[]}, {matrix: number[][]}, {wishart: {dim, seed}}');

const PROBLEM_KINDS = ['quadratic', 'saddle', 'mlp', 'teacher-student', 'deep-linear'] as const;
const DATASET = nameList(DATASET_NAMES);
const ACTIVATION = 'one of: linear, sigmoid';
const datasetSchema = z.enum(DATASET_NAMES as [DatasetName, ...DatasetName[]], DATASET);
const activationSchema = z.enum(['linear', 'sigmoid'], ACTIVATION);
const size = (hi: number) => intIn(1, hi);
const problemSchema = z.discriminatedUnion('kind', [
  strict({
    kind: z.literal('quadratic'),
    hessian: hessianSchema,
    minimizer: finiteList('a list of finite numbers, one per dimension').optional(),
  }, '{kind: "quadratic", hessian, minimizer?}'),
  strict({
    kind: z.literal('saddle'),
    eigenvalues: finiteList(EIGENVALUES),
    quartic: nonNegative().default(0),
  }, '{kind: "saddle", eigenvalues, quartic?}'),
  strict({
    kind: z.literal('mlp'),
    dataset: datasetSchema,
    hidden: size(4096),
    activation: activationSchema.default('sigmoid'),
    weightDecay: nonNegative().default(0),
  }, '{kind: "mlp", dataset, hidden, activation?, weightDecay?}'),
  strict({
    kind: z.literal('teacher-student'),
    inputs: size(4096).default(5),
    samples: size(1 << 20).default(10),
    hidden: size(4096).default(100),
    outputs: size(256).default(1),
    teacherHidden: size(4096).default(100),
    activation: activationSchema.default('sigmoid'),
    teacherActivation: activationSchema.default('sigmoid'),
    weightDecay: nonNegative().default(0.01),
    seed: u32().default(0),
  }, '{kind: "teacher-student", inputs?, samples?, hidden?, outputs?, teacherHidden?, activation?, teacherActivation?, weightDecay?, seed?}'),
  strict({
    kind: z.literal('deep-linear'),
    dataset: datasetSchema,
    hidden: size(4096),
    lambda: nonNegative().default(0),
  }, '{kind: "deep-linear", dataset, hidden, lambda?}'),
], {
  error: (issue) => (issue.code === 'invalid_union'
    ? `a kind, ${nameList(PROBLEM_KINDS)}`
    : `an object {kind: ${PROBLEM_KINDS.join(' | ')}, ...}`),
});

// x0 defaults per problem (docs/model.md §5): N(0, I) for quadratic and saddle, N(0, 1/h) for
// the MLPs, 0.02·1 for deep-linear; `{normal}` without std takes the problem's std.
const X0_SEED = 1;
const x0Schema = z.union([
  z.array(finite()),
  strict({ normal: strict({ std: positive().optional(), seed: u32() }, '{std?: number > 0, seed: u32}') },
    '{normal: {std?, seed}}'),
  strict({ constant: finite() }, '{constant: number}'),
], 'a list of numbers (one per dimension), {normal: {std?, seed}} or {constant: number}');

const RHO = 'a finite number >= 0, or a non-empty list of them';
const ALGORITHM_NAME = nameList(ALGORITHMS);
const MODEL_NAME = nameList(MODELS);

const configSchema = strict({
  problem: problemSchema,
  x0: x0Schema.optional(),
  noise: strict({
    sigma: nonNegative('a finite number >= 0 (mode A), or give batchSize instead (mode B)').optional(),
    batchSize: intIn(1, 1 << 20, 'an integer in 1..1048576 (mini-batch size, mode B)').optional(),
  }, '{sigma: number >= 0} (mode A) or {batchSize: integer >= 1} (mode B)'),
  eta: positive(),
  rho: z.union([nonNegative(RHO), z.array(nonNegative(RHO), RHO).min(1, RHO)], RHO),
  steps: fieldSchemas.steps,
  paths: fieldSchemas.paths,
  seed: fieldSchemas.seed.default(0),
  algorithms: z.array(z.enum(ALGORITHMS, ALGORITHM_NAME), `a list of ${ALGORITHM_NAME}`)
    .default(() => [...ALGORITHMS]),
  models: z.array(z.enum(MODELS, MODEL_NAME), `a list of ${MODEL_NAME}`).default(() => [...MODELS]),
  substeps: intIn(1, 1024).default(1),
  coupling: z.enum(['shared', 'independent'], 'one of: shared, independent').default('shared'),
  samInner: intIn(1, 1024).default(16),
  recordEvery: intIn(1, Number.MAX_SAFE_INTEGER, 'an integer >= 1').optional(),
  divergeAbove: positive().default(1e6),
  compare: z.array(
    z.tuple([
      z.enum([...ALGORITHMS, ...MODELS], `${ALGORITHM_NAME}, ${MODELS.join(', ')}`),
      z.enum(MODELS, MODEL_NAME),
    ], 'a pair [algorithm or model, model]'),
    'a list of [algorithm or model, model] pairs',
  ).optional(),
  sharpness: strict({
    every: intIn(1, Number.MAX_SAFE_INTEGER, 'an integer >= 1, a multiple of recordEvery'),
    probes: intIn(1, SHARPNESS_PROBES_MAX),
    iterations: intIn(1, SHARPNESS_ITERATIONS_MAX,
      `an integer in 1..${SHARPNESS_ITERATIONS_MAX}, at most the problem's dimension`),
  }, '{every: integer, probes: integer, iterations: integer}').optional(),
}, 'a config object');

type ParsedConfig = z.output<typeof configSchema>;

// ---- Cross-field checks ----

/** Sizes of a network problem, known from its config alone (docs/model.md §5). */
export function networkShape(problem: NetworkProblem): NetworkShape {
  if (problem.kind === 'teacher-student') {
    return { inputs: problem.inputs, hidden: problem.hidden, outputs: problem.outputs, samples: problem.samples };
  }
  return datasetShape(problem.dataset, problem.hidden);
}

/** The problem's dimension d (docs/model.md §5). */
export function problemDimension(problem: ProblemSpec): number {
  if (isNetworkProblem(problem)) return shapeDimension(networkShape(problem));
  if (problem.kind === 'saddle') return problem.eigenvalues.length;
  const h = problem.hessian;
  if ('eigenvalues' in h) return h.eigenvalues.length;
  if ('matrix' in h) return h.matrix.length;
  return h.wishart.dim;
}

/** Square and symmetric to 1e-9 of the largest entry: docs/model.md §5 asks for a symmetric H. */
function checkMatrix(matrix: number[][]): void {
  const n = matrix.length;
  matrix.forEach((row, i) => {
    if (row.length !== n) {
      throw new ConfigError(`problem.hessian.matrix[${i}]`, row, `a row of ${n} numbers (the matrix must be square)`);
    }
  });
  const largest = Math.max(...matrix.map((row) => Math.max(...row.map(Math.abs))));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (Math.abs(matrix[i][j] - matrix[j][i]) > 1e-9 * largest) {
        throw new ConfigError(`problem.hessian.matrix[${i}][${j}]`, matrix[i][j],
          `matrix[${j}][${i}] = ${matrix[j][i]} within 1e-9·max|a| (the matrix must be symmetric)`);
      }
    }
  }
}

function checkUnique(field: string, names: readonly string[]): void {
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i) throw new ConfigError(`${field}[${i}]`, name, 'each name at most once');
  });
}

/** docs/model.md §6: each algorithm against its own model, its drift-only ablation and the SGD SDE. */
export function defaultCompare(algorithms: readonly Algorithm[], models: readonly Model[]): [Dynamics, Model][] {
  const pairs: [Dynamics, Model][] = [];
  for (const algorithm of algorithms) {
    const candidates: Model[] = algorithm === 'SGD'
      ? ['SGD-SDE']
      : [`${algorithm}-SDE` as Model, `${algorithm}-DRIFT` as Model, 'SGD-SDE'];
    for (const model of candidates) if (models.includes(model)) pairs.push([algorithm, model]);
  }
  return pairs;
}

function checkCompare(compare: [Dynamics, Model][], algorithms: Algorithm[], models: Model[]): void {
  const simulated = (name: Dynamics) => (isModel(name) ? models.includes(name) : algorithms.includes(name));
  const seen = new Set<string>();
  compare.forEach(([left, right], i) => {
    const key = `${left}|${right}`;
    if (!simulated(left) || !simulated(right) || left === right || seen.has(key)) {
      throw new ConfigError(`compare[${i}]`, [left, right],
        `a pair of two different simulated dynamics, listed once (algorithms: ${algorithms.join(', ') || 'none'}; `
        + `models: ${models.join(', ') || 'none'})`);
    }
    seen.add(key);
  });
}

/** The default x0, and the std of `{normal}` when the config gives none (docs/model.md §5). */
function defaultX0(problem: ProblemSpec): { std: number } | { constant: number } {
  if (problem.kind === 'deep-linear') return { constant: 0.02 };
  if (problem.kind === 'mlp' || problem.kind === 'teacher-student') return { std: 1 / Math.sqrt(problem.hidden) };
  return { std: 1 };
}

function resolveX0(problem: ProblemSpec, x0: ParsedConfig['x0']): X0Spec {
  const fallback = defaultX0(problem);
  const std = 'std' in fallback ? fallback.std : 1;
  if (x0 === undefined) return 'std' in fallback ? { normal: { std, seed: X0_SEED } } : fallback;
  if (Array.isArray(x0) || 'constant' in x0) return x0;
  return { normal: { std: x0.normal.std ?? std, seed: x0.normal.seed } };
}

function resolveNoise(parsed: ParsedConfig): ResolvedConfig['noise'] {
  const { sigma, batchSize } = parsed.noise;
  const problem = parsed.problem;
  if (batchSize !== undefined) {
    if (!isNetworkProblem(problem)) {
      throw new ConfigError('noise.batchSize', batchSize,
        `mini-batch noise (mode B) needs a problem with data; not available for quadratic/saddle (problem.kind is "${problem.kind}")`);
    }
    if (sigma !== undefined) {
      throw new ConfigError('noise.batchSize', batchSize, 'either sigma (mode A) or batchSize (mode B), not both');
    }
    if (parsed.models.includes('SAM-SDE') && parsed.samInner < 2) {
      throw new ConfigError('samInner', parsed.samInner,
        'an integer in 2..1024 with batchSize: SAM-SDE estimates its covariance from samInner ghost batches');
    }
    return { sigma: 0, batchSize };
  }
  if (sigma === undefined) {
    throw new ConfigError('noise.sigma', sigma, 'a finite number >= 0 (mode A), or give batchSize instead (mode B)');
  }
  return { sigma };
}

function resolveParsed(parsed: ParsedConfig): ResolvedConfig {
  const problem = parsed.problem;
  const noise = resolveNoise(parsed);
  const x0 = resolveX0(problem, parsed.x0);
  if (problem.kind === 'quadratic' && 'matrix' in problem.hessian) checkMatrix(problem.hessian.matrix);
  const dim = problemDimension(problem);
  const perDimension = `a list of ${dim} finite numbers (the problem's dimension)`;
  if (problem.kind === 'quadratic' && problem.minimizer && problem.minimizer.length !== dim) {
    throw new ConfigError('problem.minimizer', problem.minimizer, perDimension);
  }
  if (Array.isArray(x0) && x0.length !== dim) throw new ConfigError('x0', x0, perDimension);

  checkUnique('algorithms', parsed.algorithms);
  checkUnique('models', parsed.models);
  if (parsed.algorithms.length + parsed.models.length === 0) {
    throw new ConfigError('algorithms', parsed.algorithms, 'at least one algorithm or model between algorithms and models');
  }
  const recordEvery = parsed.recordEvery ?? Math.max(1, Math.ceil(parsed.steps / 200));
  if (recordEvery > parsed.steps) {
    throw new ConfigError('recordEvery', recordEvery, `an integer in 1..${parsed.steps} (at most steps)`);
  }
  const compare = parsed.compare ?? defaultCompare(parsed.algorithms, parsed.models);
  checkCompare(compare, parsed.algorithms, parsed.models);
  if (parsed.sharpness) checkSharpness(parsed.sharpness, recordEvery, parsed.steps, dim);

  return {
    problem,
    x0,
    noise,
    eta: parsed.eta,
    rho: typeof parsed.rho === 'number' ? [parsed.rho] : parsed.rho,
    steps: parsed.steps,
    paths: parsed.paths,
    seed: parsed.seed,
    algorithms: parsed.algorithms,
    models: parsed.models,
    substeps: parsed.substeps,
    coupling: parsed.coupling,
    samInner: parsed.samInner,
    recordEvery,
    divergeAbove: parsed.divergeAbove,
    compare,
    ...(parsed.sharpness ? { sharpness: { ...parsed.sharpness } } : {}),
  };
}

/**
 * docs/model.md §8: readouts sit on recorded steps; Lanczos needs iterations ≤ d (its Krylov
 * space cannot grow beyond d). Every problem kind has exact H·v (docs/model.md §5), so every kind
 * accepts sharpness.
 */
function checkSharpness(sharpness: SharpnessSpec, recordEvery: number, steps: number, dim: number): void {
  if (sharpness.every % recordEvery !== 0 || sharpness.every > steps) {
    throw new ConfigError('sharpness.every', sharpness.every,
      `a multiple of recordEvery (${recordEvery}) in ${recordEvery}..${steps} (at most steps)`);
  }
  const most = Math.min(SHARPNESS_ITERATIONS_MAX, dim);
  if (sharpness.iterations > most) {
    throw new ConfigError('sharpness.iterations', sharpness.iterations,
      `an integer in 1..${most} (at most ${SHARPNESS_ITERATIONS_MAX} and at most the problem's dimension ${dim})`);
  }
}

export interface ConfigOverrides { paths?: number; steps?: number; seed?: number }

/**
 * Validates a run config (parsed JSON), fills in defaults and applies command-line overrides,
 * which replace the config's own paths/steps/seed and obey the same rules.
 * @throws ConfigError for the first problem found.
 */
export function resolveConfig(input: unknown, overrides: ConfigOverrides = {}): ResolvedConfig {
  const merged: Record<string, unknown> = {};
  for (const name of ['paths', 'steps', 'seed'] as const) {
    const value = overrides[name];
    if (value === undefined) continue;
    const result = fieldSchemas[name].safeParse(value);
    if (!result.success) throw new ConfigError(`--${name}`, value, result.error.issues[0].message);
    merged[name] = value;
  }
  const withOverrides = input !== null && typeof input === 'object' && !Array.isArray(input)
    ? { ...input, ...merged }
    : input;
  const result = configSchema.safeParse(withOverrides);
  if (!result.success) throw issueToConfigError(result.error.issues[0], withOverrides);
  return resolveParsed(result.data);
}
