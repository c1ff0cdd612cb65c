// The run config (DESIGN.md "config → plan → ..."): one zod schema with defaults filled in, plus
// the cross-field checks zod cannot express (dimensions, symmetry, compare pairs). Every failure
// is a ConfigError naming the field, the value and what is allowed.
import { z } from 'zod';
import {
  ALGORITHMS, MODELS, isModel, type Algorithm, type Dynamics, type Model,
} from '../dynamics/names';
import { ConfigError, issueToConfigError } from './errors';

export { ConfigError } from './errors';

// ---- Resolved types (what the rest of the house reads) ----

export type HessianSpec =
  | { eigenvalues: number[] }
  | { matrix: number[][] }
  | { wishart: { dim: number; seed: number } };

/** SPEC section 5, `quadratic`; an absent minimizer means x* = 0. */
export interface QuadraticProblem { kind: 'quadratic'; hessian: HessianSpec; minimizer?: number[] }
/** SPEC section 5, `saddle`: λ = eigenvalues, μ = quartic. */
export interface SaddleProblem { kind: 'saddle'; eigenvalues: number[]; quartic: number }
export type ProblemSpec = QuadraticProblem | SaddleProblem;

export type X0Spec = number[] | { normal: { std: number; seed: number } } | { constant: number };

export interface ResolvedConfig {
  problem: ProblemSpec;
  x0: X0Spec;
  /** Mode A noise only (SPEC section 1); mode B needs a problem with data. */
  noise: { sigma: number };
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
}

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

const PROBLEM_KINDS = ['quadratic', 'saddle'] as const;
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
], {
  error: (issue) => (issue.code === 'invalid_union'
    ? `a kind, ${nameList(PROBLEM_KINDS)}`
    : `an object {kind: ${PROBLEM_KINDS.join(' | ')}, ...}`),
});

const X0_DEFAULT = { normal: { std: 1, seed: 1 } };
const x0Schema = z.union([
  z.array(finite()),
  strict({ normal: strict({ std: positive().default(1), seed: u32() }, '{std?: number > 0, seed: u32}') },
    '{normal: {std?, seed}}'),
  strict({ constant: finite() }, '{constant: number}'),
], 'a list of numbers (one per dimension), {normal: {std?, seed}} or {constant: number}');

const RHO = 'a finite number >= 0, or a non-empty list of them';
const ALGORITHM_NAME = nameList(ALGORITHMS);
const MODEL_NAME = nameList(MODELS);

const configSchema = strict({
  problem: problemSchema,
  x0: x0Schema.default(() => structuredClone(X0_DEFAULT)),
  // batchSize is accepted by the shape only to give mode B its own message below.
  noise: strict({ sigma: nonNegative(), batchSize: z.unknown().optional() }, '{sigma: number >= 0}', ['sigma']),
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
}, 'a config object');

type ParsedConfig = z.output<typeof configSchema>;

// ---- Cross-field checks ----

/** The problem's dimension d (SPEC section 5). */
export function problemDimension(problem: ProblemSpec): number {
  if (problem.kind === 'saddle') return problem.eigenvalues.length;
  const h = problem.hessian;
  if ('eigenvalues' in h) return h.eigenvalues.length;
  if ('matrix' in h) return h.matrix.length;
  return h.wishart.dim;
}

/** Square and symmetric to 1e-9 of the largest entry: SPEC section 5 asks for a symmetric H. */
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

/** SPEC section 6: each algorithm against its own model, its drift-only ablation and the SGD SDE. */
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

function resolveParsed(parsed: ParsedConfig): ResolvedConfig {
  const problem = parsed.problem;
  if (parsed.noise.batchSize !== undefined) {
    throw new ConfigError('noise.batchSize', parsed.noise.batchSize,
      `mini-batch noise (mode B) needs a problem with data; not available for quadratic/saddle (problem.kind is "${problem.kind}")`);
  }
  if (problem.kind === 'quadratic' && 'matrix' in problem.hessian) checkMatrix(problem.hessian.matrix);
  const dim = problemDimension(problem);
  const perDimension = `a list of ${dim} finite numbers (the problem's dimension)`;
  if (problem.kind === 'quadratic' && problem.minimizer && problem.minimizer.length !== dim) {
    throw new ConfigError('problem.minimizer', problem.minimizer, perDimension);
  }
  if (Array.isArray(parsed.x0) && parsed.x0.length !== dim) throw new ConfigError('x0', parsed.x0, perDimension);

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

  return {
    problem,
    x0: parsed.x0,
    noise: { sigma: parsed.noise.sigma },
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
  };
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
