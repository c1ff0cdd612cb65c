// The experiment registry (src/experiments) as the page uses it: the picker's entries, the raw
// config of an experiment at paper or quick size, and the function that runs it on a context
// (one simulation, the saddle's two passes, the convergence-order ladder, or the mini-batch
// experiment's two simulations per batch size).
import type { ResolvedConfig } from '../../src/config/schema.js';
import type { GpuContext } from '../../src/gpu/device.js';
import { experimentRawConfig, unavailableReason, withOrderDefaults } from '../../src/experiments/config.js';
import { runOrder } from '../../src/experiments/order.js';
import { EXPERIMENTS, findExperiment, type Experiment, type OrderSpec } from '../../src/experiments/registry.js';
import { runSaddle } from '../../src/experiments/saddle.js';
import { runMinibatch } from '../../src/experiments/minibatch.js';
import { simulate } from '../../src/simulate/runner.js';
import { RESULT_SCHEMA } from '../../src/simulate/result.js';
import type { PickerEntry } from '../components/experiment-picker.js';
import type { RunHooks } from '../components/run-controller.js';
import { shaderSources } from '../shaders.js';
import type { PageResult } from './page-result.js';
import type { RawConfig } from './params.js';

export type { Experiment };
export { EXPERIMENTS, findExperiment, unavailableReason };

/** The experiment's config at paper or quick size; an order config gets its first rung's η, ρ, steps. */
export function experimentConfig(experiment: Experiment, quick: boolean): RawConfig {
  const raw = experimentRawConfig(experiment, quick && hasQuick(experiment));
  return experiment.order ? withOrderDefaults(raw, experiment.order) : raw;
}

export function hasQuick(experiment: Experiment): boolean {
  return Object.keys(experiment.quick ?? {}).length > 0;
}

export function pickerEntries(): PickerEntry[] {
  return EXPERIMENTS.map((e) => ({
    id: e.id, title: e.title, description: e.description, claim: e.claim, kind: e.kind, unavailable: unavailableReason(e),
  }));
}

/** What the Run button does: a convergence-order ladder, a saddle or mini-batch experiment, or one simulation. */
export function runFor(
  experiment: Experiment | undefined, config: ResolvedConfig, order: OrderSpec | undefined, quick = false,
): (ctx: GpuContext, hooks: RunHooks) => Promise<PageResult> {
  // Tagged as the CLI tags its result.json, so an imported result finds its experiment's view and claims.
  const tag = experiment ? { experiment: { id: experiment.id, quick } } : {};
  if (experiment?.kind === 'order' && order) {
    return async (ctx, hooks) => {
      const out = await runOrder(ctx, shaderSources, config, order, hooks);
      return { schema: RESULT_SCHEMA, config, adapter: ctx.adapter, runs: out.runs, cancelled: out.cancelled, timing: out.timing, order: out.order, ...tag };
    };
  }
  const minibatch = experiment?.kind === 'minibatch' ? experiment.minibatch : undefined;
  if (minibatch) {
    return async (ctx, hooks) => {
      const out = await runMinibatch(ctx, shaderSources, config, minibatch, hooks);
      return { schema: RESULT_SCHEMA, config, adapter: ctx.adapter, runs: out.runs, cancelled: out.cancelled, timing: out.timing, minibatch: out.minibatch, ...tag };
    };
  }
  const saddle = experiment?.kind === 'saddle' ? experiment.saddle : undefined;
  if (saddle) return async (ctx, hooks) => ({ ...(await runSaddle(ctx, shaderSources, config, saddle, hooks)), ...tag });
  return async (ctx, hooks) => ({ ...(await simulate(ctx, shaderSources, config, hooks)), ...tag });
}
