// (a) Each SDE model's fused Euler–Maruyama kernel on the d = 20 Wishart quadratic, over a
// ladder of path counts, with the peers at profile.peerPaths; and steps per dispatch varied
// through simulate()'s targetSliceSeconds (the runner sizes its fused dispatches to it).
import type { Model } from '../../src/dynamics/names.js';
import { measureSize, type BenchEnv, type CaseBase } from '../measure.js';
import type { Profile } from '../profiles.js';
import type { CaseResult } from '../results.js';
import { singleConfig, wishart, workOf } from './configs.js';
import { peerRuns } from './peers.js';

const PROBLEM = wishart(20);

/**
 * Peers run at the ladder's first size (always measured) and at profile.peerPaths (the issue's
 * 65 536, when the cap lets the GPU reach it): the twin's rate does not depend on the path
 * count, numpy's does (vectorisation), so two sizes show that and keep the peers' cost small.
 */
export function withPeers(profile: Profile, ladder: number[], paths: number): boolean {
  return paths === ladder[0] || paths === profile.peerPaths;
}

function base(model: Model, paths: number, steps: number, group: 'kernel' | 'dispatch', extra = ''): CaseBase {
  return {
    id: `${group}/${model}/${PROBLEM.name}/${paths}${extra}/gpu`,
    group,
    runner: 'gpu',
    subject: model,
    problem: 'quadratic d=20 Wishart',
    paths,
    steps,
    params: {},
  };
}

export async function kernelCases(env: BenchEnv, emit: (result: CaseResult) => void): Promise<void> {
  const { profile } = env;
  for (const model of profile.kernelModels) {
    let previousRate: number | undefined;
    for (const paths of profile.kernelPaths) {
      const work = workOf(singleConfig(PROBLEM, model, 1, 1), model);
      const outcome = await measureSize(env, {
        base: (steps) => base(model, paths, steps, 'kernel'),
        config: (steps) => singleConfig(PROBLEM, model, paths, steps),
        paths,
        previousRate,
        work,
        peers: withPeers(profile, profile.kernelPaths, paths)
          ? (steps) => peerRuns(env, singleConfig(PROBLEM, model, paths, steps), model, steps, base(model, paths, steps, 'kernel'), work)
          : undefined,
      });
      previousRate = outcome.rate;
      emit(outcome.gpu);
      outcome.peers.forEach(emit);
    }
  }
}

export async function dispatchCases(env: BenchEnv, emit: (result: CaseResult) => void): Promise<void> {
  const { profile } = env;
  const model: Model = 'USAM-SDE';
  const paths = profile.dispatchPaths;
  const work = workOf(singleConfig(PROBLEM, model, 1, 1), model);
  let previousRate: number | undefined;
  // The first target sizes the step count; the others run the same steps, for comparison.
  let fixedSteps: number | undefined;
  for (const target of profile.sliceTargets) {
    const outcome = await measureSize(env, {
      base: (steps) => ({
        ...base(model, paths, steps, 'dispatch', `/slice${target}`),
        params: { targetSliceSeconds: target },
      }),
      config: (steps) => singleConfig(PROBLEM, model, paths, steps),
      paths,
      steps: fixedSteps,
      previousRate,
      work,
      options: { targetSliceSeconds: target },
    });
    previousRate = outcome.rate;
    if (!outcome.gpu.skipped) fixedSteps ??= outcome.gpu.steps;
    emit(outcome.gpu);
  }
}
