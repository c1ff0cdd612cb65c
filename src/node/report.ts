// REPRODUCTION.md: each registered experiment's result against the paper's claim (docs/model.md
// §6), with the numbers measured, the figures, the machine, the adapter and the size
// that produced it.
import { arch, cpus, platform, release, totalmem } from 'node:os';
import type { AdapterReport } from '../gpu/device.js';
import { adapterName } from '../gpu/device.js';
import type { ClaimCheck } from '../experiments/claims.js';
import { fmt } from '../experiments/claims.js';
import type { ExperimentDocument } from '../experiments/run.js';
import type { Experiment } from '../experiments/types.js';

export interface ReportEntry {
  experiment: Experiment;
  /** unavailable: the problem kind is missing; skipped: out of reach of this adapter. */
  status: 'ran' | 'unavailable' | 'skipped' | 'failed';
  /** Why it did not run, or the error it failed with. */
  reason?: string;
  document?: ExperimentDocument;
  checks?: ClaimCheck[];
  /** Files written, relative to the report's folder. */
  files?: string[];
  seconds?: number;
}

export interface ReportContext {
  quick: boolean;
  command: string;
  adapter?: AdapterReport;
  startedAt: Date;
  seconds: number;
}

export function machineLine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length} logical cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, `
    + `${platform()} ${release()} ${arch()}, Node ${process.version}`;
}

function verdict(entry: ReportEntry): string {
  if (entry.status === 'unavailable') return 'not run (problem kind missing)';
  if (entry.status === 'skipped') return 'not run (needs a hardware GPU)';
  if (entry.status === 'failed') return 'failed to run';
  const checks = entry.checks ?? [];
  if (checks.length === 0) return 'no check';
  const decided = checks.filter((c) => c.holds !== null);
  if (decided.length === 0) return 'not testable';
  const held = decided.filter((c) => c.holds).length;
  if (held === decided.length) return `reproduced (${held}/${checks.length} checks)`;
  if (held === 0) return `**not reproduced** (0/${decided.length} checks)`;
  return `**partly reproduced** (${held}/${decided.length} checks)`;
}

function sizeLine(document: ExperimentDocument): string {
  const c = document.config;
  const order = document.order;
  const steps = order ? `ceil(T/η) = ${order.steps.join(', ')} steps` : `${c.steps} steps`;
  const rho = order ? `ρ = ${order.rhos.map((r) => fmt(r)).join(', ')}` : `ρ ∈ {${c.rho.join(', ')}}`;
  const m = document.minibatch;
  const noise = m ? `mini-batches B ∈ {${m.batchSizes.join(', ')}} and Gaussian injection σ_B = ${m.sigmas.map((x) => fmt(x)).join(', ')}`
    : c.noise.batchSize !== undefined ? `mini-batches B = ${c.noise.batchSize}` : `σ = ${c.noise.sigma}`;
  return `${c.paths} paths × ${steps}, η = ${order ? order.etas.join(', ') : c.eta}, ${rho}, ${noise}, `
    + `m = ${c.substeps}, coupling ${c.coupling}, seed ${c.seed}; `
    + `${document.timing.pathSteps.toExponential(2)} path-steps in ${document.timing.wallSeconds.toFixed(1)} s `
    + `(${document.timing.pathStepsPerSecond.toExponential(2)} /s)`;
}

function orderTable(document: ExperimentDocument): string[] {
  const order = document.order;
  if (!order) return [];
  const lines = [
    '',
    `| pair | ${order.etas.map((e) => `e(η=${e})`).join(' | ')} | slope | 95 % interval |`,
    `|---|${order.etas.map(() => '---').join('|')}|---|---|`,
  ];
  for (const p of order.pairs) {
    const cells = p.errors.map((e, j) => `${fmt(e)} ± ${fmt(p.stderr[j])}${p.qualified[j] ? '' : ' (nq)'}`);
    lines.push(`| ${p.algorithm} vs ${p.model} | ${cells.join(' | ')} | ${fmt(p.slope)} | [${fmt(p.ci95[0])}, ${fmt(p.ci95[1])}] |`);
  }
  lines.push('', `Weak error of g with its paired standard error; (nq): not qualified (error ≤ ${order.qualifyRatio} stderr), `
    + 'left out of the fit. Interval: ' + `${order.bootstrap.method}, ${order.bootstrap.resamples} resamples, seed ${order.bootstrap.seed}. `
    + 'It covers Monte Carlo noise only, not a departure from a power law over the η range.');
  return lines;
}

/** The mini-batch experiment's table (docs/model.md §6.6): own SDE in mode B against its injection twin. */
function minibatchTable(document: ExperimentDocument): string[] {
  const m = document.minibatch;
  if (!m) return [];
  const lines = [
    '',
    '| B | σ_B | ρ | algorithm | own SDE, mode B | own SDE, injection | gap (injection − mode B) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const p of m.pairs) {
    const sigma = m.sigmas[m.batchSizes.indexOf(p.batchSize)];
    lines.push(`| ${p.batchSize} | ${fmt(sigma)} | ${p.rho} | ${p.algorithm} | ${fmt(p.modeB.relMaxError)} ± ${fmt(p.modeB.relStderr)} `
      + `| ${fmt(p.injection.relMaxError)} ± ${fmt(p.injection.relStderr)} | ${fmt(p.gap)} ± ${fmt(p.gapStderr)} |`);
  }
  lines.push('', `relMaxError of g against the algorithm, ± its unpaired Monte Carlo standard error (the two models run in separate `
    + `simulations). σ_B² d = tr C(x0)/B with tr C(x0) = ${fmt(m.covarianceTrace)} ± ${fmt(m.covarianceTraceStd)} (mean ± std over the x0 of `
    + `${m.matchPaths} paths; d = ${m.dim}, N = ${m.samples}).`);
  return lines;
}

function divergenceNotes(document: ExperimentDocument): string[] {
  const notes: string[] = [];
  for (const run of document.runs) {
    for (const [name, s] of Object.entries(run.series)) {
      const batch = (run as { batchSize?: number }).batchSize;
      if (s.diverged > 0) {
        notes.push(`${name} at ${batch !== undefined ? `B = ${batch}, ` : ''}ρ = ${run.rho}${document.order ? `, η = ${run.eta}` : ''}: `
          + `${s.diverged} diverged paths (excluded)`);
      }
    }
  }
  return notes;
}

/** The cells of a markdown table row: pipes and line breaks would break it. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

/**
 * What the paper reports next to what this run measured (issue 13): its setting and finding
 * from the registry (src/experiments/registry.ts, `paper`), this run's size and verdict, and
 * where our configuration is a guess at the paper's.
 */
function besideThePaper(entry: ReportEntry): string[] {
  const paper = entry.experiment.paper;
  if (!paper) return ['*In the paper:* no — this experiment goes beyond it.', ''];
  const document = entry.status === 'ran' ? entry.document : undefined;
  const lines = [
    '| | the paper | measured here |',
    '|---|---|---|',
    `| setting | ${cell(paper.setting)} | ${cell(document ? sizeLine(document) : 'not run')} |`,
    `| finding | ${cell(paper.finding)} | ${cell(verdict(entry))}${document ? ': the checks below' : ''} |`,
    '',
  ];
  if (paper.guess) lines.push(`*Our reading, not the paper's:* ${paper.guess}.`, '');
  return lines;
}

