// The `sam-sde` command line. Its command and option names are a public interface.
// Exit codes: 0 done, 2 invalid input (the message names the field), 1 failure at run time.
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { ConfigError, resolveConfig, type ConfigOverrides } from '../config/schema.js';
import { adapterName } from '../gpu/device.js';
import { acquireNodeGpu, type AdapterChoice } from './gpu.js';
import { loadShaderSources } from './shaders.js';
import { simulate } from '../simulate/runner.js';
import type { SimulationResult } from '../simulate/result.js';
import { formatSummary } from './summary.js';

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

interface RunOptions { out?: string; paths?: number; steps?: number; seed?: number; adapter: AdapterChoice; progress: boolean }

async function runCommand(configPath: string, options: RunOptions): Promise<number> {
  const overrides: ConfigOverrides = { paths: options.paths, steps: options.steps, seed: options.seed };
  const config = resolveConfig(readConfigFile(configPath), overrides);
  const outDir = resolve(options.out ?? join('out', basename(configPath).replace(/\.json$/i, '')));
  const gpu = await acquireNodeGpu(options.adapter);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  const bar = options.progress
    ? new cliProgress.SingleBar({
        stream: process.stderr,
        format: 'sam-sde {bar} {percentage}% | ρ={rho} step {step} | {rate} path-steps/s | {elapsed}s',
        hideCursor: true,
        noTTYOutput: true,
        notTTYSchedule: 5000,
      }, cliProgress.Presets.shades_classic)
    : undefined;
  process.stderr.write(`adapter: ${adapterName(gpu.context.adapter)}\n`);
  bar?.start(1000, 0, { rho: config.rho[0], step: 0, rate: '-', elapsed: 0 });
  let result: SimulationResult;
  try {
    result = await gpu.context.scoped('run', () =>
      simulate(gpu.context, loadShaderSources(), config, {
        signal: controller.signal,
        onProgress: (p) => bar?.update(Math.round(p.fraction * 1000), {
          rho: p.rho, step: p.step, rate: p.pathStepsPerSecond.toExponential(2), elapsed: p.elapsedSeconds.toFixed(1),
        }),
      }),
    );
  } finally {
    bar?.stop();
    process.off('SIGINT', onSignal);
    gpu.destroy();
  }
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'result.json');
  writeFileSync(file, JSON.stringify(result, null, 1));
  process.stdout.write(formatSummary(result));
  process.stdout.write(`\nwrote ${file}${result.cancelled ? ' (cancelled: partial results)' : ''}\n`);
  return result.cancelled ? EXIT_FAILURE : EXIT_OK;
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
          `driver:       ${gpu.selection.driver} (${gpu.selection.reason})\nfeatures:     ${a.features.join(', ')}\nlimits:\n` +
          Object.entries(a.limits).map(([k, v]) => `  ${k.padEnd(44)} ${v}`).join('\n') + '\n',
      );
    }
  } finally {
    gpu.destroy();
  }
  return EXIT_OK;
}

export function buildProgram(setExit: (code: number) => void): Command {
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
    .description('run a config: writes DIR/result.json and prints the comparisons')
    .argument('<config>', 'config file (JSON)')
    .option('--out <dir>', 'output directory (default out/<config name>)')
    .option('--paths <n>', 'override the number of paths', integerOption('--paths'))
    .option('--steps <n>', 'override the number of steps', integerOption('--steps'))
    .option('--seed <n>', 'override the seed', integerOption('--seed'))
    .option('--adapter <choice>', 'auto | swiftshader | system', adapterOption, 'auto')
    .option('--no-progress', 'no progress bar on stderr')
    .action(async (config, options) => setExit(await runCommand(config, options)));
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code = EXIT_OK;
  try {
    await buildProgram((c) => (code = c)).parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT_OK : EXIT_INVALID;
    }
    if (e instanceof ConfigError || e instanceof InputError) {
      process.stderr.write(`sam-sde: invalid input: ${e.message}\n`);
      return EXIT_INVALID;
    }
    process.stderr.write(`sam-sde: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT_FAILURE;
  }
}
