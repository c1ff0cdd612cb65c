// Runs one registered experiment by its kind and returns one result document: the result of
// src/simulate/result.ts, plus `order` (order experiments: all rungs' runs, each with its η),
// `escape` and per-dynamics `escaped` series (saddle experiments) or `minibatch` (the mini-batch
// noise experiment: one run per batch size and ρ, each with its batchSize and σ). The CLI, the
// report, the tests and the page all go through here. No Node imports.
import type { ResolvedConfig } from '../config/schema.js';
import type { ShaderSources } from '../gpu/compose.js';
import type { GpuContext } from '../gpu/device.js';
import { simulate, type SimulateOptions } from '../simulate/runner.js';
import { RESULT_SCHEMA, type SimulationResult } from '../simulate/result.js';
import { runOrder, type OrderSummary } from './order.js';
import { runSaddle, type SaddleResult } from './saddle.js';
import { runMinibatch, type MinibatchRun, type MinibatchSummary } from './minibatch.js';
import type { Experiment } from './types.js';

export type ExperimentDocument = SimulationResult & {
  experiment?: { id: string; quick: boolean };
  order?: OrderSummary;
  escape?: SaddleResult['escape'];
  /** Mini-batch noise experiments: the batch sizes, the matched σ_B and the per-pair errors (runs are MinibatchRun). */
  minibatch?: MinibatchSummary;
};

/** The runs of a mini-batch document, with their batch size and σ_B. */
export function minibatchRuns(document: ExperimentDocument): MinibatchRun[] {
  return document.minibatch ? (document.runs as MinibatchRun[]) : [];
}

export async function runExperiment(
  ctx: GpuContext, sources: ShaderSources, experiment: Experiment, config: ResolvedConfig,
  options: SimulateOptions & { quick?: boolean } = {},
): Promise<ExperimentDocument> {
  const tag = { id: experiment.id, quick: options.quick ?? false };
  // A job of several simulate() calls (an order ladder, the mini-batch stages) returns its runs
  // and its own summary; the document around them is the same.
  const staged = (outcome: Pick<ExperimentDocument, 'runs' | 'cancelled' | 'timing'>, summary: Partial<ExperimentDocument>): ExperimentDocument => ({
    schema: RESULT_SCHEMA, experiment: tag, config, adapter: ctx.adapter,
    runs: outcome.runs, cancelled: outcome.cancelled, timing: outcome.timing, ...summary,
  });
  if (experiment.kind === 'order') {
    if (!experiment.order) throw new Error(`experiment ${experiment.id} is of kind order but has no order spec`);
    const outcome = await runOrder(ctx, sources, config, experiment.order, options);
    return staged(outcome, { order: outcome.order });
  }
  if (experiment.kind === 'minibatch') {
    if (!experiment.minibatch) throw new Error(`experiment ${experiment.id} is of kind minibatch but has no minibatch spec`);
    const outcome = await runMinibatch(ctx, sources, config, experiment.minibatch, options);
    return staged(outcome, { minibatch: outcome.minibatch });
  }
  if (experiment.kind === 'saddle' && experiment.saddle) {
    return { experiment: tag, ...(await runSaddle(ctx, sources, config, experiment.saddle, options)) };
  }
  return { experiment: tag, ...(await simulate(ctx, sources, config, options)) };
}
