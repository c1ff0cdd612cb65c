// The sharpness claims of the implicit-regularisation experiments (src/experiments/claims.ts,
// docs/model.md §6.4 and §8) on hand-made results: loss-matched interpolation, the tracking
// check, and the flatness check holding, failing and not testable.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/schema.js';
import { claimChecks, readoutLosses, sharpnessChecks, valueAtLoss } from '../../src/experiments/claims.js';
import { findExperiment } from '../../src/experiments/registry.js';
import { documentFigures } from '../../src/node/figures.js';
import { RESULT_SCHEMA, type Comparison, type DynamicsSeries, type SimulationResult } from '../../src/simulate/result.js';

const claims = { tracking: 0.05, flatterBy: 0.005 };

const stats = (mean: number[]) => ({ mean, stderr: mean.map(() => 0.001) });

/** A series recorded at t = 0..4 with sharpness read at t = 0, 2, 4. */
function series(loss: number[], top: number[]): DynamicsSeries {
  const obs = stats(loss);
  return {
    loss: obs, norm: obs, gradNorm: obs, g: obs, count: loss.map(() => 8), diverged: 0, guarded: 0,
    sharpness: { t: [0, 2, 4], trace: stats(top.map((v) => 10 * v)), top: stats(top), count: [8, 8, 8] },
  };
}

const comparison = (algorithm: string, model: string, observable: 'trace' | 'top', relMaxError: number): Comparison =>
  ({ algorithm, model, observable, relMaxError, band: 0, weakError: relMaxError, weakErrorStderr: 0 });

function result(rho: number, samTop: number[], samSdeError = 0.01): SimulationResult {
  const config = resolveConfig({
    problem: { kind: 'quadratic', hessian: { eigenvalues: [1, 2] } }, noise: { sigma: 0.1 }, eta: 0.01, rho,
    steps: 4, paths: 8, recordEvery: 1, algorithms: ['SGD', 'SAM'], models: ['SGD-SDE', 'SAM-SDE'],
    sharpness: { every: 2, probes: 1, iterations: 2 },
  });
  const sgd = series([1, 0.9, 0.8, 0.7, 0.6], [2, 1.8, 1.6]);
  const sam = series([1, 0.85, 0.7, 0.6, 0.5], samTop);
  return {
    schema: RESULT_SCHEMA, config, adapter: {} as SimulationResult['adapter'], cancelled: false,
    timing: { wallSeconds: 0, pathSteps: 0, pathStepsPerSecond: 0 },
    runs: [{
      rho, eta: 0.01, t: [0, 1, 2, 3, 4],
      series: { SGD: sgd, SAM: sam, 'SGD-SDE': sgd, 'SAM-SDE': sam },
      comparisons: [
        comparison('SAM', 'SAM-SDE', 'trace', samSdeError), comparison('SAM', 'SAM-SDE', 'top', samSdeError),
        comparison('SAM', 'SGD-SDE', 'trace', 0.1), comparison('SAM', 'SGD-SDE', 'top', 0.1),
        comparison('SGD', 'SGD-SDE', 'trace', 0), comparison('SGD', 'SGD-SDE', 'top', 0),
      ],
    }],
  };
}

describe('sharpness claims', () => {
  it('interpolates a readout at a loss level in the loss, at the first crossing in time', () => {
    expect(valueAtLoss([1, 0.7, 0.5], [2, 1.4, 1.1], 0.6)).toBeCloseTo(1.25, 12);
    expect(valueAtLoss([1, 0.7, 0.5], [2, 1.4, 1.1], 1.2)).toBe(2);
    expect(valueAtLoss([1, 0.7, 0.5], [2, 1.4, 1.1], 0.4)).toBeNaN();
    expect(readoutLosses(result(0.3, [2, 1.5, 1.2]).runs[0], 'SAM')).toEqual([1, 0.7, 0.5]);
  });

  it('SAM flatter at matched loss and tracked by its SDE: both checks hold, with the numbers measured', () => {
    // Matched loss 0.6 (SGD's final): SAM's top 1.5 + (0.1/0.2)(1.2 − 1.5) = 1.35 against SGD's 1.6.
    const [tracking, flatness] = sharpnessChecks(result(0.3, [2, 1.5, 1.2]), claims);
    expect(tracking.holds).toBe(true);
    expect(flatness.holds).toBe(true);
    expect(flatness.measured).toContain('ρ=0.3 at loss 0.6: SAM 1.35 vs SGD 1.6 (15.6 % lower)');
    expect(flatness.measured).toContain('SAM-SDE 1.35 vs SGD-SDE 1.6');
  });

  it('fails when the SAM family is not flatter, or its SDE does not track it; is not testable at ρ ≤ η', () => {
    expect(sharpnessChecks(result(0.3, [2, 1.9, 1.8]), claims)[1].holds).toBe(false);
    expect(sharpnessChecks(result(0.3, [2, 1.5, 1.2], 0.08), claims)[0].holds).toBe(false);
    const control = sharpnessChecks(result(0.01, [2, 1.9, 1.8]), claims);
    expect(control[1].holds).toBeNull();
    expect(control[0].holds).toBe(true);
  });

  it('the registered implicit-regularisation experiments add both checks to their kind\'s', () => {
    const experiment = findExperiment('implicit-regularization-iris')!;
    expect(experiment.sharpnessClaims).toEqual(claims);
    const checks = claimChecks(experiment, result(0.3, [2, 1.5, 1.2]));
    expect(checks.slice(-2).map((c) => c.holds)).toEqual([true, true]);
    expect(checks.length).toBe(5);
  });
});

describe('sharpness figures (src/node/figures/sharpness.ts)', () => {
  it('a result with readouts gets top and trace over time and top against loss, with the readout rows as CSV', () => {
    const figures = documentFigures(result(0.3, [2, 1.5, 1.2]), 'validation');
    expect(figures.map((f) => f.name)).toEqual(['error-vs-rho', 'trajectories-g', 'sharpness-top', 'sharpness-trace', 'sharpness-vs-loss']);
    const csv = figures[4].csv.trim().split('\n');
    expect(csv[0].split(',')).toEqual(['rho', 'dynamics', 't', 'count', 'loss', 'top', 'topStderr', 'trace', 'traceStderr']);
    // 4 dynamics × 3 readouts; SAM's readout at t = 2 sits at the loss recorded there.
    expect(csv).toHaveLength(1 + 12);
    expect(csv).toContain('0.3,SAM,2,8,0.7,1.5,0.001,15,0.001');
    expect(figures[4].svg).toContain('<svg');
    const plain = result(0.3, [2, 1.5, 1.2]);
    for (const series of Object.values(plain.runs[0].series)) delete series.sharpness;
    expect(documentFigures(plain, 'validation').map((f) => f.name)).toEqual(['error-vs-rho', 'trajectories-g']);
  });
});
