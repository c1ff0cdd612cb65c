// The workgroup-per-path layout (DESIGN.md "Kernels") for the network problems, and for the
// quadratics and saddles above the register budget: a path's threads share its passes
// (shaders/simulate_wg.wgsl, shaders/pass.wgsl), and a workgroup advances one path or, for
// small networks on a GPU, several (path slots, docs/architecture.md "Path slots"). This module
// sizes the programs, generates a network pass's per-sample body for one network shape, and
// packs a network's data for its storage buffer.
//
// How a pass divides the work: the workgroup's threads form row groups of G = 1, 2 or 4
// threads (pairs or quads of a subgroup where the device has subgroups); a group takes one
// sample at a time and each of its threads 1/G of the hidden units, holding only its own
// weights; the few sums over hidden units (the logits and the R-op's) are group sums
// (docs/architecture.md, "Network passes").
//
// Why generated code: a software adapter (SwiftShader) runs the threads of a workgroup as the
// lanes of CPU SIMD registers; a memory access whose address is not a compile-time constant
// becomes a per-lane gather, while one with a constant index is a single load (a vector load
// for private arrays). A thread's matrix products are therefore written out with constant
// indices for the network's n_in, its share of h and n_out; only the loop over samples stays a
// loop. A real GPU compiler gets the same register-resident code.
import { composeShader, type ComposedShader, type ShaderSources } from '../gpu/compose.js';
import { ACTIVATION_CODES, LOSS_CODES, type NetworkSpec } from '../problems/network.js';

/**
 * Threads per path: two SIMD groups of a software adapter, two subgroup quads. Few threads
 * keep the end-of-pass reduction short and each thread's share of the weights large enough to
 * amortise its copy; enough of them keep each thread's slice of the state (d/(4·WG) vec4) small.
 */
export const PATH_WORKGROUP_SIZE = 8;
/**
 * The most vec4 blocks of weights a thread's per-row code covers when a shape allows:
 * G threads share a row when one thread's share, (n_in + n_out)·⌈h/(4G)⌉ blocks, would exceed
 * it with fewer. The code's length is part of the compile time on SwiftShader;
 * sharing a row costs each thread the row's features and overhead, which for small networks
 * (Iris, 35 blocks) outweighs the shorter code (docs/architecture.md, "Network passes").
 */
export const ROW_CODE_BLOCKS = 64;
/**
 * The bound for a data set of at least MANY_SAMPLES samples. There every thread of a group
 * repeating the row's scalar work (its features, loss, residual and weights) costs more than
 * a longer code and a larger per-pass set-up: Breast Cancer (569 samples) runs USAM-SDE 1.1×
 * faster with pairs (124 blocks) than with quads, as fast as with a row per thread (248),
 * whose SAM-SDE compiles in 2.2–2.9 s against pairs' 1.7 s. With few samples the set-up wins:
 * teacher–student (10 samples) runs 2× slower with a row per thread.
 */
export const MANY_SAMPLES_ROW_CODE_BLOCKS = 128;
/** The sample count from which MANY_SAMPLES_ROW_CODE_BLOCKS applies (Breast Cancer has 569). */
export const MANY_SAMPLES = 256;
const ROW_THREAD_CHOICES = [1, 2, 4];
/**
 * Threads per path for a quadratic or saddle above the register budget (REGISTER_DIM_MAX), on a
 * software adapter: one SIMD group. SwiftShader runs a workgroup's threads as the lanes of
 * 4-wide SIMD registers and pays per thread for every barrier and workgroup sum; a Wishart
 * d = 160 USAM-SDE ran 7.4e3 path-steps per CPU-s with 4 threads, 6.1e3 with 8, 5.4e3 with 16,
 * 3.8e3 with 32 and 2.4e3 with 64 (docs/architecture.md, "Large quadratics and saddles").
 */
export const SOFTWARE_LARGE_PROBLEM_THREADS = 4;
/**
 * The same on a GPU: two warps (one wave of 64), each thread one lane group (4 rows of H·v) up
 * to d = 256, so a path's vectors stay in registers at any size. Not measured: no GPU was lent.
 */
export const HARDWARE_LARGE_PROBLEM_THREADS = 64;

