// The run summary printed by `sam-sde run`: the comparisons of the paper's test function g
// (docs/model.md §4) per ρ, plus divergence and guard counts.
import type { SimulationResult } from '../simulate/result.js';

const fmt = (x: number) => (Number.isFinite(x) ? x.toExponential(2) : String(x));

/** docs/model.md §1: σ in mode A, the batch size in mode B. */
function noiseText(result: SimulationResult & { minibatch?: { batchSizes: number[] } }): string {
  const noise = result.config.noise;
  if (result.minibatch) return `mini-batches B ∈ {${result.minibatch.batchSizes.join(', ')}} and Gaussian injection with matched σ_B`;
  return noise.batchSize !== undefined ? `mini-batches B=${noise.batchSize}` : `σ=${noise.sigma}`;
}

export function formatSummary(result: SimulationResult & { minibatch?: { batchSizes: number[] } }): string {
  const lines: string[] = [];
  const { config, timing } = result;
  lines.push(
    `${config.paths} paths × ${config.steps} steps, η=${config.eta}, ${noiseText(result)}, m=${config.substeps}, ` +
      `coupling=${config.coupling} — ${timing.pathSteps.toExponential(3)} path-steps in ${timing.wallSeconds.toFixed(2)} s ` +
      `(${timing.pathStepsPerSecond.toExponential(3)} /s)`,
  );
  for (const run of result.runs) {
    // A run of the mini-batch experiment (docs/model.md §6.6) carries its batch size and σ_B.
    const batch = run as typeof run & { batchSize?: number; sigma?: number };
    const where = batch.batchSize !== undefined
      ? `B = ${batch.batchSize} (injection σ_B = ${fmt(batch.sigma ?? NaN)}), ρ = ${run.rho}` : `ρ = ${run.rho}`;
    lines.push('', `${where}   (observable g = ‖x‖ + ‖∇f(x)‖)`);
    const header = ['algorithm', 'model', 'relMaxError', 'band', 'weakError', '± stderr'];
    const rows = run.comparisons
      .filter((c) => c.observable === 'g')
      .map((c) => [c.algorithm, c.model, fmt(c.relMaxError), fmt(c.band), fmt(c.weakError), fmt(c.weakErrorStderr)]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
    lines.push(line(header), ...rows.map(line));
    const notes = Object.entries(run.series)
      .filter(([, s]) => s.diverged > 0 || s.guarded > 0)
      .map(([name, s]) => `${name}: ${s.diverged} diverged, ${s.guarded} guarded divisions`);
    if (notes.length > 0) lines.push(...notes);
  }
  return `${lines.join('\n')}\n`;
}
