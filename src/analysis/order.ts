// docs/model.md §4, convergence order: fit log e = p log η + c by least squares over the points
// whose weak error clearly exceeds its Monte Carlo standard error, with a 95 % interval for p.
//
// The interval is a parametric bootstrap. docs/model.md §4 asks for a bootstrap over paths, but a
// result keeps only reduced moments (means and standard errors per recorded time), not the
// paths. So each resample redraws every qualified error from its sampling distribution,
//   e*_j = |e_j + s_j z_j|,  z_j ~ N(0, 1) independent across η (each η is its own simulation),
// (folded, because the weak error is an absolute value) and refits the slope; the interval is
// the 2.5 % and 97.5 % quantiles of the refitted slopes. It reflects Monte Carlo noise only: a
// systematic departure from a power law over the η range (pre-asymptotic curvature) is not in
// it, which is why `residualRms` is reported beside it.

/** A point qualifies when its error exceeds this many standard errors (docs/model.md §4). */
export const QUALIFY_RATIO = 3;
export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_BOOTSTRAP_SEED = 20230118;

export interface OrderFitOptions {
  /** Bootstrap resamples (at least 2000 by default). */
  resamples?: number;
  /** Seed of the bootstrap's generator: the interval is reproducible run to run. */
  seed?: number;
  qualifyRatio?: number;
}

export interface OrderFit {
  /** Fitted p (NaN with fewer than 2 qualified points: no fit is made). */
  slope: number;
  /** Fitted c of log e = p log η + c (NaN likewise). */
  intercept: number;
  /** 2.5 % and 97.5 % quantiles of the bootstrap slopes (NaN likewise). */
  ci95: [number, number];
  /** Per η: error > qualifyRatio · stderr (and both finite). */
  qualified: boolean[];
  /** Number of points in the fit. */
  used: number;
  /** Root mean square of the log residuals of the fit (0 for two points). */
  residualRms: number;
  /** Why there is no fit, when there is none. */
  note?: string;
}

/** Least squares of y on x: slope and intercept (x must not be constant). */
export function leastSquares(x: ArrayLike<number>, y: ArrayLike<number>): { slope: number; intercept: number } {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/** Mulberry32 uniform generator with Box–Muller normals: small, seeded, the same everywhere. */
export class SeededNormal {
  private state: number;
  private spare: number | undefined;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  }

  next(): number {
    if (this.spare !== undefined) {
      const value = this.spare;
      this.spare = undefined;
      return value;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(angle);
    return r * Math.cos(angle);
  }
}

function quantile(sorted: Float64Array, q: number): number {
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/**
 * Fits the order over the qualified points. With fewer than two qualified points (or all at
 * one η) there is nothing to fit: slope, intercept and interval are NaN and `note` says why.
 */
export function fitOrder(
  etas: readonly number[], errors: readonly number[], stderr: readonly number[], options: OrderFitOptions = {},
): OrderFit {
  if (etas.length !== errors.length || etas.length !== stderr.length) {
    throw new RangeError(`fitOrder: ${etas.length} etas, ${errors.length} errors and ${stderr.length} stderr`);
  }
  const ratio = options.qualifyRatio ?? QUALIFY_RATIO;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const qualified = errors.map((e, j) =>
    Number.isFinite(e) && Number.isFinite(stderr[j]) && e > 0 && etas[j] > 0 && e > ratio * stderr[j]);
  const used = qualified.map((q, j) => (q ? j : -1)).filter((j) => j >= 0);
  const x = used.map((j) => Math.log(etas[j]));
  const distinct = new Set(x).size;
  if (used.length < 2 || distinct < 2) {
    return {
      slope: NaN, intercept: NaN, ci95: [NaN, NaN], qualified, used: used.length, residualRms: NaN,
      note: `${used.length} qualified point${used.length === 1 ? '' : 's'} (error > ${ratio} stderr) at ${distinct} distinct η: `
        + 'a slope needs at least two; none is reported',
    };
  }
  const y = used.map((j) => Math.log(errors[j]));
  const { slope, intercept } = leastSquares(x, y);
  let squares = 0;
  for (let i = 0; i < x.length; i++) squares += (y[i] - (slope * x[i] + intercept)) ** 2;

  const rng = new SeededNormal(options.seed ?? DEFAULT_BOOTSTRAP_SEED);
  const slopes = new Float64Array(resamples);
  const yStar = new Float64Array(used.length);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < used.length; i++) {
      const j = used[i];
      yStar[i] = Math.log(Math.abs(errors[j] + stderr[j] * rng.next()));
    }
    slopes[b] = leastSquares(x, yStar).slope;
  }
  slopes.sort();
  return {
    slope,
    intercept,
    ci95: [quantile(slopes, 0.025), quantile(slopes, 0.975)],
    qualified,
    used: used.length,
    residualRms: Math.sqrt(squares / x.length),
  };
}