/**
 * Paths a network workgroup advances (path slots), at most, on a software adapter. SwiftShader
 * runs every thread's work whatever the workgroup, so slots gain nothing there: Iris h = 20
 * USAM-SDE ran 4.1–4.6×10³ path-steps per CPU-s with 1 slot, 4.5–4.6 with 2 and 4.3–4.4 with 4
 * (docs/architecture.md, "Path slots").
 */
export const SOFTWARE_NETWORK_PATH_SLOTS = 1;
/**
 * The same on a GPU: four paths of PATH_WORKGROUP_SIZE = 8 threads fill a warp of 32, where
 * one path a workgroup leaves 24 of its lanes idle; fewer where the slots' workgroup memory
 * does not fit. Not measured: no GPU was lent.
 */
export const HARDWARE_NETWORK_PATH_SLOTS = 4;

/** The adapter's default (software, hardware) for a kernel shape's `name`, or `requested`: a power of two in 1..max. */
function adapterChoice(name: string, isSoftware: boolean, defaults: [number, number], max: number, requested?: number): number {
  if (requested === undefined) return isSoftware ? defaults[0] : defaults[1];
  if (!Number.isInteger(requested) || requested < 1 || requested > max || (requested & (requested - 1)) !== 0) {
    throw new Error(`${name}: ${requested} is not a power of two in 1..${max}`);
  }
  return requested;
}

/** The most path slots, up to `maxSlots` (a power of two), that `fit`; at least 1. */
function fittingSlots(maxSlots: number, fit: (slots: number) => boolean): number {
  let slots = maxSlots;
  while (slots > 1 && !fit(slots)) slots /= 2;
  return slots;
}

/** Threads per path of the large-problem form: the adapter's default, or `requested` (a power of two, 1..256). */
export function largeProblemThreads(isSoftware: boolean, requested?: number): number {
  return adapterChoice('largeProblemThreads', isSoftware, [SOFTWARE_LARGE_PROBLEM_THREADS, HARDWARE_LARGE_PROBLEM_THREADS], 256, requested);
}

/**
 * Paths a workgroup advances in the large-problem form, on a software adapter: one. With
 * several, the slots share each tile of H through workgroup memory (quadratic_wg.wgsl), which
 * only pays where H's reads cost memory traffic; on SwiftShader the tiles' barriers cost more.
 */
export const SOFTWARE_LARGE_PROBLEM_SLOTS = 1;
/**
 * The same on a GPU: four paths share each H tile, so H is read from memory once for four
 * H·v (256 threads a workgroup with 64 a path). Not measured: no GPU was lent.
 */
export const HARDWARE_LARGE_PROBLEM_SLOTS = 4;

/** Path slots of the large-problem form, at most: the adapter's default, or `requested` (a power of two, 1..32). */
export function largeProblemSlots(isSoftware: boolean, requested?: number): number {
  return adapterChoice('largeProblemSlots', isSoftware, [SOFTWARE_LARGE_PROBLEM_SLOTS, HARDWARE_LARGE_PROBLEM_SLOTS], 32, requested);
}

/** Path slots of a network workgroup, at most: the adapter's default, or `requested` (a power of two, 1..32). */
export function networkPathSlots(isSoftware: boolean, requested?: number): number {
  return adapterChoice('networkPathSlots', isSoftware, [SOFTWARE_NETWORK_PATH_SLOTS, HARDWARE_NETWORK_PATH_SLOTS], 32, requested);
}

/** The WGSL files of the layout for a problem's modules (shaders/pass.wgsl's interface), in composition order. */
export function workgroupShaderFiles(problemFiles: string[]): string[] {
  return [
    'threefry.wgsl', 'slice.wgsl', 'run.wgsl', 'pass.wgsl', ...problemFiles, 'dynamics_wg.wgsl', 'simulate_wg.wgsl',
    'sharpness.wgsl', 'sharpness_wg.wgsl',
  ];
}

/**
 * Workgroup memory of the large-problem form: the quadratic's staged vectors (wg_vector, ⌈d/4⌉
 * vec4 a slot) and H tile (h_tile, a mat4x4f a thread with several slots), and slice.wgsl's
 * sums and vote.
 */
