// The markdown rendering of a bench document: a header (machine, adapter, load, peers, how
// FLOPs are counted), the ratios to the peers, then one table per group. Rates are medians of
// the repetitions; "spread" is (max − min) / median of the headline rate.
import type { BenchDocument, CaseResult, Group, MetricName } from './results.js';

function sci(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e4 || abs < 1e-2) return x.toExponential(2).replace('e+', 'e');
  return abs >= 100 ? x.toFixed(0) : abs >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function pct(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(0)} %`;
}

const m = (c: CaseResult, name: MetricName) => c.metrics[name]?.median;

interface Column {
  title: string;
  cell(c: CaseResult): string;
}

const COLUMNS: Record<string, Column> = {
  subject: { title: 'case', cell: (c) => c.subject },
  problem: { title: 'problem', cell: (c) => c.problem ?? '' },
  runner: { title: 'runner', cell: (c) => c.runner },
  size: { title: 'paths × steps', cell: (c) => (c.steps ? `${c.paths} × ${c.steps}` : `${c.paths ?? ''}`) },
  rate: { title: 'path-steps/s (wall)', cell: (c) => sci(m(c, 'pathStepsPerSecond')) },
  spread: { title: 'spread', cell: (c) => pct(c.metrics.pathStepsPerSecond?.relSpread) },
  kernel: { title: 'path-steps/s (GPU time)', cell: (c) => sci(m(c, 'kernelPathStepsPerSecond')) },
  cpuRate: { title: 'path-steps/CPU-s', cell: (c) => sci(m(c, 'pathStepsPerCpuSecond')) },
  hvps: { title: 'HVP/s', cell: (c) => sci(m(c, 'hvpsPerSecond')) },
  gflops: { title: 'GFLOP/s', cell: (c) => sci(m(c, 'gflopsPerSecond')) },
  normals: { title: 'normals/s', cell: (c) => sci(m(c, 'normalsPerSecond')) },
  normalsCpu: { title: 'normals/CPU-s', cell: (c) => sci(m(c, 'normalsPerCpuSecond')) },
  moduleSeconds: { title: 'module s', cell: (c) => sci(Number(c.params.moduleSeconds)) },
  slowest: { title: 'slowest', cell: (c) => String(c.params.slowest ?? '') },
  pipelineMax: { title: 'pipeline s (max)', cell: (c) => sci(c.metrics.wallSeconds?.max) },
  pipelineCpu: { title: 'pipeline CPU s (median)', cell: (c) => sci(m(c, 'cpuSeconds')) },
  wall: { title: 'wall s', cell: (c) => sci(m(c, 'wallSeconds')) },
  cpu: { title: 'CPU s', cell: (c) => sci(m(c, 'cpuSeconds')) },
  cpuShare: {
    title: 'CPU/wall',
    cell: (c) => {
      const cpu = m(c, 'cpuSeconds');
      const wall = m(c, 'wallSeconds');
      return cpu !== undefined && wall ? (cpu / wall).toFixed(2) : '–';
    },
  },
  gpu: { title: 'GPU s', cell: (c) => sci(m(c, 'gpuSeconds')) },
  perDispatch: { title: 'steps/dispatch', cell: (c) => sci(m(c, 'stepsPerDispatch')) },
  submits: { title: 'submits / dispatches', cell: (c) => (c.counts ? `${c.counts.submits} / ${c.counts.dispatches}` : '–') },
  memory: { title: 'peak MiB', cell: (c) => (c.counts ? (c.counts.peakBufferBytes / 2 ** 20).toFixed(2) : '–') },
  ckBytes: { title: 'MiB', cell: (c) => (Number(c.params.bytes) / 2 ** 20).toFixed(1) },
  ckGather: { title: 'read back s', cell: (c) => sci(Number(c.params.gatherSeconds)) },
  ckEncode: { title: 'encode + SHA-256 s', cell: (c) => sci(Number(c.params.encodeSeconds)) },
  ckWrite: { title: 'atomic write s', cell: (c) => sci(Number(c.params.writeSeconds)) },
  ckWall: { title: 'run wall s per checkpoint', cell: (c) => sci(Number(c.params.wallPerCheckpoint)) },
  ckCpu: { title: 'run CPU s per checkpoint', cell: (c) => sci(Number(c.params.cpuPerCheckpoint)) },
  load: { title: 'load 1 min', cell: (c) => `${c.load[0].toFixed(1)}→${c.load[1].toFixed(1)}` },
  slice: { title: 'targetSliceSeconds', cell: (c) => String(c.params.targetSliceSeconds ?? '') },
  gbWall: { title: 'GB/s (wall, no upload)', cell: (c) => sci(m(c, 'gbPerSecond')) },
  gbGpu: { title: 'GB/s (GPU time)', cell: (c) => sci(m(c, 'gpuGbPerSecond')) },
  gbRound: { title: 'GB/s (reduceArray, with upload)', cell: (c) => sci(m(c, 'roundTripGbPerSecond')) },
  gbSpread: { title: 'spread', cell: (c) => pct(c.metrics.gbPerSecond?.relSpread) },
  passes: {
    title: 'GPU s by pass',
    cell: (c) => (c.gpuSecondsByPass
      ? Object.entries(c.gpuSecondsByPass).map(([label, s]) => `${label.replace(/^simulate\./, '').replace(/^PathReducer\./, 'reduce.')} ${sci(s)}`).join(', ')
      : '–'),
  },
};

const GROUPS: { group: Group; title: string; columns: string[]; note?: string }[] = [
  {
    group: 'kernel',
    title: '(a) SDE kernels on the d = 20 Wishart quadratic',
    columns: ['subject', 'runner', 'size', 'rate', 'spread', 'kernel', 'cpuRate', 'hvps', 'gflops', 'normals', 'wall', 'cpu', 'cpuShare', 'perDispatch', 'submits', 'memory', 'load'],
  },
  {
    group: 'dispatch',
    title: '(a) Steps per dispatch: USAM-SDE, d = 20, simulate() targetSliceSeconds varied',
    columns: ['subject', 'slice', 'size', 'perDispatch', 'rate', 'spread', 'kernel', 'wall', 'submits', 'load'],
  },
  {
    group: 'linear3d',
    title: '(b) The 3-d linear case: SGD-SDE on a 3-d diagonal quadratic',
    columns: ['subject', 'runner', 'size', 'rate', 'spread', 'kernel', 'cpuRate', 'wall', 'cpu', 'cpuShare', 'perDispatch', 'submits', 'memory', 'load'],
  },
  {
    group: 'problem',
    title: '(c) HVPs and GFLOP/s per problem (USAM-SDE: 1 gradient + 1 HVP per path-step)',
    columns: ['problem', 'size', 'hvps', 'gflops', 'normals', 'kernel', 'rate', 'spread', 'wall', 'load'],
  },
  {
    group: 'reduction',
    title: '(d) Reductions (PathReducer, one row)',
    columns: ['subject', 'gbWall', 'gbSpread', 'gbGpu', 'gbRound', 'wall', 'load'],
  },
  {
    group: 'end-to-end',
    title: '(e) validation-quadratic end to end (reduced size)',
    columns: ['subject', 'size', 'rate', 'spread', 'kernel', 'gflops', 'wall', 'cpu', 'gpu', 'passes', 'submits', 'memory', 'load'],
  },
  {
    group: 'compile',
    title: '(f) Pipeline compile time, a new device per problem (every dynamics\' advance pipeline)',
    columns: ['problem', 'subject', 'moduleSeconds', 'wall', 'pipelineMax', 'slowest', 'pipelineCpu', 'load'],
  },
  {
    group: 'rng',
    title: '(g) Random numbers alone: the kernels\' Threefry4x32-20 + Box–Muller against numpy float32',
    columns: ['subject', 'runner', 'normals', 'normalsCpu', 'wall', 'cpu', 'load'],
  },
  {
    group: 'checkpoint',
    title: '(h) What a checkpoint costs (issue 11): size, and seconds per checkpoint',
    columns: ['subject', 'size', 'ckBytes', 'ckGather', 'ckEncode', 'ckWrite', 'ckWall', 'ckCpu', 'load'],
  },
];

function table(cases: CaseResult[], columns: string[]): string[] {
  const cols = columns.map((c) => COLUMNS[c]);
  const lines = [`| ${cols.map((c) => c.title).join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`];
  for (const c of cases) {
    if (c.skipped) {
      lines.push(`| ${cols.map((col, i) => (i === 0 ? col.cell(c) : i === 1 ? `skipped: ${c.skipped}` : '')).join(' | ')} |`);
    } else {
      lines.push(`| ${cols.map((col) => col.cell(c)).join(' | ')} |`);
    }
  }
  return lines;
}

function us(seconds: number): string {
  return `${(seconds * 1e6).toPrecision(3)} µs`;
}

function analysis(doc: BenchDocument): string[] {
  const lines: string[] = [];
  const model = doc.analysis.costModel;
  const splits = doc.analysis.splits;
  if (!model && splits.length === 0) return lines;
  lines.push('### Where the time goes', '');
  if (model) {
    lines.push(
      `Kernel cost model (CPU time per path-step, the two largest sizes of each model (${model.paths.join(', ')} paths), `
        + `non-negative least squares over ${model.models.join(', ')}; see bench/analysis.ts): `
        + `${us(model.perProduct)} per d×d product, ${us(model.perBlock)} per Threefry block of 4 normals (SAM's O(Kd) norms included), `
        + `${us(model.fixed)} fixed; worst residual ${pct(model.worstRelResidual)}.`,
    );
    if (model.usam) {
      lines.push(
        `USAM-SDE: ${us(model.usam.seconds)} per path-step, of which products ${pct(model.usam.products)}, `
          + `RNG ${pct(model.usam.rng)}, fixed ${pct(model.usam.fixed)}.`,
      );
    }
    lines.push('');
  }
  if (splits.length > 0) {
    lines.push('| case | wall s | GPU passes (share of wall) | outside passes | CPU/wall |', '|---|---|---|---|---|');
    for (const split of splits) {
      const passes = Object.entries(split.byPass).map(([label, share]) => `${label} ${pct(share)}`).join(', ');
      lines.push(`| ${split.id} | ${sci(split.wallSeconds)} | ${passes} | ${pct(split.outsidePasses)} | ${split.cpuShare.toFixed(2)} |`);
    }
    lines.push('');
  }
  return lines;
}

