// (c) HVPs per second and GFLOP/s per problem: USAM-SDE (one gradient and two HVPs per step,
// bench/work.ts) on the Wishart quadratic at several dimensions (above 128, at each of the
// profile's kernel shapes), the 3-d diagonal quadratic, the saddle and docs/model.md §5's
// networks (at each of the profile's path slots; with their twin and numpy peers, once). A problem the GPU cannot run yet (a network
// before its WGSL module exists) is reported as skipped with the error, not left out.
import { measureSize, skippedCase, type BenchEnv, type CaseBase } from '../measure.js';
import { peerRuns } from './peers.js';
import type { CaseResult } from '../results.js';
import { REGISTER_DIM_MAX } from '../../src/simulate/registerVectors.js';
import type { SimulateOptions } from '../../src/simulate/runner.js';
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
  // A kernel shape swept by the profile: one case per shape (or one at the adapter's default).
  interface Shape { options: SimulateOptions; tag: string; label: string }
  const largeShapes: (Shape | undefined)[] = profile.largeProblemShapes.length === 0 ? [undefined]
    : profile.largeProblemShapes.map(([threads, slots]) => ({
      options: { largeProblemThreads: threads, largeProblemSlots: slots },
      tag: `T${threads}S${slots}`,
      label: `${threads} threads a path, ${slots} paths a workgroup`,
    }));
  const networkShapes: (Shape | undefined)[] = profile.networkPathSlots.length === 0 ? [undefined]
    : profile.networkPathSlots.map((slots) => ({ options: { networkPathSlots: slots }, tag: `S${slots}`, label: `paths a workgroup: ${slots}` }));
  const problems: [BenchProblem, number, Shape?][] = [
    ...profile.wishartDims.flatMap((d) => (d > REGISTER_DIM_MAX ? largeShapes : [undefined])
      .map((shape): [BenchProblem, number, Shape?] => [wishart(d), profile.problemPaths, shape])),
    ...(profile.includeDiagonal ? [[DIAGONAL_3D, profile.problemPaths] as [BenchProblem, number]] : []),
    ...(profile.includeSaddle ? [[SADDLE_10, profile.problemPaths] as [BenchProblem, number]] : []),
    ...(profile.networkPaths > 0
      ? NETWORKS.flatMap((n) => networkShapes.map((shape): [BenchProblem, number, Shape?] => [n, profile.networkPaths, shape]))
      : []),
  ];
  for (const [problem, paths, shape] of problems) {
    const base = (steps: number): CaseBase => ({
      id: `problem/${MODEL}/${problem.name}${shape ? `/${shape.tag}` : ''}/${paths}/gpu`,
      group: 'problem',
      runner: 'gpu',
      subject: MODEL,
      problem: shape ? `${problem.description}, ${shape.label}` : problem.description,
      paths,
      steps,
      params: shape ? { ...shape.options } as CaseBase['params'] : {},
    });
    try {
      const work = workOf(singleConfig(problem, MODEL, 1, 1), MODEL);
      const isNetwork = NETWORKS.includes(problem);
      const withPeers = isNetwork && (!shape || shape === networkShapes[0]);
      const outcome = await measureSize(env, {
        base,
        config: (steps) => singleConfig(problem, MODEL, paths, steps),
        ...(shape ? { options: shape.options } : {}),
        paths,
        ...(isNetwork ? { minSteps: NETWORK_MIN_STEPS } : {}),
        work,
        // The networks run their peers beside them (the float64 twin and numpy's vectorised
        // forward, backward and R-op), so the table reports their ratios.
        ...(withPeers ? { peers: (steps: number) => peerRuns(env, singleConfig(problem, MODEL, paths, steps), MODEL, steps, base(steps), work) } : {}),
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