export function largeProblemWorkgroupBytes(kind: 'quadratic' | 'saddle', d: number, threads: number, slots: number): number {
  const quadratic = 16 * Math.ceil(d / 4) * slots + 64 * (slots > 1 ? threads * slots : 1);
  return (kind === 'quadratic' ? quadratic : 0) + sliceWorkgroupBytes(threads, slots);
}

/** The adapter limits a workgroup shape must fit. */
export interface WorkgroupLimits {
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
}

/** Threads a path, paths a workgroup (slots) and workgroup memory of the large-problem form. */
export interface LargeProblemShape {
  threads: number;
  slots: number;
  workgroupBytes: number;
}

/**
 * The large-problem form's shape on an adapter: `threads` (largeProblemThreads) and the most
 * slots, up to largeProblemSlots, whose workgroup memory and invocations fit the limits (the
 * tile and the staged vectors grow with the slots: a GPU's 64 × 4 fits 32 KiB up to d ≈ 1000,
 * one slot to d = 4096). Throws, naming what is needed, when one slot does not fit.
 */
export function largeProblemShape(
  kind: 'quadratic' | 'saddle', d: number, limits: WorkgroupLimits, isSoftware: boolean,
  requested: { threads?: number; slots?: number } = {},
): LargeProblemShape {
  const threads = largeProblemThreads(isSoftware, requested.threads);
  const fit = (slots: number) => largeProblemWorkgroupBytes(kind, d, threads, slots) <= limits.maxComputeWorkgroupStorageSize
    && threads * slots <= limits.maxComputeInvocationsPerWorkgroup;
  const slots = fittingSlots(largeProblemSlots(isSoftware, requested.slots), fit);
  const workgroupBytes = largeProblemWorkgroupBytes(kind, d, threads, slots);
  if (!fit(slots)) {
    throw new Error(`${kind} problem of dimension ${d} with ${threads} threads a path needs ${workgroupBytes} bytes of workgroup memory `
      + `and ${threads} invocations; the adapter has ${limits.maxComputeWorkgroupStorageSize} and ${limits.maxComputeInvocationsPerWorkgroup}`);
  }
  return { threads, slots, workgroupBytes };
}

/** slice.wgsl's workgroup memory: red (a vec4 a thread), red_total and slot_votes (one a slot), vote_total. */
function sliceWorkgroupBytes(threads: number, slots: number): number {
  return 16 * threads * slots + 16 * slots + 4 * slots + 4;
}

/**
 * WGSL of the workgroup-per-path kernels of a quadratic or saddle of dimension d with `threads`
 * threads a path and `slots` paths a workgroup, the form above the thread-per-path register
 * budget (shaders/problems/quadratic_wg.wgsl, saddle_wg.wgsl).
 */
export function largeProblemShader(sources: ShaderSources, kind: 'quadratic' | 'saddle', d: number, threads: number, slots: number): ComposedShader {
  const d4 = Math.ceil(d / 4);
  return composeShader(sources, workgroupShaderFiles(['problems/dataless_wg.wgsl', `problems/${kind}_wg.wgsl`]), {
    workgroupSize: threads,
    pathSlots: slots,
    blocksPerThread: Math.ceil(d4 / threads),
    dim: d,
    dim4: d4,
  }, `SimulationKernels.${kind}${d}.workgroup${threads}x${slots}`);
}

/** WGSL of the workgroup-per-path kernels of one network program. */
export function networkShader(sources: ShaderSources, shape: WorkgroupProgramShape): ComposedShader {
  return composeShader(sources, workgroupShaderFiles(['problems/network.wgsl']), workgroupTemplateValues(shape),
    `SimulationKernels.network${shape.dimCapacity}x${shape.pathSlots}`, shape.subgroups ? ['subgroups'] : []);
}

const HEADER_WORDS = 16;