export function renderMarkdown(doc: BenchDocument): string {
  const a = doc.adapter;
  const np = doc.peers.numpy;
  const lines = [
    `## sam-sde benchmark: ${doc.profile}${doc.complete ? '' : ' (incomplete)'}`,
    '',
    `- date: ${doc.date}; suite wall time ${doc.wallSeconds.toFixed(0)} s; code: ${doc.git ? `${doc.git.commit}${doc.git.dirty ? ' + uncommitted changes' : ''}` : 'unknown'}`,
    `- machine: ${doc.machine.cpuModel} × ${doc.machine.cores} cores, ${(doc.machine.memoryBytes / 2 ** 30).toFixed(0)} GiB, ${doc.machine.platform}, Node ${doc.machine.node}`,
    `- load (1/5/15 min) before: ${doc.machine.loadBefore.map((x) => x.toFixed(2)).join(' ')}; after: ${doc.machine.loadAfter.map((x) => x.toFixed(2)).join(' ')}`,
    `- adapter: ${a.name}; driver: ${a.driver}; timestamp-query: ${a.timestampQuery ? 'yes' : 'no'}`,
    `- peers: float64 twin (${doc.peers.twin.note}); numpy: ${np.available ? `${np.numpy} on ${np.python} (${np.origin}), BLAS ${np.blas?.join(', ') || 'unknown'}` : `unavailable (${np.reason})`}`,
    `- FLOP count: ${doc.flopCount}`,
    '',
  ];
  if (doc.analysis.targets.length > 0) {
    lines.push('### Targets (issues 7 and 10)', '', '| target | measured | met | note |', '|---|---|---|---|');
    for (const t of doc.analysis.targets) {
      lines.push(`| ${t.target} | ${t.measured} | ${t.met === null ? 'n/a' : t.met ? 'yes' : 'no'} | ${t.note} |`);
    }
    lines.push('');
  }
  if (doc.ratios.length > 0) {
    lines.push('### Ratios to the peers (same run, medians: GPU rate / peer rate)', '');
    lines.push(
      'wall: path-steps/s of the whole simulate() call vs the peer\'s timed loop; GPU time: the advance passes\' '
        + 'timestamp time instead of the call\'s wall time; CPU: path-steps per CPU-second of each process (fairer under load).',
      '',
    );
    lines.push('| case | paths | peer | peer path-steps/s | ratio (wall) | ratio (GPU time) | ratio (CPU) | target (wall) |', '|---|---|---|---|---|---|---|---|');
    const keys = [...new Set(doc.ratios.map((r) => `${r.subject}|${r.paths}|${r.peer}`))];
    for (const key of keys) {
      const rows = doc.ratios.filter((r) => `${r.subject}|${r.paths}|${r.peer}` === key);
      const at = (basis: string) => rows.find((r) => r.basis === basis);
      const wall = at('wall');
      const first = rows[0];
      const met = wall?.target === undefined ? '' : `≥ ${wall.target}: ${wall.ratio >= wall.target ? 'met' : 'missed'}`;
      lines.push(`| ${first.subject} | ${first.paths} | ${first.peer} | ${sci(wall?.other)} | ${sci(wall?.ratio)} | ${sci(at('kernel')?.ratio)} | ${sci(at('cpu')?.ratio)} | ${met} |`);
    }
    lines.push('');
  }
  for (const g of GROUPS) {
    const cases = doc.cases.filter((c) => c.group === g.group);
    if (cases.length === 0) continue;
    lines.push(`### ${g.title}`, '', ...table(cases, g.columns), '');
  }
  lines.push(...analysis(doc));
  if (doc.errors.length > 0) lines.push('### Errors', '', ...doc.errors.map((e) => `- ${e}`), '');
  return lines.join('\n');
}
