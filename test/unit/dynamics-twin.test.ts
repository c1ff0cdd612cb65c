// The float64 twin (src/dynamics/twin.ts) against docs/model.md: the random-draw addressing the GPU
// kernels rely on, the exact identities of section 7, the norm guard and divergence rules of
// sections 2 and 4, and the closed-form moments of USAM/SGD (section 7).
import { describe, expect, it } from 'vitest';
import { expectedLoss, linearMoments, usamSdeStationaryLoss } from '../../src/analysis/linear';
import type { Dynamics } from '../../src/dynamics/names';
import { simulatePathTwin, stepTwin, TwinScratch, type TwinParams } from '../../src/dynamics/twin';
import type { ProblemTwin } from '../../src/problems/types';
import { normals, Stream } from '../../src/rng/threefry';
import { denseQuadratic, diagonalQuadratic, saddle } from './helpers/twin-problems';

function params(problem: ProblemTwin, dynamics: Dynamics, over: Partial<TwinParams> = {}): TwinParams {
  return {
    problem, dynamics,
    eta: 0.05, rho: 0.1, sigma: 0.3, substeps: 1, coupling: 'shared', samInner: 4,
    seed: 1234, divergeAbove: 1e6, guardEps: 1e-8 * problem.scale,
    ...over,
  };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const quadratic3 = denseQuadratic([[1.2, 0.3, -0.2], [0.3, 0.8, 0.1], [-0.2, 0.1, 0.5]], [0.4, -0.3, 0.2]);

describe('random-draw addressing (the contract with shaders/dynamics.wgsl)', () => {
  // d = 5 spans two Threefry blocks, so a wrong block offset cannot go unnoticed.
  const flat = denseQuadratic(Array.from({ length: 5 }, () => new Array<number>(5).fill(0)));
  const x0 = Float64Array.from([0.1, -0.2, 0.3, -0.4, 0.5]);
  const path = 7;
  const k = 5;
  const draw = (stream: number, substep: number, firstBlock = 0) =>
    normals({ seed: 1234, stream }, path, k, substep, new Float64Array(5), firstBlock);

  it('SDE substeps use (sde; path, k, j) and the shared algorithm noise is their rescaled sum', () => {
    const m = 3;
    const sde = params(flat, 'SGD-SDE', { substeps: m });
    const xSde = Float64Array.from(x0);
    stepTwin(sde, xSde, path, k, new TwinScratch(5));
    const xAlg = Float64Array.from(x0);
    stepTwin({ ...sde, dynamics: 'SGD' }, xAlg, path, k, new TwinScratch(5));
    const xi = [0, 1, 2].map((j) => draw(Stream.sde, j));
    for (let i = 0; i < 5; i++) {
      const sum = xi[0][i] + xi[1][i] + xi[2][i];
      // SDE: X − sqrt(η·η/m)σ Σ_j ξ_j (∇f = 0); SGD: x − ησ Σ_j ξ_j / sqrt(m).
      expect(xSde[i]).toBeCloseTo(x0[i] - Math.sqrt(0.05 * 0.05 / m) * 0.3 * sum, 14);
      expect(xAlg[i]).toBeCloseTo(x0[i] - 0.05 * 0.3 * sum / Math.sqrt(m), 14);
    }
  });

  it('independent coupling draws (algorithm; path, k, 0)', () => {
    const x = Float64Array.from(x0);
    stepTwin(params(flat, 'SGD', { coupling: 'independent', substeps: 4 }), x, path, k, new TwinScratch(5));
    const xi = draw(Stream.algorithm, 0);
    for (let i = 0; i < 5; i++) expect(x[i]).toBe(x0[i] - 0.05 * (0 + 0.3 * xi[i]));
  });

  it('SAM-SDE inner draw i uses (samInner; path, k, j) from block i·ceil(d/4)', () => {
    // H = I, so ∇f = x and every HVP is the identity; transcribe docs/model.md §3 for one substep.
    const identity = diagonalQuadratic([1, 1, 1, 1, 1]);
    const p = params(identity, 'SAM-SDE', { samInner: 3, rho: 0.7, sigma: 0.9 });
    const x = Float64Array.from(x0);
    stepTwin(p, x, path, k, new TwinScratch(5));

    const xi = draw(Stream.sde, 0);
    const meanU = new Float64Array(5);
    const aXi = new Float64Array(5);
    for (let inner = 0; inner < 3; inner++) {
      const zeta = draw(Stream.samInner, 0, inner * 2);
      const w = x0.map((g, i) => g + 0.9 * zeta[i]);
      const n = Math.hypot(...w);
      const u = w.map((v) => v / n);
      const uXi = u.reduce((s, v, i) => s + v * xi[i], 0);
      for (let i = 0; i < 5; i++) {
        meanU[i] += u[i] / 3;
        aXi[i] += (xi[i] - u[i] * uXi) / n / 3;
      }
    }
    for (let i = 0; i < 5; i++) {
      const drift = x0[i] + 0.7 * meanU[i];
      const noise = 0.9 * (xi[i] + 0.7 * aXi[i]);
      expect(x[i]).toBeCloseTo(x0[i] - 0.05 * drift - 0.05 * noise, 14);
    }
  });
});

describe('docs/model.md §7: m = 1, shared coupling, quadratic', () => {
  const x0 = Float64Array.from([1, -1, 0.5]);
  it.each([
    ['SGD', 'SGD-SDE'], ['USAM', 'USAM-SDE'], ['DNSAM', 'DNSAM-SDE'],
  ] as const)('%s and %s are the same paths up to rounding', (algorithm, model) => {
    const finals: number[] = [];
    for (let path = 0; path < 16; path++) {
      const a = simulatePathTwin(params(quadratic3, algorithm, { rho: 0.3 }), x0, path, 400, 10);
      const s = simulatePathTwin(params(quadratic3, model, { rho: 0.3 }), x0, path, 400, 10);
      expect(maxAbsDiff(a.final, s.final)).toBeLessThan(1e-12);
      expect(maxAbsDiff(a.records.g, s.records.g)).toBeLessThan(1e-12);
      expect(a.divergedAt).toBeNull();
      finals.push(a.final[0]);
    }
    // The paths are genuinely random (σ > 0) and distinct, so the agreement is not that of
    // a shared deterministic trajectory.
    expect(Math.max(...finals) - Math.min(...finals)).toBeGreaterThan(0.05);
  });
});

describe('full batch (σ = 0)', () => {
  const problem = saddle([1, 0.5, -1, -0.5], 1);
  const x0 = Float64Array.from([0.3, -0.3, 0.3, 0.2]);

  it('DNSAM and SAM coincide exactly (docs/model.md §2)', () => {
    const a = simulatePathTwin(params(problem, 'DNSAM', { sigma: 0, rho: 0.2 }), x0, 3, 300, 5);
    const b = simulatePathTwin(params(problem, 'SAM', { sigma: 0, rho: 0.2 }), x0, 3, 300, 5);
    expect(Array.from(b.final)).toEqual(Array.from(a.final));
    expect(Array.from(b.records.loss)).toEqual(Array.from(a.records.loss));
    expect(a.guarded).toBe(0);
    expect(maxAbsDiff(a.final, x0)).toBeGreaterThan(1e-2);
  });

  it.each([['SAM-SDE', 'DNSAM-SDE'], ['SAM-DRIFT', 'DNSAM-DRIFT']] as const)(
    '%s drift equals %s drift (m̂ = ∇f/‖∇f‖)', (sam, dnsam) => {
      const over = { sigma: 0, rho: 0.2, substeps: 3, samInner: 5 };
      const a = simulatePathTwin(params(problem, sam, over), x0, 0, 300, 5);
      const b = simulatePathTwin(params(problem, dnsam, over), x0, 0, 300, 5);
      expect(maxAbsDiff(a.final, b.final)).toBeLessThan(1e-12);
      expect(maxAbsDiff(a.records.g, b.records.g)).toBeLessThan(1e-12);
      expect(a.guarded + b.guarded).toBe(0);
    });
});

describe('norm guard (docs/model.md §2)', () => {
  const minimizer = [0.4, -0.3, 0.2];
  const steps = 25;
  // Per step: DNSAM/SAM guard one norm; DNSAM-SDE one per substep; SAM-SDE K per substep.
  it.each([
    ['DNSAM', steps], ['SAM', steps], ['DNSAM-SDE', steps * 2], ['DNSAM-DRIFT', steps * 2],
    ['SAM-SDE', steps * 2 * 3], ['SAM-DRIFT', steps * 2 * 3],
  ] as const)('%s at the minimizer with σ = 0 fires %i times and stays finite', (dynamics, expected) => {
    const run = simulatePathTwin(
      params(quadratic3, dynamics, { sigma: 0, substeps: 2, samInner: 3 }),
      Float64Array.from(minimizer), 0, steps, 5,
    );
    expect(run.guarded).toBe(expected);
    expect(Array.from(run.final)).toEqual(minimizer);
    expect(run.divergedAt).toBeNull();
    expect(Array.from(run.records.loss)).toEqual(new Array(6).fill(0));
  });
});

describe('divergence (docs/model.md §4)', () => {
  const problem = diagonalQuadratic([1, 2]);
  const x0 = Float64Array.from([1, 1]);

  it('a path beyond divergeAbove is frozen at its last value', () => {
    // η = 3: |1 − ηλ| ∈ {2, 5}, so ‖x‖ grows about 5× per step and passes 1e3 within 6 steps.
    const p = params(problem, 'SGD', { eta: 3, divergeAbove: 1e3 });
    const run = simulatePathTwin(p, x0, 0, 50, 1);
    const at = run.divergedAt as number;
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(10);
    expect(run.records.norm[at - 1]).toBeLessThanOrEqual(1e3);
    expect(run.records.norm[at]).toBeGreaterThan(1e3);
    for (let r = at; r <= 50; r++) expect(run.records.norm[r]).toBe(run.records.norm[at]);
    const stopped = simulatePathTwin(p, x0, 0, at, 1);
    expect(Array.from(run.final)).toEqual(Array.from(stopped.final));
  });

  it('a non-finite component freezes the path at once, even with an infinite bound', () => {
    // η = 1e308: the second component 1 − 2η overflows to −∞ in the first step.
    const run = simulatePathTwin(params(problem, 'SGD', { eta: 1e308, sigma: 0, divergeAbove: Infinity }), x0, 0, 20, 1);
    expect(run.divergedAt).toBe(1);
    expect(run.final[1]).toBe(-Infinity);
    expect(run.records.norm[20]).toBe(Infinity);
  });

  it('a norm that overflows counts as diverged with an infinite bound', () => {
    // USAM at η = 3 grows about 16× per step: ‖x‖² overflows long before any component.
    const run = simulatePathTwin(params(problem, 'USAM', { eta: 3, divergeAbove: Infinity }), x0, 0, 2000, 1);
    const at = run.divergedAt as number;
    expect(at).toBeGreaterThan(100);
    expect(at).toBeLessThan(300);
    expect(Number.isFinite(run.records.norm[at - 1])).toBe(true);
    expect(run.records.norm[at]).toBe(Infinity);
    expect(run.records.norm[2000]).toBe(Infinity);
  });
});

describe('records (docs/model.md §4)', () => {
  it('are taken at 0, r, 2r, … ≤ steps and hold f, ‖x‖, ‖∇f‖ and their g', () => {
    const x0 = Float64Array.from([1, -1, 0.5]);
    const p = params(quadratic3, 'SAM', { rho: 0.2 });
    const run = simulatePathTwin(p, x0, 5, 10, 3);
    expect(run.records.loss.length).toBe(4);
    const at6 = simulatePathTwin(p, x0, 5, 6, 6).final;
    const grad = quadratic3.grad(at6, new Float64Array(3));
    expect(run.records.loss[0]).toBe(quadratic3.loss(x0));
    expect(run.records.loss[2]).toBe(quadratic3.loss(at6));
    expect(run.records.norm[2]).toBeCloseTo(Math.hypot(...at6), 15);
    expect(run.records.gradNorm[2]).toBeCloseTo(Math.hypot(...grad), 15);
    for (let r = 0; r < 4; r++) expect(run.records.g[r]).toBe(run.records.norm[r] + run.records.gradNorm[r]);
  });
});

describe('docs/model.md §7: SGD and USAM are linear Gaussian recursions', () => {
  // Budget: M = 4000 paths; each assertion allows 4 standard errors of its estimator, with
  // the standard errors taken from the exact (Gaussian) moments.
  const problem = denseQuadratic([[1.0, 0.4], [0.4, 0.5]]);
  const paths = 4000;
  const steps = 40;
  const recordEvery = 10;

  function monteCarlo(p: TwinParams, x0: (path: number) => Float64Array) {
    const records = steps / recordEvery + 1;
    const xs = Array.from({ length: records }, () => new Float64Array(2 * paths));
    const losses = Array.from({ length: records }, () => new Float64Array(paths));
    const scratch = new TwinScratch(2);
    for (let path = 0; path < paths; path++) {
      const x = x0(path);
      const keep = (r: number) => {
        xs[r][2 * path] = x[0];
        xs[r][2 * path + 1] = x[1];
        losses[r][path] = problem.loss(x);
      };
      keep(0);
      for (let k = 0; k < steps; k++) {
        stepTwin(p, x, path, k, scratch);
        if ((k + 1) % recordEvery === 0) keep((k + 1) / recordEvery);
      }
    }
    return { xs, losses };
  }

  function check(p: TwinParams, x0: (path: number) => Float64Array, exact: ReturnType<typeof linearMoments>) {
    const { xs, losses } = monteCarlo(p, x0);
    expect(exact.mean.length).toBe(xs.length);
    xs.forEach((x, r) => {
      const c = exact.cov[r];
      const mean = [0, 1].map((i) => x.filter((_, j) => j % 2 === i).reduce((s, v) => s + v, 0) / paths);
      const centred = (i: number, path: number) => x[2 * path + i] - mean[i];
      const cov = (i: number, j: number) => {
        let s = 0;
        for (let path = 0; path < paths; path++) s += centred(i, path) * centred(j, path);
        return s / (paths - 1);
      };
      for (let i = 0; i < 2; i++) {
        expect(Math.abs(mean[i] - exact.mean[r][i])).toBeLessThanOrEqual(4 * Math.sqrt(c[3 * i] / paths) + 1e-15);
        // Var of a Gaussian sample variance: 2σ⁴/(M−1).
        expect(Math.abs(cov(i, i) - c[3 * i])).toBeLessThanOrEqual(4 * c[3 * i] * Math.sqrt(2 / (paths - 1)) + 1e-15);
      }
      // Var of a Gaussian sample covariance: (C₁₁C₂₂ + C₁₂²)/(M−1).
      expect(Math.abs(cov(0, 1) - c[1])).toBeLessThanOrEqual(4 * Math.sqrt((c[0] * c[3] + c[1] ** 2) / (paths - 1)) + 1e-15);
      const loss = losses[r];
      const lossMean = loss.reduce((s, v) => s + v, 0) / paths;
      const lossSe = Math.sqrt(loss.reduce((s, v) => s + (v - lossMean) ** 2, 0) / (paths - 1) / paths);
      const exactLoss = expectedLoss(problem.hessian, exact.mean[r], c);
      // The rounding floor matters only at record 0 of a fixed x0, where every path agrees.
      expect(Math.abs(lossMean - exactLoss)).toBeLessThanOrEqual(4 * lossSe + 1e-12 * exactLoss);
    });
  }

  it('USAM from a fixed x0: Monte Carlo mean, covariance and E f match linearMoments', () => {
    const p = params(problem, 'USAM', { eta: 0.1, rho: 0.3, sigma: 0.5 });
    const start = Float64Array.from([1, -0.5]);
    const exact = linearMoments(problem.hessian, 2, 0.1, 0.3, 0.5, { mean: start, cov: new Float64Array(4) }, steps, recordEvery);
    // The mean decays but is still several standard errors away from 0 at the last record.
    expect(Math.abs(exact.mean[4][0])).toBeGreaterThan(10 * Math.sqrt(exact.cov[4][0] / paths));
    check(p, () => Float64Array.from(start), exact);
  });

  it('SGD (independent coupling) from x0 ~ N(0, 0.5² I) matches linearMoments with ρ = 0', () => {
    const p = params(problem, 'SGD', { eta: 0.1, rho: 0.3, sigma: 0.5, coupling: 'independent' });
    const x0 = (path: number) => {
      const x = normals({ seed: 99, stream: Stream.init }, path, 0, 0, new Float64Array(2));
      return x.map((v) => 0.5 * v);
    };
    const exact = linearMoments(problem.hessian, 2, 0.1, 0, 0.5, { mean: new Float64Array(2), cov: Float64Array.from([0.25, 0, 0, 0.25]) }, steps, recordEvery);
    check(p, x0, exact);
  });
});

describe('docs/model.md §7: USAM-SDE stationary loss (ησ²/4)(d + ρ tr H)', () => {
  it('matches a long twin run within 4 standard errors plus the stated Euler–Maruyama bias', () => {
    // Budget: 500 paths × 3000 steps, η = 0.01 (T = 30). The slowest rate λ(1+ρλ) is 0.625,
    // so the start-up transient e^{−2·0.625·15} ≈ 1e-8 is gone by the second half, whose
    // time average per path is one independent sample; the standard error is over paths.
    const eigenvalues = [0.5, 1, 1.5, 2];
    const [eta, rho, sigma] = [0.01, 0.5, 0.5];
    const problem = diagonalQuadratic(eigenvalues);
    const p = params(problem, 'USAM-SDE', { eta, rho, sigma });
    const paths = 500;
    const steps = 3000;
    const averages = new Float64Array(paths);
    const scratch = new TwinScratch(4);
    for (let path = 0; path < paths; path++) {
      const { loss } = simulatePathTwin(p, new Float64Array(4), path, steps, 1, scratch).records;
      let sum = 0;
      for (let k = steps / 2; k <= steps; k++) sum += loss[k];
      averages[path] = sum / (steps / 2 + 1);
    }
    const mean = averages.reduce((s, v) => s + v, 0) / paths;
    const stderr = Math.sqrt(averages.reduce((s, v) => s + (v - mean) ** 2, 0) / (paths - 1) / paths);

    const continuous = usamSdeStationaryLoss(eta, sigma, 4, eigenvalues.reduce((s, v) => s + v, 0), rho);
    // The EM chain's own stationary loss, exactly: per λ, X ← (1 − aΔt)X − sqrt(ηΔt)σ(1+ρλ)ξ
    // with a = λ(1+ρλ) has variance ησ²(1+ρλ)²Δt / (1 − (1 − aΔt)²).
    const discrete = eigenvalues.reduce((s, lambda) => {
      const a = lambda * (1 + rho * lambda);
      const variance = (eta * sigma ** 2 * (1 + rho * lambda) ** 2 * eta) / (1 - (1 - a * eta) ** 2);
      return s + 0.5 * lambda * variance;
    }, 0);
    const bias = Math.abs(discrete - continuous);
    expect(bias / continuous).toBeLessThan(0.02);
    expect(stderr / continuous).toBeLessThan(0.02);
    expect(Math.abs(mean - continuous)).toBeLessThanOrEqual(4 * stderr + bias);
    expect(Math.abs(mean - discrete)).toBeLessThanOrEqual(4 * stderr);
  });
});
