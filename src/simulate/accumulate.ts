// Float64 accumulation of the GPU's per-block partials across windows and path chunks, and
// the assembly of a run's series and comparisons (docs/model.md §4).
import type { ResolvedConfig } from '../config/schema.js';
import { OBSERVABLES } from '../dynamics/names.js';
import { combinePartials } from '../analysis/statistics.js';
import { compareSeries } from '../analysis/comparisons.js';
import type { Plan } from './plan.js';
import type { DynamicsSeries, RunResult } from './result.js';

export class RecordAccumulator {
  /** (count, sum, m2, _) per record and row, combined in float64. */
  private readonly moments: Float64Array;
  private readonly diverged: number[];
  private readonly guarded: number[];
  /** Records that have at least one reduced chunk. */
  private recorded = 0;

  constructor(private readonly plan: Plan) {
    this.moments = new Float64Array(plan.records * plan.rowsPerRecord * 4);
    this.diverged = plan.dynamics.map(() => 0);
    this.guarded = plan.dynamics.map(() => 0);
  }

  /** Adds the partials of records first..last (row-major: record, row, block). */
  add(partials: Float32Array, first: number, last: number, blocks: number): void {
    const rows = this.plan.rowsPerRecord;
    const pair = new Float64Array(8);
    for (let record = first; record <= last; record++) {
      for (let row = 0; row < rows; row++) {
        const start = ((record - first) * rows + row) * blocks * 4;
        const chunk = combinePartials(partials.subarray(start, start + blocks * 4));
        const at = (record * rows + row) * 4;
        pair.set(this.moments.subarray(at, at + 4), 0);
        pair.set([chunk.count, chunk.sum, chunk.m2, 0], 4);
        const merged = combinePartials(pair);
        this.moments.set([merged.count, merged.sum, merged.m2, 0], at);
      }
    }
    this.recorded = Math.max(this.recorded, last + 1);
  }

  addStatus(dynamics: number, diverged: number, guarded: number): void {
    this.diverged[dynamics] += diverged;
    this.guarded[dynamics] += guarded;
  }

  private stats(record: number, row: number) {
    const at = (record * this.plan.rowsPerRecord + row) * 4;
    return combinePartials(this.moments.subarray(at, at + 4));
  }

  /** Writes the series and comparisons of the records reduced so far into `run`. */
  toRun(run: RunResult, config: ResolvedConfig): void {
    const records = this.recorded;
    const observables = OBSERVABLES.length;
    run.t = Array.from({ length: records }, (_, r) => r * config.recordEvery * config.eta);
    run.series = {};
    this.plan.dynamics.forEach((name, d) => {
      const series = { diverged: this.diverged[d], guarded: this.guarded[d], count: [] as number[] } as unknown as DynamicsSeries;
      OBSERVABLES.forEach((observable, o) => {
        const mean: number[] = [];
        const stderr: number[] = [];
        for (let r = 0; r < records; r++) {
          const m = this.stats(r, d * observables + o);
          mean.push(m.mean);
          stderr.push(m.stderr);
          if (o === 0) series.count.push(m.count);
        }
        series[observable] = { mean, stderr };
      });
      run.series[name] = series;
    });
    run.comparisons = [];
    const paired = config.coupling === 'shared';
    this.plan.pairs.forEach(([algorithm, model], p) => {
      OBSERVABLES.forEach((observable, o) => {
        const a = run.series[algorithm][observable];
        const s = run.series[model][observable];
        const pairedStderr: number[] = [];
        for (let r = 0; r < records; r++) {
          pairedStderr.push(this.stats(r, (this.plan.dynamics.length + p) * observables + o).stderr);
        }
        const { relMaxError, band, weakError, weakErrorStderr } = compareSeries({
          algorithm: a.mean,
          model: s.mean,
          algorithmStderr: a.stderr,
          modelStderr: s.stderr,
          differenceStderr: paired ? pairedStderr : undefined,
        });
        run.comparisons.push({ algorithm, model, observable, relMaxError, band, weakError, weakErrorStderr });
      });
    });
  }
}
