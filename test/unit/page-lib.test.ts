// The page's DOM-free modules (web/lib): the parameter panel's model against the one config
// schema, the URL state, the result's JSON/CSV round trip and import checks, and the numbers the
// plots draw (trap radius, fitted order lines, reference slopes).
import { describe, expect, test } from 'vitest';
import { resolveConfig } from '../../src/config/schema.js';
import { RESULT_SCHEMA } from '../../src/simulate/result.js';
import { ALLOWED, orderValuesFrom, paramsFromConfig, validateOrder, validateParams, type ParamValues, type RawConfig } from '../../web/lib/params.js';
import { resolveExperiment } from '../../src/experiments/config.js';
import { findExperiment } from '../../src/experiments/registry.js';
import { decodeState, encodeState } from '../../web/lib/url-state.js';
import { comparisonsCsv, orderCsv, parseResultJson, resultToJson, trajectoriesCsv } from '../../web/lib/result-io.js';
import { errorRhoPoints, families, familyMembers, orderFits, orderPoints, referenceSlopes, trajectoryPoints, Z95 } from '../../web/lib/plot-data.js';
import type { OrderSummary, PageResult } from '../../web/lib/page-result.js';

const quadratic: RawConfig = {
  problem: { kind: 'quadratic', hessian: { wishart: { dim: 20, seed: 1 } } },
  x0: { normal: { std: 1, seed: 2 } },
  noise: { sigma: 0.01 },
  eta: 0.01,
  rho: [0.001, 0.01, 0.1, 0.5],
  steps: 1000,
  paths: 512,
  seed: 1,
};

const explicit: RawConfig = {
  problem: { kind: 'quadratic', hessian: { eigenvalues: [2, 1, 0.5] } },
  x0: [0, 0, 0],
  noise: { sigma: 0.5 },
  eta: 0.02,
  rho: 0.1,
  steps: 100,
  paths: 64,
  seed: 3,
  algorithms: ['SAM', 'DNSAM'],
  models: ['SGD-SDE', 'SAM-SDE', 'SAM-DRIFT', 'DNSAM-SDE'],
  substeps: 4,
  coupling: 'independent',
  samInner: 32,
  recordEvery: 10,
  compare: [['SAM', 'SAM-SDE'], ['SAM', 'SGD-SDE'], ['DNSAM', 'DNSAM-SDE']],
};

describe('parameter panel model (web/lib/params.ts)', () => {
  test.for([['defaults filled in', quadratic], ['every field explicit, non-canonical order', explicit]] as const)(
    'the panel\'s values written back give the config the CLI resolves (%s)', ([, raw]) => {
      const values = paramsFromConfig(raw);
      const validation = validateParams(raw, values);
      expect(validation.errors).toEqual({});
      // Same resolved config: the page and `sam-sde run` simulate the same thing, in the same order.
      expect(validation.config).toEqual(resolveConfig(raw));
    });

  test('reads the config\'s values as text', () => {
    const v = paramsFromConfig(explicit);
    expect(v).toMatchObject({ eta: '0.02', rho: '0.1', sigma: '0.5', steps: '100', paths: '64', seed: '3', substeps: '4', coupling: 'independent' });
    expect(v.algorithms).toEqual(['SAM', 'DNSAM']);
    expect(paramsFromConfig(quadratic).rho).toBe('0.001, 0.01, 0.1, 0.5');
    expect(paramsFromConfig(quadratic).models).toHaveLength(7);
  });

  const bad = (patch: Partial<ParamValues>) => validateParams(quadratic, { ...paramsFromConfig(quadratic), ...patch });

  test('reports several bad fields at once, each beside its input, in one voice: symbol, value got, what is allowed (the hint)', () => {
    const { config, errors } = bad({ eta: '-1', paths: '0', rho: '0.1, x', substeps: '2.5' });
    expect(config).toBeUndefined();
    expect(errors.eta).toBe(`η: got −1; allowed: ${ALLOWED.eta}`);
    expect(errors.paths).toBe('paths: got 0; allowed: an integer from 1 to 2²⁴ (16 777 216)');
    expect(errors.rho).toBe(`ρ: got "x", not a number; allowed: ${ALLOWED.rho}`);
    expect(errors.substeps).toBe('substeps m: got 2.5; allowed: an integer from 1 to 1024');
    expect(Object.keys(errors).sort()).toEqual(['eta', 'paths', 'rho', 'substeps']);
  });

  test('empty and non-numeric text, negative ρ, no dynamics at all', () => {
    expect(bad({ sigma: '' }).errors.sigma).toBe(`σ: empty; allowed: ${ALLOWED.sigma}`);
    expect(bad({ steps: 'ten' }).errors.steps).toBe(`steps: got "ten", not a number; allowed: ${ALLOWED.steps}`);
    expect(bad({ steps: '1e9' }).errors.steps).toBe('steps: got 1000000000; allowed: an integer from 1 to 10⁸');
    expect(bad({ rho: '0.1, -0.2' }).errors.rho).toBe(`ρ: got −0.2; allowed: ${ALLOWED.rho}`);
    // The form has no batchSize (mode B): the σ message does not offer it.
    expect(bad({ sigma: '-1' }).errors.sigma).toBe('σ: got −1; allowed: a number ≥ 0');
    expect(bad({ algorithms: [], models: [] }).errors.algorithms).toMatch(/at least one algorithm or model/);
  });

  test('a recordEvery above the new step count is reported on steps', () => {
    const { errors } = validateParams(explicit, { ...paramsFromConfig(explicit), steps: '5' });
    expect(errors.steps).toMatch(/^recordEvery: got 10; allowed: an integer in 1\.\.5/);
  });

  test('unticking a dynamics drops the explicit comparison pairs that need it', () => {
    const v = paramsFromConfig(explicit);
    const { config, errors } = validateParams(explicit, { ...v, models: ['SGD-SDE', 'SAM-SDE', 'SAM-DRIFT'] });
    expect(errors).toEqual({});
    expect(config?.compare).toEqual([['SAM', 'SAM-SDE'], ['SAM', 'SGD-SDE']]);
    // A newly ticked algorithm goes after the config's own ones.
    const more = validateParams(explicit, { ...v, algorithms: ['SAM', 'DNSAM', 'SGD'] });
    expect(more.config?.algorithms).toEqual(['SAM', 'DNSAM', 'SGD']);
  });
});

