// The `sam-sde` command line. Its command and option names are a public interface.
// Exit codes: 0 done, 2 invalid input (the message names the field), 1 failure at run time.
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ConfigError, resolveConfig, type ConfigOverrides } from '../config/schema.js';
import { adapterName } from '../gpu/device.js';
import { acquireNodeGpu, type AdapterChoice } from './gpu.js';
import { loadShaderSources } from './shaders.js';
import { simulate } from '../simulate/runner.js';
import { RESULT_SCHEMA, type SimulationResult } from '../simulate/result.js';
import { shardRange, type PathRange } from '../simulate/plan.js';
import { SavedJobError } from '../simulate/checkpoint.js';
import { mergeShards } from '../simulate/merge.js';
import { SHARD_FILE, cancelledNote, openCheckpoints, readSavedJob, removeCheckpoint, writeShard } from './checkpoints.js';
import { DEFAULT_CHECKPOINT_SECONDS, withGpuJob } from './commands/common.js';
import { formatSummary } from './summary.js';
import { registerNodeDatasets } from './datasets.js';
import { ExperimentInputError, dryRun, isExperimentId, listCommand, orderCommand, runExperimentCommand } from './commands/experiments.js';
import { reportCommand } from './commands/report.js';
import { registerHeadless } from './commands/headless.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_INVALID = 2;

/** Invalid input that is not a config field (a missing file, malformed JSON). */
export class InputError extends Error {}

function integerOption(name: string) {
  return (value: string) => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a non-negative integer, got "${value}"`);
    return Number(value);
  };
}

function adapterOption(value: string): AdapterChoice {
  if (value !== 'auto' && value !== 'swiftshader' && value !== 'system') {
    throw new InvalidArgumentError(`--adapter must be auto, swiftshader or system, got "${value}"`);
  }
  return value;
}

export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read config ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`config ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

interface RunOptions {
  out?: string; paths?: number; steps?: number; seed?: number; quick?: boolean; png?: boolean;
  adapter: AdapterChoice; progress: boolean; checkpointEvery: number; resume?: boolean; shard?: ShardOption; dryRun?: boolean;
}

interface ShardOption { index: number; count: number }

function shardOption(value: string): ShardOption {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  if (!match || Number(match[1]) >= Number(match[2])) {
    throw new InvalidArgumentError(`--shard must be I/N with 0 <= I < N (0-based), got "${value}"`);
  }
  return { index: Number(match[1]), count: Number(match[2]) };
}

async function runCommand(configPath: string, options: RunOptions): Promise<number> {
  if (isExperimentId(configPath)) {
    if (options.shard) throw new InputError('--shard applies to a config file, not to a registered experiment');
    return runExperimentCommand(configPath, options);
  }
  if (options.quick) throw new InputError('--quick applies to registered experiments (see `sam-sde list`), not to a config file');
  const overrides: ConfigOverrides = { paths: options.paths, steps: options.steps, seed: options.seed };
  const config = resolveConfig(readConfigFile(configPath), overrides);
  const name = basename(configPath).replace(/\.json$/i, '');
  const outDir = resolve(options.out ?? join('out', name));
  if (options.dryRun) {
    if (options.shard) throw new InputError('--dry-run estimates the whole run: leave out --shard');
    return dryRun({ id: name, title: name, description: '', claim: '', kind: 'validation', config: {}, quick: {} }, config, options);
  }
  let range: PathRange | undefined;
  if (options.shard) {
    try {
      range = shardRange(config.paths, options.shard.index, options.shard.count);
    } catch (e) {
      throw new InputError(`--shard ${options.shard.index}/${options.shard.count}: ${(e as Error).message}`);
    }
  }
  const header = { kind: 'checkpoint' as const, job: 'run', config, shard: options.shard };
  const { checkpointer } = await openCheckpoints(outDir, header, { everySeconds: options.checkpointEvery, resume: options.resume ?? false });
  const result = await withGpuJob(options.adapter, options.progress, 'sam-sde', (hooks) =>
    simulate(hooks.context, loadShaderSources(), config, {
      signal: hooks.signal, onProgress: hooks.onProgress, onSetup: hooks.onSetup, range, checkpoints: checkpointer,
    }));
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'result.json');
  writeFileSync(file, JSON.stringify(options.shard ? { ...result, shard: { ...options.shard, paths: [range!.start, range!.end] } } : result, null, 1));
  if (!result.cancelled) {
    if (options.shard) {
      const shardFile = await writeShard(outDir, { ...header, adapter: result.adapter }, checkpointer.finishedStages());
      process.stdout.write(`shard ${options.shard.index}/${options.shard.count}: paths ${range!.start}..${range!.end - 1} of ${config.paths}\nwrote ${shardFile}\n`);
    }
    removeCheckpoint(outDir);
  }
  process.stdout.write(formatSummary(result));
  process.stdout.write(`\nwrote ${file}${result.cancelled ? cancelledNote(outDir) : ''}\n`);
  return result.cancelled ? EXIT_FAILURE : EXIT_OK;
}

