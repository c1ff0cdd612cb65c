// The page's sharpness view (docs/model.md §8), DOM-free: its plot rows (bands from the standard
// errors, readouts paired with the loss recorded at the same time), the sharpness.csv export and
// import, and the `sharpness` field of the parameter panel and the URL.
import { describe, expect, test } from 'vitest';
import { resolveConfig } from '../../src/config/schema.js';
import { RESULT_SCHEMA, type DynamicsSeries, type SharpnessSeries } from '../../src/simulate/result.js';
import type { PageResult } from '../../web/lib/page-result.js';
import { paramsFromConfig, validateParams, type RawConfig } from '../../web/lib/params.js';
import { hasSharpness, sharpnessLossPoints, sharpnessPoints, Z95 } from '../../web/lib/plot-data.js';
import { parseResultJson, resultToJson, sharpnessCsv } from '../../web/lib/result-io.js';
import { decodeState, encodeState } from '../../web/lib/url-state.js';

const raw: RawConfig = {
  problem: { kind: 'quadratic', hessian: { eigenvalues: [2, 1, 0.5] } },
  noise: { sigma: 0.1 }, eta: 0.1, rho: 0.05, steps: 40, paths: 16, recordEvery: 10,
  algorithms: ['SGD'], models: ['SGD-SDE'], sharpness: { every: 20, probes: 2, iterations: 3 },
};

const stats = (mean: number[]) => ({ mean, stderr: mean.map(() => 0.1) });

function series(loss: number[], sharpness?: SharpnessSeries): DynamicsSeries {
  const obs = stats(loss);
  return { loss: obs, norm: obs, gradNorm: obs, g: obs, count: loss.map(() => 16), diverged: 0, guarded: 0, ...(sharpness ? { sharpness } : {}) };
}

function doc(): PageResult {
  const readouts = (trace: number[], top: number[]): SharpnessSeries => ({
    t: [0, 2, 4], trace: stats(trace), top: { mean: top, stderr: [0.2, NaN, 0.2] }, count: [16, 16, 15],
  });
  return {
    schema: RESULT_SCHEMA, config: resolveConfig(raw), adapter: { vendor: 'test', architecture: '', description: '' } as PageResult['adapter'],
    runs: [{
      rho: 0.05, eta: 0.1, t: [0, 1, 2, 3],
      series: { SGD: series([4, 3, 2, 1], readouts([3.5, 3.4, 3.3], [2, 1.9, NaN])), 'SGD-SDE': series([4, 3, 2.5, 1]) },
      comparisons: [],
    }],
    cancelled: false, timing: { wallSeconds: 1, pathSteps: 0, pathStepsPerSecond: 0 },
  } as PageResult;
}

describe('sharpness plot rows (web/lib/plot-data.ts)', () => {
  test('readouts over time with 95 % bands; a NaN standard error gives no band, a NaN mean stays NaN', () => {
    const points = sharpnessPoints(doc().runs[0], 'top', ['SGD', 'SGD-SDE']);
    expect(points.map((p) => [p.dynamics, p.t, p.mean])).toEqual([['SGD', 0, 2], ['SGD', 2, 1.9], ['SGD', 4, NaN]]);
    expect(points[0].hi - points[0].mean).toBeCloseTo(Z95 * 0.2, 12);
    expect(points[1].lo).toBe(1.9);
  });

  test('each readout is paired with the loss recorded at its time; a readout with no record yet is left out', () => {
    const points = sharpnessLossPoints(doc().runs[0], 'trace', ['SGD']);
    // Readout times 0, 2, 4; records at 0, 1, 2, 3 (a run streaming its partial result).
    expect(points).toEqual([{ dynamics: 'SGD', t: 0, loss: 4, value: 3.5 }, { dynamics: 'SGD', t: 2, loss: 2, value: 3.4 }]);
  });

  test('the view is offered only for results with readouts', () => {
    expect(hasSharpness(doc())).toBe(true);
    const plain = doc();
    delete plain.runs[0].series.SGD.sharpness;
    expect(hasSharpness(plain)).toBe(false);
  });
});

describe('sharpness export and import (web/lib/result-io.ts)', () => {
  test('sharpness.csv has one row per readout of each dynamics that has readouts', () => {
    const lines = sharpnessCsv(doc()).trim().split('\n');
    expect(lines[0]).toBe('rho,dynamics,readout,t,count,trace_mean,trace_stderr,top_mean,top_stderr');
    expect(lines.slice(1)).toEqual(['0.05,SGD,0,0,16,3.5,0.1,2,0.2', '0.05,SGD,1,2,16,3.4,0.1,1.9,NaN', '0.05,SGD,2,4,15,3.3,0.1,NaN,0.2']);
  });

  test('a saved result.json comes back with its readouts (null → NaN); a readout series without its lists is refused', () => {
    const back = parseResultJson(resultToJson(doc()));
    expect(back.runs[0].series.SGD.sharpness!.top.mean).toEqual([2, 1.9, NaN]);
    expect(back.runs[0].series.SGD.sharpness!.top.stderr).toEqual([0.2, NaN, 0.2]);
    const broken = JSON.parse(resultToJson(doc()));
    delete broken.runs[0].series.SGD.sharpness.top;
    expect(() => parseResultJson(JSON.stringify(broken))).toThrow('runs[0].series.SGD.sharpness has no "t" list or no trace/top');
  });
});

describe('the sharpness field of the parameter panel and the URL', () => {
  test('a config\'s readouts show as "every, probes, iterations" and are written back unchanged', () => {
    const values = paramsFromConfig(raw);
    expect(values.sharpness).toBe('20, 2, 3');
    const validation = validateParams(raw, values);
    expect(validation.errors).toEqual({});
    expect(validation.config).toEqual(resolveConfig(raw));
    const none = validateParams(raw, { ...values, sharpness: ' ' });
    expect(none.config && 'sharpness' in none.config).toBe(false);
  });

  test('bad text and bad values are reported beside the field, in the schema\'s words for values', () => {
    const values = paramsFromConfig(raw);
    expect(validateParams(raw, { ...values, sharpness: '20, 2' }).errors.sharpness).toMatch(/^sharpness: got "20, 2"; allowed: empty \(none\)/);
    expect(validateParams(raw, { ...values, sharpness: '15, 2, 3' }).errors.sharpness)
      .toBe('sharpness.every: got 15; allowed: a multiple of recordEvery (10) in 10..40 (at most steps)');
    expect(validateParams(raw, { ...values, sharpness: '20, 2, 4' }).errors.sharpness)
      .toContain("at most the problem's dimension 3");
  });

  test('the URL carries the field, so a link reproduces a run with readouts', () => {
    const query = encodeState({ experiment: 'custom', quick: false, params: { sharpness: '20, 2,3' } });
    expect(query).toContain('sharpness=20,2,3');
    expect(decodeState(query, 'x').state.params.sharpness).toBe('20,2,3');
  });
});
