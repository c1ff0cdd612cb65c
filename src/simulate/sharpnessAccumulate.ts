// Float64 accumulation of the sharpness readouts' per-block partials across path chunks, and
// their place in a run's result (docs/model.md §8): per dynamics the trace and top-eigenvalue
// series, and per compared pair the paper's metric on both (docs/model.md §4.4).
// Rows per readout (src/simulate/sharpness.ts writes them in this order): each dynamics ×
// (trace, top), then each pair × (trace, top) as per-path differences (paired standard errors).
import type { ResolvedConfig } from '../config/schema.js';
import { compareSeries } from '../analysis/comparisons.js';
import type { Plan } from './plan.js';
import { SHARPNESS_OBSERVABLES, type RunResult, type SeriesStats, type SharpnessSeries } from './result.js';
import { SlotMoments, rowSummary } from './momentTree.js';

/** What a checkpoint or a shard keeps of the readouts (docs/model.md §9). */
export interface SharpnessState {
  readouts: number;
  stacks: Float64Array;
}

/** Readout steps 0, every, 2·every, … up to the run's last recorded step. */
export function sharpnessReadouts(plan: Pick<Plan, 'lastStep'>, every: number): number {
  return Math.floor(plan.lastStep / every) + 1;
}

export function sharpnessRowsPerReadout(plan: Pick<Plan, 'dynamics' | 'pairs'>): number {
  return (plan.dynamics.length + plan.pairs.length) * SHARPNESS_OBSERVABLES.length;
}

export class SharpnessAccumulator {
  /** Per readout: the canonical tree of the blocks reduced so far (as for the records). */
  private readonly moments: SlotMoments;
  private readonly rows: number;
  /** Readouts that have at least one reduced chunk. */
  private readouts = 0;

  constructor(private readonly plan: Plan, private readonly every: number) {
    this.rows = sharpnessRowsPerReadout(plan);
    this.moments = new SlotMoments(sharpnessReadouts(plan, every), this.rows);
  }

  /**
   * Adds one chunk's partials of readout `readout` ((count, sum, m2, _) per row and block,
   * row-major) of blocks firstBlock, firstBlock + 1, … of the run.
   */
  add(readout: number, partials: Float32Array, blocks: number, firstBlock: number): void {
    this.moments.addBlocks(readout, partials, 0, blocks, firstBlock);
    this.readouts = Math.max(this.readouts, readout + 1);
  }

  state(): SharpnessState {
    return { readouts: this.readouts, stacks: this.moments.state() };
  }

  /** Adds saved blocks that follow every block held (see RecordAccumulator.append). */
  append(state: SharpnessState): void {
    this.moments.append(state.stacks);
    this.readouts = Math.max(this.readouts, state.readouts);
  }

  private series(totals: Float64Array[], row: number): SeriesStats & { count: number[] } {
    const out = { mean: [] as number[], stderr: [] as number[], count: [] as number[] };
    for (let r = 0; r < this.readouts; r++) {
      const m = rowSummary(totals[r], row);
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
    const totals = this.moments.totals(this.readouts);
    const t = Array.from({ length: this.readouts }, (_, r) => r * this.every * config.eta);
    const kinds = SHARPNESS_OBSERVABLES.length;
    this.plan.dynamics.forEach((name, d) => {
      const trace = this.series(totals, d * kinds);
      const top = this.series(totals, d * kinds + 1);
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
        const difference = this.series(totals, (this.plan.dynamics.length + p) * kinds + o);
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
