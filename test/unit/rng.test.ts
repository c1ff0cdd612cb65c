// The generator's twin against Random123's published known-answer vectors (kat_vectors:
// counter words, key words, output words) and the properties docs/model.md §3.6 relies on.
import { describe, expect, it } from 'vitest';
import { normals, normalsFromBlock, threefry4x32, threefry4x32Rounds, uniformClosedZero, uniformOpenZero } from '../../src/rng/threefry';

type Words = [number, number, number, number];
const KNOWN_ANSWERS: { rounds: number; counter: Words; key: Words; out: Words }[] = [
  { rounds: 13, counter: [0, 0, 0, 0], key: [0, 0, 0, 0], out: [0x531c7e4f, 0x39491ee5, 0x2c855a92, 0x3d6abf9a] },
  { rounds: 13, counter: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], key: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], out: [0xc4189358, 0x1c9cc83a, 0xd5881c67, 0x6a0a89e0] },
  { rounds: 13, counter: [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], key: [0xa4093822, 0x299f31d0, 0x082efa98, 0xec4e6c89], out: [0x4aa71d8f, 0x734738c2, 0x431fc6a8, 0xae6debf1] },
  { rounds: 20, counter: [0, 0, 0, 0], key: [0, 0, 0, 0], out: [0x9c6ca96a, 0xe17eae66, 0xfc10ecd4, 0x5256a7d8] },
  { rounds: 20, counter: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], key: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], out: [0x2a881696, 0x57012287, 0xf6c7446e, 0xa16a6732] },
  { rounds: 20, counter: [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], key: [0xa4093822, 0x299f31d0, 0x082efa98, 0xec4e6c89], out: [0x59cd1dbb, 0xb8879579, 0x86b5d00c, 0xac8b6d84] },
];

describe('Threefry4x32 twin (src/rng/threefry.ts)', () => {
  it.each(KNOWN_ANSWERS)('reproduces Random123 threefry4x32 $rounds for counter $counter.0', ({ rounds, counter, key, out }) => {
    expect([...threefry4x32Rounds(counter, key, rounds)]).toEqual(out);
  });

  it('draws with 20 rounds under key (seed, stream, 0, 0)', () => {
    expect([...threefry4x32(0, 0, 0, 0, 0, 0)]).toEqual(KNOWN_ANSWERS[3].out);
    expect([...threefry4x32(1, 2, 3, 4, 5, 6)]).toEqual([...threefry4x32Rounds([1, 2, 3, 4], [5, 6, 0, 0], 20)]);
  });

  it('changes about half the output bits when one counter bit flips (avalanche)', () => {
    let flipped = 0;
    let total = 0;
    for (let bit = 0; bit < 128; bit++) {
      const c: Words = [17, 4, 2, 9];
      const base = [...threefry4x32(...c, 7, 3)];
      c[bit >> 5] = (c[bit >> 5] ^ (1 << (bit & 31))) >>> 0;
      const other = threefry4x32(...c, 7, 3);
      for (let j = 0; j < 4; j++) {
        let x = (base[j] ^ other[j]) >>> 0;
        while (x) { flipped += x & 1; x >>>= 1; }
        total += 32;
      }
    }
    // 128 × 128 bits: a fair coin gives 0.5 ± 0.004 (1 s.e.); 0.02 is 5 s.e.
    expect(Math.abs(flipped / total - 0.5)).toBeLessThan(0.02);
  });

  it('gives uncorrelated normals across neighbouring paths, steps, substeps, blocks and streams', () => {
    // Counter-based draws must not leak structure between adjacent counters: the sample
    // correlation of 40 000 pairs is N(0, 1/40 000) for independent normals, so 4.5 s.e. = 0.0225.
    const n = 40_000;
    const neighbours: [string, (i: number) => [number, number, number, number, number]][] = [
      ['path', (i) => [i + 1, 3, 0, 0, 0]],
      ['step', (i) => [i, 4, 0, 0, 0]],
      ['substep', (i) => [i, 3, 1, 0, 0]],
      ['block', (i) => [i, 3, 0, 1, 0]],
      ['stream', (i) => [i, 3, 0, 0, 1]],
    ];
    const words = new Uint32Array(4);
    const first = new Float64Array(4);
    const second = new Float64Array(4);
    for (const [what, other] of neighbours) {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        normalsFromBlock(threefry4x32(i, 3, 0, 0, 9, 2, words), first);
        const [path, step, substep, block, dStream] = other(i);
        normalsFromBlock(threefry4x32(path, step, substep, block, 9, 2 + dStream, words), second);
        sum += first[i % 4] * second[i % 4];
      }
      expect(Math.abs(sum / n), `correlation with the next ${what}`).toBeLessThan(0.0225);
    }
  });

  it('gives uniform bytes: χ² over 256 cells of 2^18 words\' low and high bytes', () => {
    // 255 degrees of freedom: mean 255, s.d. 22.6; 400 is 6.4 s.d. above the mean.
    const words = new Uint32Array(4);
    for (const shift of [0, 24]) {
      const cells = new Float64Array(256);
      for (let i = 0; i < 65_536; i++) {
        threefry4x32(i, 0, 0, 0, 1, 0, words);
        for (const w of words) cells[(w >>> shift) & 0xff]++;
      }
      const expected = (4 * 65_536) / 256;
      const chi2 = cells.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
      expect(chi2, `byte at bit ${shift}`).toBeLessThan(400);
      expect(chi2, `byte at bit ${shift}: too uniform to be random`).toBeGreaterThan(150);
    }
  });

  it('maps words to uniforms in (0, 1] and [0, 1) and blocks to four normals', () => {
    expect(uniformOpenZero(0)).toBeGreaterThan(0);
    expect(uniformOpenZero(0xffffffff)).toBe(1);
    expect(uniformClosedZero(0)).toBe(0);
    expect(uniformClosedZero(0xffffffff)).toBeLessThan(1);
    const z = normals({ seed: 3, stream: 0 }, 5, 1, 0, new Float64Array(7));
    expect(z.every(Number.isFinite)).toBe(true);
    expect(new Set(z).size).toBe(7);
  });
});
