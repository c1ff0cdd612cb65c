// Shared by the GPU tier: a real adapter or a loud failure (a GPU test never skips).
import { afterAll, beforeAll } from 'vitest';
import { acquireNodeGpu, type NodeGpu } from '../../src/node/gpu.js';
import { loadShaderSources } from '../../src/node/shaders.js';
import type { GpuContext } from '../../src/gpu/device.js';

export const sources = loadShaderSources();

/** Acquires the GPU for this test file (its adapter, for further devices). */
export function useNodeGpu(): () => NodeGpu {
  let gpu: NodeGpu | undefined;
  beforeAll(async () => {
    gpu = await acquireNodeGpu();
  });
  afterAll(() => gpu?.destroy());
  return () => {
    if (!gpu) throw new Error('GPU tier: no device was acquired (see the error of beforeAll)');
    return gpu;
  };
}

/** Acquires the GPU for this test file; every test body should run inside ctx.scoped(). */
export function useGpu(): () => GpuContext {
  const gpu = useNodeGpu();
  return () => gpu().context;
}