function entrySection(entry: ReportEntry): string[] {
  const e = entry.experiment;
  const lines = [`## ${e.id}: ${e.title}`, '', e.description, '', `**Claim.** ${e.claim}`, ''];
  if (e.note) lines.push(`*Note:* ${e.note}`, '');
  lines.push(...besideThePaper(entry));
  if (entry.status !== 'ran' || !entry.document) {
    lines.push(`**Not run:** ${entry.reason ?? 'unknown reason'}`, '');
    return lines;
  }
  const document = entry.document;
  lines.push(`**Size.** ${sizeLine(document)}${document.cancelled ? ' — **cancelled, partial**' : ''}`, '');
  lines.push(`**Verdict: ${verdict(entry)}.**`, '');
  for (const c of entry.checks ?? []) {
    lines.push(`- ${c.holds === null ? '❔ not testable' : c.holds ? '✅ holds' : '❌ does not hold'}: ${c.statement}.`, `  Measured: ${c.measured}.`);
  }
  lines.push(...orderTable(document));
  lines.push(...minibatchTable(document));
  const notes = divergenceNotes(document);
  if (notes.length > 0) lines.push('', `Divergence: ${notes.join('; ')}.`);
  const files = entry.files ?? [];
  const svgs = files.filter((f) => f.endsWith('.svg'));
  lines.push('');
  for (const svg of svgs) lines.push(`![${e.id}: ${svg.split('/').pop()}](${svg})`, '');
  const data = files.filter((f) => !f.endsWith('.svg') && !f.endsWith('.png'));
  if (data.length > 0) lines.push(`Data: ${data.map((f) => `[${f.split('/').pop()}](${f})`).join(', ')}.`, '');
  return lines;
}

