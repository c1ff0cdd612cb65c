// Small float64 helpers shared by the twin's mode A (twin.ts) and mode B (twinModeB.ts) steps.
import { normalsFromBlock, threefry4x32 } from '../rng/threefry';
import type { TwinScratch } from './twin';

/**
 * The normals of (seed, stream; path, step, substep) into `out`, starting at `firstBlock`:
 * the same bits as rng/threefry.ts `normals`, without its two allocations per call.
 */
export function fillNormals(
  s: TwinScratch, seed: number, stream: number,
  path: number, step: number, substep: number, out: Float64Array, firstBlock: number,
): void {
  const n = out.length;
  for (let b = 0; 4 * b < n; b++) {
    threefry4x32(path, step, substep, firstBlock + b, seed, stream, s.words);
    normalsFromBlock(s.words, s.four);
    for (let j = 0; j < 4 && 4 * b + j < n; j++) out[4 * b + j] = s.four[j];
  }
}

export function norm(v: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  return Math.sqrt(sum);
}

export function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/**
 * docs/model.md §2: a vanishing norm must never produce NaN; ε replaces it, and each firing is
 * counted. A NaN norm passes through unchanged: the divergence check then freezes the path.
 */
export function guardedNorm(n: number, eps: number, s: TwinScratch): number {
  if (n < eps) {
    s.guards++;
    return eps;
  }
  return n;
}
