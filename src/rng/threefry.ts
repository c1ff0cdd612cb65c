// Threefry4x32-20 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011; the
// rounds, rotations and key schedule of Random123's threefry.h): the bit-exact float64-host twin
// of shaders/threefry.wgsl. docs/model.md §3.6: every draw is keyed by (seed, stream, path,
// step, substep), so results never depend on dispatch layout.
//
// Key layout used everywhere in sam-sde:
//   key     = (seed, stream, 0, 0)
//   counter = (path, step, substep, block)
// One call yields 4 u32 words -> 4 uniforms -> 4 normals (two Box–Muller pairs). A vector
// of d normals uses blocks 0..ceil(d/4)-1; SAM-SDE inner draw k uses blocks k*ceil(d/4)+b.

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

/** Rotation constants of Threefry4x32, by round mod 8 (Random123's R_32x4). */
const ROTATIONS: readonly (readonly [number, number])[] = [
  [10, 26], [11, 21], [13, 27], [23, 5], [6, 20], [17, 11], [25, 10], [18, 20],
];
/** Threefish's key-schedule parity constant. */
const PARITY = 0x1bd11bda;

function rotl32(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

/**
 * Threefry4x32 with `rounds` rounds (20 in sam-sde; other counts only for Random123's
 * known-answer vectors) and a full 4-word key. Writes 4 words into `out` (u32 each).
 */
export function threefry4x32Rounds(
  counter: readonly [number, number, number, number], key: readonly [number, number, number, number],
  rounds: number, out: Uint32Array = new Uint32Array(4),
): Uint32Array {
  const ks = [key[0] >>> 0, key[1] >>> 0, key[2] >>> 0, key[3] >>> 0, 0];
  ks[4] = (PARITY ^ ks[0] ^ ks[1] ^ ks[2] ^ ks[3]) >>> 0;
  let x0 = (counter[0] + ks[0]) >>> 0, x1 = (counter[1] + ks[1]) >>> 0;
  let x2 = (counter[2] + ks[2]) >>> 0, x3 = (counter[3] + ks[3]) >>> 0;
  for (let round = 0; round < rounds; round++) {
    const [r0, r1] = ROTATIONS[round % 8];
    if (round % 2 === 0) {
      x0 = (x0 + x1) >>> 0; x1 = (rotl32(x1, r0) ^ x0) >>> 0;
      x2 = (x2 + x3) >>> 0; x3 = (rotl32(x3, r1) ^ x2) >>> 0;
    } else {
      x0 = (x0 + x3) >>> 0; x3 = (rotl32(x3, r0) ^ x0) >>> 0;
      x2 = (x2 + x1) >>> 0; x1 = (rotl32(x1, r1) ^ x2) >>> 0;
    }
    if (round % 4 === 3) {
      const s = (round + 1) / 4;
      x0 = (x0 + ks[s % 5]) >>> 0;
      x1 = (x1 + ks[(s + 1) % 5]) >>> 0;
      x2 = (x2 + ks[(s + 2) % 5]) >>> 0;
      x3 = (x3 + ks[(s + 3) % 5] + s) >>> 0;
    }
  }
  out[0] = x0; out[1] = x1; out[2] = x2; out[3] = x3;
  return out;
}

/** Threefry4x32-20 block (path, step, substep, block) under key (seed, stream, 0, 0), as the WGSL draws it. */
export function threefry4x32(
  c0: number, c1: number, c2: number, c3: number,
  k0: number, k1: number,
  out: Uint32Array = new Uint32Array(4),
): Uint32Array {
  return threefry4x32Rounds([c0, c1, c2, c3], [k0, k1, 0, 0], 20, out);
}

/** A generator key. `stream` separates the roles of randomness (see `Stream`). */
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
 * Four standard normals from one Threefry block by Box–Muller, in float64.
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
    threefry4x32(path, step, substep, firstBlock + b, key.seed, key.stream, words);
    normalsFromBlock(words, four);
    for (let j = 0; j < 4 && 4 * b + j < out.length; j++) out[4 * b + j] = four[j];
  }
  return out;
}
