// The sharpness readouts on the GPU (docs/model.md §8): at every readout step the dispatch loop
// (src/simulate/runner.ts) stops its fused dispatches and calls read(); one dispatch per
// (dynamics, range of paths) runs shaders/sharpness_path.wgsl or sharpness_wg.wgsl on the state
// buffer as it stands, writing each path's trace (mean over its probes) and top Ritz value;
// shaders/reduce.wgsl reduces them over the chunk's alive paths, and SharpnessAccumulator
// (src/simulate/sharpnessAccumulate.ts) finishes the partials in float64.
import type { SharpnessSpec } from '../config/schema.js';
import type { GpuContext } from '../gpu/device.js';
import { PathReducer, encodeRows, reduceBlocks, type ReduceRow } from '../gpu/reduce.js';
import { lanes, type SimulationKernels } from './kernels.js';
import type { Plan } from './plan.js';
import { SharpnessAccumulator, sharpnessRowsPerReadout } from './sharpnessAccumulate.js';

/**
 * GPU memory the Lanczos vectors may take; more paths than fit are read out in several
 * dispatches. Mutable so that the tests can force several (the numbers do not depend on it).
 */
export const sharpnessBudget = { basisBytes: 64 * 2 ** 20 };
const PARAMS_SLOT = 256;
const PARAMS_WORDS = 9;

/** What the readout needs of the dispatch loop's buffers. */
export interface SimulationBuffers {
  /** Group 0 of the simulation kernels (run parameters, state, divergence steps, …). */
  bindGroup: GPUBindGroup;
  divergedAt: GPUBuffer;
}

export class SharpnessReadout {
  private readonly all: GPUBuffer[] = [];
  private readonly params: GPUBuffer;
  private readonly values: GPUBuffer;
  private readonly rows: GPUBuffer;
  private readonly partials: GPUBuffer;
  private readonly shape: GPUBuffer;
  private readonly readback: GPUBuffer;
  private readonly group: GPUBindGroup;
  /** Paths one dispatch reads out (the Lanczos basis holds this many). */
  private readonly rangePaths: number;
  private destroyed = false;

