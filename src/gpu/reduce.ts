// Host side of shaders/reduce.wgsl: sums and centred sums of squares over paths, on the GPU
// per block of paths (128..4096, a power of two) in a fixed-order tree, finished in float64 here.
import { compileShader, composeShader, type ShaderSources } from './compose.js';
import type { GpuContext } from './device.js';
import { combinePartials, type Summary } from '../analysis/statistics.js';

export const NONE = 0xffffffff;
/** The largest workgroup; small rows use a smaller one (see workgroupFor). */
const WORKGROUP = 256;
const MIN_WORKGROUP = 8;
const PER_THREAD = 16;
/** The most paths one workgroup reduces into one partial. */
export const REDUCE_BLOCK = WORKGROUP * PER_THREAD;
/** The fewest: blocks smaller than this would only multiply the partials to read back. */
export const MIN_REDUCE_BLOCK = MIN_WORKGROUP * PER_THREAD;
const ROW_WORDS = 8;

/** One reduction row: values at `a` (minus those at `b`), paths alive after `step`. */
export interface ReduceRow {
  a: number;
  b?: number;
  maskA?: number;
  maskB?: number;
  step?: number;
}

/**
 * Workgroup size for rows of `length` values: just enough threads for one block when a row
 * is short. A software GPU runs every invocation of a workgroup, so 256 threads on a 64-path
 * row cost 64× the useful work. The block count is the same for every size.
 */
export function workgroupFor(length: number): number {
  let size = MIN_WORKGROUP;
  while (size < WORKGROUP && size * PER_THREAD < length) size *= 2;
  return size;
}

/** Blocks of `blockPaths` values (a power of two in MIN_REDUCE_BLOCK..REDUCE_BLOCK) in a row. */
export function reduceBlocks(length: number, blockPaths = REDUCE_BLOCK): number {
  return Math.max(1, Math.ceil(length / blockPaths));
}

function checkBlockPaths(blockPaths: number): void {
  if (blockPaths < MIN_REDUCE_BLOCK || blockPaths > REDUCE_BLOCK || (blockPaths & (blockPaths - 1)) !== 0) {
    throw new RangeError(`reduction block of ${blockPaths} paths: allowed a power of two in ${MIN_REDUCE_BLOCK}..${REDUCE_BLOCK}`);
  }
}

export function encodeRows(rows: readonly ReduceRow[]): Uint32Array<ArrayBuffer> {
  const words = new Uint32Array(rows.length * ROW_WORDS);
  rows.forEach((row, r) => {
    words.set([row.a, row.b ?? NONE, row.maskA ?? NONE, row.maskB ?? NONE, row.step ?? 0], r * ROW_WORDS);
  });
  return words;
}

export class PathReducer {
  private readonly pipelines = new Map<number, GPUComputePipeline>();
  private readonly layout: GPUBindGroupLayout;

  private constructor(
    private readonly ctx: GpuContext,
    private readonly module: GPUShaderModule,
    largest: GPUComputePipeline,
  ) {
    this.pipelines.set(WORKGROUP, largest);
    this.layout = largest.getBindGroupLayout(0);
  }

  static async create(ctx: GpuContext, sources: ShaderSources): Promise<PathReducer> {
    const shader = composeShader(sources, ['reduce.wgsl'], {}, 'PathReducer.shader');
    const module = await compileShader(ctx.device, shader);
    const pipeline = await ctx.device.createComputePipelineAsync(PathReducer.descriptor(ctx, module, WORKGROUP));
    return new PathReducer(ctx, module, pipeline);
  }

