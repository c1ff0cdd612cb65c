// How much one dispatch of the fused kernels does (docs/architecture.md, "The data path", 3):
// a number of steps and a group of paths, grown or shrunk towards a target wall time per submit.
//
// Why path groups: a fused dispatch pays a prologue per path (load the state, one gradient at
// the start point, the norms) and an epilogue (store), each about one step's work on the
// quadratics. Sized by steps alone, a chunk of 65 536 paths on a software adapter reached the
// target with one step per dispatch and ran at half speed (1.7e5 against 3.5e5 path-steps per
// CPU-second with 16 steps per dispatch, measured). So steps grow to MIN_FUSED_STEPS before the
// paths of a chunk are split into groups, and a group's dispatch stays near the target: the run
// stays responsive to cancellation and a real GPU's watchdog never sees a long dispatch.
// The grouping changes no number: every path's steps are the same whatever dispatch runs them.

/** Steps per dispatch a sizer keeps before it splits paths: the prologue is then ≤ ~1/16 of the work. */
export const MIN_FUSED_STEPS = 16;
/** Most steps one dispatch may take (the kernels' loop bound and the records of one window). */
export const MAX_STEPS_PER_DISPATCH = 4096;

/** How far one observation may move the work per dispatch (measured rates are noisy). */
const MAX_CHANGE = 8;

export class DispatchSizer {
  /** Steps the next dispatch takes (fewer where a record window or the run ends sooner). */
  steps = 1;
  /** Paths of each dispatch: the chunk's paths, or a whole number of workgroups. */
  groupPaths: number;
  /** Path-steps one dispatch should do: the measured rate times the target. */
  private budget: number | undefined;

  /**
   * `chunkPaths`: the paths of the largest chunk; `pathsPerWorkgroup`: a group is a whole number
   * of workgroups (the kernels bound their paths by the chunk's end, not the group's);
   * `minGroupPaths`: the smallest group worth a dispatch (enough workgroups to fill an adapter).
   */
  constructor(
    readonly targetSeconds: number, readonly chunkPaths: number, readonly pathsPerWorkgroup: number,
    readonly minGroupPaths = 16 * pathsPerWorkgroup,
  ) {
    this.groupPaths = chunkPaths;
  }

  /** The path groups of a chunk of `paths` paths: [first path within the chunk, paths]. */
  groups(paths: number): Array<[number, number]> {
    const size = Math.min(this.groupPaths, paths);
    const out: Array<[number, number]> = [];
    for (let base = 0; base < paths; base += size) out.push([base, Math.min(size, paths - base)]);
    return out;
  }

  /**
   * A slice of `steps` steps over `paths` paths (in dispatches of this.groupPaths paths) took
   * `seconds`: the budget of one dispatch is the slice's rate times the target. Only a slice of the planned size (`this.steps`) moves the sizes: one cut short by
   * a record window or the run's end carries more per-dispatch overhead than the rate it would
   * suggest. The budget moves at most MAX_CHANGE-fold per slice.
   */
  observe(seconds: number, steps: number, paths: number): void {
    if (steps !== this.steps || seconds <= 0) return;
    const measured = (steps * paths * this.targetSeconds) / seconds;
    const last = this.budget ?? this.steps * Math.min(this.groupPaths, paths);
    this.budget = Math.min(Math.max(measured, last / MAX_CHANGE), last * MAX_CHANGE);
    this.resize(this.budget);
  }

  /** Steps first (up to MIN_FUSED_STEPS), then whole chunks, then more steps; at least one step and one minimal group. */
  private resize(budget: number): void {
    const minGroup = Math.min(this.minGroupPaths, this.chunkPaths);
    if (budget >= this.chunkPaths * MIN_FUSED_STEPS) {
      this.groupPaths = this.chunkPaths;
      this.steps = Math.min(MAX_STEPS_PER_DISPATCH, Math.floor(budget / this.chunkPaths));
    } else if (budget >= minGroup * MIN_FUSED_STEPS) {
      this.steps = MIN_FUSED_STEPS;
      this.groupPaths = Math.max(minGroup, this.wholeWorkgroups(budget / MIN_FUSED_STEPS));
    } else {
      this.groupPaths = minGroup;
      this.steps = Math.max(1, Math.floor(budget / minGroup));
    }
  }

  private wholeWorkgroups(paths: number): number {
    return Math.floor(paths / this.pathsPerWorkgroup) * this.pathsPerWorkgroup;
  }
}
