// docs/model.md §7: on a quadratic f = ½xᵀHx in mode A noise, SGD and USAM are linear Gaussian
// recursions,
//   x ← A x − B Z,   A = I − ηH − ηρH²,   B = η(I + ρH),   Z ~ N(0, σ² I)   (SGD: ρ = 0),
// so their mean and covariance evolve exactly:  m ← A m,  C ← A C Aᵀ + σ² B Bᵀ.
// These closed forms are what the float64 twin's Monte Carlo is tested against. Matrices are
// row-major d×d Float64Array.

export interface GaussianMoments {
  mean: Float64Array;
  cov: Float64Array;
}

export interface MomentSeries {
  /** One entry per recorded step 0, recordEvery, 2·recordEvery, … ≤ steps. */
  mean: Float64Array[];
  cov: Float64Array[];
}

function multiply(a: Float64Array, b: Float64Array, d: number, out: Float64Array): Float64Array {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let sum = 0;
      for (let l = 0; l < d; l++) sum += a[i * d + l] * b[l * d + j];
      out[i * d + j] = sum;
    }
  }
  return out;
}

/** a·bᵀ. */
function multiplyTransposed(a: Float64Array, b: Float64Array, d: number, out: Float64Array): Float64Array {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let sum = 0;
      for (let l = 0; l < d; l++) sum += a[i * d + l] * b[j * d + l];
      out[i * d + j] = sum;
    }
  }
  return out;
}

/**
 * Exact mean and covariance of SGD (ρ = 0) or USAM iterates from x0 ~ N(mean, cov) (a
 * deterministic x0 has cov = 0; x0 ~ N(0, s² I) has mean 0 and cov s² I). O(d³) per step.
 */
export function linearMoments(
  hessian: Float64Array, d: number, eta: number, rho: number, sigma: number,
  x0: GaussianMoments, steps: number, recordEvery: number,
): MomentSeries {
  if (hessian.length !== d * d || x0.mean.length !== d || x0.cov.length !== d * d) {
    throw new RangeError(`linearMoments: need H and cov of ${d * d} entries and a mean of ${d}`);
  }
  if (!Number.isInteger(steps) || steps < 0 || !Number.isInteger(recordEvery) || recordEvery < 1) {
    throw new RangeError(`linearMoments: steps must be an integer >= 0 and recordEvery >= 1, got ${steps}, ${recordEvery}`);
  }
  const h2 = multiply(hessian, hessian, d, new Float64Array(d * d));
  const a = new Float64Array(d * d);
  const b = new Float64Array(d * d);
  for (let i = 0; i < d * d; i++) {
    a[i] = -eta * hessian[i] - eta * rho * h2[i];
    b[i] = eta * rho * hessian[i];
  }
  for (let i = 0; i < d; i++) {
    a[i * d + i] += 1;
    b[i * d + i] += eta;
  }
  const noise = multiplyTransposed(b, b, d, new Float64Array(d * d));
  for (let i = 0; i < d * d; i++) noise[i] *= sigma * sigma;

  let mean: Float64Array = Float64Array.from(x0.mean);
  let cov: Float64Array = Float64Array.from(x0.cov);
  const ac = new Float64Array(d * d);
  const series: MomentSeries = { mean: [Float64Array.from(mean)], cov: [Float64Array.from(cov)] };
  for (let k = 1; k <= steps; k++) {
    const next = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let sum = 0;
      for (let j = 0; j < d; j++) sum += a[i * d + j] * mean[j];
      next[i] = sum;
    }
    mean = next;
    multiply(a, cov, d, ac);
    cov = multiplyTransposed(ac, a, d, new Float64Array(d * d));
    for (let i = 0; i < d * d; i++) cov[i] += noise[i];
    if (k % recordEvery === 0) {
      series.mean.push(Float64Array.from(mean));
      series.cov.push(Float64Array.from(cov));
    }
  }
  return series;
}

/** E f(x) = ½(mᵀHm + tr(HC)) for x ~ N(m, C) and f = ½xᵀHx. */
export function expectedLoss(hessian: Float64Array, mean: Float64Array, cov: Float64Array): number {
  const d = mean.length;
  let quadratic = 0;
  let trace = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      quadratic += mean[i] * hessian[i * d + j] * mean[j];
      trace += hessian[i * d + j] * cov[j * d + i];
    }
  }
  return 0.5 * (quadratic + trace);
}

/**
 * docs/model.md §7: USAM-SDE on a quadratic with H ≻ 0 has stationary E f(X_∞) =
 * (ησ²/4)(d + ρ tr H). Per eigenvalue λ the SDE is an Ornstein–Uhlenbeck process with rate
 * λ(1+ρλ) and diffusion ησ²(1+ρλ)², so Var = ησ²(1+ρλ)/(2λ) and ½λ·Var = (ησ²/4)(1+ρλ).
 * It is the continuous-time value: Euler–Maruyama with Δt = η/m adds a relative bias of
 * about λ(1+ρλ)Δt/2 per eigen-direction.
 */
export function usamSdeStationaryLoss(eta: number, sigma: number, d: number, traceH: number, rho: number): number {
  return ((eta * sigma * sigma) / 4) * (d + rho * traceH);
}