/** `sam-sde merge DIR... --out DIR`: shard results into the result of the whole run. */
async function mergeCommand(dirs: string[], options: { out: string }): Promise<number> {
  const files = dirs.map((dir) => join(resolve(dir), SHARD_FILE));
  const shards = [];
  for (const file of files) shards.push(await readSavedJob(file));
  const merged = mergeShards(shards, files);
  const first = shards[0];
  const result: SimulationResult = {
    schema: RESULT_SCHEMA,
    config: merged.config,
    adapter: first.adapter!,
    runs: merged.runs,
    cancelled: false,
    timing: { wallSeconds: 0, pathSteps: merged.pathSteps, pathStepsPerSecond: 0 },
  };
  const outDir = resolve(options.out);
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'result.json');
  writeFileSync(file, JSON.stringify({ ...result, merged: { shards: shards.length, from: dirs } }, null, 1));
  process.stdout.write(formatSummary(result));
  process.stdout.write(`\nmerged ${shards.length} shards; wrote ${file}\n`);
  return EXIT_OK;
}

async function infoCommand(options: { json?: boolean; adapter: AdapterChoice }): Promise<number> {
  const gpu = await acquireNodeGpu(options.adapter);
  try {
    const report = { ...gpu.context.adapter, driver: gpu.selection };
    if (options.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const a = gpu.context.adapter;
      process.stdout.write(
        `adapter:      ${adapterName(a)}\nvendor:       ${a.vendor}\narchitecture: ${a.architecture}\n` +
          `description:  ${a.description}\nfallback:     ${a.isFallbackAdapter}\nsoftware:     ${a.isSoftware}\n` +
          `driver:       ${gpu.selection.driver} (${gpu.selection.reason})\ndawn flags:   ${gpu.dawnFlags.join(' ') || 'none'}\nfeatures:     ${a.features.join(', ')}\nlimits:\n` +
          Object.entries(a.limits).map(([k, v]) => `  ${k.padEnd(44)} ${v}`).join('\n') + '\n',
      );
    }
  } finally {
    gpu.destroy();
  }
  return EXIT_OK;
}