export interface WorkgroupProgramShape {
  inputs: number;
  hidden: number;
  outputs: number;
  activation: number;
  loss: number;
  /** Threads that share a row (G: 1, 2 or 4). */
  rowThreads: number;
  /** Hidden units in blocks of four (vec4) held by each thread of a row group: HB = ⌈h/(4G)⌉. */
  laneBlocks: number;
  /** vec4 blocks of hidden units, padded to the group: HP4 = G·HB. */
  paddedBlocks: number;
  /** vec4 blocks of the padded weights: (n_in + n_out)·HP4. */
  weightBlocks: number;
  /** vec4 blocks of one thread's share of the weights: (n_in + n_out)·HB. */
  laneWeightBlocks: number;
  /** Lane groups (vec4) per thread; the program serves d ≤ 4·WG·blocksPerThread. */
  blocksPerThread: number;
  dimCapacity: number;
  /** Samples a pass takes at once (one per row group). */
  tileRows: number;
  /** Group sums through subgroup operations (else through workgroup memory and barriers). */
  subgroups: boolean;
  /** Paths a workgroup advances (SLOTS of shaders/slice.wgsl). */
  pathSlots: number;
  workgroupBytes: number;
}

/**
 * The program of one network shape (n_in, h, n_out, activation, loss) and sample count class:
 * compiled once per device and shared by every data set of that shape. `subgroups`: the device
 * has the feature. G is the fewest threads per row whose share of the per-row code is within
 * the bound (ROW_CODE_BLOCKS, or MANY_SAMPLES_ROW_CODE_BLOCKS for MANY_SAMPLES samples or more)
 * and whose partials fit the workgroup memory; the most (4) where none is within the bound.
 * A workgroup advances the most paths, up to `maxPathSlots` (a power of two), whose workgroup
 * memory fits. Throws when one path's padded weights and partials do not fit the adapter's
 * workgroup memory, naming what would be needed.
 */
export function workgroupProgramShape(spec: NetworkSpec, maxWorkgroupBytes: number, subgroups: boolean, maxPathSlots = 1): WorkgroupProgramShape {
  const { inputs, hidden, outputs } = spec;
  const d = inputs * hidden + hidden * outputs;
  const hiddenBlocks = Math.ceil(hidden / 4);
  const codeBound = spec.samples >= MANY_SAMPLES ? MANY_SAMPLES_ROW_CODE_BLOCKS : ROW_CODE_BLOCKS;
  const laneBlocksOf = (g: number) => Math.ceil(hiddenBlocks / g);
  // Mirrors the var<workgroup> declarations: network.wgsl (wg_part: each slot's point and
  // direction, later its groups' partials; row_red without subgroups) and slice.wgsl.
  const workgroupBytesOf = (g: number, slots = 1) => slots * 16 * Math.max(2, PATH_WORKGROUP_SIZE / g) * (inputs + outputs) * g * laneBlocksOf(g)
    + (subgroups ? 0 : 16 * PATH_WORKGROUP_SIZE * slots) + sliceWorkgroupBytes(PATH_WORKGROUP_SIZE, slots);
  const rowThreads = ROW_THREAD_CHOICES.find((g) => (inputs + outputs) * laneBlocksOf(g) <= codeBound && workgroupBytesOf(g) <= maxWorkgroupBytes)
    ?? ROW_THREAD_CHOICES[ROW_THREAD_CHOICES.length - 1];
  const rowGroups = PATH_WORKGROUP_SIZE / rowThreads;
  const laneBlocks = laneBlocksOf(rowThreads);
  const paddedBlocks = rowThreads * laneBlocks;
  const weightBlocks = (inputs + outputs) * paddedBlocks;
  const blocksPerThread = Math.ceil(d / (4 * PATH_WORKGROUP_SIZE));
  if (workgroupBytesOf(rowThreads) > maxWorkgroupBytes) {
    throw new Error(`network of dimension ${d} with ${inputs} inputs, ${hidden} hidden units and ${outputs} outputs does not fit `
      + `the adapter's ${maxWorkgroupBytes} bytes of workgroup memory (it needs ${workgroupBytesOf(rowThreads)})`);
  }
  const pathSlots = fittingSlots(maxPathSlots, (slots) => workgroupBytesOf(rowThreads, slots) <= maxWorkgroupBytes);
  const workgroupBytes = workgroupBytesOf(rowThreads, pathSlots);
  return {
    inputs, hidden, outputs,
    activation: ACTIVATION_CODES[spec.activation],
    loss: LOSS_CODES[spec.loss],
    rowThreads, laneBlocks, paddedBlocks, weightBlocks,
    laneWeightBlocks: (inputs + outputs) * laneBlocks,
    blocksPerThread,
    dimCapacity: 4 * PATH_WORKGROUP_SIZE * blocksPerThread,
    tileRows: rowGroups,
    subgroups,
    pathSlots,
    workgroupBytes,
  };
}