describe('convergence-order ladder in the panel (web/lib/params.ts)', () => {
  const experiment = findExperiment('order-quadratic')!;
  const config = resolveExperiment(experiment);

  test('the registry\'s ladder reads back as itself', () => {
    const values = orderValuesFrom(experiment.order!);
    expect(values).toEqual({ etas: '0.08, 0.04, 0.02, 0.01', horizon: '1', rhoScaling: 'sqrt', rhoScale: '0.5' });
    expect(validateOrder(values, config)).toEqual({ spec: experiment.order, errors: {} });
  });

  test('bad ladders and configs unfit for an order run are reported on their fields', () => {
    const values = orderValuesFrom(experiment.order!);
    expect(validateOrder({ ...values, etas: '0.1' }, config).errors.etas).toMatch(/^η ladder: .*at least two/);
    expect(validateOrder({ ...values, etas: '0.1, x' }, config).errors.etas).toBe(`η ladder: got "x", not a number; allowed: ${ALLOWED.etas}`);
    expect(validateOrder({ ...values, horizon: '-1' }, config).errors.horizon).toMatch(/^T: got −1/);
    expect(validateOrder({ ...values, rhoScaling: 'cubic' }, config).errors.rhoScaling).toMatch(/one of: fixed, linear, sqrt/);
    const m1 = validateOrder(values, { ...config, substeps: 1 });
    expect(m1.spec).toBeUndefined();
    expect(m1.errors.substeps).toMatch(/^substeps m: got 1; allowed: an integer ≥ 4/);
    expect(validateOrder(values, { ...config, coupling: 'independent' }).errors.coupling).toMatch(/"shared"/);
  });
});

describe('URL state (web/lib/url-state.ts)', () => {
  test('every field, a pasted config and the size survive encode → decode', () => {
    const params = { ...paramsFromConfig(explicit), eta: 'abc', rho: '0.01, 0.1' };
    const search = encodeState({ experiment: 'custom', quick: true, params, config: explicit });
    expect(search).toContain('rho=0.01,0.1');
    const { state, error } = decodeState(search, 'x');
    expect(error).toBeUndefined();
    expect(state).toEqual({ experiment: 'custom', quick: true, params: { ...params, rho: '0.01,0.1' }, config: explicit });
  });

  test('missing fields stay missing; unknown names are dropped; a broken config is reported', () => {
    const { state } = decodeState('?experiment=validation-quadratic&steps=50&algorithms=SGD,ADAM', 'fallback');
    expect(state).toEqual({ experiment: 'validation-quadratic', quick: false, params: { steps: '50', algorithms: ['SGD'] } });
    expect(decodeState('', 'fallback').state.experiment).toBe('fallback');
    expect(decodeState('?config=%7Bnope', 'x').error).toMatch(/not valid JSON/);
  });

  test('an order ladder travels too', () => {
    const order = { etas: '0.08, 0.04', horizon: '2', rhoScaling: 'linear', rhoScale: '0.3' };
    const search = encodeState({ experiment: 'order-quadratic', quick: false, params: {}, order });
    expect(search).toContain('etas=0.08,0.04');
    expect(decodeState(search, 'x').state.order).toEqual({ ...order, etas: '0.08,0.04' });
  });
});

