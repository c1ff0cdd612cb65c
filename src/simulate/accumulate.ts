// Float64 accumulation of the GPU's per-block partials across windows and path chunks, and
// the assembly of a run's series and comparisons (docs/model.md §4). Blocks are combined in the
// canonical tree of src/simulate/momentTree.ts, so a run gives the same bits whether it ran in
// one go, was resumed from a checkpoint or was merged from shards (docs/model.md §9).
import type { ResolvedConfig } from '../config/schema.js';
import { OBSERVABLES } from '../dynamics/names.js';
import { compareSeries } from '../analysis/comparisons.js';
import type { Plan } from './plan.js';
import type { DynamicsSeries, RunResult } from './result.js';
import { SlotMoments, rowSummary as summary } from './momentTree.js';
import { SharpnessAccumulator, type SharpnessState } from './sharpnessAccumulate.js';

/** Everything an accumulator holds, for checkpoints and shard results. */
export interface AccumulatorState {
  /** Records that have at least one reduced block. */
  recorded: number;
  diverged: number[];
  guarded: number[];
  /** Per record: the tree's completed nodes (SlotMoments.state). */
  stacks: Float64Array;
  /** The sharpness readouts' (docs/model.md §8), when the run has them. */
  sharpness?: SharpnessState;
}

export class RecordAccumulator {
  /** Per record: the canonical tree's completed nodes over the blocks reduced so far. */
  private readonly moments: SlotMoments;
  private readonly diverged: number[];
  private readonly guarded: number[];
  /** Records that have at least one reduced block. */
  private recorded = 0;

  /** `sharpness`: the run's readout accumulator, kept, saved and merged with the records. */
  constructor(private readonly plan: Plan, readonly sharpness?: SharpnessAccumulator) {
    this.moments = new SlotMoments(plan.records, plan.rowsPerRecord);
    this.diverged = plan.dynamics.map(() => 0);
    this.guarded = plan.dynamics.map(() => 0);
  }

  /**
   * Adds the partials of records first..last (row-major: record, row, block) of blocks
   * firstBlock, firstBlock + 1, … of the run.
   */
  add(partials: Float32Array, first: number, last: number, blocks: number, firstBlock: number): void {
    const rows = this.plan.rowsPerRecord;
    for (let record = first; record <= last; record++) {
      this.moments.addBlocks(record, partials, (record - first) * rows * blocks, blocks, firstBlock);
    }
    this.recorded = Math.max(this.recorded, last + 1);
  }

  addStatus(dynamics: number, diverged: number, guarded: number): void {
    this.diverged[dynamics] += diverged;
    this.guarded[dynamics] += guarded;
  }

  state(): AccumulatorState {
    return {
      recorded: this.recorded, diverged: [...this.diverged], guarded: [...this.guarded],
      stacks: this.moments.state(), sharpness: this.sharpness?.state(),
    };
  }

  /**
   * Adds the blocks of `state`, which must follow every block already held (the next shard,
   * or the run so far when resuming). Counters add up; nodes are pushed in order, so siblings
   * from two shards combine exactly as within one run.
   */
  append(state: AccumulatorState): void {
    if (state.diverged.length !== this.diverged.length || !state.sharpness !== !this.sharpness) {
      throw new Error('accumulator state: its shape does not match the plan');
    }
    this.moments.append(state.stacks);
    if (state.sharpness) this.sharpness!.append(state.sharpness);
    state.diverged.forEach((v, d) => { this.diverged[d] += v; });
    state.guarded.forEach((v, d) => { this.guarded[d] += v; });
    this.recorded = Math.max(this.recorded, state.recorded);
  }

  /** Writes the series and comparisons of the records reduced so far into `run`. */
  toRun(run: RunResult, config: ResolvedConfig): void {
    const records = this.recorded;
    const observables = OBSERVABLES.length;
    const totals = this.moments.totals(records);
    run.t = Array.from({ length: records }, (_, r) => r * config.recordEvery * config.eta);
    run.series = {};
    this.plan.dynamics.forEach((name, d) => {
      const series = { diverged: this.diverged[d], guarded: this.guarded[d], count: [] as number[] } as unknown as DynamicsSeries;
      OBSERVABLES.forEach((observable, o) => {
        const mean: number[] = [];
        const stderr: number[] = [];
        for (let r = 0; r < records; r++) {
          const m = summary(totals[r], d * observables + o);
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
          pairedStderr.push(summary(totals[r], (this.plan.dynamics.length + p) * observables + o).stderr);
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
    // After the records: it adds to the series and comparisons just rebuilt.
    this.sharpness?.toRun(run, config);
  }
}
