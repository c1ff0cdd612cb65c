// `npm run bench [-- --quick] [-- --out FILE]`: the benchmark suite (issue 7, DESIGN.md
// "Benchmarks"). Runs the cases of bench/cases/ on this machine's WebGPU adapter with the peers
// beside them, and writes FILE (JSON, schema sam-sde/bench@1, rewritten after every case so
// that an interrupted run keeps what it measured) and FILE with .md (the markdown tables).
// Never asserts a time. Exit code: 0 done, 1 a case failed (see "errors"), 2 bad arguments.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { adapterName } from '../src/gpu/device.js';
import { acquireNodeGpu, type AdapterChoice } from '../src/node/gpu.js';
import { dawnPolling } from '../src/node/dawnPolling.js';
import { BUNDLED, registerDatasets, shaderSources } from './assets.js';
import { dispatchCases, kernelCases } from './cases/kernels.js';
import { endToEndCases } from './cases/endToEnd.js';
import { linearCases } from './cases/linear3d.js';
import { problemCases } from './cases/problems.js';
import { reductionCases } from './cases/reduction.js';
import { compileCases } from './cases/compile.js';
import { rngCases } from './cases/rng.js';
import { checkpointCases } from './cases/checkpoint.js';
import { costModel, targetChecks, timeSplit } from './analysis.js';
import { Instrument } from './instrument.js';
import type { BenchEnv } from './measure.js';
import { findNumpy } from './peers/numpy.js';
import { PROFILES, type ProfileName } from './profiles.js';
import { renderMarkdown } from './report.js';
import { BENCH_SCHEMA, type BenchDocument, type CaseResult, type Group, type MachineReport, type Ratio } from './results.js';

const USAGE = `usage: npm run bench -- [--quick] [--out FILE] [--profile quick|software|hardware]
  [--only GROUP,...] [--budget SECONDS] [--no-install] [--adapter auto|swiftshader|system]
groups: kernel, linear3d, problem, reduction, end-to-end, dispatch, compile, rng, checkpoint
--budget: no new case starts after SECONDS (default: none; 300 s in the device bundle)
--render FILE.json: recompute ratios and analysis of an existing document, rewrite it and its .md
output: FILE (default bench/results.json, quick: bench/results-quick.json, $OUT/... when OUT is set)
        and FILE with .md; numpy peer: Debian python3-numpy, installed as root unless --no-install`;

const GROUP_RUNNERS: [Group, (env: BenchEnv, emit: (c: CaseResult) => void) => Promise<void>][] = [
  ['kernel', kernelCases],
  ['linear3d', linearCases],
  ['problem', problemCases],
  ['reduction', reductionCases],
  ['end-to-end', endToEndCases],
  ['dispatch', dispatchCases],
  ['compile', compileCases],
  ['rng', rngCases],
  ['checkpoint', checkpointCases],
];

/** The device bundle stops starting cases after this many seconds (one short device call). */
const BUNDLED_BUDGET_SECONDS = 300;

/** Targets on a software adapter: USAM-SDE at 65 536 paths vs the peers (issue 7: twin, wall basis; issue 10: numpy, per CPU-second). */
const TARGETS: Record<'twin' | 'numpy', { ratio: number; basis: Ratio['basis'] }> = { twin: { ratio: 10, basis: 'wall' }, numpy: { ratio: 0.5, basis: 'cpu' } };

export const FLOP_COUNT =
  'gradients and Hessian-vector products only: a dense d×d product (∇f = H(x−x*) or H·v) is 2d² flops; '
  + 'saddle ∇f 5d, H·v 10d; networks (d weights, N samples, full batch) ∇f 6Nd, H·v 12Nd (the usual estimate); '
  + 'vector updates, norms and the Threefry/Box–Muller normals are not counted (see bench/work.ts). '
  + 'Per path-step, as the kernels evaluate them: SGD-SDE 1 gradient; USAM/DNSAM-SDE 1 gradient + 1 HVP '
  + '(drift and noise share H·(Δt∇f + sσξ)); SAM-SDE 1 gradient + 2 HVPs; *-DRIFT 1 gradient + 1 HVP.';