export function workgroupTemplateValues(shape: WorkgroupProgramShape): Record<string, number | string | boolean> {
  return {
    workgroupSize: PATH_WORKGROUP_SIZE,
    pathSlots: shape.pathSlots,
    blocksPerThread: shape.blocksPerThread,
    rowThreads: shape.rowThreads,
    netInputs: shape.inputs,
    netHidden: shape.hidden,
    netOutputs: shape.outputs,
    netLaneBlocks: shape.laneBlocks,
    netPaddedBlocks: shape.paddedBlocks,
    netActivation: shape.activation,
    netLoss: shape.loss,
    subgroups: shape.subgroups,
    ...rowCode(shape),
  };
}

/** A sum of terms as one WGSL expression. */
const sum = (terms: string[]): string => terms.join(' + ');
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/**
 * Row-group sums of scalar WGSL expressions, four to a vec4: statements that sum `terms[m]`
 * over the group into the variable `targets[m]` (declared by the caller).
 */
function groupSums(targets: string[], terms: string[]): string[] {
  const out: string[] = [];
  for (let at = 0; at < terms.length; at += 4) {
    const group = terms.slice(at, at + 4);
    const name = `q${targets[at].replace(/\W/g, '')}`;
    const padded = [...group, ...Array(4 - group.length).fill('0.0')];
    out.push(`let ${name} = row_sum(vec4f(${padded.join(', ')}));`);
    group.forEach((_, m) => out.push(`${targets[at + m]} = ${name}[${m}];`));
  }
  return out;
}

/**
 * The generated parts of network.wgsl's process_row (docs/model.md §5; the formulas are those of
 * src/problems/network.ts), for one thread's share of the hidden units (HB blocks of four): its
 * W1 block (i, b) at pw[i·HB + b], W2 block (k, b) at pw[n_in·HB + k·HB + b] (its hidden units
 * 4b..4b+3 of output k), likewise V in pv and the accumulators acc_p0 / acc_p1 of the two
 * outputs. Sums over all hidden units (the logits, the R-op's R(z) and ‖s‖²) are group sums.
 */
