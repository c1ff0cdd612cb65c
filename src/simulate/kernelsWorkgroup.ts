// The workgroup-per-path layout (DESIGN.md "Kernels") for the network problems: one workgroup
// advances one path (shaders/simulate_wg.wgsl), its threads share the network passes
// (shaders/problems/network.wgsl). This module sizes the program (dimension capacity, tiles,
// workgroup memory) and packs a network's data for its storage buffer.
import { ACTIVATION_CODES, LOSS_CODES, type NetworkSpec } from '../problems/network.js';

/** Threads per path, and the most rows of a tile (one thread per row). */
export const PATH_WORKGROUP_SIZE = 64;
/** Floats per (row × output) tile array; the (row × hidden unit) arrays get what is left. */
export const OUTPUT_CAPACITY = 4 * PATH_WORKGROUP_SIZE;
/** Largest (row × hidden unit) tile array: 64 rows of 64 hidden units. */
const TILE_CAPACITY_MAX = 4096;
/** The WGSL files of the layout, in composition order. */
export const WORKGROUP_SHADER_FILES = ['philox.wgsl', 'slice.wgsl', 'run.wgsl', 'problems/network.wgsl', 'dynamics_wg.wgsl', 'simulate_wg.wgsl'];

const HEADER_WORDS = 16;

export interface WorkgroupProgramShape {
  /** Lane groups (vec4) per thread; the program serves d ≤ 4·64·blocksPerThread. */
  blocksPerThread: number;
  dimCapacity: number;
  /** Floats per (row × hidden unit) tile array. */
  tileCapacity: number;
  /** Rows per tile T = min(64, ⌊tileCapacity/h⌋, ⌊OUTPUT_CAPACITY/n_out⌋). */
  tileRows: number;
  workgroupBytes: number;
}

/**
 * Capacity classes of d (256, 512, 1024, …) so that networks of similar size share one
 * compiled program (compiles take seconds on SwiftShader). Throws when the network does not
 * fit the adapter's workgroup memory, naming what would be needed.
 */
export function workgroupProgramShape(spec: NetworkSpec, maxWorkgroupBytes: number): WorkgroupProgramShape {
  const d = spec.inputs * spec.hidden + spec.hidden * spec.outputs;
  const lanesPerGroup = 4 * PATH_WORKGROUP_SIZE;
  let blocksPerThread = 1;
  while (lanesPerGroup * blocksPerThread < d) blocksPerThread *= 2;
  const dimCapacity = lanesPerGroup * blocksPerThread;
  // Mirrors the var<workgroup> declarations of slice.wgsl (red, red_total), network.wgsl
  // (wg_point, wg_dir, 6 output tiles, t_row, 4 hidden tiles) and simulate_wg.wgsl.
  const fixedBytes = 4 * (2 * dimCapacity + 6 * OUTPUT_CAPACITY + PATH_WORKGROUP_SIZE) + 16 * PATH_WORKGROUP_SIZE + 16 + 4;
  const rows = PATH_WORKGROUP_SIZE;
  const tileCapacity = Math.min(TILE_CAPACITY_MAX, Math.floor((maxWorkgroupBytes - fixedBytes) / 16 / rows) * rows);
  const tileRows = Math.min(rows, Math.floor(tileCapacity / spec.hidden), Math.floor(OUTPUT_CAPACITY / spec.outputs));
  if (tileRows < 1) {
    throw new Error(`network of dimension ${d} with ${spec.hidden} hidden units and ${spec.outputs} outputs does not fit `
      + `the adapter's ${maxWorkgroupBytes} bytes of workgroup memory (vectors of capacity ${dimCapacity} take `
      + `${fixedBytes}; a tile row takes ${16 * spec.hidden} more)`);
  }
  return { blocksPerThread, dimCapacity, tileCapacity, tileRows, workgroupBytes: fixedBytes + 16 * tileCapacity };
}

export function workgroupTemplateValues(shape: WorkgroupProgramShape): Record<string, number> {
  return {
    workgroupSize: PATH_WORKGROUP_SIZE,
    blocksPerThread: shape.blocksPerThread,
    tileCapacity: shape.tileCapacity,
    outputCapacity: OUTPUT_CAPACITY,
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
