// The simulation kernels of one problem: the composed shader (prelude + RNG + vectors +
// problem + dynamics + entry points), one pipeline per dynamics, and the problem's data.
import { compileShader, composeShader, type ShaderSources } from '../gpu/compose.js';
import type { GpuContext } from '../gpu/device.js';
import { ALGORITHMS, MODELS, type Dynamics } from '../dynamics/names.js';

/** The numbers a problem's WGSL module needs (from src/problems). */
export interface ProblemData {
  kind: 'quadratic' | 'saddle';
  dim: number;
  /** Quadratic: row-major d×d Hessian and minimizer. */
  hessian?: Float64Array;
  minimizer?: Float64Array;
  /** Saddle: diagonal and quartic coefficient. */
  eigenvalues?: Float64Array;
  quartic?: number;
}

/** Index of each dynamics in shaders/dynamics.wgsl (algorithms first, then models). */
export function dynamicsIndex(name: Dynamics): number {
  const all: readonly string[] = [...ALGORITHMS, ...MODELS];
  return all.indexOf(name);
}

export const WORKGROUP_SIZE = 64;
/** Uniform buffers hold at most 64 KiB on every adapter; larger Hessians go to storage. */
const UNIFORM_LIMIT = 65536;

export function lanes(dim: number): number {
  return Math.ceil(dim / 4);
}

/** Packs the problem for its WGSL struct (see shaders/problems/*.wgsl). */
export function packProblem(problem: ProblemData): Float32Array<ArrayBuffer> {
  const d = problem.dim;
  const d4 = lanes(d);
  if (problem.kind === 'quadratic') {
    const out = new Float32Array(16 * d4 * d4 + 4 * d4);
    const h = problem.hessian!;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i * 4 * d4 + j] = h[i * d + j];
    if (problem.minimizer) out.set(problem.minimizer, 16 * d4 * d4);
    return out;
  }
  const out = new Float32Array(4 * d4 + 4);
  out.set(problem.eigenvalues!, 0);
  out[4 * d4] = problem.quartic ?? 0;
  return out;
}

export class SimulationKernels {
  private readonly pipelines = new Map<Dynamics, GPUComputePipeline>();
  private initPipeline?: GPUComputePipeline;
  readonly problemBuffer: GPUBuffer;
  readonly problemInUniform: boolean;
  readonly layouts: { simulation: GPUBindGroupLayout; pipeline: GPUPipelineLayout; problemGroup: GPUBindGroup };
  private destroyed = false;

  private constructor(
    private readonly ctx: GpuContext,
    private readonly module: GPUShaderModule,
    readonly problem: ProblemData,
    problemInUniform: boolean,
  ) {
    this.problemInUniform = problemInUniform;
    const packed = packProblem(problem);
    this.problemBuffer = ctx.device.createBuffer({
      label: 'SimulationKernels.problem',
      size: packed.byteLength,
      usage: (problemInUniform ? GPUBufferUsage.UNIFORM : GPUBufferUsage.STORAGE) | GPUBufferUsage.COPY_DST,
    });
    ctx.device.queue.writeBuffer(this.problemBuffer, 0, packed);
    this.layouts = this.createLayouts();
  }

  static async create(ctx: GpuContext, sources: ShaderSources, problem: ProblemData): Promise<SimulationKernels> {
    const d = problem.dim;
    const d4 = lanes(d);
    const tail = [0, 1, 2, 3].map((lane) => (4 * (d4 - 1) + lane < d ? '1.0' : '0.0')).join(', ');
    const bytes = packProblem(problem).byteLength;
    const problemInUniform = bytes <= Math.min(UNIFORM_LIMIT, ctx.device.limits.maxUniformBufferBindingSize);
    if (problem.kind === 'saddle' && !problemInUniform) {
      throw new Error(`saddle problem of dimension ${d} exceeds the uniform buffer limit`);
    }
    const shader = composeShader(
      sources,
      ['philox.wgsl', 'vec.wgsl', `problems/${problem.kind}.wgsl`, 'dynamics.wgsl', 'simulate.wgsl'],
      { dim: d, dim4: d4, tailMask: tail, problemInUniform },
      `SimulationKernels.${problem.kind}${d}`,
    );
    const module = await compileShader(ctx.device, shader);
    return new SimulationKernels(ctx, module, problem, problemInUniform);
  }

  /** One layout for every entry point, so one bind group serves init and all dynamics. */
  private createLayouts(): { simulation: GPUBindGroupLayout; pipeline: GPUPipelineLayout; problemGroup: GPUBindGroup } {
    const device = this.ctx.device;
    const storage = (binding: number, type: GPUBufferBindingType = 'storage'): GPUBindGroupLayoutEntry =>
      ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } });
    const simulation = device.createBindGroupLayout({
      label: 'SimulationKernels.simulationLayout',
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
        { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true } },
        storage(2), storage(3), storage(4), storage(5), storage(6, 'read-only-storage'),
      ],
    });
    const problem = device.createBindGroupLayout({
      label: 'SimulationKernels.problemLayout',
      entries: [storage(0, this.problemInUniform ? 'uniform' : 'read-only-storage')],
    });
    const pipeline = device.createPipelineLayout({ label: 'SimulationKernels.pipelineLayout', bindGroupLayouts: [simulation, problem] });
    const problemGroup = device.createBindGroup({
      label: 'SimulationKernels.problemGroup',
      layout: problem,
      entries: [{ binding: 0, resource: { buffer: this.problemBuffer } }],
    });
    return { simulation, pipeline, problemGroup };
  }

  private async build(entryPoint: string, dynamics: number, label: string): Promise<GPUComputePipeline> {
    return this.ctx.device.createComputePipelineAsync({
      label: `SimulationKernels.${label}`,
      layout: this.layouts.pipeline,
      compute: { module: this.module, entryPoint, constants: { WG: WORKGROUP_SIZE, DYNAMICS: dynamics } },
    });
  }

  async advance(name: Dynamics): Promise<GPUComputePipeline> {
    let pipeline = this.pipelines.get(name);
    if (!pipeline) {
      pipeline = await this.build('advance', dynamicsIndex(name), `advance.${name}`);
      this.pipelines.set(name, pipeline);
    }
    return pipeline;
  }

  async init(): Promise<GPUComputePipeline> {
    this.initPipeline ??= await this.build('init_state', 0, 'init');
    return this.initPipeline;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.problemBuffer.destroy();
  }
}
