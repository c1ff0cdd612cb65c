// The network problems of docs/model.md §5 (mlp, teacher-student, deep-linear) in float64:
// the data sets (parsing, validation, standardisation), the configs, and the exact gradients
// and Hessian-vector products against central finite differences at random points.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, type NetworkProblem } from '../../src/config/schema';
import { DatasetError, loadDataset, parseDataset } from '../../src/problems/data';
import { createProblemTwin, initialPoint, networkSpec, NetworkTwin, problemUniforms } from '../../src/problems/index';
import { normals, Stream } from '../../src/rng/threefry';
import { registerNodeDatasets, DATA_DIR } from '../../src/node/datasets';
import {
  HARDWARE_NETWORK_PATH_SLOTS, MANY_SAMPLES, MANY_SAMPLES_ROW_CODE_BLOCKS, PATH_WORKGROUP_SIZE, ROW_CODE_BLOCKS, SOFTWARE_NETWORK_PATH_SLOTS,
  networkPathSlots, packNetwork, workgroupProgramShape, workgroupTemplateValues,
} from '../../src/simulate/kernelsWorkgroup';

beforeAll(() => registerNodeDatasets());

function testVector(dim: number, step: number, scale = 1): Float64Array {
  return normals({ seed: 77, stream: Stream.check }, 1, step, 0, new Float64Array(dim)).map((v) => v * scale);
}

const dot = (a: Float64Array, b: Float64Array) => a.reduce((sum, value, i) => sum + value * b[i], 0);
const norm = (a: Float64Array) => Math.sqrt(dot(a, a));
const relativeError = (a: Float64Array, b: Float64Array) => norm(a.map((v, i) => v - b[i])) / Math.max(norm(b), 1e-12);

