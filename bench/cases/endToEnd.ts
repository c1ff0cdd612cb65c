// (e) validation-quadratic end to end (docs/model.md §6) at a reduced size (profile.endToEnd):
// every configured algorithm and model side by side, the default comparisons, the default
// 200-odd recorded times with their on-GPU reductions, one simulate() call per repetition.
// The GPU time per pass label shows where the time goes (advance, reductions, init).
import { resolveConfig, type ResolvedConfig } from '../../src/config/schema.js';
import { measureSize, type BenchEnv } from '../measure.js';
import type { CaseResult } from '../results.js';
import { stepWork } from '../work.js';
import { RUN, wishart } from './configs.js';

export function validationConfig(env: BenchEnv, steps: number): ResolvedConfig {
  const size = env.profile.endToEnd;
  const problem = wishart(20);
  return resolveConfig({
    problem: problem.spec,
    x0: problem.x0,
    noise: { sigma: 0.01 },
    eta: 0.01,
    rho: size.rho,
    steps,
    paths: size.paths,
    seed: RUN.seed,
    ...(size.algorithms ? { algorithms: size.algorithms } : {}),
    ...(size.models ? { models: size.models } : {}),
  });
}

export async function endToEndCases(env: BenchEnv, emit: (result: CaseResult) => void): Promise<void> {
  const size = env.profile.endToEnd;
  const full = validationConfig(env, size.steps);
  const dynamics = [...full.algorithms, ...full.models];
  // Average work per path-step over the dynamics (each runs the same paths and steps).
  const works = dynamics.map((d) => stepWork(d, { kind: 'quadratic', dim: 20, substeps: full.substeps, samInner: full.samInner, coupling: full.coupling }));
  const mean = (key: 'grads' | 'hvps' | 'flops' | 'normals') => works.reduce((s, w) => s + w[key], 0) / works.length;
  const work = { grads: mean('grads'), hvps: mean('hvps'), flops: mean('flops'), normals: mean('normals') };
  const outcome = await measureSize(env, {
    base: (steps) => ({
      id: `end-to-end/validation-quadratic/${size.paths}/gpu`,
      group: 'end-to-end',
      runner: 'gpu',
      subject: 'validation-quadratic',
      problem: 'quadratic d=20 Wishart',
      paths: size.paths,
      steps,
      params: {
        rho: full.rho,
        dynamics,
        records: Math.floor(steps / full.recordEvery) + 1,
        recordEvery: full.recordEvery,
        comparisons: full.compare.length,
        pathStepsPerRepetition: full.rho.length * dynamics.length * size.paths * steps,
      },
    }),
    config: (steps) => validationConfig(env, steps),
    paths: size.paths,
    steps: size.steps,
    capRepSeconds: size.capRepSeconds,
    work,
  });
  emit(outcome.gpu);
}
