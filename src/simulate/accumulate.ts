// Float64 accumulation of the GPU's per-block partials across windows and path chunks, and
// the assembly of a run's series and comparisons (docs/model.md §4). Blocks are combined in the
// canonical tree of src/simulate/momentTree.ts, so a run gives the same bits whether it ran in
// one go, was resumed from a checkpoint or was merged from shards (docs/model.md §9).
import type { ResolvedConfig } from '../config/schema.js';
import { OBSERVABLES } from '../dynamics/names.js';
import { compareSeries } from '../analysis/comparisons.js';
import type { Plan } from './plan.js';
import type { DynamicsSeries, RunResult } from './result.js';
import { MOMENT_WORDS, MomentStack, leafMoments } from './momentTree.js';

/** Everything an accumulator holds, for checkpoints and shard results. */
export interface AccumulatorState {
  /** Records that have at least one reduced block. */
  recorded: number;
  diverged: number[];
  guarded: number[];
  /** Per record: the stack's nodes, each (level, index, moments…), concatenated. */
  stacks: Float64Array;
}

interface Summary { count: number; mean: number; stderr: number }

function summary(moments: Float64Array, row: number): Summary {
  const at = row * MOMENT_WORDS;
  const count = moments[at];
  const variance = count > 1 ? moments[at + 2] / (count - 1) : NaN;
  return { count, mean: count > 0 ? moments[at + 1] : NaN, stderr: count > 1 ? Math.sqrt(variance / count) : NaN };
}

export class RecordAccumulator {
  /** Per record: the canonical tree's completed nodes over the blocks reduced so far. */
  private readonly stacks: MomentStack[];
  private readonly diverged: number[];
  private readonly guarded: number[];
  /** Records that have at least one reduced block. */
  private recorded = 0;

  constructor(private readonly plan: Plan) {
    this.stacks = Array.from({ length: plan.records }, () => new MomentStack(plan.rowsPerRecord));
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
      for (let b = 0; b < blocks; b++) {
        const moments = leafMoments(partials, (record - first) * rows * blocks + b, rows, blocks);
        this.stacks[record].push({ level: 0, index: firstBlock + b, moments });
      }
    }
    this.recorded = Math.max(this.recorded, last + 1);
  }

  addStatus(dynamics: number, diverged: number, guarded: number): void {
    this.diverged[dynamics] += diverged;
    this.guarded[dynamics] += guarded;
  }

  state(): AccumulatorState {
    const words: number[] = [];
    for (const stack of this.stacks) {
      words.push(stack.nodes.length);
      for (const node of stack.nodes) words.push(node.level, node.index, ...node.moments);
    }
    return { recorded: this.recorded, diverged: [...this.diverged], guarded: [...this.guarded], stacks: Float64Array.from(words) };
  }

  /** An accumulator holding `state` (which must come from the same plan's config). */
  static fromState(plan: Plan, state: AccumulatorState): RecordAccumulator {
    const accumulator = new RecordAccumulator(plan);
    accumulator.append(state);
    return accumulator;
  }

  /**
   * Adds the blocks of `state`, which must follow every block already held (the next shard).
   * Counters add up; nodes are pushed in order, so siblings from two shards combine exactly as
   * within one run.
   */
  append(state: AccumulatorState): void {
    const width = this.plan.rowsPerRecord * MOMENT_WORDS;
    const { stacks } = state;
    let at = 0;
    for (const stack of this.stacks) {
      if (at >= stacks.length) throw new Error('accumulator state: fewer records than the plan has');
      const count = stacks[at++];
      for (let n = 0; n < count; n++) {
        const level = stacks[at];
        const index = stacks[at + 1];
        stack.push({ level, index, moments: stacks.slice(at + 2, at + 2 + width) });
        at += 2 + width;
      }
    }
    if (at !== stacks.length || state.diverged.length !== this.diverged.length) {
      throw new Error('accumulator state: its shape does not match the plan');
    }
    state.diverged.forEach((v, d) => { this.diverged[d] += v; });
    state.guarded.forEach((v, d) => { this.guarded[d] += v; });
    this.recorded = Math.max(this.recorded, state.recorded);
  }

  /** Writes the series and comparisons of the records reduced so far into `run`. */
  toRun(run: RunResult, config: ResolvedConfig): void {
    const records = this.recorded;
    const observables = OBSERVABLES.length;
    const totals = this.stacks.slice(0, records).map((stack) => stack.total());
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
  }
}
