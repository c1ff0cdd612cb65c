// `sam-sde report [--quick]`: runs the registry on one GPU device (compiled pipelines are
// shared between experiments) and writes DIR/REPRODUCTION.md with each experiment's
// result.json, figures and CSVs in DIR/<id>/.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { AdapterReport } from '../../gpu/device.js';
import type { ShaderSources } from '../../gpu/compose.js';
import { EXPERIMENTS, findExperiment } from '../../experiments/registry.js';
import { MissingProblemError, resolveExperiment, unavailableReason } from '../../experiments/config.js';
import { claimChecks } from '../../experiments/claims.js';
import { runExperiment, type ExperimentDocument } from '../../experiments/run.js';
import type { Experiment } from '../../experiments/types.js';
import { loadShaderSources } from '../shaders.js';
import { selectVulkanDriver, type AdapterChoice } from '../gpu.js';
import { buildReport, type ReportContext, type ReportEntry } from '../report.js';
import { EXIT_FAILURE, EXIT_OK, withGpuJob, writeDocument } from './common.js';
import { ExperimentInputError, describeJob } from './experiments.js';
import { estimateRun, formatDuration, formatEstimate } from '../../experiments/estimate.js';
import { adapterName } from '../../gpu/device.js';

export interface ReportOptions {
  out?: string;
  quick?: boolean;
  rerender?: boolean;
  only?: string;
  png?: boolean;
  adapter: AdapterChoice;
  progress: boolean;
  dryRun?: boolean;
}

/** Whether Node will get SwiftShader (no GPU device with a Vulkan driver), before acquiring it. */
function willBeSoftware(adapter: AdapterChoice): boolean {
  return adapter === 'swiftshader' || (adapter === 'auto' && selectVulkanDriver('auto').driver === 'swiftshader');
}

function selected(only: string | undefined): Experiment[] {
  if (!only) return EXPERIMENTS;
  return only.split(',').map((id) => {
    const experiment = findExperiment(id.trim());
    if (!experiment) throw new ExperimentInputError(`--only: unknown experiment "${id}"; known: ${EXPERIMENTS.map((e) => e.id).join(', ')}`);
    return experiment;
  });
}

export async function reportCommand(options: ReportOptions, argv: readonly string[]): Promise<number> {
  if (options.rerender) return rerenderReport(options);
  const experiments = selected(options.only);
  const quick = options.quick ?? false;
  const dir = resolve(options.out ?? 'reproduction');
  const startedAt = new Date();
  const entries: ReportEntry[] = [];
  const runnable: { experiment: Experiment; config: ReturnType<typeof resolveExperiment> }[] = [];
  // Asked once: choosing SwiftShader sets VK_ICD_FILENAMES, which a second call reads as a
  // system driver named by the user.
  const software = willBeSoftware(options.adapter);
  for (const experiment of experiments) {
    // Out of reach of a software adapter: everywhere needsGpu says so, except the quick size of
    // an experiment whose quick size runs there.
    if (experiment.needsGpu && software && !(quick && experiment.quickRunsOnSoftware)) {
      const reason = `needs a hardware GPU: ${experiment.needsGpu}`;
      entries.push({ experiment, status: 'skipped', reason });
      process.stderr.write(`${experiment.id}: not run: ${reason}\n`);
      continue;
    }
    try {
      runnable.push({ experiment, config: resolveExperiment(experiment, quick) });
    } catch (e) {
      const reason = e instanceof MissingProblemError ? e.message : `invalid config: ${(e as Error).message}`;
      entries.push({ experiment, status: 'unavailable', reason });
      process.stderr.write(`${experiment.id}: not run: ${reason}\n`);
    }
  }
  const sources = loadShaderSources();
  if (options.dryRun) return dryRunReport(runnable, sources, options, quick);
  let adapter: AdapterReport | undefined;
  await withGpuJob(options.adapter, false, 'report', async ({ context, signal }) => {
    adapter = context.adapter;
    for (const { experiment, config } of runnable) {
      if (signal.aborted) break;
      const started = performance.now();
      process.stderr.write(`${experiment.id}: running${quick ? ' (--quick)' : ''}...\n`);
      try {
        const document = await context.scoped(experiment.id, () =>
          runExperiment(context, sources, experiment, config, { signal, quick }));
        const written = await writeDocument(join(dir, experiment.id), document, experiment.kind, options.png ?? false);
        const files = [written.result, ...written.figures, ...written.pngs].map((f) => relative(dir, f).split('\\').join('/'));
        const seconds = (performance.now() - started) / 1000;
        entries.push({ experiment, status: 'ran', document, checks: claimChecks(experiment, document), files, seconds });
        process.stderr.write(`${experiment.id}: done in ${seconds.toFixed(1)} s${written.pngSkipped ? ` (no PNG: ${written.pngSkipped})` : ''}\n`);
      } catch (e) {
        entries.push({ experiment, status: 'failed', reason: (e as Error).message });
        process.stderr.write(`${experiment.id}: failed: ${(e as Error).message}\n`);
      }
    }
  });
  const context: ReportContext = {
    quick,
    command: `npx sam-sde ${argv.join(' ')}`,
    adapter,
    startedAt,
    seconds: (Date.now() - startedAt.getTime()) / 1000,
  };
  finishReport(dir, experiments, entries, context);
  return entries.some((e) => e.status === 'failed') ? EXIT_FAILURE : EXIT_OK;
}

