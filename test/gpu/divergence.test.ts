// docs/model.md §4 on the GPU: a path that turns non-finite or leaves the ball ‖x‖ ≤
// divergeAbove is frozen, counted in series.diverged and excluded from every mean from the
// step it diverged ("never silently averaged"); a run where everything diverges is a result
// with NaN means and zero counts, not an exception. Checked against the float64 twin, path by
// path (divergedAt exactly) and record by record (counts exactly, means over alive paths).
import { describe, expect, it } from 'vitest';
import { resolveConfig, type ResolvedConfig } from '../../src/config/schema.js';
import { OBSERVABLES, type Dynamics } from '../../src/dynamics/names.js';
import type { GpuContext } from '../../src/gpu/device.js';
import { useGpu } from './context.js';
import { ALIVE, runGpu, runTwin, twinRecordCounts, twinRecordMeans, type GpuRun } from './helpers.js';

const gpu = useGpu();

/**
 * f32 tolerances of the alive-path means (relative, floor 1e-3). Linear or contracting
 * dynamics keep a relative error: measured 1.4e-7 → 3e-6, as in simulate.test.ts.
 */
const LINEAR = 3e-6;
/**
 * A cubic explosion (x ← x(1 − η − η‖x‖²) at large ‖x‖) multiplies the relative f32 error by
 * |1 − η − 3η‖x‖²| every step, so the error of a mean that an exploding path dominates is set by
 * that path's own history, not by a fixed number. The tolerance of each record's mean is
 * therefore EXPLOSIVE × the twin's own change when x0 moves by one f32 ulp (std·(1 + 2⁻²³)),
 * and at least EXPLOSIVE_FLOOR. Measured (SwiftShader): wherever the GPU's error exceeds 1e-4,
 * it is 0.35–0.71 of that change (SAM's loss at record 9: 0.17 relative, where a path that
 * left the unstable sphere ‖x‖ ≈ 4.4 late is a step from divergeAbove). Averaging in one
 * frozen path (‖x‖ > 10⁶, loss > 10²³) would move these means by a factor of more than 10¹⁰.
 */
const EXPLOSIVE = 4;
const EXPLOSIVE_FLOOR = 1e-4;
/**
 * States at the edge of f32's range (ημ = 1e12, ‖x‖ ~ 1e-6): each step multiplies x by
 * 1 − ημ‖x‖², which rounds coarsely where it is small; measured 1.0e-7 absolute on a norm mean
 * of ~1e-6, i.e. 1e-4 of the 1e-3 floor → 5e-3.
 */
const NEAR_OVERFLOW = 5e-3;

/** The config with x0 = {normal} scaled by one f32 ulp: how f32 rounding can move the paths. */
function nudged(config: ResolvedConfig): ResolvedConfig {
  if (Array.isArray(config.x0) || !('normal' in config.x0)) throw new Error('nudged: needs x0 = {normal}');
  const { std, seed } = config.x0.normal;
  return { ...config, x0: { normal: { std: std * (1 + 2 ** -23), seed } } };
}

/**
 * Divergence per path (GPU vs twin), counts per record, and the alive-path means per record
 * within `tolerance` (relative), NaN exactly where no path is alive. With 'amplified', a record's
 * tolerance is max(EXPLOSIVE_FLOOR, EXPLOSIVE × the twin's change under nudged(config)).
 */
async function compareDivergence(context: GpuContext, config: ResolvedConfig, tolerance: number | 'amplified'): Promise<GpuRun> {
  const gpuRun = await runGpu(context, config);
  const rho = config.rho[0];
  const run = gpuRun.result.runs[0];
  for (const name of [...config.algorithms, ...config.models] as Dynamics[]) {
    const twin = runTwin(config, name, rho);
    const nudgedTwin = tolerance === 'amplified' ? runTwin(nudged(config), name, rho) : null;
    const gpuPaths = gpuRun.finals.get(rho)![name];
    const gpuDivergedAt = [...gpuPaths.divergedAt].map((d) => (d === ALIVE ? null : d));
    expect(gpuDivergedAt, `${name}: divergedAt per path`).toEqual(twin.map((p) => p.divergedAt));
    expect(run.series[name].diverged, `${name}: diverged`).toBe(twin.filter((p) => p.divergedAt !== null).length);
    const counts = twinRecordCounts(twin, config.recordEvery);
    expect(run.series[name].count, `${name}: count per record`).toEqual(counts);
    for (const observable of OBSERVABLES) {
      const expected = twinRecordMeans(twin, observable, config.recordEvery);
      const moved = nudgedTwin && twinRecordMeans(nudgedTwin, observable, config.recordEvery);
      run.series[name][observable].mean.forEach((mean, r) => {
        if (counts[r] === 0) {
          expect(mean, `${name}: ${observable} at record ${r} (no path alive)`).toBeNaN();
        } else {
          expect(Number.isFinite(mean), `${name}: ${observable} at record ${r} is ${mean}`).toBe(true);
          const scale = Math.max(Math.abs(expected[r]), 1e-3);
          const allowed = moved ? Math.max(EXPLOSIVE_FLOOR, EXPLOSIVE * Math.abs(moved[r] - expected[r]) / scale) : tolerance as number;
          expect(Math.abs(mean - expected[r]), `${name}: ${observable} at record ${r}`).toBeLessThanOrEqual(allowed * scale);
        }
      });
    }
  }
  return gpuRun;
}

