// (f) Pipeline compile time per problem (issue 10: ≤ 3 s a pipeline on SwiftShader). Each
// problem gets a new device, so nothing comes from the per-device program cache; every
// dynamics' advance pipeline is then compiled one after another and timed (wall and CPU).
// The shader module's creation is timed apart: Dawn parses and validates the WGSL there,
// while the driver (SwiftShader: LLVM) compiles per pipeline.
import { ALGORITHMS, MODELS, type Dynamics } from '../../src/dynamics/names.js';
import { problemUniforms } from '../../src/problems/index.js';
import { SimulationKernels } from '../../src/simulate/kernels.js';
import { skippedCase, type BenchEnv } from '../measure.js';
import type { CaseResult } from '../results.js';
import { load1, spread, timed } from '../stats.js';
import { DIAGONAL_3D, NETWORKS, SADDLE_10, singleConfig, wishart, type BenchProblem } from './configs.js';

const EVERY: Dynamics[] = [...ALGORITHMS, ...MODELS];

export async function compileCases(env: BenchEnv, emit: (result: CaseResult) => void): Promise<void> {
  const problems: BenchProblem[] = [
    ...env.profile.wishartDims.map(wishart),
    ...(env.profile.includeDiagonal ? [DIAGONAL_3D] : []),
    ...(env.profile.includeSaddle ? [SADDLE_10] : []),
    ...(env.profile.networkPaths > 0 ? NETWORKS : []),
  ];
  for (const problem of problems) {
    const base = {
      id: `compile/${problem.name}/gpu`, group: 'compile' as const, runner: 'gpu' as const,
      subject: `${EVERY.length} advance pipelines`, problem: problem.description, params: {},
    };
    if (performance.now() > env.deadline) {
      emit(skippedCase(base, 'suite time budget (--budget) used up'));
      continue;
    }
    if (!env.newContext) {
      emit(skippedCase(base, 'no second device available to compile on'));
      continue;
    }
    const ctx = await env.newContext(`bench.compile.${problem.name}`);
    try {
      const config = singleConfig(problem, 'SGD', 64, 2);
      const loadBefore = load1();
      const module = await timed(() => SimulationKernels.create(ctx, env.sources, { kind: config.problem.kind, ...problemUniforms(config.problem) }));
      const wall: number[] = [];
      const cpu: number[] = [];
      for (const name of EVERY) {
        const clock = await timed(() => module.value.advance(name));
        wall.push(clock.wallSeconds);
        cpu.push(clock.cpuSeconds);
      }
      module.value.destroy();
      const worst = EVERY[wall.indexOf(Math.max(...wall))];
      emit({
        ...base,
        params: { moduleSeconds: module.wallSeconds, slowest: worst, perPipelineWallSeconds: wall },
        repetitions: EVERY.length,
        metrics: { wallSeconds: spread(wall), cpuSeconds: spread(cpu) },
        load: [loadBefore, load1()],
      });
      env.log(`  ${problem.name}: module ${module.wallSeconds.toFixed(2)} s, pipelines median ${spread(wall).median.toFixed(2)} s, max ${Math.max(...wall).toFixed(2)} s (${worst})`);
    } finally {
      ctx.destroy();
    }
  }
}
