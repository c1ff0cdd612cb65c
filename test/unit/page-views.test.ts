// The page's view decisions, DOM-free (web/lib/plot-scales.ts, run-plan.ts, table-sort.ts):
// log axes only for positive data, domains and decade ticks, coinciding series, the view by the
// experiment's kind, one path-step count, the progress line, divergence, table sorting.
import { describe, expect, test } from 'vitest';
import { resolveConfig } from '../../src/config/schema.js';
import { experimentRawConfig, orderSteps } from '../../src/experiments/config.js';
import { findExperiment } from '../../src/experiments/registry.js';
import { RESULT_SCHEMA, type SimulationResult } from '../../src/simulate/result.js';
import type { PageResult } from '../../web/lib/page-result.js';
import { familyMembers, gapVerdict, minibatchPoints, type ErrorRhoPoint } from '../../web/lib/plot-data.js';
import { DASH_INJECTION, colorOf, dashOf } from '../../web/lib/palette.js';
import { isModeB, paramsFromConfig, validateParams } from '../../web/lib/params.js';
import { chooseYScale, coincidences, fitDomain, formatTick, logTicks } from '../../web/lib/plot-scales.js';
import {
  divergenceNote, divergenceSentence, formatCount, plannedPathSteps, progressText, viewKind,
} from '../../web/lib/run-plan.js';
import { sortRows } from '../../web/lib/table-sort.js';

describe('axes (web/lib/plot-scales.ts)', () => {
  test('log y only when every finite value is positive; otherwise linear with a note naming the value', () => {
    expect(chooseYScale([1, 0.1, NaN], true, 'loss')).toEqual({ type: 'log' });
    const negative = chooseYScale([0.2, -0.05, 0.01], true, 'loss f(x)');
    expect(negative.type).toBe('linear');
    expect(negative.note).toBe('Linear y: loss f(x) reaches -0.05 here, which a log axis cannot show.');
    expect(chooseYScale([0, 1], true, 'x').note).toContain('reaches 0');
    expect(chooseYScale([-1], false, 'x')).toEqual({ type: 'linear' });
  });

  test('domains fit the data (padded), log ticks fall on decades with plain labels', () => {
    const [lo, hi] = fitDomain([0.001, 0.1, NaN, -1], 'log')!;
    expect(lo).toBeLessThan(0.001);
    expect(lo).toBeGreaterThan(0.0007);
    expect(hi).toBeGreaterThan(0.1);
    expect(hi).toBeLessThan(0.15);
    expect(fitDomain([NaN], 'log')).toBeUndefined();
    expect(fitDomain([2, 2], 'linear')).toEqual([1.8, 2.2]);
    expect(logTicks(1e-6, 1)).toEqual([1e-6, 1e-5, 1e-4, 0.001, 0.01, 0.1, 1]);
    // Many decades: thinned, never more than 7 labels.
    expect(logTicks(1e-12, 1).length).toBeLessThanOrEqual(7);
    // Less than a decade: 1-2-5 ticks so there is something to read.
    expect(logTicks(0.015, 0.3)).toEqual([0.02, 0.05, 0.1, 0.2]);
    expect(formatTick(0.001)).toBe('0.001');
    expect(formatTick(1e-6)).toBe('10⁻⁶');
    expect(formatTick(5e-7)).toBe('5·10⁻⁷');
    expect(formatTick(20)).toBe('20');
  });

  test('coinciding series are found (the later names the earlier); different ones are not', () => {
    const twins = coincidences([
      { key: 'SAM vs SGD-SDE', values: [0.1, 0.2, NaN] },
      { key: 'DNSAM vs SGD-SDE', values: [0.1, 0.2, NaN] },
      { key: 'USAM vs SGD-SDE', values: [0.1, 0.21, NaN] },
      { key: 'empty', values: [NaN, NaN, NaN] },
      { key: 'empty too', values: [NaN, NaN, NaN] },
    ]);
    expect([...twins]).toEqual([['DNSAM vs SGD-SDE', 'SAM vs SGD-SDE']]);
  });
});

