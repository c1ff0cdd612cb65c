// Mode B mini-batches (docs/model.md §1): B indices drawn uniformly with replacement, the
// float64-side twin of shaders/problems/network.wgsl's row_sample(). Row r of a batch takes
// word r mod 4 of the Threefry block (path, step, substep, firstBlock + ⌊r/4⌋) under the key
// (seed, stream) and maps it to ⌊w·N / 2^32⌋ (the high word of the 64-bit product, exact in
// float64 since w·N < 2^53): uniform over 0..N-1 up to a bias of N/2^32.
//   algorithms' batch at step k:  stream Stream.batch, (path, k, 0), firstBlock 0
//   SAM-SDE ghost batch i:        stream Stream.samInner, (path, k, j), firstBlock i·⌈B/4⌉
import { threefry4x32 } from '../rng/threefry';

const TWO_TO_32 = 4294967296;

export function sampleIndex(word: number, samples: number): number {
  return Math.floor((word * samples) / TWO_TO_32);
}

/**
 * The batch's per-sample weights into `out` (length N): count_n / B, so that Σ_n w_n ∇ℓ_n is
 * the batch mean (1/B) Σ_{i∈γ} ∇ℓ_i. Returns `out`.
 */
export function batchWeights(
  seed: number, stream: number, path: number, step: number, substep: number, firstBlock: number,
  batchSize: number, out: Float64Array, words: Uint32Array = new Uint32Array(4),
): Float64Array {
  out.fill(0);
  const weight = 1 / batchSize;
  for (let r = 0; r < batchSize; r++) {
    if (r % 4 === 0) threefry4x32(path, step, substep, firstBlock + r / 4, seed, stream, words);
    out[sampleIndex(words[r % 4], out.length)] += weight;
  }
  return out;
}

/** The batch's indices, in row order (for tests). */
export function batchIndices(
  seed: number, stream: number, path: number, step: number, substep: number, firstBlock: number,
  batchSize: number, samples: number,
): number[] {
  const words = new Uint32Array(4);
  const out: number[] = [];
  for (let r = 0; r < batchSize; r++) {
    if (r % 4 === 0) threefry4x32(path, step, substep, firstBlock + r / 4, seed, stream, words);
    out.push(sampleIndex(words[r % 4], samples));
  }
  return out;
}
