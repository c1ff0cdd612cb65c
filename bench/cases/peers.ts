// The peers of a GPU case at one size: the float64 twin (fewer paths, sized to a time budget)
// and the numpy peer (the same paths and steps), each one repetition per GPU repetition.
import type { ResolvedConfig } from '../../src/config/schema.js';
import { isModel, type Model } from '../../src/dynamics/names.js';
import { createProblemTwin, problemUniforms } from '../../src/problems/index.js';
import { guardEpsilon } from '../../src/simulate/runner.js';
import type { BenchEnv, CaseBase, PeerRun } from '../measure.js';
import { runNumpy } from '../peers/numpy.js';
import { runTwin, twinPathsFor } from '../peers/twin.js';
import type { StepWork } from '../work.js';

export async function peerRuns(
  env: BenchEnv, config: ResolvedConfig, model: Model, steps: number, gpuBase: CaseBase, work: StepWork,
): Promise<PeerRun[]> {
  const rho = config.rho[0];
  const twinPaths = await twinPathsFor(config, model, rho, steps, env.profile.twinSeconds, config.paths);
  const runs: PeerRun[] = [{
    base: {
      ...gpuBase,
      id: gpuBase.id.replace(/\/gpu$/, '/twin'),
      runner: 'twin',
      paths: twinPaths,
      params: { ...gpuBase.params, comparedWithPaths: config.paths, precision: 'float64', threads: 1 },
    },
    work,
    rep: () => runTwin(config, model, rho, twinPaths, steps),
  }];
  const kind = config.problem.kind;
  if (env.numpy.available && isModel(model)) {
    const peer = env.numpy.peer;
    const uniforms = problemUniforms(config.problem);
    const problem = { ...uniforms, kind: kind === 'quadratic' || kind === 'saddle' ? kind : 'network' as const };
    const job = {
      model, problem, paths: config.paths, x0Std: uniforms.network ? 1 / Math.sqrt(uniforms.network.hidden) : 1, steps, eta: config.eta, rho, sigma: config.noise.sigma,
      substeps: config.substeps, samInner: config.samInner, divergeAbove: config.divergeAbove,
      guardEps: guardEpsilon(createProblemTwin(config.problem).scale), seed: config.seed,
    };
    runs.push({
      base: {
        ...gpuBase,
        id: gpuBase.id.replace(/\/gpu$/, '/numpy'),
        runner: 'numpy',
        params: { ...gpuBase.params, precision: 'float32', rng: 'numpy PCG64 (not Threefry)', numpy: peer.numpy, python: peer.python },
      },
      work,
      rep: async () => (await runNumpy(peer, job, 1))[0],
    });
  }
  return runs;
}