function uptime(): string {
  const out = spawnSync('uptime', { encoding: 'utf8' });
  return out.status === 0 ? out.stdout.trim() : `load average: ${loadavg().map((x) => x.toFixed(2)).join(', ')}`;
}

function gitRevision(): BenchDocument['git'] {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  if (head.status !== 0) return null;
  const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' });
  return { commit: head.stdout.trim(), dirty: status.stdout.trim().length > 0 };
}

function machine(): MachineReport {
  const list = cpus();
  return {
    cpuModel: list[0]?.model ?? 'unknown',
    cores: list.length,
    memoryBytes: totalmem(),
    platform: `${process.platform}-${process.arch}`,
    node: process.version,
    hostname: hostname(),
    loadBefore: loadavg(),
    loadAfter: [],
    uptimeBefore: uptime(),
    uptimeAfter: '',
  };
}

function computeRatios(cases: CaseResult[]): Ratio[] {
  const out: Ratio[] = [];
  for (const gpu of cases) {
    if (gpu.runner !== 'gpu' || gpu.skipped || (gpu.group !== 'kernel' && gpu.group !== 'linear3d' && gpu.group !== 'problem')) continue;
    for (const peer of ['twin', 'numpy'] as const) {
      const other = cases.find((c) => c.id === gpu.id.replace(/\/gpu$/, `/${peer}`));
      if (!other || other.skipped) continue;
      const target = gpu.group === 'kernel' && gpu.subject === 'USAM-SDE' && gpu.paths === 65536 ? TARGETS[peer] : undefined;
      const bases: [Ratio['basis'], number | undefined, number | undefined][] = [
        ['wall', gpu.metrics.pathStepsPerSecond?.median, other.metrics.pathStepsPerSecond?.median],
        ['kernel', gpu.metrics.kernelPathStepsPerSecond?.median, other.metrics.pathStepsPerSecond?.median],
        ['cpu', gpu.metrics.pathStepsPerCpuSecond?.median, other.metrics.pathStepsPerCpuSecond?.median],
      ];
      for (const [basis, a, b] of bases) {
        if (a === undefined || b === undefined || !(b > 0)) continue;
        out.push({
          // A problem case names its problem: one model runs on several problems there.
          subject: gpu.group === 'problem' ? `${gpu.subject}, ${gpu.problem}` : gpu.subject,
          paths: gpu.paths ?? 0, peer, basis, gpu: a, other: b, ratio: a / b,
          ...(target !== undefined && basis === target.basis ? { target: target.ratio } : {}),
        });
      }
    }
  }
  return out;
}

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      profile: { type: 'string' },
      only: { type: 'string' },
      budget: { type: 'string' },
      'no-install': { type: 'boolean', default: false },
      adapter: { type: 'string', default: 'auto' },
      render: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const profile = values.profile as ProfileName | undefined;
  if (profile !== undefined && !(profile in PROFILES)) throw new Error(`--profile must be quick, software or hardware, got "${profile}"`);
  const only = values.only?.split(',').map((g) => g.trim()) as Group[] | undefined;
  const known = GROUP_RUNNERS.map(([g]) => g);
  for (const g of only ?? []) if (!known.includes(g)) throw new Error(`--only: unknown group "${g}" (${known.join(', ')})`);
  const budget = values.budget === undefined ? undefined : Number(values.budget);
  if (budget !== undefined && !(budget > 0)) throw new Error(`--budget must be a number of seconds > 0, got "${values.budget}"`);
  if (!['auto', 'swiftshader', 'system'].includes(values.adapter!)) throw new Error(`--adapter must be auto, swiftshader or system`);
  return { ...values, profile, only, budget, adapter: values.adapter as AdapterChoice };
}

function analyse(doc: BenchDocument, peerPaths: number): void {
  doc.ratios = computeRatios(doc.cases);
  doc.analysis = {
    costModel: costModel(doc.cases),
    splits: doc.cases
      .filter((c) => c.group === 'end-to-end' || (c.runner === 'gpu' && c.paths === peerPaths && c.group === 'kernel'))
      .map(timeSplit)
      .filter((split) => split !== null),
    targets: targetChecks(doc.cases, doc.ratios, `${doc.adapter.name} ${doc.adapter.description}`, doc.adapter.isSoftware),
  };
}

