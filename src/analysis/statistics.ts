// Float64 finish of per-block partial moments (docs/model.md §4: means and standard errors over
// paths). The GPU reduces each block of paths to (count, sum, m2) with m2 centred on the block
// mean (shaders/reduce.wgsl); the blocks are combined here with Chan, Golub & LeVeque's
// pairwise update, which never subtracts two large sums of squares, so the variance survives
// even when the mean dominates it.

/** One block: `m2` = Σ (v − blockMean)² over the block's `count` values. */
export interface BlockPartial {
  count: number;
  sum: number;
  m2: number;
}

export interface Summary {
  count: number;
  /** count · mean (0 when count is 0). */
  sum: number;
  /** Σ (v − mean)² over all values: with count and sum, enough to combine again. */
  m2: number;
  /** NaN when count is 0. */
  mean: number;
  /** Unbiased (divides by count − 1); NaN when count < 2. */
  variance: number;
  /** Standard error of the mean, sqrt(variance / count); NaN when count < 2. */
  stderr: number;
}

/** The partial of a plain array of values (two passes, as the GPU does per block). */
export function blockPartial(values: ArrayLike<number>): BlockPartial {
  const count = values.length;
  let sum = 0;
  for (let i = 0; i < count; i++) sum += values[i];
  const mean = count > 0 ? sum / count : 0;
  let m2 = 0;
  for (let i = 0; i < count; i++) m2 += (values[i] - mean) ** 2;
  return { count, sum, m2 };
}

/** Running state of the combination; the mean is carried rather than the sum for stability. */
class Combiner {
  count = 0;
  mean = 0;
  m2 = 0;

  add(count: number, sum: number, m2: number): void {
    if (count === 0) return;
    const blockMean = sum / count;
    const total = this.count + count;
    const delta = blockMean - this.mean;
    this.mean += (delta * count) / total;
    this.m2 += m2 + (delta * delta * this.count * count) / total;
    this.count = total;
  }

  summary(): Summary {
    const { count } = this;
    const variance = count > 1 ? this.m2 / (count - 1) : NaN;
    return {
      count,
      sum: this.mean * count,
      m2: this.m2,
      mean: count > 0 ? this.mean : NaN,
      variance,
      stderr: count > 1 ? Math.sqrt(variance / count) : NaN,
    };
  }
}

/** Combines block partials; blocks with count 0 (all paths excluded) contribute nothing. */
export function combine(parts: Iterable<BlockPartial>): Summary {
  const combiner = new Combiner();
  for (const part of parts) combiner.add(part.count, part.sum, part.m2);
  return combiner.summary();
}

/**
 * Combines a flat array of (count, sum, m2, unused) records, `stride` numbers apart (4 for
 * the GPU's vec4f partials), as read back from the reduction buffer.
 */
export function combinePartials(parts: ArrayLike<number>, stride = 4): Summary {
  if (!Number.isInteger(stride) || stride < 3) {
    throw new RangeError(`combinePartials: stride must be an integer >= 3, got ${stride}`);
  }
  const combiner = new Combiner();
  for (let o = 0; o + 2 < parts.length; o += stride) combiner.add(parts[o], parts[o + 1], parts[o + 2]);
  return combiner.summary();
}