/** A two-ρ result by hand: SGD and SGD-SDE, three records, one NaN (every path diverged). */
function sampleResult(): PageResult {
  const series = (offset: number) => ({
    loss: { mean: [1 + offset, 0.5 + offset, NaN], stderr: [0.1, 0.05, NaN] },
    norm: { mean: [2, 1, NaN], stderr: [0.2, 0.1, NaN] },
    gradNorm: { mean: [3, 2, NaN], stderr: [0.3, 0.2, NaN] },
    g: { mean: [5 + offset, 3 + offset, NaN], stderr: [0.5, 0.3, NaN] },
    diverged: 4, guarded: 0, count: [4, 4, 0],
  });
  const run = (rho: number) => ({
    rho, eta: 0.01, t: [0, 0.1, 0.2],
    series: { SGD: series(0), 'SGD-SDE': series(rho) },
    comparisons: [{ algorithm: 'SGD', model: 'SGD-SDE', observable: 'g' as const, relMaxError: rho, band: rho / 10, weakError: rho * 5, weakErrorStderr: 0.01 }],
  });
  const config = resolveConfig({ ...quadratic, rho: [0.01, 0.1], algorithms: ['SGD'], models: ['SGD-SDE'] });
  return {
    schema: RESULT_SCHEMA, config, runs: [run(0.01), run(0.1)], cancelled: false,
    adapter: { vendor: 'v', architecture: 'a', device: '', description: 'd', isFallbackAdapter: false, isSoftware: true, features: [], limits: {} },
    timing: { wallSeconds: 1, pathSteps: 48, pathStepsPerSecond: 48 },
  };
}

describe('result in and out (web/lib/result-io.ts)', () => {
  test('result.json is the CLI\'s serialisation and imports back, NaN kept as NaN', () => {
    const result = sampleResult();
    const text = resultToJson(result);
    expect(text).toBe(JSON.stringify(result, null, 1));
    const back = parseResultJson(text);
    expect(back.runs[0].series.SGD.g.mean[2]).toBeNaN();
    expect(back.runs[1].series['SGD-SDE'].g.mean[0]).toBeCloseTo(5.1, 12);
    expect(back.config).toEqual(result.config);
  });

  test('import rejects what is not a result, saying why', () => {
    expect(() => parseResultJson('{')).toThrow(/not valid JSON/);
    expect(() => parseResultJson('{"schema": "other"}')).toThrow(/schema is "other"; this page reads "sam-sde\/result@1"/);
    expect(() => parseResultJson(JSON.stringify({ schema: RESULT_SCHEMA, config: {} }))).toThrow(/"runs" is missing/);
    const broken = JSON.parse(resultToJson(sampleResult()));
    delete broken.runs[1].series.SGD.norm;
    expect(() => parseResultJson(JSON.stringify(broken))).toThrow(/runs\[1\]\.series\.SGD\.norm has no mean\/stderr/);
  });

  test('CSV tables: one row per (ρ, dynamics, record) and per comparison', () => {
    const lines = trajectoriesCsv(sampleResult()).trim().split('\n');
    expect(lines[0]).toBe('rho,dynamics,k,t,count,loss_mean,loss_stderr,norm_mean,norm_stderr,gradNorm_mean,gradNorm_stderr,g_mean,g_stderr,diverged,guarded');
    expect(lines).toHaveLength(1 + 2 * 2 * 3);
    expect(lines[1]).toBe('0.01,SGD,0,0,4,1,0.1,2,0.2,3,0.3,5,0.5,4,0');
    expect(lines[3]).toBe('0.01,SGD,2,0.2,0,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,4,0');
    const comparisons = comparisonsCsv(sampleResult()).trim().split('\n');
    expect(comparisons).toEqual([
      'rho,eta,algorithm,model,observable,relMaxError,band,weakError,weakErrorStderr',
      '0.01,0.01,SGD,SGD-SDE,g,0.01,0.001,0.05,0.01',
      '0.1,0.01,SGD,SGD-SDE,g,0.1,0.01,0.5,0.01',
    ]);
    // A mini-batch experiment's runs (docs/model.md §6.6) are per B and ρ: a batchSize column first.
    const batched = sampleResult();
    batched.runs.forEach((run, i) => Object.assign(run, { batchSize: 8 * 4 ** i }));
    expect(trajectoriesCsv(batched).trim().split('\n')[1]).toBe('8,0.01,SGD,0,0,4,1,0.1,2,0.2,3,0.3,5,0.5,4,0');
    expect(comparisonsCsv(batched).trim().split('\n')).toEqual([
      'batchSize,rho,eta,algorithm,model,observable,relMaxError,band,weakError,weakErrorStderr',
      '8,0.01,0.01,SGD,SGD-SDE,g,0.01,0.001,0.05,0.01',
      '32,0.1,0.01,SGD,SGD-SDE,g,0.1,0.01,0.5,0.01',
    ]);
  });
});

