// (b) The 3-d linear SDE that GPU ensemble solvers publish figures for: SGD-SDE on a 3-d
// diagonal quadratic (an Ornstein–Uhlenbeck process), 2^k paths, a fixed 256 steps, so that
// path-steps/s can be set against theirs. Peers at profile.peerPaths when it is on the ladder.
import { measureSize, type BenchEnv, type CaseBase } from '../measure.js';
import type { CaseResult } from '../results.js';
import { DIAGONAL_3D, singleConfig, workOf } from './configs.js';
import { withPeers } from './kernels.js';
import { peerRuns } from './peers.js';

const MODEL = 'SGD-SDE';

function base(paths: number, steps: number): CaseBase {
  return {
    id: `linear3d/${MODEL}/${DIAGONAL_3D.name}/${paths}/gpu`,
    group: 'linear3d',
    runner: 'gpu',
    subject: `${MODEL} 3-d`,
    problem: 'quadratic d=3 diagonal (1, 0.5, 0.25)',
    paths,
    steps,
    params: {},
  };
}

export async function linearCases(env: BenchEnv, emit: (result: CaseResult) => void): Promise<void> {
  const { profile } = env;
  const work = workOf(singleConfig(DIAGONAL_3D, MODEL, 1, 1), MODEL);
  let previousRate: number | undefined;
  for (const paths of profile.linearPaths) {
    const outcome = await measureSize(env, {
      base: (steps) => base(paths, steps),
      config: (steps) => singleConfig(DIAGONAL_3D, MODEL, paths, steps),
      paths,
      steps: profile.linearSteps,
      previousRate,
      work,
      peers: withPeers(profile, profile.linearPaths, paths)
        ? (steps) => peerRuns(env, singleConfig(DIAGONAL_3D, MODEL, paths, steps), MODEL, steps, base(paths, steps), work)
        : undefined,
    });
    previousRate = outcome.rate;
    emit(outcome.gpu);
    outcome.peers.forEach(emit);
  }
}
