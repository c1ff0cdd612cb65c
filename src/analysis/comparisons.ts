// docs/model.md §4: how far a model's path means s_k sit from its algorithm's a_k, over the
// recorded steps k: the paper's metric (relMaxError and band) and the weak error with its
// Monte Carlo standard error.

export interface SeriesPair {
  /** Path means of the algorithm at each recorded step. */
  algorithm: ArrayLike<number>;
  /** Path means of the model at the same recorded steps. */
  model: ArrayLike<number>;
  /** Standard errors of those means. */
  algorithmStderr: ArrayLike<number>;
  modelStderr: ArrayLike<number>;
  /**
   * Standard error of the per-path difference's mean, per record. Under shared coupling the
   * two means are strongly correlated and sqrt(se_a² + se_s²) would grossly overstate the
   * error of their difference, so the paired value is used whenever it is given.
   */
  differenceStderr?: ArrayLike<number>;
}

export interface SeriesComparison {
  /** max_k |a_k − s_k| / mean_k |a_k| (the paper's metric). */
  relMaxError: number;
  /** std_k |a_k − s_k| / mean_k |a_k|, population std (divides by the record count). */
  band: number;
  /** max_k |a_k − s_k|. */
  weakError: number;
  /** Standard error of a_k − s_k at the k of the weak error (paired when given). */
  weakErrorStderr: number;
  /** Record index of the weak error. */
  argmax: number;
}

/**
 * Non-finite entries (a record where every path diverged) are not skipped: they make the
 * metrics NaN, so an incomplete comparison is never reported as a number (docs/model.md §4).
 */
export function compareSeries(pair: SeriesPair): SeriesComparison {
  const { algorithm: a, model: s } = pair;
  const n = a.length;
  const lengths = [s.length, pair.algorithmStderr.length, pair.modelStderr.length];
  if (pair.differenceStderr) lengths.push(pair.differenceStderr.length);
  if (lengths.some((length) => length !== n)) {
    throw new RangeError(`compareSeries: all series need ${n} records, got lengths ${[n, ...lengths].join(', ')}`);
  }
  if (n === 0) return { relMaxError: NaN, band: NaN, weakError: NaN, weakErrorStderr: NaN, argmax: -1 };

  let scale = 0;
  let weakError = -Infinity;
  let argmax = 0;
  let sumDiff = 0;
  let anyNaN = false;
  for (let k = 0; k < n; k++) {
    const diff = Math.abs(a[k] - s[k]);
    if (Number.isNaN(diff)) anyNaN = true;
    scale += Math.abs(a[k]);
    sumDiff += diff;
    if (diff > weakError) {
      weakError = diff;
      argmax = k;
    }
  }
  scale /= n;
  const meanDiff = sumDiff / n;
  let squares = 0;
  for (let k = 0; k < n; k++) squares += (Math.abs(a[k] - s[k]) - meanDiff) ** 2;
  // Population std over the records: the records are the whole trajectory, not a sample.
  const spread = Math.sqrt(squares / n);
  if (anyNaN) weakError = NaN;

  const weakErrorStderr = pair.differenceStderr
    ? pair.differenceStderr[argmax]
    : Math.hypot(pair.algorithmStderr[argmax], pair.modelStderr[argmax]);
  return {
    relMaxError: weakError / scale,
    band: spread / scale,
    weakError,
    weakErrorStderr: anyNaN ? NaN : weakErrorStderr,
    argmax,
  };
}
