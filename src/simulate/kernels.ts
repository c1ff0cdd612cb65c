// The simulation kernels of one problem: the composed shader (prelude + RNG + vectors +
// problem + dynamics + entry points), one pipeline per dynamics, and the problem's data.
// Two layouts (DESIGN.md "Kernels"): thread-per-path for quadratic and saddle up to
// REGISTER_DIM_MAX, workgroup-per-path for the networks and the larger quadratics and saddles
// (src/simulate/kernelsWorkgroup.ts); the same bindings and buffers.
import { compileShader, composeShader, type ComposedShader, type ShaderSources } from '../gpu/compose.js';
import type { GpuContext } from '../gpu/device.js';
import { ALGORITHMS, MODELS, type Dynamics } from '../dynamics/names.js';
import type { ProblemSpec } from '../config/schema.js';
import type { NetworkSpec } from '../problems/network.js';
import { REGISTER_DIM_MAX, REGISTER_HVP_DIM_MAX, REGISTER_VECTORS_FILE, registerVectorModule } from './registerVectors.js';
import {
  largeProblemShader, largeProblemShape, networkPathSlots, networkShader, packNetwork, workgroupProgramShape,
} from './kernelsWorkgroup.js';

/** The numbers a problem's WGSL module needs (from src/problems). */
export interface ProblemData {
  kind: ProblemSpec['kind'];
  dim: number;
  /** Quadratic: row-major d×d Hessian and minimizer. */
  hessian?: Float64Array;
  minimizer?: Float64Array;
  /** Saddle: diagonal and quartic coefficient. */
  eigenvalues?: Float64Array;
  quartic?: number;
  /** mlp, teacher-student, deep-linear. */
  network?: NetworkSpec;
}

export type KernelLayout = 'thread-per-path' | 'workgroup-per-path';

/**
 * The networks, and quadratics and saddles above the register budget (REGISTER_DIM_MAX), whose
 * vectors one thread could not hold in registers, take the workgroup-per-path layout.
 */
export function kernelLayout(problem: Pick<ProblemData, 'network' | 'dim'>): KernelLayout {
  return problem.network || problem.dim > REGISTER_DIM_MAX ? 'workgroup-per-path' : 'thread-per-path';
}

/** Index of each dynamics in shaders/dynamics.wgsl (algorithms first, then models). */
export function dynamicsIndex(name: Dynamics): number {
  const all: readonly string[] = [...ALGORITHMS, ...MODELS];
  return all.indexOf(name);
}

/** DYNAMICS of the pipelines that advance no dynamics (shaders/run.wgsl's READOUT). */
const READOUT_DYNAMICS = ALGORITHMS.length + MODELS.length;

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
    // D4×D4 blocks of mat4x4f, block (r, c) at r·D4 + c, column j = H[4r..4r+3, 4c+j].
    // Then the minimizer (D4 vec4) and the lane count (a vec4u, shaders/problems/quadratic.wgsl).
    const out = new Float32Array(16 * d4 * d4 + 4 * d4 + 4);
    const h = problem.hessian!;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        const block = (i >> 2) * d4 + (j >> 2);
        out[16 * block + 4 * (j & 3) + (i & 3)] = h[i * d + j];
      }
    }
    if (problem.minimizer) out.set(problem.minimizer, 16 * d4 * d4);
    new Uint32Array(out.buffer)[16 * d4 * d4 + 4 * d4] = d4;
    return out;
  }
  const out = new Float32Array(4 * d4 + 4);
  out.set(problem.eigenvalues!, 0);
  out[4 * d4] = problem.quartic ?? 0;
  return out;
}

/**
 * WGSL of the thread-per-path kernels of a quadratic or saddle problem of dimension
 * d ≤ REGISTER_DIM_MAX: the register form's vector module (and the quadratic's H·v up to
 * REGISTER_HVP_DIM_MAX) is generated for this d.
 */
