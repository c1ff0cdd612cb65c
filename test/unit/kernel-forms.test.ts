// Which kernel form a problem gets (DESIGN.md "Kernels"; docs/architecture.md, "Large
// quadratics and saddles"): the thread-per-path register form up to REGISTER_DIM_MAX, the
// workgroup-per-path layout above it and for the networks, with threads per path by adapter.
import { describe, expect, it } from 'vitest';
import { loadShaderSources } from '../../src/node/shaders';
import { kernelLayout, threadPerPathShader } from '../../src/simulate/kernels';
import {
  HARDWARE_LARGE_PROBLEM_THREADS, SOFTWARE_LARGE_PROBLEM_THREADS, largeProblemShader, largeProblemSlots, largeProblemThreads,
  largeProblemShape, largeProblemWorkgroupBytes,
} from '../../src/simulate/kernelsWorkgroup';
import { REGISTER_DIM_MAX } from '../../src/simulate/registerVectors';

const sources = loadShaderSources();
const constant = (code: string, name: string) => new RegExp(`const ${name}: u32 = (\\d+)u;`).exec(code)?.[1];

describe('kernel forms by dimension', () => {
  it('thread-per-path up to REGISTER_DIM_MAX = 128, workgroup-per-path above it and for every network', () => {
    expect(REGISTER_DIM_MAX).toBe(128);
    expect(kernelLayout({ dim: 128 })).toBe('thread-per-path');
    expect(kernelLayout({ dim: 129 })).toBe('workgroup-per-path');
    expect(kernelLayout({ dim: 4096 })).toBe('workgroup-per-path');
    expect(kernelLayout({ dim: 12, network: {} as never })).toBe('workgroup-per-path');
  });

  it('threads a path and paths a workgroup: 4 × 1 on a software adapter, 64 × 4 on a GPU, or requested powers of two; anything else is refused by name', () => {
    expect([largeProblemSlots(true), largeProblemSlots(false), largeProblemSlots(true, 8)]).toEqual([1, 4, 8]);
    expect(() => largeProblemSlots(false, 6)).toThrow('largeProblemSlots: 6 is not a power of two in 1..32');
    // The quadratic's staged vectors (a vec4 a lane group a slot), its H tile with several
    // slots (a mat4x4f a thread), and slice.wgsl's sums and vote.
    expect(largeProblemWorkgroupBytes('quadratic', 512, 64, 4)).toBe(16 * 128 * 4 + 64 * 256 + (16 * 256 + 16 * 4 + 4 * 4 + 4));
    expect(largeProblemWorkgroupBytes('quadratic', 512, 4, 1)).toBe(16 * 128 + 64 + (16 * 4 + 16 + 4 + 4));
    expect(largeProblemWorkgroupBytes('saddle', 512, 4, 1)).toBe(16 * 4 + 16 + 4 + 4);
    expect(largeProblemThreads(true)).toBe(SOFTWARE_LARGE_PROBLEM_THREADS);
    expect(largeProblemThreads(false)).toBe(HARDWARE_LARGE_PROBLEM_THREADS);
    expect([SOFTWARE_LARGE_PROBLEM_THREADS, HARDWARE_LARGE_PROBLEM_THREADS]).toEqual([4, 64]);
    expect(largeProblemThreads(true, 32)).toBe(32);
    for (const bad of [0, 3, 512, 1.5]) {
      expect(() => largeProblemThreads(false, bad)).toThrow(`largeProblemThreads: ${bad} is not a power of two in 1..256`);
    }
  });

  it('the large-problem shape: the most slots, up to the default or the request, whose memory and invocations fit; one slot that does not fit is refused by name', () => {
    const limits = { maxComputeWorkgroupStorageSize: 32768, maxComputeInvocationsPerWorkgroup: 256 };
    // A GPU's 64 threads × 4 slots fit at d = 301; at d = 4096 the staged vectors leave room for one slot.
    expect(largeProblemShape('quadratic', 301, limits, false)).toEqual({ threads: 64, slots: 4, workgroupBytes: largeProblemWorkgroupBytes('quadratic', 301, 64, 4) });
    expect(largeProblemShape('quadratic', 4096, limits, false).slots).toBe(1);
    expect(largeProblemShape('saddle', 4096, limits, false).slots).toBe(4);
    // Invocations bound the slots too: 64 × 8 > 256.
    expect(largeProblemShape('saddle', 301, limits, false, { slots: 8 }).slots).toBe(4);
    expect(largeProblemShape('quadratic', 301, limits, true)).toEqual({ threads: 4, slots: 1, workgroupBytes: largeProblemWorkgroupBytes('quadratic', 301, 4, 1) });
    expect(() => largeProblemShape('quadratic', 4096, { ...limits, maxComputeWorkgroupStorageSize: 16384 }, false))
      .toThrow('quadratic problem of dimension 4096 with 64 threads a path needs 17496 bytes of workgroup memory and 64 invocations; the adapter has 16384 and 256');
  });

  it('the large-problem shader holds ⌈⌈d/4⌉/threads⌉ lane groups a thread, for the quadratic and the saddle', () => {
    for (const kind of ['quadratic', 'saddle'] as const) {
      const small = largeProblemShader(sources, kind, 301, 4, 1);
      expect([constant(small.code, 'WG'), constant(small.code, 'BPT'), constant(small.code, 'D'), constant(small.code, 'D4')])
        .toEqual(['4', '19', '301', '76']);
      const wide = largeProblemShader(sources, kind, 301, 64, 4);
      expect([constant(wide.code, 'WG'), constant(wide.code, 'BPT'), constant(wide.code, 'SLOTS')]).toEqual(['64', '2', '4']);
      expect(small.code).toContain('fn problem_pass(p: PassSpec, want_loss: bool) -> f32');
      expect(small.code).not.toContain('${');
    }
    // The thread-per-path form's vectors are the generated register module's named lanes.
    expect(threadPerPathShader(sources, 'quadratic', 128, false).code).toContain('struct Vec { b0: vec4f');
  });
});