function render(file: string): number {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as BenchDocument;
  analyse(doc, PROFILES[doc.profile].peerPaths);
  writeFileSync(file, `${JSON.stringify(doc, null, 1)}\n`);
  writeFileSync(file.replace(/\.json$/i, '') + '.md', `${renderMarkdown(doc)}\n`);
  return 0;
}

function defaultOut(quick: boolean): string {
  const name = quick ? 'results-quick.json' : 'results.json';
  if (process.env.OUT) return join(process.env.OUT, name);
  return BUNDLED ? resolve(name) : resolve('bench', name);
}

export async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.render) return render(resolve(args.render));
  const started = performance.now();
  const log = (line: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
  const out = resolve(args.out ?? defaultOut(args.quick!));
  const markdown = out.replace(/\.json$/i, '') + '.md';
  const machineReport = machine();
  registerDatasets();
  const numpy = findNumpy({ install: !args['no-install'] && !BUNDLED, log });
  const gpu = await acquireNodeGpu(args.adapter);
  const ctx = gpu.context;
  const profileName: ProfileName = args.profile ?? (args.quick ? 'quick' : ctx.adapter.isSoftware ? 'software' : 'hardware');
  const profile = PROFILES[profileName];
  const instrument = new Instrument(ctx);
  const doc: BenchDocument = {
    schema: BENCH_SCHEMA,
    date: new Date().toISOString(),
    profile: profileName,
    quick: profileName === 'quick',
    complete: false,
    wallSeconds: 0,
    machine: machineReport,
    git: gitRevision(),
    adapter: { ...ctx.adapter, name: adapterName(ctx.adapter), driver: `${gpu.selection.driver} (${gpu.selection.reason}); dawn.node polling: ${dawnPolling()}; dawn.node flags: ${gpu.dawnFlags.join(' ') || 'none'}`, timestampQuery: instrument.timestamps },
    peers: {
      twin: { available: true, note: 'src/dynamics/twin.ts simulatePathTwin, 1 thread, fewer paths sized to a time budget' },
      numpy: numpy.available
        ? { available: true, python: numpy.peer.python, numpy: numpy.peer.numpy, blas: numpy.peer.blas, origin: numpy.peer.origin }
        : { available: false, reason: numpy.reason },
    },
    flopCount: FLOP_COUNT,
    cases: [],
    ratios: [],
    analysis: { costModel: null, splits: [], targets: [] },
    errors: [],
  };
  const write = () => {
    doc.wallSeconds = (performance.now() - started) / 1000;
    if (numpy.available) doc.peers.numpy.blas = numpy.peer.blas;
    analyse(doc, profile.peerPaths);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(doc, null, 1)}\n`);
    writeFileSync(markdown, `${renderMarkdown(doc)}\n`);
  };
  const env: BenchEnv = {
    ctx, sources: shaderSources(), instrument, profile, numpy, log, newContext: gpu.newContext,
    deadline: started + 1000 * (args.budget ?? (BUNDLED ? BUNDLED_BUDGET_SECONDS : Infinity)),
  };
  log(`profile ${profileName} on ${doc.adapter.name}; numpy peer: ${numpy.available ? numpy.peer.python : numpy.reason}`);
  log(`writing ${out}`);
  try {
    for (const [group, run] of GROUP_RUNNERS) {
      if (args.only && !args.only.includes(group)) continue;
      log(`group ${group}`);
      try {
        await run(env, (result) => {
          doc.cases.push(result);
          write();
        });
      } catch (e) {
        doc.errors.push(`${group}: ${(e as Error).stack ?? String(e)}`);
        log(`group ${group} failed: ${(e as Error).message}`);
        if (ctx.isLost) break;
      }
    }
    doc.complete = true;
  } finally {
    doc.machine.loadAfter = loadavg();
    doc.machine.uptimeAfter = uptime();
    write();
    gpu.destroy();
  }
  log(`done in ${doc.wallSeconds.toFixed(0)} s: ${doc.cases.length} cases, ${doc.errors.length} errors; wrote ${out} and ${markdown}`);
  return doc.errors.length === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