const fitted = { intercept: 0, residualRms: 0 };
const order: OrderSummary = {
  etas: [0.08, 0.04, 0.02, 0.01],
  horizon: 1,
  rhoScaling: 'sqrt',
  rhoScale: 0.5,
  rhos: [0.141, 0.1, 0.0707, 0.05],
  steps: [13, 25, 50, 100],
  observable: 'g',
  qualifyRatio: 3,
  bootstrap: { method: 'parametric', resamples: 10, seed: 1 },
  pairs: [
    // e = 0.5 η exactly: slope 1, every point qualified.
    { algorithm: 'SAM', model: 'SAM-SDE', errors: [0.04, 0.02, 0.01, 0.005], stderr: [1e-3, 1e-3, 1e-3, 1e-3], qualified: [true, true, true, true], slope: 1, ci95: [0.9, 1.1], ...fitted },
    // e = √η, the last point lost in noise.
    { algorithm: 'SAM', model: 'SGD-SDE', errors: [Math.sqrt(0.08), Math.sqrt(0.04), Math.sqrt(0.02), 0.001], stderr: [0.01, 0.01, 0.01, 0.01], qualified: [true, true, true, false], slope: 0.5, ci95: [0.4, 0.6], ...fitted },
  ],
};

describe('plot data (web/lib/plot-data.ts)', () => {
  test('trajectories: 95 % bands; families: the last algorithm first, then "all"', () => {
    const result = sampleResult();
    const points = trajectoryPoints(result.runs[0], 'g', ['SGD', 'SGD-SDE']);
    expect(points).toHaveLength(6);
    expect(points[0]).toEqual({ rho: 0.01, dynamics: 'SGD', role: 'algorithm', t: 0, mean: 5, lo: 5 - Z95 * 0.5, hi: 5 + Z95 * 0.5 });
    expect(points[3].role).toBe('model');
    expect(families(result)).toEqual(['SGD', 'all']);
    expect(familyMembers(result, 'SGD')).toEqual(['SGD', 'SGD-SDE']);
    expect(errorRhoPoints(result, 'g').map((p) => [p.pair, p.rho, p.relMaxError])).toEqual([['SGD vs SGD-SDE', 0.01, 0.01], ['SGD vs SGD-SDE', 0.1, 0.1]]);
  });

  test('order: fitted lines pass through exact power laws; unqualified points are left out', () => {
    expect(orderPoints(order).filter((p) => !p.qualified)).toEqual([{ pair: 'SAM vs SGD-SDE', eta: 0.01, error: 0.001, stderr: 0.01, qualified: false }]);
    const [own, sgd] = orderFits(order);
    expect(own.line.map((q) => q.eta)).toEqual([0.01, 0.08]);
    expect(own.line[0].error).toBeCloseTo(0.005, 12);
    expect(own.line[1].error).toBeCloseTo(0.04, 12);
    // Fitted over η ∈ {0.02, 0.04, 0.08} only.
    expect(sgd.line.map((q) => q.eta)).toEqual([0.02, 0.08]);
    expect(sgd.line[0].error).toBeCloseTo(Math.sqrt(0.02), 12);
    const refs = referenceSlopes(orderPoints(order));
    const one = refs.filter((r) => r.slope === 'slope 1');
    expect(Math.log(one[1].error / one[0].error) / Math.log(one[1].eta / one[0].eta)).toBeCloseTo(1, 12);
    const half = refs.filter((r) => r.slope === 'slope 0.5');
    expect(Math.log(half[1].error / half[0].error) / Math.log(half[1].eta / half[0].eta)).toBeCloseTo(0.5, 12);
    expect(orderCsv(order).split('\n')[1]).toBe('SAM,SAM-SDE,0.08,0.04,0.001,true,1,0.9,1.1');
  });
});