const series = (mean: number[], diverged = 0) => {
  const obs = { mean, stderr: mean.map(() => 0.01) };
  return { count: mean.map(() => 8), diverged, guarded: 0, loss: obs, g: obs, norm: obs, gradNorm: obs };
};

function doc(config: SimulationResult['config'], extra: Partial<PageResult> = {}): PageResult {
  return {
    schema: RESULT_SCHEMA, config, adapter: { vendor: 'test', architecture: '', description: '' } as PageResult['adapter'],
    runs: [{ rho: 0.1, eta: config.eta, t: [0, 1], series: { SGD: series([1, NaN], 8), SAM: series([1, 0.5], 2) }, comparisons: [] }],
    cancelled: false, timing: { wallSeconds: 1, pathSteps: 0, pathStepsPerSecond: 0 }, ...extra,
  } as PageResult;
}

describe('run plan (web/lib/run-plan.ts)', () => {
  const deep = findExperiment('saddle-deep-linear')!;
  const saddle = findExperiment('saddle-quadratic')!;
  const order = findExperiment('order-quadratic')!;
  const quadratic = resolveConfig(experimentRawConfig(findExperiment('validation-quadratic')!, true));

  test('the view follows the experiment\'s kind (saddle-deep-linear is a saddle experiment), else the document', () => {
    const r = doc(quadratic);
    expect(viewKind(r, deep.id)).toBe('saddle');
    expect(viewKind(r, order.id)).toBe('order');
    expect(viewKind({ ...r, experiment: { id: deep.id, quick: true } })).toBe('saddle');
    expect(viewKind(r)).toBe('validation');
    expect(viewKind({ ...r, escape: { radius: 1, trapRadius: [], method: '' } })).toBe('saddle');
  });

  test('one path-step count: a saddle run counts both passes, an order run every η step', () => {
    const c = resolveConfig(experimentRawConfig(saddle, true));
    const one = c.rho.length * (c.algorithms.length + c.models.length) * c.paths * c.steps;
    expect(plannedPathSteps('saddle', c, undefined)).toBe(2 * one);
    expect(plannedPathSteps('validation', c, undefined)).toBe(one);
    const oc = resolveConfig(experimentRawConfig(order, true));
    const spec = order.order!;
    const perStep = (oc.algorithms.length + oc.models.length) * oc.paths;
    expect(plannedPathSteps('order', oc, spec)).toBe(spec.etas.reduce((s, eta) => s + perStep * orderSteps(spec, eta), 0));
    expect(formatCount(1234)).toBe('1234');
    expect(formatCount(115200)).toBe('115\u202f200');
    expect(formatCount(2.5e9)).toBe('2.50·10⁹');
  });

  test('progress text: overall first, then the ρ (of how many) or the η step, rounded', () => {
    const c = { ...quadratic, rho: [0.01, 0.1, 0.5] };
    expect(progressText({ kind: 'validation', config: c }, { fraction: 0.5, runIndex: 1 }))
      .toBe('Overall 50 % · ρ = 0.1 (2 of 3): 50 %');
    const s = resolveConfig(experimentRawConfig(saddle, true));
    expect(progressText({ kind: 'saddle', config: s }, { fraction: 0.75, runIndex: 1 }))
      .toBe('Overall 75 % · pass 2 of 2 (escape counts), ρ = 0.1 (2 of 2): 0 %');
    const oc = resolveConfig(experimentRawConfig(order, true));
    // Rungs of 13, 25, 50, 100 steps: 188 in all; 13 + 12.5 done = half of the second rung.
    expect(progressText({ kind: 'order', config: oc, order: order.order }, { fraction: 25.5 / 188, runIndex: 1 }))
      .toBe('Overall 14 % · η step 2 of 4 (η = 0.04, ρ = 0.1, 25 steps): 50 %');
  });

  test('divergence: the banner sentence names dynamics, counts and ρ; the plot note marks a lost dynamics', () => {
    const r = doc(quadratic);
    const paths = quadratic.paths;
    const sentence = divergenceSentence(r)!;
    expect(sentence).toBe('Paths diverged (left the divergence bound or became non-finite; excluded from the means): '
      + `SGD 8 of ${paths} at ρ = 0.1; SAM 2 of ${paths} at ρ = 0.1.`);
    expect(divergenceNote(r.runs[0], ['SGD', 'SAM'], 8)).toBe('Diverged: SGD 8 of 8 paths (all: the curve stops where the last one left), SAM 2 of 8 paths.');
    expect(divergenceSentence({ ...r, runs: [] })).toBeUndefined();
  });
});

