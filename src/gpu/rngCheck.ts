// The generator on the GPU, exposed for checks: raw Threefry words, normals per path, and the
// round trip the page shows (GPU normals -> GPU reduction -> float64 finish, against the twin).
import { compileShader, composeShader, type ShaderSources } from './compose.js';
import type { GpuContext } from './device.js';
import { PathReducer } from './reduce.js';
import type { Summary } from '../analysis/statistics.js';
import { threefry4x32, normals as twinNormals, Stream } from '../rng/threefry.js';

export interface NormalsRequest {
  seed: number;
  stream: number;
  step: number;
  substep: number;
  /** Global index of the first path (chunking must not change any value). */
  pathOffset?: number;
  paths: number;
  workgroupSize?: number;
}

export class RngKernels {
  private readonly pipelines = new Map<string, GPUComputePipeline>();

  private constructor(private readonly ctx: GpuContext, private readonly module: GPUShaderModule) {}

  static async create(ctx: GpuContext, sources: ShaderSources): Promise<RngKernels> {
    const shader = composeShader(sources, ['threefry.wgsl', 'rng_check.wgsl'], {}, 'RngKernels.shader');
    return new RngKernels(ctx, await compileShader(ctx.device, shader));
  }

  private async pipeline(entryPoint: string, workgroupSize: number): Promise<GPUComputePipeline> {
    const id = `${entryPoint}@${workgroupSize}`;
    let pipeline = this.pipelines.get(id);
    if (!pipeline) {
      pipeline = await this.ctx.device.createComputePipelineAsync({
        label: `RngKernels.${id}`,
        layout: 'auto',
        compute: { module: this.module, entryPoint, constants: { WG: workgroupSize } },
      });
      this.pipelines.set(id, pipeline);
    }
    return pipeline;
  }

  /** Threefry words for n (counter, key) pairs: counters 4 u32 each, keys 2 u32 each. */
  async threefryWords(counters: Uint32Array<ArrayBuffer>, keys: Uint32Array<ArrayBuffer>, workgroupSize = 64): Promise<Uint32Array> {
    const n = counters.length / 4;
    const device = this.ctx.device;
    const counterBuffer = this.upload('counters', counters);
    const keyBuffer = this.upload('keys', keys);
    const out = device.createBuffer({ label: 'RngKernels.words', size: n * 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const pipeline = await this.pipeline('threefry_words', workgroupSize);
    const words = await this.run(pipeline, [counterBuffer, keyBuffer, out], Math.ceil(n / workgroupSize), out, n * 16);
    for (const b of [counterBuffer, keyBuffer, out]) b.destroy();
    return new Uint32Array(words);
  }

  /** Four normals per path (block 0 of each path's counter), as the simulation kernels draw them. */
  async normals(request: NormalsRequest): Promise<Float32Array<ArrayBuffer>> {
    const wg = request.workgroupSize ?? 64;
    const offset = request.pathOffset ?? 0;
    const params = new Uint32Array([request.seed, request.stream, request.step, request.substep, offset, request.paths, 0, 0]);
    const paramBuffer = this.ctx.device.createBuffer({ label: 'RngKernels.params', size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.ctx.device.queue.writeBuffer(paramBuffer, 0, params);
    const bytes = (offset + request.paths) * 16;
    const out = this.ctx.device.createBuffer({ label: 'RngKernels.normals', size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const pipeline = await this.pipeline('fill_normals', wg);
    const data = await this.run(pipeline, [paramBuffer, out], Math.ceil(request.paths / wg), out, bytes);
    paramBuffer.destroy();
    out.destroy();
    return new Float32Array(data, offset * 16);
  }

  private upload(label: string, data: Uint32Array<ArrayBuffer>): GPUBuffer {
    const buffer = this.ctx.device.createBuffer({ label: `RngKernels.${label}`, size: data.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    this.ctx.device.queue.writeBuffer(buffer, 0, data);
    return buffer;
  }

  private async run(pipeline: GPUComputePipeline, bindings: GPUBuffer[], groups: number, result: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    const device = this.ctx.device;
    const readback = device.createBuffer({ label: 'RngKernels.readback', size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const encoder = device.createCommandEncoder({ label: 'RngKernels.encoder' });
    const pass = encoder.beginComputePass({ label: 'RngKernels.pass' });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, device.createBindGroup({
      label: 'RngKernels.bindGroup',
      layout: pipeline.getBindGroupLayout(0),
      entries: bindings.map((buffer, binding) => ({ binding, resource: { buffer } })),
    }));
    pass.dispatchWorkgroups(groups);
    pass.end();
    encoder.copyBufferToBuffer(result, 0, readback, 0, bytes);
    device.queue.submit([encoder.finish()]);
    await readback.mapAsync(GPUMapMode.READ);
    const data = readback.getMappedRange().slice(0);
    readback.unmap();
    readback.destroy();
    return data;
  }
}

export interface RoundTripReport {
  normals: number;
  gpu: Summary;
  /** Threefry words compared bit for bit against the TypeScript twin, and how many matched. */
  wordsChecked: number;
  wordsMatching: number;
  /** Largest |GPU normal − float64 twin normal| over the checked paths. */
  maxNormalError: number;
}

/**
 * Generates 4·paths normals on the GPU, reduces them on the GPU, and checks the bits of the
 * first `checkPaths` blocks against the twin: the page's and the CLI's proof of life.
 */
export async function rngRoundTrip(
  ctx: GpuContext, sources: ShaderSources, seed: number, paths: number, checkPaths = 256,
): Promise<RoundTripReport> {
  const rng = await RngKernels.create(ctx, sources);
  const reducer = await PathReducer.create(ctx, sources);
  const gpuNormals = await rng.normals({ seed, stream: Stream.check, step: 0, substep: 0, paths });
  const gpu = await reducer.reduceArray(gpuNormals);
  const checked = Math.min(checkPaths, paths);
  const counters = new Uint32Array(4 * checked);
  const keys = new Uint32Array(2 * checked);
  for (let p = 0; p < checked; p++) {
    counters.set([p, 0, 0, 0], 4 * p);
    keys.set([seed, Stream.check], 2 * p);
  }
  const words = await rng.threefryWords(counters, keys);
  let wordsMatching = 0;
  let maxNormalError = 0;
  const expected = new Uint32Array(4);
  const twin = new Float64Array(4);
  for (let p = 0; p < checked; p++) {
    threefry4x32(p, 0, 0, 0, seed, Stream.check, expected);
    for (let j = 0; j < 4; j++) if (words[4 * p + j] === expected[j]) wordsMatching++;
    twinNormals({ seed, stream: Stream.check }, p, 0, 0, twin);
    for (let j = 0; j < 4; j++) maxNormalError = Math.max(maxNormalError, Math.abs(gpuNormals[4 * p + j] - twin[j]));
  }
  return { normals: gpuNormals.length, gpu, wordsChecked: 4 * checked, wordsMatching, maxNormalError };
}
