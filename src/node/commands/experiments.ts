// `sam-sde list`, `sam-sde run <id>` and `sam-sde order <config.json | id>` (issue 5).
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { ConfigOverrides, ResolvedConfig } from '../../config/schema.js';
import { ConfigError, resolveConfig } from '../../config/schema.js';
import { EXPERIMENTS, findExperiment } from '../../experiments/registry.js';
import { resolveExperiment, unavailableReason, withOrderDefaults } from '../../experiments/config.js';
import { claimChecks, fmt, type ClaimCheck } from '../../experiments/claims.js';
import { checkOrderConfig, validateOrderSpec } from '../../experiments/order.js';
import { checkMinibatchConfig, injectionModels, validateMinibatchSpec } from '../../experiments/minibatch.js';
import { runExperiment, type ExperimentDocument } from '../../experiments/run.js';
import type { Experiment, OrderSpec } from '../../experiments/types.js';
import { formatSummary } from '../summary.js';
import { loadShaderSources } from '../shaders.js';
import type { AdapterChoice } from '../gpu.js';
import { DEFAULT_CHECKPOINT_SECONDS, EXIT_FAILURE, EXIT_OK, reportMissingProblem, withGpuJob, writeDocument } from './common.js';
import { cancelledNote, openCheckpoints, removeCheckpoint } from '../checkpoints.js';
import { estimateRun, formatEstimate } from '../../experiments/estimate.js';
import { jobName } from '../../simulate/checkpoint.js';

export interface ExperimentRunOptions {
  out?: string;
  /** Seconds between checkpoints (0: none); DEFAULT_CHECKPOINT_SECONDS when absent. */
  checkpointEvery?: number;
  /** Continue from DIR/checkpoint. */
  resume?: boolean;
  /** Print the plan and a calibrated estimate of the run's duration instead of running it. */
  dryRun?: boolean;
  paths?: number;
  steps?: number;
  seed?: number;
  quick?: boolean;
  png?: boolean;
  adapter: AdapterChoice;
  progress: boolean;
}

/** Invalid input that is not a config field (an unknown experiment id, --quick on a file). */
export class ExperimentInputError extends Error {}

export function listCommand(options: { json?: boolean }): number {
  if (options.json) {
    const entries = EXPERIMENTS.map((e) => ({
      id: e.id, kind: e.kind, title: e.title, description: e.description, claim: e.claim,
      requires: e.requires ?? [], available: unavailableReason(e) === undefined, unavailable: unavailableReason(e),
    }));
    process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    return EXIT_OK;
  }
  const width = Math.max(...EXPERIMENTS.map((e) => e.id.length));
  const lines = EXPERIMENTS.map((e) => {
    const reason = unavailableReason(e);
    const mark = reason === undefined ? ' ' : '!';
    const needs = reason === undefined ? '' : `  [not runnable here: needs ${(e.requires ?? []).join(', ') || reason}]`;
    const gpu = e.needsGpu ? `  [needs a hardware GPU${e.quickRunsOnSoftware ? '; --quick runs on a software adapter' : ''}]` : '';
    return `${mark} ${e.id.padEnd(width)}  ${e.kind.padEnd(10)}  ${e.description}${needs}${gpu}`;
  });
  process.stdout.write(`${lines.join('\n')}\n\n'!' marks an experiment whose problem kind this build does not have yet.\n`
    + 'Run one with `sam-sde run <id> [--quick]` (order experiments: `sam-sde order <id>`).\n');
  return EXIT_OK;
}

function formatChecks(checks: ClaimCheck[]): string {
  return checks.map((c) => `${c.holds === null ? '?' : c.holds ? '✓' : '✗'} ${c.statement}\n    ${c.measured}`).join('\n');
}