describe('the mini-batch experiment on the page (docs/model.md §6.6)', () => {
  const minibatch = findExperiment('minibatch-noise')!;
  const mc = resolveConfig(experimentRawConfig(minibatch, true));
  const spec = minibatch.minibatch!;

  test('its view, its path-steps (two simulations per B) and its progress line (which B, which noise, which ρ)', () => {
    expect(viewKind(doc(mc), minibatch.id)).toBe('minibatch');
    expect(viewKind(doc(mc, { minibatch: { batchSizes: [8] } as PageResult['minibatch'] }))).toBe('minibatch');
    // Per B: 2 ρ × 8 dynamics in mode B, then 2 ρ × 4 injection models; 4 paths × 50 steps.
    const perB = (2 * 8 + 2 * 4) * mc.paths * mc.steps;
    expect(plannedPathSteps('minibatch', mc, undefined, spec)).toBe(3 * perB);
    // Stage weights 16 : 8 per B, so the first injection stage spans fractions 16/72 .. 24/72 of the run.
    expect(progressText({ kind: 'minibatch', config: mc, minibatch: spec }, { fraction: 20 / 72, runIndex: 1 }))
      .toBe('Overall 28 % · B = 8 (1 of 3), Gaussian injection, ρ = 0.5 (2 of 2): 0 %');
    expect(progressText({ kind: 'minibatch', config: mc, minibatch: spec }, { fraction: (24 + 12) / 72, runIndex: 1 }))
      .toBe('Overall 50 % · B = 32 (2 of 3), mini-batches, ρ = 0.5 (2 of 2): 50 %');
  });

  test('the panel keeps mode B\'s noise (it has no σ field) and the divergence banner names B', () => {
    const raw = experimentRawConfig(minibatch, true);
    expect(isModeB(raw)).toBe(true);
    const values = paramsFromConfig(raw);
    expect(values.sigma).toBe('');
    const checked = validateParams(raw, { ...values, paths: '6' });
    expect(checked.errors).toEqual({});
    expect(checked.config?.noise).toEqual({ sigma: 0, batchSize: 8 });
    expect(checked.config?.paths).toBe(6);
    const r = doc(mc);
    (r.runs[0] as typeof r.runs[0] & { batchSize: number }).batchSize = 32;
    expect(divergenceSentence(r)).toContain('SGD 8 of 4 at B = 32, at ρ = 0.1');
  });

  test('the error-against-B points: two per (B, ρ, algorithm); the verdict needs the gap beyond k standard errors', () => {
    const e = (relMaxError: number, relStderr: number) => ({ relMaxError, relStderr, weakError: relMaxError, weakErrorStderr: relStderr });
    const pair = (gap: number) => ({
      batchSize: 8, rho: 0.5, algorithm: 'USAM', model: 'USAM-SDE', modeB: e(0.01, 0.001), injection: e(0.01 + gap, 0.001),
      gap, gapStderr: 0.0014,
    });
    const summary = { pairs: [pair(0.01), pair(0.002), pair(-0.004)] } as unknown as NonNullable<PageResult['minibatch']>;
    const points = minibatchPoints(summary);
    expect(points.map((p) => `${p.kind}:${p.relMaxError}`)).toEqual([
      'mode B:0.01', 'injection:0.02', 'mode B:0.01', 'injection:0.012', 'mode B:0.01', 'injection:0.006',
    ]);
    expect(summary.pairs.map((p) => gapVerdict(p, 2))).toEqual(['better', 'tie', 'worse']);
  });

  test('a family shows its models\' injection twins; a twin is dash-dot in its family\'s colour', () => {
    const r = doc(mc);
    r.runs[0].series = { SGD: series([1, 1]), 'SGD-SDE': series([1, 1]), 'SGD-SDE-INJ': series([1, 1]), 'USAM-SDE-INJ': series([1, 1]) } as typeof r.runs[0]['series'];
    expect(familyMembers(r, 'SGD')).toEqual(['SGD', 'SGD-SDE', 'SGD-SDE-INJ']);
    expect(dashOf('USAM-SDE-INJ')).toBe(DASH_INJECTION);
    expect(colorOf('USAM-SDE-INJ')).toBe(colorOf('USAM'));
    expect(dashOf('USAM-SDE')).not.toBe(DASH_INJECTION);
  });
});

