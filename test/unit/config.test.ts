// The run config (DESIGN.md "config"): defaults filled in, and every bad field reported with
// its path, the value it got and what is allowed.
import { describe, expect, it } from 'vitest';
import { ConfigError, problemDimension, resolveConfig } from '../../src/config/schema';
import { ALGORITHMS, MODELS } from '../../src/dynamics/names';

const base = {
  problem: { kind: 'quadratic', hessian: { wishart: { dim: 20, seed: 7 } } },
  noise: { sigma: 0.01 },
  eta: 0.01,
  rho: 0.1,
  steps: 20_000,
  paths: 1024,
};

function failure(input: unknown, overrides?: Parameters<typeof resolveConfig>[1]): ConfigError {
  try {
    resolveConfig(input, overrides);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** Asserts the error's field, that the message names field and value, and returns it. */
function expectError(input: unknown, field: string, valueText: string, allowedPart?: string): ConfigError {
  const error = failure(input);
  expect(error.field).toBe(field);
  expect(error.message).toContain(`${field === '' ? 'config' : `config.${field}`}: got ${valueText}`);
  if (allowedPart !== undefined) {
    expect(error.allowed).toContain(allowedPart);
    expect(error.message).toContain(`allowed: ${error.allowed}`);
  }
  return error;
}

describe('resolveConfig defaults', () => {
  it('fills in every default', () => {
    const config = resolveConfig(base);
    expect(config).toEqual({
      ...base,
      x0: { normal: { std: 1, seed: 1 } },
      rho: [0.1],
      seed: 0,
      algorithms: [...ALGORITHMS],
      models: [...MODELS],
      substeps: 1,
      coupling: 'shared',
      samInner: 16,
      recordEvery: 100,
      divergeAbove: 1e6,
      compare: [
        ['SGD', 'SGD-SDE'],
        ['USAM', 'USAM-SDE'], ['USAM', 'USAM-DRIFT'], ['USAM', 'SGD-SDE'],
        ['DNSAM', 'DNSAM-SDE'], ['DNSAM', 'DNSAM-DRIFT'], ['DNSAM', 'SGD-SDE'],
        ['SAM', 'SAM-SDE'], ['SAM', 'SAM-DRIFT'], ['SAM', 'SGD-SDE'],
      ],
    });
  });

  it('recordEvery defaults to max(1, ceil(steps/200))', () => {
    expect(resolveConfig({ ...base, steps: 201 }).recordEvery).toBe(2);
    expect(resolveConfig({ ...base, steps: 200 }).recordEvery).toBe(1);
    expect(resolveConfig({ ...base, steps: 7 }).recordEvery).toBe(1);
  });

  it('keeps a rho list and fills x0.normal.std and saddle quartic', () => {
    const config = resolveConfig({
      ...base,
      problem: { kind: 'saddle', eigenvalues: [1, -1] },
      x0: { normal: { seed: 9 } },
      rho: [0.001, 0.5],
    });
    expect(config.rho).toEqual([0.001, 0.5]);
    expect(config.x0).toEqual({ normal: { std: 1, seed: 9 } });
    expect(config.problem).toEqual({ kind: 'saddle', eigenvalues: [1, -1], quartic: 0 });
  });

  it('builds the default compare list only from the models present', () => {
    const config = resolveConfig({ ...base, algorithms: ['SGD', 'SAM'], models: ['SAM-DRIFT', 'SGD-SDE'] });
    expect(config.compare).toEqual([['SGD', 'SGD-SDE'], ['SAM', 'SAM-DRIFT'], ['SAM', 'SGD-SDE']]);
    expect(resolveConfig({ ...base, models: [] }).compare).toEqual([]);
  });

  it('accepts an explicit compare list of model-vs-model pairs', () => {
    const config = resolveConfig({ ...base, compare: [['SAM-SDE', 'SAM-DRIFT']] });
    expect(config.compare).toEqual([['SAM-SDE', 'SAM-DRIFT']]);
  });

  it('problemDimension covers every problem form', () => {
    expect(problemDimension({ kind: 'quadratic', hessian: { eigenvalues: [1, 2, 3] } })).toBe(3);
    expect(problemDimension({ kind: 'quadratic', hessian: { matrix: [[1, 0], [0, 1]] } })).toBe(2);
    expect(problemDimension({ kind: 'quadratic', hessian: { wishart: { dim: 20, seed: 1 } } })).toBe(20);
    expect(problemDimension({ kind: 'saddle', eigenvalues: [1, -1, 2, -2], quartic: 1 })).toBe(4);
  });
});

describe('overrides', () => {
  it('replace paths, steps and seed, and recordEvery follows the new steps', () => {
    const config = resolveConfig(base, { paths: 64, steps: 1000, seed: 5 });
    expect([config.paths, config.steps, config.seed, config.recordEvery]).toEqual([64, 1000, 5, 5]);
  });

  it('supply a field the config lacks', () => {
    const { steps: _omitted, ...withoutSteps } = base;
    expect(resolveConfig(withoutSteps, { steps: 10 }).steps).toBe(10);
  });

  it.each([
    ['paths', 0], ['paths', 2 ** 24 + 1], ['steps', 1.5], ['steps', 1e8 + 1], ['seed', -1], ['seed', 2 ** 32],
  ] as const)('reject --%s %s', (name, value) => {
    const error = failure(base, { [name]: value });
    expect(error.field).toBe(`--${name}`);
    expect(error.message).toContain(`--${name}: got ${value}; allowed:`);
  });
});

describe('resolveConfig errors', () => {
  const quadratic = (hessian: unknown, extra: object = {}) => ({
    ...base, problem: { kind: 'quadratic', hessian, ...extra },
  });

  it('rejects a non-object config and unknown top-level keys', () => {
    expectError([1], '', '[1]', 'a config object');
    expectError({ ...base, stepz: 3 }, 'stepz', '3', 'steps');
  });

  it.each([
    ['eta', -1, '-1', '> 0'], ['eta', 0, '0', '> 0'], ['eta', 'fast', '"fast"', 'finite number'],
    ['eta', Infinity, 'Infinity', 'finite number'],
    ['steps', 0, '0', '1..100000000'], ['steps', 2.5, '2.5', 'integer'],
    ['paths', 2 ** 24 + 1, '16777217', '2^24'],
    ['seed', 2 ** 32, '4294967296', 'u32'], ['seed', -3, '-3', 'u32'],
    ['substeps', 0, '0', '1..1024'], ['substeps', 1025, '1025', '1..1024'],
    ['samInner', 2000, '2000', '1..1024'],
    ['recordEvery', 0, '0', 'integer >= 1'], ['recordEvery', 20_001, '20001', 'at most steps'],
    ['divergeAbove', -5, '-5', '> 0'],
    ['coupling', 'shared-ish', '"shared-ish"', 'shared, independent'],
  ] as const)('%s = %s', (field, value, valueText, allowed) => {
    expectError({ ...base, [field]: value }, field, valueText, allowed);
  });

  it('reports missing required fields', () => {
    for (const field of ['problem', 'noise', 'eta', 'rho', 'steps', 'paths'] as const) {
      const input: Record<string, unknown> = { ...base };
      delete input[field];
      expectError(input, field, 'nothing (missing)');
    }
  });

  it('rho: out of range, element out of range, empty list', () => {
    expectError({ ...base, rho: -0.1 }, 'rho', '-0.1', '>= 0');
    expectError({ ...base, rho: [0.1, -2] }, 'rho[1]', '-2', '>= 0');
    expectError({ ...base, rho: [] }, 'rho', '[]', 'non-empty list');
  });

  it('problem kind and shape', () => {
    expectError({ ...base, problem: { kind: 'cubic' } }, 'problem.kind', '"cubic"', 'quadratic, saddle');
    expectError({ ...base, problem: 'quadratic' }, 'problem', '"quadratic"', 'kind');
    expectError(quadratic({ eigenvalues: [1] }, { center: [0] }), 'problem.center', '[0]', 'minimizer');
  });

  it('quadratic hessian forms', () => {
    expectError(quadratic({ eigenvalues: [1, 2, 'x'] }), 'problem.hessian.eigenvalues[2]', '"x"', 'finite number');
    expectError(quadratic({ eigenvalues: [] }), 'problem.hessian.eigenvalues', '[]', 'non-empty');
    expectError(quadratic({}), 'problem.hessian', '{}', '{wishart: {dim, seed}}');
    expectError(quadratic({ eigenvalues: [1], matrix: [[1]] }), 'problem.hessian', '{"eigenvalues":[1],"matrix":[[1]]}');
    expectError(quadratic({ wishart: { dim: 0, seed: 1 } }), 'problem.hessian.wishart.dim', '0', '1..4096');
    expectError(quadratic({ wishart: { dim: 4097, seed: 1 } }), 'problem.hessian.wishart.dim', '4097', '1..4096');
    expectError(quadratic({ wishart: { dim: 3 } }), 'problem.hessian.wishart.seed', 'nothing (missing)', 'u32');
    expectError(quadratic({ wishart: { dim: 3, seed: 1, rank: 2 } }), 'problem.hessian.wishart.rank', '2', 'dim, seed');
  });

  it('matrix must be square, symmetric and finite', () => {
    expectError(quadratic({ matrix: [[1, 0], [0]] }), 'problem.hessian.matrix[1]', '[0]', 'square');
    expectError(quadratic({ matrix: [[1, 2, 3], [2, 1, 0]] }), 'problem.hessian.matrix[0]', '[1,2,3]', 'square');
    expectError(quadratic({ matrix: [[1, 2], [2.001, 1]] }), 'problem.hessian.matrix[0][1]', '2', 'symmetric');
    expectError(quadratic({ matrix: [[1, 'a'], ['a', 1]] }), 'problem.hessian.matrix[0][1]', '"a"', 'finite');
    // Within 1e-9·max|a| counts as symmetric.
    expect(() => resolveConfig(quadratic({ matrix: [[1e3, 2], [2 + 1e-7, 1]] }))).not.toThrow();
  });

  it('minimizer and x0 must have the problem dimension', () => {
    const diag = { eigenvalues: [1, 2, 3] };
    expectError(quadratic(diag, { minimizer: [1, 2] }), 'problem.minimizer', '[1,2]', 'list of 3');
    expectError({ ...quadratic(diag), x0: [0, 0] }, 'x0', '[0,0]', 'list of 3');
    expect(resolveConfig({ ...quadratic(diag, { minimizer: [1, 2, 3] }), x0: [0, 0, 1] }).x0).toEqual([0, 0, 1]);
  });

  it('x0 forms', () => {
    expectError({ ...base, x0: { normal: { std: 0, seed: 1 } } }, 'x0.normal.std', '0', '> 0');
    expectError({ ...base, x0: { normal: { std: 1, seed: 1.5 } } }, 'x0.normal.seed', '1.5', 'u32');
    expectError({ ...base, x0: { constant: 'a' } }, 'x0.constant', '"a"', 'finite number');
    expectError({ ...base, x0: { uniform: 1 } }, 'x0', '{"uniform":1}', '{constant: number}');
    expectError({ ...base, x0: 3 }, 'x0', '3', 'list of numbers');
  });

  it('saddle fields', () => {
    const saddle = (problem: object) => ({ ...base, problem: { kind: 'saddle', ...problem } });
    expectError(saddle({ eigenvalues: [] }), 'problem.eigenvalues', '[]', 'non-empty');
    expectError(saddle({ eigenvalues: [1], quartic: -1 }), 'problem.quartic', '-1', '>= 0');
    expectError(saddle({ eigenvalues: [1], hessian: { eigenvalues: [1] } }), 'problem.hessian', '{"eigenvalues":[1]}');
  });

  it('noise: sigma range, unknown keys and the mode B message', () => {
    expectError({ ...base, noise: { sigma: -0.1 } }, 'noise.sigma', '-0.1', '>= 0');
    expectError({ ...base, noise: { sigma: 1, scale: 2 } }, 'noise.scale', '2', 'sigma');
    const error = expectError({ ...base, noise: { sigma: 1, batchSize: 32 } }, 'noise.batchSize', '32');
    expect(error.message).toContain(
      'mini-batch noise (mode B) needs a problem with data; not available for quadratic/saddle');
  });

  it('algorithm and model names', () => {
    expectError({ ...base, algorithms: ['SGD', 'Adam'] }, 'algorithms[1]', '"Adam"', 'SGD, USAM, DNSAM, SAM');
    expectError({ ...base, models: ['SAM-ODE'] }, 'models[0]', '"SAM-ODE"', 'SAM-DRIFT');
    expectError({ ...base, algorithms: ['SAM', 'USAM', 'SAM'] }, 'algorithms[2]', '"SAM"', 'at most once');
    expectError({ ...base, models: ['SGD-SDE', 'SGD-SDE'] }, 'models[1]', '"SGD-SDE"', 'at most once');
    expectError({ ...base, algorithms: [], models: [] }, 'algorithms', '[]', 'at least one');
    expectError({ ...base, algorithms: 'SGD' }, 'algorithms', '"SGD"', 'a list of');
  });

  it('compare pairs', () => {
    expectError({ ...base, compare: [['SGD', 'SGD-SDE'], ['SGD', 'SAM']] }, 'compare[1][1]', '"SAM"', 'SAM-DRIFT');
    expectError({ ...base, compare: [['Adam', 'SGD-SDE']] }, 'compare[0][0]', '"Adam"', 'DNSAM');
    expectError({ ...base, compare: [['SGD']] }, 'compare[0]', '["SGD"]');
    expectError({ ...base, models: ['SGD-SDE'], compare: [['SAM', 'SAM-SDE']] },
      'compare[0]', '["SAM","SAM-SDE"]', 'models: SGD-SDE');
    expectError({ ...base, algorithms: ['SGD'], compare: [['SAM', 'SGD-SDE']] },
      'compare[0]', '["SAM","SGD-SDE"]', 'algorithms: SGD');
    expectError({ ...base, compare: [['SAM', 'SAM-SDE'], ['SAM', 'SAM-SDE']] }, 'compare[1]', '["SAM","SAM-SDE"]');
  });

  it('keeps messages short for long values', () => {
    const error = failure({ ...base, x0: new Array(500).fill(0) });
    expect(error.field).toBe('x0');
    expect(error.message.length).toBeLessThan(250);
    expect(error.value).toHaveLength(500);
  });
});