  private static descriptor(ctx: GpuContext, module: GPUShaderModule, size: number): GPUComputePipelineDescriptor {
    return {
      label: `PathReducer.pipeline${size}`,
      layout: ctx.device.createPipelineLayout({
        label: 'PathReducer.layout',
        bindGroupLayouts: [ctx.device.createBindGroupLayout({
          label: 'PathReducer.bindGroupLayout',
          entries: [
            { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
            { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
            { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
            { binding: 3, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
            { binding: 4, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
          ],
        })],
      }),
      compute: { module, entryPoint: 'reduce_rows', constants: { WG: size } },
    };
  }

  private pipelineFor(size: number): GPUComputePipeline {
    let pipeline = this.pipelines.get(size);
    if (!pipeline) {
      pipeline = this.ctx.device.createComputePipeline(PathReducer.descriptor(this.ctx, this.module, size));
      this.pipelines.set(size, pipeline);
    }
    return pipeline;
  }

  /**
   * Records the reduction of `rowCount` rows of `length` values each into `partials`
   * ((count, sum, m2, 0) per row and block, row-major). Rows are a storage buffer written
   * with encodeRows(); `divergedAt` may be any u32 buffer when no row uses a mask.
   * `blockPaths` fixes the blocks, and so the bits of every partial, whatever `length` is: a
   * run that must merge bit for bit with another (path chunks, shards) passes its own block
   * size; without it a short row gets one block just large enough (workgroupFor).
   */
  encode(
    encoder: GPUCommandEncoder,
    buffers: { values: GPUBuffer; rows: GPUBuffer; divergedAt: GPUBuffer; partials: GPUBuffer; shape: GPUBuffer },
    rowCount: number,
    length: number,
    blockPaths?: number,
  ): void {
    if (blockPaths !== undefined) checkBlockPaths(blockPaths);
    const workgroup = blockPaths === undefined ? workgroupFor(length) : blockPaths / PER_THREAD;
    const maxGroups = this.ctx.device.limits.maxComputeWorkgroupsPerDimension;
    const blocks = reduceBlocks(length, blockPaths);
    if (rowCount > maxGroups || blocks > maxGroups) {
      throw new Error(`reduction of ${rowCount} rows × ${blocks} blocks exceeds maxComputeWorkgroupsPerDimension=${maxGroups}`);
    }
    const bindGroup = this.ctx.device.createBindGroup({
      label: 'PathReducer.bindGroup',
      layout: this.layout,
      entries: [
        { binding: 0, resource: { buffer: buffers.values } },
        { binding: 1, resource: { buffer: buffers.rows } },
        { binding: 2, resource: { buffer: buffers.divergedAt } },
        { binding: 3, resource: { buffer: buffers.partials } },
        { binding: 4, resource: { buffer: buffers.shape } },
      ],
    });
    const pass = encoder.beginComputePass({ label: 'PathReducer.pass' });
    pass.setPipeline(this.pipelineFor(workgroup));
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(blocks, rowCount);
    pass.end();
  }

  /** Shape uniform for `length` values per row (`blockPaths` as for encode). */
  shapeWords(length: number, blockPaths?: number): Uint32Array<ArrayBuffer> {
    return new Uint32Array([length, reduceBlocks(length, blockPaths), 0, 0]);
  }

  /**
   * Reduces one array of per-path values (a self-contained round trip: upload, reduce,
   * read back the partials, combine in float64).
   */
  async reduceArray(values: Float32Array<ArrayBuffer>): Promise<Summary> {
    const device = this.ctx.device;
    const length = values.length;
    const blocks = reduceBlocks(length);
    const owned: GPUBuffer[] = [];
    const make = (label: string, size: number, usage: number) => {
      const buffer = device.createBuffer({ label: `PathReducer.${label}`, size: Math.max(16, Math.ceil(size / 4) * 4), usage });
      owned.push(buffer);
      return buffer;
    };
    try {
      const valueBuffer = make('values', values.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
      device.queue.writeBuffer(valueBuffer, 0, values);
      const rows = make('rows', ROW_WORDS * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
      device.queue.writeBuffer(rows, 0, encodeRows([{ a: 0 }]));
      const divergedAt = make('unusedMask', 16, GPUBufferUsage.STORAGE);
      const shape = make('shape', 16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
      device.queue.writeBuffer(shape, 0, this.shapeWords(length));
      const partials = make('partials', blocks * 16, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
      const readback = make('readback', blocks * 16, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
      const encoder = device.createCommandEncoder({ label: 'PathReducer.reduceArray' });
      this.encode(encoder, { values: valueBuffer, rows, divergedAt, partials, shape }, 1, length);
      encoder.copyBufferToBuffer(partials, 0, readback, 0, blocks * 16);
      device.queue.submit([encoder.finish()]);
      await readback.mapAsync(GPUMapMode.READ);
      const parts = new Float32Array(readback.getMappedRange().slice(0));
      readback.unmap();
      return combinePartials(parts);
    } finally {
      for (const buffer of owned) buffer.destroy();
    }
  }
}
