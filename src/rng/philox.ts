// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011):
// the bit-exact float64-host twin of shaders/philox.wgsl. docs/model.md §3: every draw is
// keyed by (seed, stream, path, step, substep), so results never depend on dispatch layout.
//
// Key layout used everywhere in sam-sde:
//   key     = (seed, stream)
//   counter = (path, step, substep, block)
// One call yields 4 u32 words -> 4 uniforms -> 4 normals (two Box–Muller pairs). A vector
// of d normals uses blocks 0..ceil(d/4)-1; SAM-SDE inner draw k uses blocks k*ceil(d/4)+b.

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** Random streams: each role of randomness has its own stream so none can alias another. */
export const Stream = {
  /** Brownian increments of the SDEs (and the algorithms' noise under shared coupling). */
  sde: 0,
  /** The algorithms' own noise under independent coupling. */
  algorithm: 1,
  /** SAM-SDE's inner Monte Carlo draws of Z (docs/model.md §3). */
  samInner: 2,
  /** Random initial points x0 = {normal: {std, seed}}. */
  init: 3,
  /** Problem construction (Wishart matrices, synthetic data). */
  problem: 4,
  /** Round-trip checks (page and tests). */
  check: 5,
  /** Mode B: the algorithms' mini-batch indices (src/dynamics/batches.ts). */
  batch: 6,
  /** Sharpness readouts: Hutchinson's Rademacher probes (docs/model.md §8). */
  sharpnessProbe: 7,
  /** Sharpness readouts: Lanczos' start vectors (docs/model.md §8). */
  sharpnessStart: 8,
} as const;

/** High 32 bits of the 64-bit product of two u32, via 16-bit halves (exact in float64). */
function mulhi32(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const loLo = aLo * bLo;
  const hiLo = aHi * bLo;
  const loHi = aLo * bHi;
  const hiHi = aHi * bHi;
  const cross = (loLo >>> 16) + (hiLo & 0xffff) + (loHi & 0xffff);
  return (hiHi + (hiLo >>> 16) + (loHi >>> 16) + (cross >>> 16)) >>> 0;
}

/** Philox4x32 with 10 rounds. Writes 4 words into `out` (u32 each). */
export function philox4x32(
  c0: number, c1: number, c2: number, c3: number,
  k0: number, k1: number,
  out: Uint32Array = new Uint32Array(4),
): Uint32Array {
  let x0 = c0 >>> 0, x1 = c1 >>> 0, x2 = c2 >>> 0, x3 = c3 >>> 0;
  let key0 = k0 >>> 0, key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi32(M0, x0);
    const lo0 = Math.imul(M0, x0) >>> 0;
    const hi1 = mulhi32(M1, x2);
    const lo1 = Math.imul(M1, x2) >>> 0;
    x0 = (hi1 ^ x1 ^ key0) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ key1) >>> 0;
    x3 = lo0;
    key0 = (key0 + W0) >>> 0;
    key1 = (key1 + W1) >>> 0;
  }
  out[0] = x0; out[1] = x1; out[2] = x2; out[3] = x3;
  return out;
}

/** A Philox key. `stream` separates the roles of randomness (see `Stream`). */
export interface RngKey { seed: number; stream: number }

/** The counter of one 4-word block. */
export interface RngCounter { path: number; step: number; substep: number; block: number }

/** u32 -> uniform in (0, 1]: 24 high bits, never 0, so log() is finite. Same as the WGSL. */
export function uniformOpenZero(word: number): number {
  return ((word >>> 8) + 1) * 5.9604644775390625e-8;
}

/** u32 -> uniform in [0, 1): 24 high bits. Same as the WGSL. */
export function uniformClosedZero(word: number): number {
  return (word >>> 8) * 5.9604644775390625e-8;
}

/**
 * Four standard normals from one Philox block by Box–Muller, in float64.
 * Box–Muller (not Ziggurat) because it is branch-free, which keeps the GPU lanes in lock
 * step and makes the draw count per block fixed: that is what lets (path, step, substep,
 * block) address every normal directly.
 */
export function normalsFromBlock(words: Uint32Array, out: Float64Array, offset = 0): void {
  for (let pair = 0; pair < 2; pair++) {
    const u1 = uniformOpenZero(words[2 * pair]);
    const u2 = uniformClosedZero(words[2 * pair + 1]);
    const r = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    out[offset + 2 * pair] = r * Math.cos(angle);
    out[offset + 2 * pair + 1] = r * Math.sin(angle);
  }
}

/**
 * Fills `out` (length n) with the normals of (key; path, step, substep), blocks starting at
 * `firstBlock`. Element i comes from block firstBlock + floor(i/4), word i mod 4.
 */
export function normals(
  key: RngKey, path: number, step: number, substep: number,
  out: Float64Array, firstBlock = 0,
): Float64Array {
  const words = new Uint32Array(4);
  const four = new Float64Array(4);
  const blocks = Math.ceil(out.length / 4);
  for (let b = 0; b < blocks; b++) {
    philox4x32(path, step, substep, firstBlock + b, key.seed, key.stream, words);
    normalsFromBlock(words, four);
    for (let j = 0; j < 4 && 4 * b + j < out.length; j++) out[4 * b + j] = four[j];
  }
  return out;
}
