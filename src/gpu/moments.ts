// Float64 finish of the GPU's per-block partials (count, sum, m2): Chan et al.'s pairwise
// combination, which stays exact in the order of magnitude of the block variances.

export interface Moments {
  count: number;
  sum: number;
  mean: number;
  /** Sum of squared deviations from the mean. */
  m2: number;
  /** Unbiased variance; NaN with fewer than two values. */
  variance: number;
  /** Standard error of the mean; NaN with fewer than two values. */
  stderr: number;
}

/** Combines `blocks` quadruples (count, sum, m2, _) of `parts` starting at quadruple `first`. */
export function combinePartials(parts: ArrayLike<number>, first: number, blocks: number): Moments {
  let count = 0;
  let sum = 0;
  let m2 = 0;
  for (let b = 0; b < blocks; b++) {
    const o = 4 * (first + b);
    const n = parts[o];
    if (n === 0) continue;
    const s = parts[o + 1];
    const mean = count > 0 ? sum / count : 0;
    const delta = s / n - mean;
    m2 += parts[o + 2] + (delta * delta * count * n) / (count + n);
    count += n;
    sum += s;
  }
  const variance = count > 1 ? m2 / (count - 1) : NaN;
  return {
    count,
    sum,
    mean: count > 0 ? sum / count : NaN,
    m2,
    variance,
    stderr: count > 1 ? Math.sqrt(variance / count) : NaN,
  };
}
