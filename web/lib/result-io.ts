// A result in and out of the page, DOM-free: result.json exactly as the CLI writes it, CSV
// tables of the trajectories and comparisons, and the checks an imported result.json passes.
import { OBSERVABLES } from '../../src/dynamics/names.js';
import { RESULT_SCHEMA, type SimulationResult } from '../../src/simulate/result.js';
import type { PageResult, OrderSummary } from './page-result.js';

/** The CLI's serialisation (src/node/cli.ts): NaN becomes null, one-space indent. */
export function resultToJson(result: PageResult): string {
  return JSON.stringify(result, null, 1);
}

const cell = (value: unknown): string => {
  if (value === null || value === undefined) return 'NaN';
  if (typeof value === 'number') return String(value);
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

const table = (header: string[], rows: unknown[][]): string =>
  `${[header, ...rows].map((row) => row.map(cell).join(',')).join('\n')}\n`;

/**
 * The batch-size column of a mini-batch experiment's result (docs/model.md §6.6: its runs are
 * per B and ρ), first; none for other results.
 */
function batchColumn(result: SimulationResult): { header: string[]; cell: (run: SimulationResult['runs'][number]) => unknown[] } {
  const batched = result.runs.some((run) => (run as { batchSize?: number }).batchSize !== undefined);
  return batched
    ? { header: ['batchSize'], cell: (run) => [(run as { batchSize?: number }).batchSize] }
    : { header: [], cell: () => [] };
}

/** One row per (ρ, dynamics, recorded time): path count and mean ± standard error of each observable. */
export function trajectoriesCsv(result: SimulationResult): string {
  const batch = batchColumn(result);
  const header = [...batch.header, 'rho', 'dynamics', 'k', 't', 'count',
    ...OBSERVABLES.flatMap((o) => [`${o}_mean`, `${o}_stderr`]), 'diverged', 'guarded'];
  const rows: unknown[][] = [];
  for (const run of result.runs) {
    for (const [name, series] of Object.entries(run.series)) {
      run.t.forEach((t, k) => {
        rows.push([...batch.cell(run), run.rho, name, k, t, series.count[k],
          ...OBSERVABLES.flatMap((o) => [series[o].mean[k], series[o].stderr[k]]), series.diverged, series.guarded]);
      });
    }
  }
  return table(header, rows);
}

/** One row per (ρ, dynamics, sharpness readout): path count, trace and top eigenvalue (docs/model.md §8). */
export function sharpnessCsv(result: SimulationResult): string {
  const header = ['rho', 'dynamics', 'readout', 't', 'count', 'trace_mean', 'trace_stderr', 'top_mean', 'top_stderr'];
  const rows: unknown[][] = [];
  for (const run of result.runs) {
    for (const [name, series] of Object.entries(run.series)) {
      const s = series.sharpness;
      if (!s) continue;
      s.t.forEach((t, k) => {
        rows.push([run.rho, name, k, t, s.count[k], s.trace.mean[k], s.trace.stderr[k], s.top.mean[k], s.top.stderr[k]]);
      });
    }
  }
  return table(header, rows);
}

/** One row per (ρ, algorithm, model, observable): the paper's metric and the weak error. */
export function comparisonsCsv(result: SimulationResult): string {
  const batch = batchColumn(result);
  const header = [...batch.header, 'rho', 'eta', 'algorithm', 'model', 'observable', 'relMaxError', 'band', 'weakError', 'weakErrorStderr'];
  const rows = result.runs.flatMap((run) => run.comparisons.map((c) =>
    [...batch.cell(run), run.rho, run.eta, c.algorithm, c.model, c.observable, c.relMaxError, c.band, c.weakError, c.weakErrorStderr]));
  return table(header, rows);
}

/** One row per (pair, η) of a convergence-order run, with the pair's fitted slope. */
export function orderCsv(order: OrderSummary): string {
  const header = ['algorithm', 'model', 'eta', 'weakError', 'stderr', 'qualified', 'slope', 'ci95_low', 'ci95_high'];
  const rows = order.pairs.flatMap((pair) => order.etas.map((eta, j) =>
    [pair.algorithm, pair.model, eta, pair.errors[j], pair.stderr[j], pair.qualified[j], pair.slope, pair.ci95[0], pair.ci95[1]]));
  return table(header, rows);
}

/** JSON's null (a NaN the CLI wrote) back to NaN, so views treat it as missing, never as 0. */
function nullsToNaN(values: unknown): number[] {
  return Array.isArray(values) ? values.map((v) => (typeof v === 'number' ? v : NaN)) : [];
}

/**
 * Parses a result.json; throws an Error saying what is wrong when it is not one
 * (wrong schema, missing runs, a series without its arrays).
 */
export function parseResultJson(text: string): PageResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`not valid JSON: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object') throw new Error('not a JSON object');
  const doc = parsed as Record<string, unknown>;
  if (doc.schema !== RESULT_SCHEMA) {
    throw new Error(`schema is ${JSON.stringify(doc.schema) ?? 'missing'}; this page reads "${RESULT_SCHEMA}"`);
  }
  if (!Array.isArray(doc.runs)) throw new Error('"runs" is missing or not a list');
  if (doc.config === null || typeof doc.config !== 'object') throw new Error('"config" is missing');
  const result = doc as unknown as PageResult;
  result.runs.forEach((run, i) => {
    if (!Array.isArray(run.t) || run.series === null || typeof run.series !== 'object') {
      throw new Error(`runs[${i}] has no "t" list or no "series"`);
    }
    run.t = nullsToNaN(run.t);
    for (const [name, series] of Object.entries(run.series)) {
      for (const observable of OBSERVABLES) {
        const s = series[observable];
        if (!s || !Array.isArray(s.mean) || !Array.isArray(s.stderr)) {
          throw new Error(`runs[${i}].series.${name}.${observable} has no mean/stderr lists`);
        }
        s.mean = nullsToNaN(s.mean);
        s.stderr = nullsToNaN(s.stderr);
      }
      const sharpness = series.sharpness;
      if (sharpness !== undefined) {
        if (!Array.isArray(sharpness.t) || !sharpness.trace || !sharpness.top) {
          throw new Error(`runs[${i}].series.${name}.sharpness has no "t" list or no trace/top`);
        }
        sharpness.t = nullsToNaN(sharpness.t);
        sharpness.count = nullsToNaN(sharpness.count);
        for (const stats of [sharpness.trace, sharpness.top]) {
          stats.mean = nullsToNaN(stats.mean);
          stats.stderr = nullsToNaN(stats.stderr);
        }
      }
    }
    run.comparisons = Array.isArray(run.comparisons) ? run.comparisons : [];
    for (const c of run.comparisons) {
      for (const key of ['relMaxError', 'band', 'weakError', 'weakErrorStderr'] as const) {
        if (typeof c[key] !== 'number') c[key] = NaN;
      }
    }
  });
  if (result.order) {
    for (const pair of result.order.pairs) {
      pair.errors = nullsToNaN(pair.errors);
      pair.stderr = nullsToNaN(pair.stderr);
      if (typeof pair.slope !== 'number') pair.slope = NaN;
      if (typeof pair.intercept !== 'number') pair.intercept = NaN;
      pair.ci95 = [typeof pair.ci95?.[0] === 'number' ? pair.ci95[0] : NaN, typeof pair.ci95?.[1] === 'number' ? pair.ci95[1] : NaN];
    }
  }
  return result;
}