describe('comparisons table (web/lib/table-sort.ts)', () => {
  const row = (algorithm: string, rho: number, relMaxError: number): ErrorRhoPoint => ({
    pair: `${algorithm} vs SGD-SDE`, algorithm, model: 'SGD-SDE', rho, relMaxError, band: 0.1, weakError: relMaxError, weakErrorStderr: 0,
  });
  const rows = [row('USAM', 0.1, 0.3), row('SAM', 0.01, NaN), row('SAM', 0.1, 0.05), row('DNSAM', 0.5, 0.9)];

  test('numbers sort numerically, missing values last either way; names alphabetically; ties keep order', () => {
    expect(sortRows(rows, 'relMaxError', false).map((r) => r.relMaxError)).toEqual([0.05, 0.3, 0.9, NaN]);
    expect(sortRows(rows, 'relMaxError', true).map((r) => r.relMaxError)).toEqual([0.9, 0.3, 0.05, NaN]);
    expect(sortRows(rows, 'algorithm', false).map((r) => r.algorithm)).toEqual(['DNSAM', 'SAM', 'SAM', 'USAM']);
    expect(sortRows(rows, 'rho', false).map((r) => `${r.algorithm}${r.rho}`)).toEqual(['SAM0.01', 'USAM0.1', 'SAM0.1', 'DNSAM0.5']);
  });
});

describe('tick labels never repeat (web/lib/plot-scales.ts)', () => {
  test('a narrow log range gets evenly spaced ticks with enough decimals; a narrow linear one too', async () => {
    const { ticksFor } = await import('../../web/lib/plot-scales.js');
    for (const [domain, type] of [[[0.2489, 0.2512], 'log'], [[0.2489, 0.2512], 'linear'], [[-0.17, 0.003], 'linear'], [[1e-6, 1], 'log']] as const) {
      const { ticks, tickFormat } = ticksFor([domain[0], domain[1]], type);
      expect(ticks!.length).toBeGreaterThanOrEqual(2);
      const labels = ticks!.map(tickFormat);
      expect(new Set(labels).size, labels.join(' ')).toBe(labels.length);
    }
    const narrow = ticksFor([0.2489, 0.2512], 'log');
    expect(narrow.ticks!.map(narrow.tickFormat)).toEqual(['0.2490', '0.2495', '0.2500', '0.2505', '0.2510']);
  });
});

describe('JSON errors at their line (web/lib/json-place.ts)', () => {
  test('valid JSON has no error; the first bad character is found with its line and column', async () => {
    const { jsonErrorAt } = await import('../../web/lib/json-place.js');
    for (const ok of ['{}', '{"a": [1, -2.5e3, true, null, "x\\u00e9"]}', ' [ ] ']) expect(jsonErrorAt(ok), ok).toBeUndefined();
    expect(jsonErrorAt('{\n  "eta": 0.01,\n  "rho": [0.1,]\n}')).toEqual({ line: 3, column: 15, expected: 'a value' });
    expect(jsonErrorAt('{\n  eta: 1\n}')).toEqual({ line: 2, column: 3, expected: 'a "quoted" key' });
    expect(jsonErrorAt('{"a": 1} x')).toEqual({ line: 1, column: 10, expected: 'the end of the text' });
    expect(jsonErrorAt('{"a": 01}')?.expected).toBe('"," or "}"');
  });
});