export function buildProgram(setExit: (code: number) => void, argv: readonly string[] = []): Command {
  const program = new Command('sam-sde')
    .description('WebGPU simulator for the SDE models of Sharpness-Aware Minimization')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program
    .command('info')
    .description('print the WebGPU adapter, its features and limits')
    .option('--json', 'machine-readable output')
    .option('--adapter <choice>', 'auto | swiftshader | system', adapterOption, 'auto')
    .action(async (options) => setExit(await infoCommand(options)));
  program
    .command('run')
    .description('run a config file or a registered experiment: writes DIR/result.json (experiments: also figures and CSVs) and prints the comparisons')
    .argument('<config>', 'config file (JSON), or an experiment id from `sam-sde list`')
    .option('--out <dir>', 'output directory (default out/<config name or id>)')
    .option('--paths <n>', 'override the number of paths', integerOption('--paths'))
    .option('--steps <n>', 'override the number of steps', integerOption('--steps'))
    .option('--seed <n>', 'override the seed', integerOption('--seed'))
    .option('--quick', 'experiments only: the reduced size (under a minute on a 2-core software GPU)')
    .option('--png', 'experiments only: also render the SVG figures to PNG with a headless Chromium')
    .option('--adapter <choice>', 'auto | swiftshader | system', adapterOption, 'auto')
    .option('--no-progress', 'no progress bar on stderr')
    .option('--checkpoint-every <seconds>', 'write DIR/checkpoint every SECONDS (0: never)', integerOption('--checkpoint-every'), DEFAULT_CHECKPOINT_SECONDS)
    .option('--resume', 'continue from DIR/checkpoint (the same config and options)')
    .option('--dry-run', 'print the plan and an estimate of the duration from a short calibration on this adapter, and stop')
    .option('--shard <I/N>', 'config files only: simulate the I-th of N path ranges (0-based) and write DIR/shard.samsde for `merge`', shardOption)
    .action(async (config, options) => setExit(await runCommand(config, options)));
  program
    .command('merge')
    .description('merge the shard results of DIR... (each from `run --shard I/N`) into DIR/result.json, identical to the unsharded run')
    .argument('<dirs...>', 'the shards\' output directories, in any order')
    .requiredOption('--out <dir>', 'output directory')
    .action(async (dirs, options) => setExit(await mergeCommand(dirs, options)));
  program
    .command('list')
    .description('list the registered experiments (docs/model.md §6) with a one-line description')
    .option('--json', 'machine-readable output')
    .action((options) => setExit(listCommand(options)));
  program
    .command('order')
    .description('convergence order: weak error per η of a ladder, slope by least squares with a 95 % interval; writes DIR/result.json and figures')
    .argument('<config>', 'config file (JSON) with an "order" key {etas, horizon, rhoScaling, rhoScale}, or an order experiment id')
    .option('--out <dir>', 'output directory (default out/<config name or id>)')
    .option('--paths <n>', 'override the number of paths', integerOption('--paths'))
    .option('--seed <n>', 'override the seed', integerOption('--seed'))
    .option('--quick', 'experiments only: the reduced size')
    .option('--png', 'also render the SVG figures to PNG with a headless Chromium')
    .option('--adapter <choice>', 'auto | swiftshader | system', adapterOption, 'auto')
    .option('--no-progress', 'no progress bar on stderr')
    .option('--checkpoint-every <seconds>', 'write DIR/checkpoint every SECONDS (0: never)', integerOption('--checkpoint-every'), DEFAULT_CHECKPOINT_SECONDS)
    .option('--resume', 'continue from DIR/checkpoint (the same config and options)')
    .option('--dry-run', 'print the plan and an estimate of the duration from a short calibration on this adapter, and stop')
    .action(async (config, options) => setExit(await orderCommand(config, options, readConfigFile)));
  program
    .command('report')
    .description('run every registered experiment and write DIR/REPRODUCTION.md with figures, comparing each result with the paper\'s claim')
    .option('--out <dir>', 'output directory', 'reproduction')
    .option('--quick', 'the reduced sizes (each experiment under a minute on a 2-core software GPU)')
    .option('--only <ids>', 'comma-separated experiment ids (default: all)')
    .option('--rerender', 'rebuild the figures and REPRODUCTION.md from DIR\'s saved results, without simulating')
    .option('--dry-run', 'print each experiment\'s size and an estimate of its duration (a short calibration each), run nothing')
    .option('--png', 'also PNG copies of the figures (headless Chromium)')
    .option('--adapter <choice>', 'auto | swiftshader | system', adapterOption, 'auto')
    .action(async (options) => setExit(await reportCommand(options, argv.slice(2))));
  registerHeadless(program, setExit);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  // The network problems read data/*.csv through the pure provider of src/problems/data.ts.
  registerNodeDatasets();
  let code = EXIT_OK;
  try {
    await buildProgram((c) => (code = c), argv).parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT_OK : EXIT_INVALID;
    }
    if (e instanceof ConfigError || e instanceof InputError || e instanceof ExperimentInputError || e instanceof SavedJobError) {
      process.stderr.write(`sam-sde: invalid input: ${e.message}\n`);
      return EXIT_INVALID;
    }
    process.stderr.write(`sam-sde: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT_FAILURE;
  }
}