  private constructor(
    private readonly ctx: GpuContext,
    private readonly kernels: SimulationKernels,
    private readonly pipeline: GPUComputePipeline,
    private readonly reducer: PathReducer,
    private readonly plan: Plan,
    readonly spec: SharpnessSpec,
    private readonly recordEvery: number,
    private readonly simulation: SimulationBuffers,
  ) {
    const device = ctx.device;
    const make = (label: string, size: number, usage: number) => {
      const buffer = device.createBuffer({ label: `SharpnessReadout.${label}`, size: Math.max(16, Math.ceil(size / 16) * 16), usage });
      this.all.push(buffer);
      return buffer;
    };
    const P = plan.chunkPaths;
    const n = plan.dynamics.length;
    const basisBytesPerPath = spec.iterations * lanes(kernels.problem.dim) * 16;
    const basisLimit = Math.min(sharpnessBudget.basisBytes, device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
    this.rangePaths = Math.max(1, Math.min(P, Math.floor(basisLimit / basisBytesPerPath)));
    const ranges = Math.ceil(P / this.rangePaths);
    const rowCount = sharpnessRowsPerReadout(plan);
    const partialBytes = rowCount * reduceBlocks(P, plan.leafPaths) * 16;
    const S = GPUBufferUsage.STORAGE;
    this.params = make('params', PARAMS_SLOT * n * ranges, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    const basis = make('basis', basisBytesPerPath * this.rangePaths, S);
    this.values = make('values', 2 * n * P * 4, S);
    this.rows = make('rows', rowCount * 32, S | GPUBufferUsage.COPY_DST);
    this.partials = make('partials', partialBytes, S | GPUBufferUsage.COPY_SRC);
    this.shape = make('shape', 16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    this.readback = make('readback', partialBytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    this.group = device.createBindGroup({
      label: 'SharpnessReadout.group',
      layout: kernels.sharpnessLayout,
      entries: [
        { binding: 0, resource: { buffer: this.params, size: PARAMS_WORDS * 4 } },
        { binding: 1, resource: { buffer: basis } },
        { binding: 2, resource: { buffer: this.values } },
      ],
    });
  }

  static async create(
    ctx: GpuContext, kernels: SimulationKernels, reducer: PathReducer, plan: Plan, spec: SharpnessSpec,
    recordEvery: number, simulation: SimulationBuffers,
  ): Promise<SharpnessReadout> {
    const pipeline = await kernels.sharpness();
    return new SharpnessReadout(ctx, kernels, pipeline, reducer, plan, spec, recordEvery, simulation);
  }

  accumulator(): SharpnessAccumulator {
    return new SharpnessAccumulator(this.plan, this.spec.every);
  }

  /** Whether `step` is a readout step. */
  due(step: number): boolean {
    return step % this.spec.every === 0;
  }

  /** Steps from `step` to the next readout step: fused dispatches must stop there. */
  stepsToNext(step: number): number {
    return this.spec.every - (step % this.spec.every);
  }

  /**
   * Reads out the chunk's paths of every dynamics at `step` (the state buffer holds that step)
   * and adds the reduced partials to `accumulator`. The chunk's run parameters (paths, path
   * offset, seed) are those the dispatch loop wrote for the chunk.
   */
  async read(step: number, chunk: { offset: number; paths: number }, accumulator: SharpnessAccumulator): Promise<void> {
    const { ctx, plan } = this;
    const paths = chunk.paths;
    const n = plan.dynamics.length;
    const d4 = lanes(this.kernels.problem.dim);
    const record = step / this.recordEvery;
    const slots: number[][] = [];
    for (let d = 0; d < n; d++) {
      for (let base = 0; base < paths; base += this.rangePaths) {
        const count = Math.min(this.rangePaths, paths - base);
        slots.push([record, step, this.spec.probes, this.spec.iterations, base, count, d * d4 * paths, d * paths, 2 * d * paths]);
      }
    }
    const words = new Uint32Array((PARAMS_SLOT / 4) * slots.length);
    slots.forEach((slot, i) => words.set(slot, (PARAMS_SLOT / 4) * i));
    ctx.device.queue.writeBuffer(this.params, 0, words);

    const rows: ReduceRow[] = [];
    for (let d = 0; d < n; d++) {
      for (let o = 0; o < 2; o++) rows.push({ a: (2 * d + o) * paths, maskA: d * paths, step });
    }
    const index = (name: string) => plan.dynamics.indexOf(name as Plan['dynamics'][number]);
    for (const [a, s] of plan.pairs) {
      const da = index(a);
      const ds = index(s);
      for (let o = 0; o < 2; o++) {
        rows.push({ a: (2 * da + o) * paths, b: (2 * ds + o) * paths, maskA: da * paths, maskB: ds * paths, step });
      }
    }
    // The run's reduction blocks (docs/model.md §9), so that resumed and merged runs agree.
    const blocks = reduceBlocks(paths, plan.leafPaths);
    const bytes = rows.length * blocks * 16;
    ctx.device.queue.writeBuffer(this.rows, 0, encodeRows(rows));
    ctx.device.queue.writeBuffer(this.shape, 0, this.reducer.shapeWords(paths, plan.leafPaths));

    const encoder = ctx.device.createCommandEncoder({ label: 'SharpnessReadout.read' });
    const pass = encoder.beginComputePass({ label: 'SharpnessReadout.pass' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.simulation.bindGroup, [0]);
    pass.setBindGroup(1, this.kernels.problemGroup);
    slots.forEach((slot, i) => {
      pass.setBindGroup(2, this.group, [i * PARAMS_SLOT]);
      pass.dispatchWorkgroups(this.kernels.workgroupsFor(slot[5]));
    });
    pass.end();
    this.reducer.encode(encoder, {
      values: this.values, rows: this.rows, divergedAt: this.simulation.divergedAt, partials: this.partials, shape: this.shape,
    }, rows.length, paths, plan.leafPaths);
    encoder.copyBufferToBuffer(this.partials, 0, this.readback, 0, bytes);
    ctx.device.queue.submit([encoder.finish()]);
    await this.readback.mapAsync(GPUMapMode.READ, 0, bytes);
    const partials = new Float32Array(this.readback.getMappedRange(0, bytes).slice(0));
    this.readback.unmap();
    accumulator.add(step / this.spec.every, partials, blocks, chunk.offset / plan.leafPaths);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const buffer of this.all) buffer.destroy();
  }
}