/** The mini-batch table (docs/model.md §6.6): per B, ρ and algorithm, its own SDE in mode B against its injection twin. */
export function formatMinibatch(document: ExperimentDocument): string {
  const m = document.minibatch;
  if (!m) return '';
  const lines = [`mini-batch noise: B = ${m.batchSizes.join(', ')}; injection σ_B = ${m.sigmas.map((s) => fmt(s)).join(', ')} `
    + `(tr C(x0) = ${fmt(m.covarianceTrace)} ± ${fmt(m.covarianceTraceStd)} over the x0 of ${m.matchPaths} paths, d = ${m.dim}, N = ${m.samples})`,
  'relMaxError of g against the algorithm (± unpaired stderr): own SDE in mode B, its injection twin, and the gap injection − mode B'];
  for (const p of m.pairs) {
    lines.push(`B=${String(p.batchSize).padEnd(4)} ρ=${String(p.rho).padEnd(6)} ${p.algorithm.padEnd(6)} mode B ${fmt(p.modeB.relMaxError)}±${fmt(p.modeB.relStderr)}`
      + `   injection ${fmt(p.injection.relMaxError)}±${fmt(p.injection.relStderr)}   gap ${fmt(p.gap)}±${fmt(p.gapStderr)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The order table: per pair, errors per η (with stderr; * = qualified) and the slope. */
export function formatOrder(document: ExperimentDocument): string {
  const order = document.order;
  if (!order) return '';
  const lines = [`convergence order: T = ${order.horizon}, ρ rule ${order.rhoScaling} (c = ${order.rhoScale}), `
    + `η = ${order.etas.join(', ')}; * = error > ${order.qualifyRatio} stderr`];
  for (const p of order.pairs) {
    const points = p.errors.map((e, j) => `${fmt(e)}±${fmt(p.stderr[j])}${p.qualified[j] ? '*' : ''}`).join('  ');
    lines.push(`${`${p.algorithm} vs ${p.model}`.padEnd(18)} slope ${fmt(p.slope)} [${fmt(p.ci95[0])}, ${fmt(p.ci95[1])}]   ${points}${p.note ? `  (${p.note})` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

function experimentOrThrow(id: string): Experiment {
  const experiment = findExperiment(id);
  if (!experiment) {
    throw new ExperimentInputError(`unknown experiment "${id}"; known: ${EXPERIMENTS.map((e) => e.id).join(', ')}`);
  }
  return experiment;
}

async function runAndWrite(
  experiment: Experiment, config: ResolvedConfig, options: ExperimentRunOptions, outDir: string,
): Promise<number> {
  // A config that cannot measure an order fails here, before the GPU is acquired.
  if (experiment.kind === 'order') checkOrderConfig(config);
  if (experiment.kind === 'minibatch') {
    validateMinibatchSpec(experiment.minibatch);
    checkMinibatchConfig(config);
  }
  if (options.dryRun) return dryRun(experiment, config, options);
  const job = jobName(experiment, experiment.order);
  const { checkpointer } = await openCheckpoints(outDir, { kind: 'checkpoint', job, config }, {
    everySeconds: options.checkpointEvery ?? DEFAULT_CHECKPOINT_SECONDS, resume: options.resume ?? false,
  });
  const sources = loadShaderSources();
  const document = await withGpuJob(options.adapter, options.progress, experiment.id, (hooks) =>
    runExperiment(hooks.context, sources, experiment, config, {
      signal: hooks.signal, onProgress: hooks.onProgress, onSetup: hooks.onSetup, quick: options.quick, checkpoints: checkpointer,
    }));
  if (!document.cancelled) removeCheckpoint(outDir);
  const written = await writeDocument(outDir, document, experiment.kind, options.png ?? false);
  if (experiment.kind === 'order') process.stdout.write(formatOrder(document));
  else process.stdout.write(formatSummary(document));
  if (experiment.kind === 'minibatch') process.stdout.write(`\n${formatMinibatch(document)}`);
  process.stdout.write(`\n${formatChecks(claimChecks(experiment, document))}\n`);
  process.stdout.write(`\nwrote ${written.result}${document.cancelled ? cancelledNote(outDir) : ''}\n`
    + `figures: ${written.figures.map((f) => basename(f)).join(', ')}${written.pngs.length ? `, ${written.pngs.map((f) => basename(f)).join(', ')}` : ''}\n`
    + (written.pngSkipped ? `no PNG: ${written.pngSkipped}\n` : ''));
  return document.cancelled ? EXIT_FAILURE : EXIT_OK;
}

/** The size of a job in words (what `--dry-run` and `report --dry-run` print). */
export function describeJob(experiment: Experiment, config: ResolvedConfig): string {
  const dynamics = config.algorithms.length + config.models.length;
  if (experiment.minibatch) {
    const sizes = experiment.minibatch.batchSizes;
    return `${experiment.id}: ${config.paths} paths × ${config.steps} steps × ${config.rho.length} ρ × ${sizes.length} batch sizes (${sizes.join(', ')}) × `
      + `(${dynamics} dynamics in mode B + ${injectionModels(config).length} with Gaussian injection)`;
  }
  const size = experiment.order
    ? `η ladder ${experiment.order.etas.join(', ')} to T = ${experiment.order.horizon}`
    : `${config.steps} steps`;
  return `${experiment.id}: ${config.paths} paths × ${size} × ${config.rho.length} ρ × ${dynamics} dynamics` +
    `${experiment.kind === 'saddle' ? ' (two passes)' : ''}${config.sharpness ? `, sharpness every ${config.sharpness.every} steps` : ''}`;
}

/** `--dry-run`: the plan and a calibrated estimate (src/experiments/estimate.ts); nothing is written. */
export async function dryRun(experiment: Experiment, config: ResolvedConfig, options: ExperimentRunOptions): Promise<number> {
  const sources = loadShaderSources();
  const estimate = await withGpuJob(options.adapter, false, experiment.id, (hooks) =>
    estimateRun(hooks.context, sources, experiment, config, { signal: hooks.signal }));
  process.stdout.write(`${describeJob(experiment, config)}\n${formatEstimate(estimate)}\n`);
  return EXIT_OK;
}

/** `sam-sde run <id>`: a registered experiment at full or --quick size. */
export async function runExperimentCommand(id: string, options: ExperimentRunOptions): Promise<number> {
  const experiment = experimentOrThrow(id);
  if (experiment.kind === 'order' && options.steps !== undefined) {
    throw new ExperimentInputError('--steps does not apply to an order run: each η runs ceil(T/η) steps');
  }
  const overrides: ConfigOverrides = { paths: options.paths, steps: options.steps, seed: options.seed };
  try {
    const config = resolveExperiment(experiment, options.quick ?? false, overrides);
    const outDir = resolve(options.out ?? join('out', experiment.id));
    return await runAndWrite(experiment, config, options, outDir);
  } catch (e) {
    const code = reportMissingProblem(e);
    if (code !== undefined) return code;
    throw e;
  }
}

/** `run` with an argument that is not a file but a registered id goes to the registry. */
export function isExperimentId(argument: string): boolean {
  return !existsSync(argument) && findExperiment(argument) !== undefined;
}

/**
 * `sam-sde order <config.json | id>`: a registered order experiment, or a config file whose
 * `order` key holds {etas, horizon, rhoScaling, rhoScale} (its eta, rho and steps may be left
 * out: the ladder sets them).
 */
export async function orderCommand(
  target: string, options: ExperimentRunOptions, readConfigFile: (path: string) => unknown,
): Promise<number> {
  const overrides: ConfigOverrides = { paths: options.paths, seed: options.seed };
  if (isExperimentId(target) || !existsSync(target)) {
    const experiment = experimentOrThrow(target);
    if (experiment.kind !== 'order' || !experiment.order) {
      throw new ExperimentInputError(`experiment "${target}" is not a convergence-order experiment; `
        + `those are: ${EXPERIMENTS.filter((e) => e.kind === 'order').map((e) => e.id).join(', ')}`);
    }
    return runExperimentCommand(target, options);
  }
  if (options.quick) throw new ExperimentInputError('--quick applies to registered experiments, not to a config file');
  const raw = readConfigFile(target);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError('', raw, 'a config object');
  const { order: orderRaw, ...rest } = raw as Record<string, unknown>;
  if (orderRaw === undefined) {
    throw new ConfigError('order', orderRaw, 'an object {etas, horizon, rhoScaling: "fixed" | "linear" | "sqrt", rhoScale}');
  }
  const spec: OrderSpec = validateOrderSpec(orderRaw);
  const config = resolveConfig(withOrderDefaults(rest, spec), overrides);
  const name = basename(target).replace(/\.json$/i, '');
  const experiment: Experiment = {
    id: name, title: name, description: `order run of ${target}`, claim: '', kind: 'order', config: rest, quick: {}, order: spec,
  };
  const outDir = resolve(options.out ?? join('out', name));
  return runAndWrite(experiment, config, options, outDir);
}