describe('divergence and NaN (docs/model.md §4)', () => {
  it('η=10 on a quadratic with eigenvalue 1: every path diverges, counted, means NaN once none is left', async () => {
    const context = gpu();
    await context.scoped('all diverge', async () => {
      const paths = 64;
      const config = resolveConfig({
        problem: { kind: 'quadratic', hessian: { eigenvalues: [1, 1, 1] } },
        x0: { normal: { std: 1, seed: 22 } },
        noise: { sigma: 0.1 },
        eta: 10, rho: 0.05, steps: 20, paths, seed: 3, recordEvery: 1, samInner: 4,
        algorithms: ['SGD', 'SAM'], models: ['SGD-SDE', 'SAM-SDE'],
      });
      // x ← −9x per step: ‖x‖ passes 1e6 after 6–7 steps on every path.
      const { result } = await compareDivergence(context, config, LINEAR);
      for (const series of Object.values(result.runs[0].series)) {
        expect(series.diverged).toBe(paths);
        expect(series.count[0]).toBe(paths);
        expect(series.count.at(-1)).toBe(0);
        expect(series.g.mean.at(-1)).toBeNaN();
      }
      expect(result.cancelled).toBe(false);
    });
  });

  it('‖x0‖ above divergeAbove: those paths are diverged at step 0 and excluded from record 0 on', async () => {
    const context = gpu();
    await context.scoped('diverged at x0', async () => {
      const config = resolveConfig({
        problem: { kind: 'quadratic', hessian: { eigenvalues: [1, 0.5, 2, 1] } },
        x0: { normal: { std: 2, seed: 23 } },
        noise: { sigma: 0.2 },
        eta: 0.1, rho: 0.1, steps: 40, paths: 128, seed: 4, recordEvery: 4, divergeAbove: 4,
        algorithms: ['SGD', 'DNSAM'], models: ['USAM-SDE'],
      });
      const { result, finals } = await compareDivergence(context, config, LINEAR);
      const diverged = result.runs[0].series.SGD.diverged;
      // Mixed, or the test shows nothing: P(‖x0‖ > 4) = P(χ²₄ > 4) ≈ 0.41 (std 2, d = 4).
      expect(diverged).toBeGreaterThan(10);
      expect(diverged).toBeLessThan(118);
      expect([...finals.get(0.1)!.SGD.divergedAt].filter((d) => d === 0).length).toBe(diverged);
    });
  });

  it('paths that explode at different steps: divergedAt, counts and alive-path means as the twin', async () => {
    const context = gpu();
    await context.scoped('partial divergence', async () => {
      // Saddle with μ = 1 and λ = 1: x ← x(1 − η − η‖x‖²) contracts for ‖x‖ below ~4.4 and
      // explodes cubically above; x0 ~ N(0, 4 I) in d = 4 puts paths on both sides, and the
      // exploding ones pass divergeAbove = 1e6 after 2–8 steps, depending on ‖x0‖.
      const config = resolveConfig({
        problem: { kind: 'saddle', eigenvalues: [1, 1, 1, 1], quartic: 1 },
        x0: { normal: { std: 2, seed: 21 } },
        noise: { sigma: 0.05 },
        eta: 0.1, rho: 0.05, steps: 60, paths: 256, seed: 3, recordEvery: 1,
        algorithms: ['SGD', 'USAM', 'SAM'], models: ['USAM-SDE'],
      });
      const { result } = await compareDivergence(context, config, 'amplified');
      for (const series of Object.values(result.runs[0].series)) {
        expect(series.diverged).toBeGreaterThan(10);
        expect(series.count.at(-1)).toBeGreaterThan(10);
        expect(new Set(series.count).size, 'paths leave at several records').toBeGreaterThan(3);
      }
    });
  });

  it('paths whose state turns Inf/NaN in f32 are frozen, counted and never averaged in', async () => {
    const context = gpu();
    await context.scoped('non-finite states', async () => {
      // The same cubic explosion, scaled so that the GPU's state overflows f32 while every
      // alive path's observables stay finite: x ← x(1 − ημ‖x‖²) with ημ = 1e12 contracts
      // below ‖x‖ ≈ 1.4e-6 (x0 ~ N(0, (7e-7)² I), d = 4: both sides), and a step from
      // 7e8 < ‖x‖ ≤ divergeAbove = 1e12 gives ημ‖x‖³ > 3.4e38, i.e. Inf on the GPU, in the
      // same step in which the float64 twin passes divergeAbove (twin: 22 such paths, 68
      // frozen at a finite state, 166 alive). Alive: ‖∇f‖ ≤ μ·1e36 = 1e18 and f ≤ 2.5e29,
      // finite in f32. σ = 0 (a noise of size ησ would need σ below f32's range).
      const config = resolveConfig({
        problem: { kind: 'saddle', eigenvalues: [0, 0, 0, 0], quartic: 1e-18 },
        x0: { normal: { std: 7e-7, seed: 21 } },
        noise: { sigma: 0 },
        eta: 1e30, rho: 0.05, steps: 40, paths: 256, seed: 3, recordEvery: 1, divergeAbove: 1e12,
        algorithms: ['SGD'], models: ['SGD-SDE'],
      });
      const { result, finals } = await compareDivergence(context, config, NEAR_OVERFLOW);
      for (const name of ['SGD', 'SGD-SDE']) {
        const gpuPaths = finals.get(0.05)![name];
        let nonFinite = 0;
        let finiteFrozen = 0;
        gpuPaths.divergedAt.forEach((d, p) => {
          if (d === ALIVE) return;
          const finite = Array.from(gpuPaths.state.subarray(p * 4, p * 4 + 4)).every(Number.isFinite);
          if (finite) finiteFrozen++;
          else nonFinite++;
        });
        // Both kinds of frozen path are present, and alive ones remain to be averaged.
        expect(nonFinite, `${name}: non-finite frozen paths`).toBeGreaterThan(5);
        expect(finiteFrozen, `${name}: finite frozen paths`).toBeGreaterThan(5);
        expect(result.runs[0].series[name].count.at(-1)).toBeGreaterThan(100);
      }
    });
  });
});