export function threadPerPathShader(sources: ShaderSources, kind: 'quadratic' | 'saddle', d: number, problemInUniform: boolean): ComposedShader {
  return composeShader(
    { ...sources, [REGISTER_VECTORS_FILE]: registerVectorModule(d, kind === 'quadratic') },
    ['threefry.wgsl', REGISTER_VECTORS_FILE, 'run.wgsl', `problems/${kind}.wgsl`, 'dynamics.wgsl', 'simulate.wgsl',
      'sharpness.wgsl', 'sharpness_path.wgsl'],
    { problemInUniform, loopHvp: d > REGISTER_HVP_DIM_MAX },
    `SimulationKernels.${kind}${d}.registers`,
  );
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
  /** The sharpness readout's group 2 (shaders/sharpness.wgsl) and its pipeline layout. */
  sharpnessLayout: GPUBindGroupLayout;
  sharpnessPipelineLayout: GPUPipelineLayout;
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
  const sharpnessLayout = device.createBindGroupLayout({
    label: 'SimulationKernels.sharpnessLayout',
    entries: [
      { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true } },
      storage(1), storage(2),
    ],
  });
  const sharpnessPipelineLayout = device.createPipelineLayout({
    label: 'SimulationKernels.sharpnessPipelineLayout',
    bindGroupLayouts: [simulationLayout, problemLayout, sharpnessLayout],
  });
  return { module, simulationLayout, problemLayout, pipelineLayout, sharpnessLayout, sharpnessPipelineLayout, pipelines: new Map() };
}

async function cachedProgram(ctx: GpuContext, shader: ComposedShader, problemInUniform: boolean): Promise<Program> {
  let cache = programs.get(ctx.device);
  if (!cache) programs.set(ctx.device, (cache = new Map()));
  let program = cache.get(shader.code);
  if (!program) {
    program = compileProgram(ctx.device, shader, problemInUniform);
    cache.set(shader.code, program);
    program.catch(() => cache.delete(shader.code));
  }
  return program;
}

/** The network program for this device (its workgroup memory, whether it has subgroups) and slots. */
function networkShape(ctx: GpuContext, network: NetworkSpec, requestedSlots?: number) {
  return workgroupProgramShape(network, ctx.device.limits.maxComputeWorkgroupStorageSize, ctx.device.features.has('subgroups'),
    networkPathSlots(ctx.adapter.isSoftware, requestedSlots));
}

/**
 * What SimulationKernels.create may be told beyond the adapter's defaults (each a power of two;
 * src/simulate/kernelsWorkgroup.ts). Results do not depend on them.
 */
export interface KernelOptions {
  /** Threads a path for a quadratic or saddle above the register budget (1..256). */
  largeProblemThreads?: number;
  /** Paths a workgroup, at most, for the same (1..32; fewer where they do not fit). */
  largeProblemSlots?: number;
  /** Paths a network workgroup advances, at most (1..32; fewer where they do not fit). */
  networkPathSlots?: number;
}

export class SimulationKernels {
  readonly problemBuffer: GPUBuffer;
  readonly problemInUniform: boolean;
  readonly simulationLayout: GPUBindGroupLayout;
  readonly sharpnessLayout: GPUBindGroupLayout;
  readonly problemGroup: GPUBindGroup;
  readonly layout: KernelLayout;
  private destroyed = false;

  /** `pathsPerWorkgroup`: paths one workgroup advances (WORKGROUP_SIZE, or the path slots). */
  private constructor(
    private readonly ctx: GpuContext,
    private readonly program: Program,
    readonly problem: ProblemData,
    problemInUniform: boolean,
    packed: Float32Array<ArrayBuffer>,
    readonly pathsPerWorkgroup: number,
  ) {
    this.problemInUniform = problemInUniform;
    this.layout = kernelLayout(problem);
    this.problemBuffer = ctx.device.createBuffer({
      label: 'SimulationKernels.problem',
      size: packed.byteLength,
      usage: (problemInUniform ? GPUBufferUsage.UNIFORM : GPUBufferUsage.STORAGE) | GPUBufferUsage.COPY_DST,
    });
    ctx.device.queue.writeBuffer(this.problemBuffer, 0, packed);
    this.simulationLayout = program.simulationLayout;
    this.sharpnessLayout = program.sharpnessLayout;
    this.problemGroup = ctx.device.createBindGroup({
      label: 'SimulationKernels.problemGroup',
      layout: program.problemLayout,
      entries: [{ binding: 0, resource: { buffer: this.problemBuffer } }],
    });
  }

