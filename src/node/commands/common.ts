// Shared by the experiment commands (list, run <id>, order, report): the GPU session with a
// progress bar and Ctrl-C cancellation, and writing a result document with its figures.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { adapterName } from '../../gpu/device.js';
import type { GpuContext } from '../../gpu/device.js';
import { SETUP_PHASES, type Progress, type SetupPhase } from '../../simulate/runner.js';
import type { ExperimentDocument } from '../../experiments/run.js';
import type { ExperimentKind } from '../../experiments/types.js';
import { MissingProblemError } from '../../experiments/config.js';
import { acquireNodeGpu, type AdapterChoice } from '../gpu.js';
import { registerNodeDatasets } from '../datasets.js';
import { documentFigures, writeFigures } from '../figures.js';
import { svgsToPng } from '../png.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_INVALID = 2;
/** `--checkpoint-every` default (docs/model.md §9). */
export const DEFAULT_CHECKPOINT_SECONDS = 60;

export interface GpuJobHooks {
  context: GpuContext;
  signal: AbortSignal;
  onProgress?: (p: Progress) => void;
  onSetup?: (phase: SetupPhase, fraction: number) => void;
}

/**
 * Acquires the GPU (with the data sets of the network problems read), shows a progress bar
 * (unless disabled), cancels on Ctrl-C, always cleans up.
 */
export async function withGpuJob<T>(
  adapter: AdapterChoice, progress: boolean, label: string, job: (hooks: GpuJobHooks) => Promise<T>,
): Promise<T> {
  registerNodeDatasets();
  const gpu = await acquireNodeGpu(adapter);
  const controller = new AbortController();
  let compiling = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (compiling) {
      // A compile cannot be stopped, and dawn holds the process until it ends (tens of seconds
      // for a network on a software GPU). Nothing of this stage is simulated yet and finished
      // stages are already checkpointed, so the process ends now, by the signal (128 + n).
      process.stderr.write(`\n${signal}: cancelled while compiling the kernels; nothing to write\n`);
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.stderr.write(`\n${signal}: cancelling at the next dispatch boundary\n`);
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const bar = progress
    ? new cliProgress.SingleBar({
        stream: process.stderr,
        format: `${label} {bar} {percentage}% | ρ={rho} step {step} | {rate} path-steps/s | {elapsed}s | ETA {eta_formatted}`,
        // The ETA from the rate over the last 100 updates (path-steps grow linearly in time).
        etaBuffer: 100,
        hideCursor: true,
        noTTYOutput: true,
        notTTYSchedule: 5000,
      }, cliProgress.Presets.shades_classic)
    : undefined;
  process.stderr.write(`adapter: ${adapterName(gpu.context.adapter)}\n`);
  bar?.start(1000, 0, { rho: '-', step: 0, rate: '-', elapsed: 0 });
  try {
    let lastSetupLine = 0;
    return await gpu.context.scoped(label, () => job({
      context: gpu.context,
      signal: controller.signal,
      // One line per phase, and at most one per 2 s while a phase runs (a large problem's build).
      onSetup: (phase, fraction) => {
        compiling = phase === SETUP_PHASES.compiling && fraction < 1;
        const at = performance.now();
        if (!progress || fraction >= 1 || (fraction > 0 && at - lastSetupLine < 2000)) return;
        lastSetupLine = at;
        process.stderr.write(`set-up: ${phase}${fraction > 0 ? ` ${Math.round(fraction * 100)} %` : ''}\n`);
      },
      onProgress: bar && ((p) => bar.update(Math.round(p.fraction * 1000), {
        rho: Number(p.rho.toPrecision(3)), step: p.step, rate: p.pathStepsPerSecond.toExponential(2), elapsed: p.elapsedSeconds.toFixed(1),
      })),
    }));
  } finally {
    bar?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    gpu.destroy();
  }
}

export interface WrittenDocument {
  result: string;
  figures: string[];
  pngs: string[];
  pngSkipped?: string;
}

/** Writes DIR/result.json, the figures (SVG + CSV) and, where a browser is at hand and asked for, PNGs. */
export async function writeDocument(
  dir: string, document: ExperimentDocument, kind: ExperimentKind | undefined, png: boolean,
): Promise<WrittenDocument> {
  mkdirSync(dir, { recursive: true });
  const result = join(dir, 'result.json');
  writeFileSync(result, JSON.stringify(document, null, 1));
  const figures = writeFigures(dir, documentFigures(document, kind));
  if (!png) return { result, figures, pngs: [] };
  const outcome = await svgsToPng(figures.filter((f) => f.endsWith('.svg')));
  return { result, figures, pngs: outcome.written, pngSkipped: outcome.skipped };
}

/** Exit 2 with a message naming the missing problem kind (an experiment registered ahead of its problem). */
export function reportMissingProblem(e: unknown): number | undefined {
  if (!(e instanceof MissingProblemError)) return undefined;
  process.stderr.write(`sam-sde: invalid input: ${e.message}\n`);
  return EXIT_INVALID;
}