describe('data sets (data/README.md)', () => {
  it('parse with the announced sizes; features standardised to zero mean and unit population std', () => {
    for (const name of ['iris', 'breast-cancer'] as const) {
      const data = loadDataset(name);
      const d = data.features;
      expect(data.x.length).toBe(data.rows * d);
      for (let j = 0; j < d; j++) {
        let mean = 0;
        for (let i = 0; i < data.rows; i++) mean += data.x[i * d + j];
        mean /= data.rows;
        let variance = 0;
        for (let i = 0; i < data.rows; i++) variance += (data.x[i * d + j] - mean) ** 2;
        expect(Math.abs(mean)).toBeLessThan(1e-12);
        expect(Math.abs(variance / data.rows - 1)).toBeLessThan(1e-12);
      }
    }
    const iris = loadDataset('iris');
    expect([...new Set(iris.labels)].sort()).toEqual([0, 1, 2]);
    expect(iris.labels.filter((l) => l === 0).length).toBe(50);
    const cancer = loadDataset('breast-cancer');
    // 212 malignant (0), 357 benign (1) in the UCI data.
    expect(cancer.labels.filter((l) => l === 1).length).toBe(357);
  });

  it('a malformed file names the file, the line and the problem', () => {
    const text = readFileSync(`${DATA_DIR}/iris.csv`, 'utf8');
    const lines = text.split('\n');
    const broken = (line: number, content: string) => {
      const copy = [...lines];
      copy[line - 1] = content;
      return copy.join('\n');
    };
    const cases: [string, RegExp][] = [
      [broken(1, '150,5,setosa,versicolor,virginica'), /data\/iris\.csv:1: header .*expected "150,4,setosa,versicolor,virginica"/],
      [broken(7, '5.4,3.9,abc,0.4,0'), /data\/iris\.csv:7: feature 3 is "abc", not a finite number/],
      [broken(9, '4.4,2.9,1.4,0.2'), /data\/iris\.csv:9: 4 fields: expected 4 features and a label/],
      [broken(10, '4.9,3.1,1.5,0.1,3'), /data\/iris\.csv:10: label "3" is not a class index 0..2/],
      [broken(11, '5.4,3.7,Infinity,0.2,0'), /data\/iris\.csv:11: feature 3 is "Infinity"/],
      [lines.slice(0, 100).join('\n'), /data\/iris\.csv:100: 99 data lines: the header announces 150/],
      ['', /data\/iris\.csv:1: the file is empty/],
    ];
    for (const [text, message] of cases) {
      let error: unknown;
      try {
        parseDataset('iris', text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DatasetError);
      expect((error as Error).message).toMatch(message);
    }
    const constant = lines.map((line, i) => (i === 0 || line === '' ? line : line.replace(/^[^,]*/, '1'))).join('\n');
    expect(() => parseDataset('iris', constant)).toThrow(/iris\.csv:2: feature 1 is constant/);
  });
});

const PROBLEMS: { name: string; problem: NetworkProblem; dim: number }[] = [
  { name: 'mlp iris linear h=5', problem: { kind: 'mlp', dataset: 'iris', hidden: 5, activation: 'linear', weightDecay: 0.1 }, dim: 4 * 5 + 5 * 3 },
  { name: 'mlp iris sigmoid h=4', problem: { kind: 'mlp', dataset: 'iris', hidden: 4, activation: 'sigmoid', weightDecay: 0 }, dim: 28 },
  { name: 'mlp breast-cancer sigmoid h=3', problem: { kind: 'mlp', dataset: 'breast-cancer', hidden: 3, activation: 'sigmoid', weightDecay: 0.1 }, dim: 93 },
  {
    name: 'teacher-student 3→6→2 (sigmoid teacher 4)',
    problem: {
      kind: 'teacher-student', inputs: 3, samples: 7, hidden: 6, outputs: 2, teacherHidden: 4,
      activation: 'sigmoid', teacherActivation: 'sigmoid', weightDecay: 0.01, seed: 3,
    },
    dim: 3 * 6 + 6 * 2,
  },
  { name: 'deep-linear iris h=3', problem: { kind: 'deep-linear', dataset: 'iris', hidden: 3, lambda: 0.01 }, dim: 21 },
  { name: 'deep-linear breast-cancer h=2', problem: { kind: 'deep-linear', dataset: 'breast-cancer', hidden: 2, lambda: 0 }, dim: 62 },
];

describe('network twins: exact derivatives against finite differences (float64)', () => {
  // Central differences of f and ∇f with step 1e-5: truncation ~1e-10·|f'''|, rounding
  // ~1e-16/1e-5; measured relative errors ≤ 1e-8, so the tolerance 1e-6 has a 100× margin.
  const STEP = 1e-5;
  const TOLERANCE = 1e-6;
  for (const { name, problem, dim } of PROBLEMS) {
    it(`${name}: d=${dim}; ∇f and H·v against central differences, u·(Hv) = v·(Hu)`, () => {
      const twin = createProblemTwin(problem);
      expect(twin.dim).toBe(dim);
      for (let trial = 0; trial < 3; trial++) {
        const x = testVector(dim, 10 * trial, 0.7);
        const v = testVector(dim, 10 * trial + 1);
        const u = testVector(dim, 10 * trial + 2);
        const g = twin.grad(x, new Float64Array(dim));
        // Directional derivative of f along v against g·v.
        const plus = x.map((xi, i) => xi + STEP * v[i]);
        const minus = x.map((xi, i) => xi - STEP * v[i]);
        const fd = (twin.loss(plus) - twin.loss(minus)) / (2 * STEP);
        expect(Math.abs(fd - dot(g, v)) / Math.max(Math.abs(dot(g, v)), 1e-8)).toBeLessThan(TOLERANCE);
        // H v against the central difference of the gradient along v.
        const hv = twin.hvp(x, v, new Float64Array(dim));
        const gPlus = twin.grad(plus, new Float64Array(dim));
        const gMinus = twin.grad(minus, new Float64Array(dim));
        const fdHv = gPlus.map((gp, i) => (gp - gMinus[i]) / (2 * STEP));
        expect(relativeError(hv, fdHv)).toBeLessThan(TOLERANCE);
        // Symmetry of the exact HVP, to rounding.
        const hu = twin.hvp(x, u, new Float64Array(dim));
        expect(Math.abs(dot(u, hv) - dot(v, hu)) / (norm(u) * norm(hv))).toBeLessThan(1e-12);
      }
    });
  }

  it('per-sample sums (mode B): weighted gradients and HVPs, and the self-minus direction', () => {
    const twin = createProblemTwin(PROBLEMS[2].problem) as NetworkTwin;
    const d = twin.dim;
    const N = twin.samples;
    const x = testVector(d, 40, 0.7);
    const v = testVector(d, 41);
    const weights = testVector(N, 42);
    const oneHot = (n: number) => { const w = new Float64Array(N); w[n] = 1; return w; };
    const sumGrad = new Float64Array(d);
    const sumHv = new Float64Array(d);
    const sumSelf = new Float64Array(d);
    const gn = new Float64Array(d);
    const hn = new Float64Array(d);
    const diff = new Float64Array(d);
    for (let n = 0; n < N; n++) {
      twin.weightedGrad(x, oneHot(n), gn);
      twin.weightedHvp(x, v, oneHot(n), hn);
      for (let i = 0; i < d; i++) { sumGrad[i] += weights[n] * gn[i]; sumHv[i] += weights[n] * hn[i]; diff[i] = gn[i] - v[i]; }
      twin.weightedHvp(x, diff, oneHot(n), hn);
      for (let i = 0; i < d; i++) sumSelf[i] += weights[n] * hn[i];
    }
    expect(relativeError(twin.weightedGrad(x, weights, new Float64Array(d)), sumGrad)).toBeLessThan(1e-12);
    expect(relativeError(twin.weightedHvp(x, v, weights, new Float64Array(d)), sumHv)).toBeLessThan(1e-12);
    expect(relativeError(twin.weightedHvp(x, v, weights, new Float64Array(d), true), sumSelf)).toBeLessThan(1e-12);
    // Uniform weights 1/N plus the weight decay give back ∇f.
    const uniform = new Float64Array(N).fill(1 / N);
    const g = twin.weightedGrad(x, uniform, new Float64Array(d)).map((gi, i) => gi + twin.weightDecay * x[i]);
    expect(relativeError(g, twin.grad(x, new Float64Array(d)))).toBeLessThan(1e-13);
  });

  it('losses at the origin: log 3 (Iris softmax), log 2 (Breast Cancer logistic), ½ mean‖y‖² (deep-linear)', () => {
    const at0 = (problem: NetworkProblem) => {
      const twin = createProblemTwin(problem);
      return twin.loss(new Float64Array(twin.dim));
    };
    expect(at0({ kind: 'mlp', dataset: 'iris', hidden: 3, activation: 'linear', weightDecay: 1 })).toBeCloseTo(Math.log(3), 14);
    expect(at0({ kind: 'mlp', dataset: 'breast-cancer', hidden: 3, activation: 'linear', weightDecay: 0 })).toBeCloseTo(Math.log(2), 14);
    expect(at0({ kind: 'deep-linear', dataset: 'iris', hidden: 3, lambda: 0 })).toBeCloseTo(0.5, 14);
    expect(at0({ kind: 'deep-linear', dataset: 'breast-cancer', hidden: 3, lambda: 0 })).toBeCloseTo(0.5, 14);
    // Sigmoid hidden units at W1 = 0 are ½; with W2 = 0 the output is 0 anyway.
    expect(at0({ kind: 'mlp', dataset: 'iris', hidden: 3, activation: 'sigmoid', weightDecay: 0 })).toBeCloseTo(Math.log(3), 14);
  });

  it('the deep-linear origin is a stationary point (a saddle): ∇f(0) = 0', () => {
    const twin = createProblemTwin({ kind: 'deep-linear', dataset: 'iris', hidden: 4, lambda: 0.001 });
    expect(norm(twin.grad(new Float64Array(twin.dim), new Float64Array(twin.dim)))).toBe(0);
  });
});

describe('network configs (docs/model.md §5)', () => {
  const base = { eta: 0.01, rho: 0.1, steps: 10, paths: 4 };
  it('sizes and defaults: d, x0 = N(0, 1/h) for MLPs, 0.02·1 for deep-linear', () => {
    const mlp = resolveConfig({ ...base, noise: { sigma: 0.01 }, problem: { kind: 'mlp', dataset: 'breast-cancer', hidden: 30 } });
    expect(mlp.problem).toEqual({ kind: 'mlp', dataset: 'breast-cancer', hidden: 30, activation: 'sigmoid', weightDecay: 0 });
    expect(mlp.x0).toEqual({ normal: { std: 1 / Math.sqrt(30), seed: 1 } });
    expect(problemUniforms(mlp.problem).dim).toBe(930);
    const seeded = resolveConfig({ ...base, noise: { sigma: 0 }, x0: { normal: { seed: 5 } }, problem: { kind: 'mlp', dataset: 'iris', hidden: 20 } });
    expect(seeded.x0).toEqual({ normal: { std: 1 / Math.sqrt(20), seed: 5 } });
    const ts = resolveConfig({ ...base, noise: { sigma: 0.01 }, problem: { kind: 'teacher-student' } });
    expect(createProblemTwin(ts.problem).dim).toBe(600);
    const deep = resolveConfig({ ...base, noise: { sigma: 0 }, problem: { kind: 'deep-linear', dataset: 'iris', hidden: 10, lambda: 0.001 } });
    expect(deep.x0).toEqual({ constant: 0.02 });
    expect(initialPoint(deep.x0, 70, 0).every((v) => v === 0.02)).toBe(true);
  });

  it('x0 as an explicit flat vector (W1 row-major, then W2) of length d', () => {
    const problem = { kind: 'mlp', dataset: 'iris', hidden: 2, activation: 'linear' } as const;
    const x0 = Array.from({ length: 4 * 2 + 2 * 3 }, (_, i) => i / 10);
    expect(resolveConfig({ ...base, noise: { sigma: 0 }, problem, x0 }).x0).toEqual(x0);
    expect(() => resolveConfig({ ...base, noise: { sigma: 0 }, problem, x0: [1, 2] })).toThrow(/config\.x0: .*list of 14/);
    // The layout: z = (x_n W1) W2 with W1[i][j] = x0[i·h + j], W2[j][k] = x0[n_in·h + j·n_out + k].
    const spec = networkSpec(problem as NetworkProblem & { weightDecay: number });
    const twin = new NetworkTwin({ ...spec, weightDecay: 0 });
    const w = new Float64Array(x0);
    const row = spec.x.subarray(0, 4);
    const hidden = [0, 1].map((j) => row.reduce((s, xi, i) => s + xi * w[i * 2 + j], 0));
    const z = [0, 1, 2].map((k) => hidden[0] * w[8 + k] + hidden[1] * w[8 + 3 + k]);
    const max = Math.max(...z);
    const lse = max + Math.log(z.reduce((s, zk) => s + Math.exp(zk - max), 0));
    const first = new Float64Array(150);
    first[0] = 1;
    expect(twin.pass(w, { weights: first })).toBeCloseTo(lse - z[spec.targets.subarray(0, 3).indexOf(1)], 12);
  });

  it('mode B: batchSize only for problems with data, not with sigma; SAM-SDE needs samInner ≥ 2', () => {
    const problem = { kind: 'mlp', dataset: 'iris', hidden: 3 };
    expect(resolveConfig({ ...base, problem, noise: { batchSize: 16 } }).noise).toEqual({ sigma: 0, batchSize: 16 });
    expect(() => resolveConfig({ ...base, problem, noise: { batchSize: 16, sigma: 0.1 } })).toThrow(/noise\.batchSize: got 16; allowed: either sigma/);
    expect(() => resolveConfig({ ...base, problem, noise: { batchSize: 0 } })).toThrow(/noise\.batchSize: got 0; allowed: an integer in 1\.\./);
    expect(() => resolveConfig({ ...base, problem, noise: {} })).toThrow(/noise\.sigma: got nothing \(missing\)/);
    expect(() => resolveConfig({ ...base, problem, noise: { batchSize: 4 }, samInner: 1 })).toThrow(/config\.samInner: got 1; allowed: an integer in 2\.\.1024 with batchSize/);
    expect(() => resolveConfig({ ...base, problem: { kind: 'mlp', dataset: 'mnist', hidden: 3 }, noise: { sigma: 0 } }))
      .toThrow(/problem\.dataset: got "mnist"; allowed: one of: iris, breast-cancer/);
  });
});

describe('workgroup-per-path layout: program shape and data packing', () => {
  const spec = () => networkSpec({ kind: 'mlp', dataset: 'breast-cancer', hidden: 30, activation: 'sigmoid', weightDecay: 0.1 });

  it('d = 930 (569 samples): pairs, 4 blocks of 4 hidden units per thread; the padded weights and their partials fit 16 KiB; one program per shape', () => {
    const shape = workgroupProgramShape(spec(), 32768, true);
    expect(shape.rowThreads).toBe(2);
    expect(shape.laneBlocks).toBe(4);
    expect(shape.paddedBlocks).toBe(8);
    expect(shape.weightBlocks).toBe((30 + 1) * 8);
    expect(shape.laneWeightBlocks).toBe((30 + 1) * 4);
    expect(shape.blocksPerThread).toBe(Math.ceil(930 / (4 * PATH_WORKGROUP_SIZE)));
    expect(shape.dimCapacity).toBeGreaterThanOrEqual(930);
    expect(shape.workgroupBytes).toBeLessThanOrEqual(16384);
    expect(shape.tileRows).toBe(PATH_WORKGROUP_SIZE / 2);
    // The generated row code reads a thread's weights at constant indices: its W1 block (i, b)
    // at i·HB + b, W2 block (0, b) at 30·HB + b; the logit is a group sum.
    const values = workgroupTemplateValues(shape);
    expect(values.rowForward).toContain('x29 * pw[119]');
    expect(values.rowLogits).toContain('row_sum(vec4f(dot(s[0], pw[120]) + dot(s[1], pw[121]) + dot(s[2], pw[122]) + dot(s[3], pw[123]), 0.0, 0.0, 0.0))');
    expect(values.rowAccumulate).toContain('acc_p0[123] +=');
    expect(values.rowAccumulate).not.toContain('acc_p0[124]');
    // Without subgroups the pair sums go through workgroup memory (one vec4 per thread more).
    const fallback = workgroupProgramShape(spec(), 32768, false);
    expect(fallback.workgroupBytes).toBe(shape.workgroupBytes + 16 * PATH_WORKGROUP_SIZE);
    expect(workgroupTemplateValues(fallback)).toEqual({ ...values, subgroups: false });
    // Networks of another shape get another program.
    const iris = networkSpec({ kind: 'mlp', dataset: 'iris', hidden: 20, activation: 'linear', weightDecay: 0 });
    expect(workgroupTemplateValues(workgroupProgramShape(iris, 32768, true))).not.toEqual(values);
  });

  it('d = 930 in 12 KiB of workgroup memory: quads, whose partials fit where pairs\' do not', () => {
    expect(workgroupProgramShape(spec(), 16384, true).rowThreads).toBe(2);
    const shape = workgroupProgramShape(spec(), 12288, true);
    expect([shape.rowThreads, shape.laneBlocks, shape.tileRows]).toEqual([4, 2, PATH_WORKGROUP_SIZE / 4]);
    expect(shape.workgroupBytes).toBeLessThanOrEqual(12288);
    expect(workgroupTemplateValues(shape).rowLogits).toContain('row_sum(vec4f(dot(s[0], pw[60]) + dot(s[1], pw[61]), 0.0, 0.0, 0.0))');
  });

  it('threads per row: the fewest (1, 2 or 4) whose share of the weights is at most ROW_CODE_BLOCKS vec4 blocks, MANY_SAMPLES_ROW_CODE_BLOCKS with many samples', () => {
    expect([ROW_CODE_BLOCKS, MANY_SAMPLES_ROW_CODE_BLOCKS, MANY_SAMPLES]).toEqual([64, 128, 256]);
    const shape = (problem: Parameters<typeof networkSpec>[0]) => workgroupProgramShape(networkSpec(problem), 32768, true);
    // Iris h=20: (4 + 3)·5 = 35 blocks for one thread; a row per thread, 8 rows at once.
    const iris = shape({ kind: 'mlp', dataset: 'iris', hidden: 20, activation: 'linear', weightDecay: 0 });
    expect([iris.rowThreads, iris.laneBlocks, iris.tileRows]).toEqual([1, 5, 8]);
    // Iris h=60: 7·15 = 105 for one, 7·8 = 56 for each of two (hidden units padded to 64).
    const pair = shape({ kind: 'mlp', dataset: 'iris', hidden: 60, activation: 'linear', weightDecay: 0 });
    expect([pair.rowThreads, pair.laneBlocks, pair.paddedBlocks, pair.tileRows]).toEqual([2, 8, 16, 4]);
    // teacher-student 5→100→1: 6·25 = 150, 6·13 = 78, 6·7 = 42.
    const ts = shape({
      kind: 'teacher-student', inputs: 5, samples: 10, hidden: 100, outputs: 1, teacherHidden: 100,
      activation: 'sigmoid', teacherActivation: 'sigmoid', weightDecay: 0.01, seed: 0,
    });
    expect([ts.rowThreads, ts.laneBlocks]).toEqual([4, 7]);
    // Breast Cancer h=30 (569 samples): 31·8 = 248 blocks for one thread, 31·4 = 124 for each
    // of two, within the bound for many samples; the same shape with 255 samples keeps quads
    // (31·2 = 62).
    const bc = shape({ kind: 'mlp', dataset: 'breast-cancer', hidden: 30, activation: 'sigmoid', weightDecay: 0.1 });
    expect([bc.rowThreads, bc.laneBlocks]).toEqual([2, 4]);
    const fewer = workgroupProgramShape({ ...networkSpec({ kind: 'mlp', dataset: 'breast-cancer', hidden: 30, activation: 'sigmoid', weightDecay: 0.1 }), samples: 255 }, 32768, true);
    expect([fewer.rowThreads, fewer.laneBlocks]).toEqual([4, 2]);
    // teacher-student 5→100→1 with 1000 samples: 150 blocks for one thread, 78 for each of two.
    const many = shape({
      kind: 'teacher-student', inputs: 5, samples: 1000, hidden: 100, outputs: 1, teacherHidden: 100,
      activation: 'sigmoid', teacherActivation: 'sigmoid', weightDecay: 0.01, seed: 0,
    });
    expect([many.rowThreads, many.laneBlocks]).toEqual([2, 13]);
    // Iris h=120 (150 samples, fewer than MANY_SAMPLES): 7·30 = 210, 7·15 = 105, 7·8 = 56.
    const wide = shape({ kind: 'mlp', dataset: 'iris', hidden: 120, activation: 'linear', weightDecay: 0 });
    expect(wide.rowThreads).toBe(4);
  });

  it('a network that does not fit the workgroup memory is an error that says what it needs', () => {
    expect(() => workgroupProgramShape(spec(), 4096, true)).toThrow(/dimension 930 .* does not fit the adapter's 4096 bytes of workgroup memory \(it needs \d+\)/);
  });

  it('packs the 16-word header, features, targets and squared row norms in f32', () => {
    const s = spec();
    const packed = packNetwork(s, 17);
    const words = new Uint32Array(packed.buffer);
    expect([...words.subarray(0, 11)]).toEqual([30, 30, 1, 569, 1, 1, 17, 930, 0, 569 * 30, 569 * 31]);
    expect(packed[12]).toBe(1);
    expect(packed[13]).toBe(Math.fround(0.1));
    expect(packed[16 + 5 * 30 + 7]).toBe(Math.fround(s.x[5 * 30 + 7]));
    expect(packed[16 + 569 * 30 + 3]).toBe(s.targets[3]);
    const norm2 = s.x.subarray(2 * 30, 3 * 30).reduce((sum, v) => sum + v * v, 0);
    expect(packed[16 + 569 * 31 + 2]).toBeCloseTo(norm2, 4);
    expect(packed.length).toBe(16 + 569 * 32);
  });

  it('path slots: the most paths a workgroup, up to the asked-for power of two, whose workgroup memory fits; 4 on a GPU by default, 1 on a software adapter', () => {
    expect([SOFTWARE_NETWORK_PATH_SLOTS, HARDWARE_NETWORK_PATH_SLOTS]).toEqual([1, 4]);
    expect([networkPathSlots(true), networkPathSlots(false), networkPathSlots(true, 8)]).toEqual([1, 4, 8]);
    for (const bad of [0, 3, 64]) expect(() => networkPathSlots(false, bad)).toThrow(`networkPathSlots: ${bad} is not a power of two in 1..32`);
    const iris = networkSpec({ kind: 'mlp', dataset: 'iris', hidden: 20, activation: 'linear', weightDecay: 0 });
    const one = workgroupProgramShape(iris, 32768, true);
    const four = workgroupProgramShape(iris, 32768, true, 4);
    expect([one.pathSlots, four.pathSlots]).toEqual([1, 4]);
    // Iris h=20: each slot's wg_part is 8 row groups × 35 blocks × 16 bytes; slice.wgsl adds a
    // vec4 a thread, a vec4 and a word a slot, and one word.
    expect(one.workgroupBytes).toBe(8 * 35 * 16 + (16 * 8 + 16 + 4 + 4));
    expect(four.workgroupBytes).toBe(4 * 8 * 35 * 16 + (16 * 32 + 16 * 4 + 4 * 4 + 4));
    expect(workgroupTemplateValues(four)).toEqual({ ...workgroupTemplateValues(one), pathSlots: 4 });
    // Breast Cancer's pairs stage 15 872 bytes a slot: two fit 32 KiB, one fits 16 KiB.
    expect(workgroupProgramShape(spec(), 32768, true, 4).pathSlots).toBe(2);
    expect(workgroupProgramShape(spec(), 16384, true, 4).pathSlots).toBe(1);
  });
});