  /** `options`: the kernel shapes' defaults by adapter, overridden (KernelOptions). */
  static async create(
    ctx: GpuContext, sources: ShaderSources, problem: ProblemData, options: KernelOptions = {},
  ): Promise<SimulationKernels> {
    if (problem.network) {
      const shape = networkShape(ctx, problem.network, options.networkPathSlots);
      const program = await cachedProgram(ctx, networkShader(sources, shape), false);
      return new SimulationKernels(ctx, program, problem, false, packNetwork(problem.network, shape.tileRows), shape.pathSlots);
    }
    const kind = problem.kind as 'quadratic' | 'saddle';
    const d = problem.dim;
    const packed = packProblem(problem);
    if (kernelLayout(problem) === 'workgroup-per-path') {
      // Above the register budget: H in storage (it no longer fits 64 KiB), λ in a uniform buffer.
      const inUniform = kind === 'saddle';
      if (inUniform && packed.byteLength > ctx.device.limits.maxUniformBufferBindingSize) {
        throw new Error(`saddle problem of dimension ${d} exceeds the uniform buffer limit`);
      }
      const { threads, slots } = largeProblemShape(kind, d, ctx.device.limits, ctx.adapter.isSoftware,
        { threads: options.largeProblemThreads, slots: options.largeProblemSlots });
      const program = await cachedProgram(ctx, largeProblemShader(sources, kind, d, threads, slots), inUniform);
      return new SimulationKernels(ctx, program, problem, inUniform, packed, slots);
    }
    const problemInUniform = packed.byteLength <= Math.min(UNIFORM_LIMIT, ctx.device.limits.maxUniformBufferBindingSize);
    const program = await cachedProgram(ctx, threadPerPathShader(sources, kind, d, problemInUniform), problemInUniform);
    return new SimulationKernels(ctx, program, problem, problemInUniform, packed, WORKGROUP_SIZE);
  }

  /** Workgroups that advance `paths` paths. */
  workgroupsFor(paths: number): number {
    return Math.ceil(paths / this.pathsPerWorkgroup);
  }

  private pipeline(entryPoint: string, dynamics: number, label: string, modeB = false): Promise<GPUComputePipeline> {
    const threadLayout = this.layout === 'thread-per-path';
    const key = `${entryPoint}:${dynamics}${modeB ? ':B' : ''}`;
    let pipeline = this.program.pipelines.get(key);
    if (!pipeline) {
      pipeline = this.ctx.device.createComputePipelineAsync({
        label: `SimulationKernels.${label}`,
        layout: entryPoint === 'sharpness' ? this.program.sharpnessPipelineLayout : this.program.pipelineLayout,
        compute: {
          module: this.program.module,
          entryPoint,
          // The workgroup layout's size is a template value (its register arrays need it); its
          // noise mode is an override (mode B exists only for problems with data).
          constants: threadLayout ? { WG: WORKGROUP_SIZE, DYNAMICS: dynamics } : { DYNAMICS: dynamics, MODE_B: modeB ? 1 : 0 },
        },
      });
      this.program.pipelines.set(key, pipeline);
      pipeline.catch(() => this.program.pipelines.delete(key));
    }
    return pipeline;
  }

  /** `modeB`: noise mode B (docs/model.md §1), for the workgroup-per-path kernels. */
  advance(name: Dynamics, modeB = false): Promise<GPUComputePipeline> {
    if (modeB && !this.problem.network) {
      throw new Error(`mini-batch noise (mode B) needs a problem with data, not ${this.problem.kind}`);
    }
    return this.pipeline('advance', dynamicsIndex(name), `advance.${name}${modeB ? '.B' : ''}`, modeB);
  }

  init(): Promise<GPUComputePipeline> {
    // init_state does not read the overrides; they are given so every pipeline is well-formed.
    return this.pipeline('init_state', 0, 'init');
  }

  /** The sharpness readout (docs/model.md §8): shaders/sharpness_path.wgsl or sharpness_wg.wgsl. */
  sharpness(): Promise<GPUComputePipeline> {
    // The readout's network passes ask for HVPs, which a network pipeline compiles only for
    // the dynamics that apply H: READOUT (shaders/run.wgsl) keeps every part of a pass.
    return this.pipeline('sharpness', READOUT_DYNAMICS, 'sharpness');
  }

  /** Frees the problem's buffer; the compiled program stays cached for the device. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.problemBuffer.destroy();
  }
}
