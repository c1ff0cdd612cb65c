// The simulation kernels of one problem: the composed shader (prelude + RNG + vectors +
// problem + dynamics + entry points), one pipeline per dynamics, and the problem's data.
import { compileShader, composeShader, type ComposedShader, type ShaderSources } from '../gpu/compose.js';
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

/**
 * What compiling costs (seconds per pipeline on SwiftShader): the module, its layouts and
 * pipelines, shared by every SimulationKernels of the same shader code on the same device.
 * The problem's numbers live in a buffer, so problems of one kind and size share a program.
 */
interface Program {
  module: GPUShaderModule;
  simulationLayout: GPUBindGroupLayout;
  problemLayout: GPUBindGroupLayout;
  pipelineLayout: GPUPipelineLayout;
  pipelines: Map<string, Promise<GPUComputePipeline>>;
}

const programs = new WeakMap<GPUDevice, Map<string, Promise<Program>>>();

async function compileProgram(device: GPUDevice, shader: ComposedShader, problemInUniform: boolean): Promise<Program> {
  const module = await compileShader(device, shader);
  const storage = (binding: number, type: GPUBufferBindingType = 'storage'): GPUBindGroupLayoutEntry =>
    ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } });
  // One layout for every entry point, so one bind group serves init and all dynamics.
  const simulationLayout = device.createBindGroupLayout({
    label: 'SimulationKernels.simulationLayout',
    entries: [
      { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
      { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true } },
      storage(2), storage(3), storage(4), storage(5), storage(6, 'read-only-storage'),
    ],
  });
  const problemLayout = device.createBindGroupLayout({
    label: 'SimulationKernels.problemLayout',
    entries: [storage(0, problemInUniform ? 'uniform' : 'read-only-storage')],
  });
  const pipelineLayout = device.createPipelineLayout({
    label: 'SimulationKernels.pipelineLayout',
    bindGroupLayouts: [simulationLayout, problemLayout],
  });
  return { module, simulationLayout, problemLayout, pipelineLayout, pipelines: new Map() };
}

export class SimulationKernels {
  readonly problemBuffer: GPUBuffer;
  readonly problemInUniform: boolean;
  readonly simulationLayout: GPUBindGroupLayout;
  readonly problemGroup: GPUBindGroup;
  private destroyed = false;

  private constructor(
    private readonly ctx: GpuContext,
    private readonly program: Program,
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
    this.simulationLayout = program.simulationLayout;
    this.problemGroup = ctx.device.createBindGroup({
      label: 'SimulationKernels.problemGroup',
      layout: program.problemLayout,
      entries: [{ binding: 0, resource: { buffer: this.problemBuffer } }],
    });
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
    let cache = programs.get(ctx.device);
    if (!cache) programs.set(ctx.device, (cache = new Map()));
    let program = cache.get(shader.code);
    if (!program) {
      program = compileProgram(ctx.device, shader, problemInUniform);
      cache.set(shader.code, program);
      program.catch(() => cache.delete(shader.code));
    }
    return new SimulationKernels(ctx, await program, problem, problemInUniform);
  }

  private pipeline(entryPoint: string, dynamics: number, label: string): Promise<GPUComputePipeline> {
    const key = `${entryPoint}:${dynamics}`;
    let pipeline = this.program.pipelines.get(key);
    if (!pipeline) {
      pipeline = this.ctx.device.createComputePipelineAsync({
        label: `SimulationKernels.${label}`,
        layout: this.program.pipelineLayout,
        compute: { module: this.program.module, entryPoint, constants: { WG: WORKGROUP_SIZE, DYNAMICS: dynamics } },
      });
      this.program.pipelines.set(key, pipeline);
      pipeline.catch(() => this.program.pipelines.delete(key));
    }
    return pipeline;
  }

  advance(name: Dynamics): Promise<GPUComputePipeline> {
    return this.pipeline('advance', dynamicsIndex(name), `advance.${name}`);
  }

  init(): Promise<GPUComputePipeline> {
    return this.pipeline('init_state', 0, 'init');
  }

  /** Frees the problem's buffer; the compiled program stays cached for the device. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.problemBuffer.destroy();
  }
}