function rowCode(shape: WorkgroupProgramShape): Record<string, string> {
  const { inputs: ni, outputs: no, laneBlocks: hb } = shape;
  const blocks = range(hb);
  const outputs = range(no);
  const w1 = (i: number, b: number) => i * hb + b;
  const w2 = (k: number, b: number) => ni * hb + k * hb + b;
  // Hidden units beyond h (the group's padding) get s = 0, so they add nothing anywhere.
  const padded = 4 * shape.paddedBlocks > shape.hidden;
  const mask = (b: number) => (padded ? ` * hidden_mask[${b}]` : '');
  const lines = (parts: string[]) => parts.join('\n  ');

  const load = range(ni).map((i) => `let x${i} = net.values[row + ${i}u];`);
  const forward = blocks.map((b) => `s[${b}] = act4(${sum(range(ni).map((i) => `x${i} * pw[${w1(i, b)}]`))})${mask(b)};`);
  const logits = groupSums(outputs.map((k) => `e[${k}]`), outputs.map((k) => sum(blocks.map((b) => `dot(s[${b}], pw[${w2(k, b)}])`))));
  const direction = blocks.map((b) => `ra[${b}] = ${sum(range(ni).map((i) => `x${i} * pv[${w1(i, b)}]`))};`);
  const delta = blocks.map((b) =>
    `bw[${b}] = ${sum(outputs.map((k) => `pw[${w2(k, b)}] * e[${k}]`))}; dl[${b}] = bw[${b}] * act1_4(s[${b}]);`);
  const rop = [
    ...blocks.map((b) => `ra[${b}] = select(ra[${b}], norm2 * dl[${b}] - ra[${b}], self_minus);`),
    'var s2 = 0.0;',
    ...outputs.map((k) => `var fw${k} = 0.0; var fv${k} = 0.0;`),
    ...groupSums(
      ['s2', ...outputs.flatMap((k) => [`fw${k}`, `fv${k}`])],
      [
        sum(blocks.map((b) => `dot(s[${b}], s[${b}])`)),
        ...outputs.flatMap((k) => [
          sum(blocks.map((b) => `dot(act1_4(s[${b}]) * ra[${b}], pw[${w2(k, b)}])`)),
          sum(blocks.map((b) => `dot(s[${b}], pv[${w2(k, b)}])`)),
        ]),
      ],
    ),
    ...outputs.map((k) => `re[${k}] = select(fw${k} + fv${k}, fw${k} + s2 * e[${k}] - fv${k}, self_minus);`),
    'apply_curvature(&re, &e, y_at);',
    `let e2 = ${sum(outputs.map((k) => `e[${k}] * e[${k}]`))};`,
    ...blocks.map((b) => `{ let v2e = ${sum(outputs.map((k) => `pv[${w2(k, b)}] * e[${k}]`))};`
      + ` let w2re = ${sum(outputs.map((k) => `pw[${w2(k, b)}] * re[${k}]`))};`
      + ` let rb = select(v2e, s[${b}] * e2 - v2e, self_minus) + w2re;`
      + ` rd[${b}] = rb * act1_4(s[${b}]) + bw[${b}] * act2_4(s[${b}]) * ra[${b}]; }`),
  ];
  const accumulate = (o: number) => [
    ...blocks.map((b) => `let f${o}_${b} = w${o} * select(dl[${b}], rd[${b}], hvp${o});`),
    ...outputs.map((k) => `let b${o}_${k} = w${o} * select(e[${k}], re[${k}], hvp${o}); let c${o}_${k} = select(0.0, w${o} * e[${k}], hvp${o});`),
    ...range(ni).flatMap((i) => blocks.map((b) => `acc_p${o}[${w1(i, b)}] += x${i} * f${o}_${b};`)),
    ...outputs.flatMap((k) => blocks.map((b) => `acc_p${o}[${w2(k, b)}] += s[${b}] * b${o}_${k} + rs${b} * c${o}_${k};`)),
  ];
  return {
    rowForward: lines([...load, ...forward]),
    rowLogits: lines(logits),
    rowDirection: lines(direction),
    rowDelta: lines(delta),
    rowROp: lines(rop),
    rowAccumulate: lines([...blocks.map((b) => `let rs${b} = act1_4(s[${b}]) * ra[${b}];`), ...accumulate(0)]),
    rowAccumulateSecond: lines(accumulate(1)),
  };
}

/**
 * The NetData struct of shaders/problems/network.wgsl: a 16-word header, then the features
 * (N × n_in), the targets (N × n_out) and the squared row norms ‖x_n‖² (N), in f32.
 */
export function packNetwork(spec: NetworkSpec, tileRows: number): Float32Array<ArrayBuffer> {
  const { inputs, hidden, outputs, samples } = spec;
  const xAt = 0;
  const targetAt = samples * inputs;
  const normAt = targetAt + samples * outputs;
  const buffer = new ArrayBuffer(4 * (HEADER_WORDS + normAt + samples));
  const words = new Uint32Array(buffer);
  const floats = new Float32Array(buffer);
  words.set([
    inputs, hidden, outputs, samples,
    ACTIVATION_CODES[spec.activation], LOSS_CODES[spec.loss], tileRows, inputs * hidden + hidden * outputs,
    xAt, targetAt, normAt, 0,
  ]);
  floats[12] = spec.lossScale;
  floats[13] = spec.weightDecay;
  floats.set(spec.x, HEADER_WORDS + xAt);
  floats.set(spec.targets, HEADER_WORDS + targetAt);
  for (let n = 0; n < samples; n++) {
    let sum = 0;
    for (let i = 0; i < inputs; i++) sum += spec.x[n * inputs + i] ** 2;
    floats[HEADER_WORDS + normAt + n] = sum;
  }
  return floats;
}
