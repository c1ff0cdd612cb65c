// Float64 accumulation of the sharpness readouts' per-block partials across path chunks, and
// their place in a run's result (docs/model.md §8): per dynamics the trace and top-eigenvalue
// series, and per compared pair the paper's metric on both (docs/model.md §4.4).
// Rows per readout (src/simulate/sharpness.ts writes them in this order): each dynamics ×
// (trace, top), then each pair × (trace, top) as per-path differences (paired standard errors).
import type { ResolvedConfig } from '../config/schema.js';
import { combinePartials } from '../analysis/statistics.js';
import { compareSeries } from '../analysis/comparisons.js';
import type { Plan } from './plan.js';
import { SHARPNESS_OBSERVABLES, type RunResult, type SeriesStats, type SharpnessSeries } from './result.js';

/** Readout steps 0, every, 2·every, … up to the run's last recorded step. */
export function sharpnessReadouts(plan: Pick<Plan, 'lastStep'>, every: number): number {
  return Math.floor(plan.lastStep / every) + 1;
}

export function sharpnessRowsPerReadout(plan: Pick<Plan, 'dynamics' | 'pairs'>): number {
  return (plan.dynamics.length + plan.pairs.length) * SHARPNESS_OBSERVABLES.length;
}

export class SharpnessAccumulator {
  /** (count, sum, m2, _) per readout and row, combined in float64. */
  private readonly moments: Float64Array;
  private readonly rows: number;
  /** Readouts that have at least one reduced chunk. */
  private readouts = 0;

  constructor(private readonly plan: Plan, private readonly every: number) {
    this.rows = sharpnessRowsPerReadout(plan);
    this.moments = new Float64Array(sharpnessReadouts(plan, every) * this.rows * 4);
  }

  /** Adds one chunk's partials of readout `readout` ((count, sum, m2, _) per row and block, row-major). */
  add(readout: number, partials: Float32Array, blocks: number): void {
    const pair = new Float64Array(8);
    for (let row = 0; row < this.rows; row++) {
      const start = row * blocks * 4;
      const chunk = combinePartials(partials.subarray(start, start + blocks * 4));
      const at = (readout * this.rows + row) * 4;
      pair.set(this.moments.subarray(at, at + 4), 0);
      pair.set([chunk.count, chunk.sum, chunk.m2, 0], 4);
      const merged = combinePartials(pair);
      this.moments.set([merged.count, merged.sum, merged.m2, 0], at);
    }
    this.readouts = Math.max(this.readouts, readout + 1);
  }

  private stats(readout: number, row: number) {
    const at = (readout * this.rows + row) * 4;
    return combinePartials(this.moments.subarray(at, at + 4));
  }

  private series(row: number): SeriesStats & { count: number[] } {
    const out = { mean: [] as number[], stderr: [] as number[], count: [] as number[] };
    for (let r = 0; r < this.readouts; r++) {
      const m = this.stats(r, row);
      out.mean.push(m.mean);
      out.stderr.push(m.stderr);
      out.count.push(m.count);
    }
    return out;
  }

  /**
   * Adds the sharpness series to `run.series` and the sharpness comparisons to
   * `run.comparisons`; call after RecordAccumulator.toRun, which rebuilds both.
   */
  toRun(run: RunResult, config: ResolvedConfig): void {
    const t = Array.from({ length: this.readouts }, (_, r) => r * this.every * config.eta);
    const kinds = SHARPNESS_OBSERVABLES.length;
    this.plan.dynamics.forEach((name, d) => {
      const trace = this.series(d * kinds);
      const top = this.series(d * kinds + 1);
      const sharpness: SharpnessSeries = {
        t,
        trace: { mean: trace.mean, stderr: trace.stderr },
        top: { mean: top.mean, stderr: top.stderr },
        count: trace.count,
      };
      if (run.series[name]) run.series[name].sharpness = sharpness;
    });
    const paired = config.coupling === 'shared';
    this.plan.pairs.forEach(([algorithm, model], p) => {
      SHARPNESS_OBSERVABLES.forEach((observable, o) => {
        const a = run.series[algorithm]?.sharpness?.[observable];
        const s = run.series[model]?.sharpness?.[observable];
        if (!a || !s) return;
        const difference = this.series((this.plan.dynamics.length + p) * kinds + o);
        const { relMaxError, band, weakError, weakErrorStderr } = compareSeries({
          algorithm: a.mean,
          model: s.mean,
          algorithmStderr: a.stderr,
          modelStderr: s.stderr,
          differenceStderr: paired ? difference.stderr : undefined,
        });
        run.comparisons.push({ algorithm, model, observable, relMaxError, band, weakError, weakErrorStderr });
      });
    });
  }
}