/** `report --dry-run`: each experiment's size and calibrated estimate, and the total. */
async function dryRunReport(
  runnable: { experiment: Experiment; config: ReturnType<typeof resolveExperiment> }[], sources: ShaderSources,
  options: ReportOptions, quick: boolean,
): Promise<number> {
  let total = 0;
  await withGpuJob(options.adapter, false, 'report --dry-run', async ({ context, signal }) => {
    process.stdout.write(`adapter: ${adapterName(context.adapter)}${quick ? ' (--quick sizes)' : ''}\n`);
    for (const { experiment, config } of runnable) {
      if (signal.aborted) break;
      const estimate = await context.scoped(experiment.id, () => estimateRun(context, sources, experiment, config, { signal }));
      total += estimate.steppingSeconds + estimate.setupSeconds;
      process.stdout.write(`${describeJob(experiment, config)}\n  ${formatEstimate(estimate)}\n`);
    }
  });
  process.stdout.write(`total: about ${formatDuration(total)} (set-up counted once per experiment; the report compiles each kernel once)\n`);
  return EXIT_OK;
}

/** The run log beside REPRODUCTION.md, so that --rerender can rebuild it without simulating. */
interface ReportLog {
  context: Omit<ReportContext, 'startedAt'> & { startedAt: string };
  entries: { id: string; status: ReportEntry['status']; reason?: string; seconds?: number }[];
}

function finishReport(dir: string, experiments: readonly Experiment[], entries: ReportEntry[], context: ReportContext): void {
  const rank = new Map(experiments.map((e, i) => [e.id, i]));
  entries.sort((a, b) => rank.get(a.experiment.id)! - rank.get(b.experiment.id)!);
  mkdirSync(dir, { recursive: true });
  const log: ReportLog = {
    context: { ...context, startedAt: context.startedAt.toISOString() },
    entries: entries.map((e) => ({ id: e.experiment.id, status: e.status, reason: e.reason, seconds: e.seconds })),
  };
  writeFileSync(join(dir, 'report.json'), JSON.stringify(log, null, 1));
  const file = join(dir, 'REPRODUCTION.md');
  writeFileSync(file, buildReport(entries, context));
  process.stdout.write(`wrote ${file}\n`);
  for (const entry of entries) {
    const held = (entry.checks ?? []).filter((c) => c.holds === true).length;
    const decided = (entry.checks ?? []).filter((c) => c.holds !== null).length;
    process.stdout.write(`${entry.experiment.id.padEnd(28)} ${entry.status === 'ran' ? `${held}/${decided} checks hold` : entry.status}\n`);
  }
}

/**
 * `report --rerender`: rebuilds the figures, the checks and REPRODUCTION.md from the
 * result.json files of an earlier report (DIR/report.json says what ran), without simulating.
 */
export async function rerenderReport(options: ReportOptions): Promise<number> {
  const dir = resolve(options.out ?? 'reproduction');
  const logFile = join(dir, 'report.json');
  const log = existsSync(logFile) ? JSON.parse(readFileSync(logFile, 'utf8')) as ReportLog : scanReport(dir);
  const entries: ReportEntry[] = [];
  for (const saved of log.entries) {
    const experiment = findExperiment(saved.id);
    if (!experiment) continue;
    if (saved.status !== 'ran') {
      entries.push({ experiment, status: saved.status, reason: saved.reason });
      continue;
    }
    const document = JSON.parse(readFileSync(join(dir, saved.id, 'result.json'), 'utf8')) as ExperimentDocument;
    const written = await writeDocument(join(dir, saved.id), document, experiment.kind, options.png ?? false);
    const files = [written.result, ...written.figures, ...written.pngs].map((f) => relative(dir, f).split('\\').join('/'));
    entries.push({ experiment, status: 'ran', document, checks: claimChecks(experiment, document), files, seconds: saved.seconds });
  }
  finishReport(dir, EXPERIMENTS, entries, { ...log.context, startedAt: new Date(log.context.startedAt) });
  return entries.some((e) => e.status === 'failed') ? EXIT_FAILURE : EXIT_OK;
}

/** A report log reconstructed from the result.json files alone (a report without report.json). */
function scanReport(dir: string): ReportLog {
  const entries: ReportLog['entries'] = [];
  let context: ReportLog['context'] | undefined;
  let seconds = 0;
  for (const experiment of EXPERIMENTS) {
    const file = join(dir, experiment.id, 'result.json');
    if (!existsSync(file)) {
      const unavailable = unavailableReason(experiment);
      entries.push(experiment.needsGpu ? { id: experiment.id, status: 'skipped', reason: `needs a hardware GPU: ${experiment.needsGpu}` }
        : unavailable ? { id: experiment.id, status: 'unavailable', reason: unavailable }
          : { id: experiment.id, status: 'skipped', reason: 'no saved result' });
      continue;
    }
    const document = JSON.parse(readFileSync(file, 'utf8')) as ExperimentDocument;
    const quick = document.experiment?.quick ?? false;
    context ??= {
      quick, command: `npx sam-sde report${quick ? ' --quick' : ''}`, adapter: document.adapter,
      startedAt: statSync(file).mtime.toISOString(), seconds: 0,
    };
    seconds += document.timing.wallSeconds;
    entries.push({ id: experiment.id, status: 'ran', seconds: document.timing.wallSeconds });
  }
  if (!context) throw new ExperimentInputError(`--rerender: no report.json and no saved result in ${dir}`);
  return { context: { ...context, seconds }, entries };
}
