// (c) HVPs per second and GFLOP/s per problem: USAM-SDE (one gradient and two HVPs per step,
// bench/work.ts) on the Wishart quadratic at several dimensions (above 128, at each of the
// profile's threads per path), the 3-d diagonal quadratic,
// the saddle and docs/model.md §5's networks (with their twin and numpy peers). A problem the GPU cannot run yet (a network
// before its WGSL module exists) is reported as skipped with the error, not left out.
import { measureSize, skippedCase, type BenchEnv, type CaseBase } from '../measure.js';
import { peerRuns } from './peers.js';
import type { CaseResult } from '../results.js';
import { REGISTER_DIM_MAX } from '../../src/simulate/registerVectors.js';
import { DIAGONAL_3D, NETWORKS, SADDLE_10, singleConfig, wishart, workOf, type BenchProblem } from './configs.js';

const MODEL = 'USAM-SDE';
/**
 * The least steps a network case runs. A network run pays two record passes (the initial and
 * the final full-batch gradient and loss) and its set-up once: at the 4 steps the time budget
 * gives the Breast Cancer MLP on SwiftShader that is ~20 % of the run (256 paths: 1.73 s for
 * 4 steps, 2.97 s for 8, 5.6 s for 16), so its rate would measure the run's ends, not its steps.
 */
const NETWORK_MIN_STEPS = 16;

export async function problemCases(env: BenchEnv, emit: (result: CaseResult) => void): Promise<void> {
  const { profile } = env;
  // Above the register budget, one case per swept thread count (or one at the adapter's default).
  const wishartCases = profile.wishartDims.flatMap((d): [BenchProblem, number, number?][] =>
    (d > REGISTER_DIM_MAX && profile.largeProblemThreads.length > 0
      ? profile.largeProblemThreads.map((threads): [BenchProblem, number, number] => [wishart(d), profile.problemPaths, threads])
      : [[wishart(d), profile.problemPaths]]));
  const problems: [BenchProblem, number, number?][] = [
    ...wishartCases,
    ...(profile.includeDiagonal ? [[DIAGONAL_3D, profile.problemPaths] as [BenchProblem, number]] : []),
    ...(profile.includeSaddle ? [[SADDLE_10, profile.problemPaths] as [BenchProblem, number]] : []),
    ...(profile.networkPaths > 0 ? NETWORKS.map((n): [BenchProblem, number] => [n, profile.networkPaths]) : []),
  ];
  for (const [problem, paths, threads] of problems) {
    const base = (steps: number): CaseBase => ({
      id: `problem/${MODEL}/${problem.name}${threads ? `/T${threads}` : ''}/${paths}/gpu`,
      group: 'problem',
      runner: 'gpu',
      subject: MODEL,
      problem: threads ? `${problem.description}, ${threads} threads a path` : problem.description,
      paths,
      steps,
      params: threads ? { largeProblemThreads: threads } : {},
    });
    try {
      const work = workOf(singleConfig(problem, MODEL, 1, 1), MODEL);
      const isNetwork = NETWORKS.includes(problem);
      const outcome = await measureSize(env, {
        base,
        config: (steps) => singleConfig(problem, MODEL, paths, steps),
        ...(threads ? { options: { largeProblemThreads: threads } } : {}),
        paths,
        ...(isNetwork ? { minSteps: NETWORK_MIN_STEPS } : {}),
        work,
        // The networks run their peers beside them (the float64 twin and numpy's vectorised
        // forward, backward and R-op), so the table reports their ratios.
        ...(isNetwork ? { peers: (steps: number) => peerRuns(env, singleConfig(problem, MODEL, paths, steps), MODEL, steps, base(steps), work) } : {}),
      });
      emit(outcome.gpu);
      outcome.peers.forEach(emit);
    } catch (e) {
      if (env.ctx.isLost) throw e;
      const message = (e as Error).message.split('\n')[0];
      env.log(`  ${problem.name}: skipped (${message})`);
      emit(skippedCase(base(0), `cannot run: ${message}`));
    }
  }
}