const METHOD_NOTES = [
  '## How the numbers are made',
  '',
  '- Every algorithm and SDE runs on the same paths (shared coupling, docs/model.md §3), so a gap between two '
    + 'dynamics has a paired Monte Carlo standard error; "± x" and the 95 % bands come from it.',
  '- relMaxError is the paper\'s metric on g = ‖x‖ + ‖∇f‖ (docs/model.md §4); the shaded band in the error-vs-ρ '
    + 'figures is the paper\'s band (std over time of the gap), the bars are 95 % Monte Carlo intervals.',
  '- With m = 1 substep on a quadratic the SGD, USAM and DNSAM SDEs equal their algorithms exactly (docs/model.md '
    + '§7): their tiny own-model errors there are f32 rounding, not a finding; SAM, the drift-only '
    + 'ablations and the order experiments (m = 8) carry the information.',
  '- Escaped fraction: a second pass over the same paths freezes each path at its first step outside '
    + '‖x‖ ≤ escape radius, so the fraction is exact at every recorded time (src/experiments/saddle.ts).',
  '- Mini-batch noise (docs/model.md §6.6): per batch size the mode-B simulation and the Gaussian-injection one are '
    + 'separate runs from one common x0, so an algorithm against an injection SDE (and, in the mini-batch table, against '
    + 'its mode-B SDE too) has the unpaired standard error sqrt(se_a² + se_s²).',
  '- Convergence order: least squares of log e on log η over the points with e > 3 stderr; the 95 % interval is '
    + 'a parametric bootstrap of those errors from their paired standard errors (2000 resamples, fixed seed), '
    + 'because a result keeps moments, not paths.',
  '- `--quick` also uses K = 4 inner draws for SAM-SDE instead of 16 (unbiased either way; K = 16 makes the '
    + 'SAM models most of the cost on a software adapter).',
  '',
];

export function buildReport(entries: readonly ReportEntry[], context: ReportContext): string {
  const adapter = context.adapter;
  const lines = [
    '# Reproduction of "An SDE for Modeling SAM" (Monzio Compagnoni et al., ICML 2023)',
    '',
    `Generated by \`${context.command}\` on ${context.startedAt.toISOString()} in ${context.seconds.toFixed(0)} s.`,
    '',
    `- **Size:** ${context.quick ? '`--quick`: the registry\'s reduced sizes (few paths, short horizons; same algorithms, models, ρ grids and step sizes). '
      + 'Claims are checked at this size; the full-size defaults use thousands of paths.' : 'full registry sizes (thousands of paths).'}`,
    `- **Machine:** ${machineLine()}`,
    `- **Adapter:** ${adapter ? adapterName(adapter) : 'none acquired'}${adapter?.isSoftware ? ' — a CPU implementation of WebGPU: timings are not GPU timings' : ''}`,
    '- **Checks:** docs/model.md §4, §6 and §7 as thresholds in src/experiments/claims.ts; each line below gives the numbers measured.',
    '',
    '| experiment | kind | verdict |',
    '|---|---|---|',
    ...entries.map((e) => `| [${e.experiment.id}](#${e.experiment.id.replace(/[^a-z0-9-]/g, '')}) | ${e.experiment.kind} | ${verdict(e)} |`),
    '',
  ];
  const failed = entries.filter((e) => e.status === 'ran' && (e.checks ?? []).some((c) => c.holds === false));
  if (failed.length > 0) {
    lines.push('**Claims that do not hold here:** '
      + failed.map((e) => `${e.experiment.id} (${(e.checks ?? []).filter((c) => c.holds === false).map((c) => c.statement).join('; ')})`).join('; ')
      + '.', '');
  }
  const missing = entries.filter((e) => e.status !== 'ran');
  if (missing.length > 0) {
    lines.push(`**Not run:** ${missing.map((e) => `${e.experiment.id} — ${e.reason}`).join('; ')}.`, '');
  }
  lines.push(...METHOD_NOTES);
  for (const entry of entries) lines.push(...entrySection(entry));
  return `${lines.join('\n')}\n`;
}
