// The dispatch loop: for each ρ, each path chunk, each observation window: advance every
// dynamics by fused multi-step dispatches (the state never leaves the GPU), then reduce the
// window's observables over paths on the GPU and finish the partials in float64 here.
// Progress and cancellation are checked between submits; a cancelled run keeps what it has.
import type { ResolvedConfig } from '../config/schema.js';
import type { ShaderSources } from '../gpu/compose.js';
import type { GpuContext } from '../gpu/device.js';
import { PathReducer, encodeRows, reduceBlocks, type ReduceRow } from '../gpu/reduce.js';
import { SetupCancelled, createProblemTwin, prepareProblem, problemUniforms } from '../problems/index.js';
import { OBSERVABLES } from '../dynamics/names.js';
import { SimulationKernels, lanes, type KernelOptions } from './kernels.js';
import { makePlan, type PathRange, type Plan } from './plan.js';
import { RecordAccumulator } from './accumulate.js';
import { SharpnessReadout } from './sharpness.js';
import { DispatchSizer, MAX_STEPS_PER_DISPATCH } from './dispatchSize.js';
import { RESULT_SCHEMA, type RunResult, type SimulationResult } from './result.js';
import type { Checkpointer, RunCheckpoint } from './checkpoint.js';

export interface Progress {
  /** Fraction of all path-steps of the job done, in [0, 1]. */
  fraction: number;
  runIndex: number;
  rho: number;
  step: number;
  pathSteps: number;
  elapsedSeconds: number;
  pathStepsPerSecond: number;
}

/** What simulate() does before its first step, as onSetup names it. */
export const SETUP_PHASES = { problem: 'building the problem', compiling: 'compiling the kernels' } as const;
export type SetupPhase = (typeof SETUP_PHASES)[keyof typeof SETUP_PHASES];

/** Also the kernel shapes (KernelOptions: threads a path, paths a workgroup), the adapter's defaults when not given. */
export interface SimulateOptions extends KernelOptions {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Set-up phases before the first step (SETUP_PHASES), with the fraction done. */
  onSetup?: (phase: SetupPhase, fraction: number) => void;
  /** Called after every observation window with the result so far (for streaming views). */
  onPartial?: (result: SimulationResult) => void;
  /** Wall time one submit should take; slices grow or shrink towards it. */
  targetSliceSeconds?: number;
  /** Longest wall time between two onPartial calls on a long run (default 1 s). */
  partialIntervalSeconds?: number;
  /**
   * Receives every chunk's final per-path state (tests compare it with the float64 twin).
   * Costs one state read-back per chunk, so only tests and diagnostics ask for it.
   */
  inspect?: (snapshot: ChunkSnapshot) => void;
  /** The paths to simulate (a shard's, see shardRange); all of them by default. */
  range?: PathRange;
  /**
   * Checkpoints (docs/model.md §9): the stage this call is of a job, resumed from its saved
   * checkpoint if it has one, saved at the first record boundary after every everySeconds.
   */
  checkpoints?: Checkpointer;
}

export interface ChunkSnapshot {
  rho: number;
  pathOffset: number;
  paths: number;
  /** Per dynamics: final states (paths × dim, row-major), divergence step (NONE: alive) and guard counts. */
  dynamics: Record<string, { state: Float32Array; divergedAt: Uint32Array; guards: Uint32Array }>;
}

const RUN_PARAMS_BYTES = 80;
const DISPATCH_SLOT = 256;
const now = () => performance.now() / 1000;

/** Norm guard ε relative to the problem's curvature scale (docs/model.md §2). */
export function guardEpsilon(scale: number): number {
  return 1e-8 * Math.max(scale, 1e-30);
}

interface ChunkBuffers {
  runParams: GPUBuffer;
  dispatchParams: GPUBuffer;
  state: GPUBuffer;
  divergedAt: GPUBuffer;
  guards: GPUBuffer;
  obs: GPUBuffer;
  x0: GPUBuffer;
  rows: GPUBuffer;
  partials: GPUBuffer;
  shape: GPUBuffer;
  readback: GPUBuffer;
  statusReadback: GPUBuffer;
  bindGroup: GPUBindGroup;
  all: GPUBuffer[];
}

export async function simulate(
  ctx: GpuContext, sources: ShaderSources, config: ResolvedConfig, options: SimulateOptions = {},
): Promise<SimulationResult> {
  const started = now();
  const signal = options.signal;
  const cancelledInSetup = (): SimulationResult => ({
    schema: RESULT_SCHEMA, config, adapter: ctx.adapter, runs: [], cancelled: true,
    timing: { wallSeconds: now() - started, pathSteps: 0, pathStepsPerSecond: 0 },
  });
  // Set-up is cancellable too: the problem is built in slices, and a compile is not waited for.
  let problem: ReturnType<typeof problemUniforms>;
  let twin: ReturnType<typeof createProblemTwin>;
  let kernels: SimulationKernels;
  let reducer: PathReducer;
  try {
    await prepareProblem(config.problem, { signal, onProgress: (f) => options.onSetup?.(SETUP_PHASES.problem, f) });
    problem = problemUniforms(config.problem);
    twin = createProblemTwin(config.problem);
    options.onSetup?.(SETUP_PHASES.compiling, 0);
    kernels = await untilAborted(SimulationKernels.create(ctx, sources, { kind: config.problem.kind, ...problem }, options), signal);
    reducer = await untilAborted(PathReducer.create(ctx, sources), signal);
  } catch (e) {
    if (e instanceof SetupCancelled) return cancelledInSetup();
    throw e;
  }
  const plan = makePlan(config, problem.dim, ctx.device.limits, kernels.pathsPerWorkgroup, options.range);
  const checkpoints = options.checkpoints;
  const resume = checkpoints?.resumeCurrent();
  if (resume) checkResume(resume, plan, config);
  const result: SimulationResult = {
    schema: RESULT_SCHEMA,
    config,
    adapter: ctx.adapter,
    runs: [],
    cancelled: false,
    timing: { wallSeconds: 0, pathSteps: 0, pathStepsPerSecond: 0 },
  };
  const totalPathSteps = config.rho.length * plan.dynamics.length * (plan.range.end - plan.range.start) * plan.lastStep;
  let pathSteps = resume?.pathSteps ?? 0;
  let lastCheckpoint = now();
  const accumulators: RecordAccumulator[] = [];
  const finishTiming = () => {
    result.timing.wallSeconds = now() - started;
    result.timing.pathSteps = pathSteps;
    result.timing.pathStepsPerSecond = pathSteps / Math.max(result.timing.wallSeconds, 1e-9);
  };
  const sizer = new DispatchSizer(options.targetSliceSeconds ?? 0.25, plan.chunkPaths, kernels.pathsPerWorkgroup);
  const partialInterval = options.partialIntervalSeconds ?? 1;
  const modeB = config.noise.batchSize !== undefined;
  let pipelines: GPUComputePipeline[];
  let initPipeline: GPUComputePipeline;
  const buffers = createBuffers(ctx, kernels, plan, problem.dim);
  let sharpness: SharpnessReadout | undefined;
  try {
    pipelines = await untilAborted(Promise.all(plan.dynamics.map((d) => kernels.advance(d, modeB))), signal);
    initPipeline = await untilAborted(kernels.init(), signal);
    // docs/model.md §8: readouts every `sharpness.every` steps, between the fused dispatches.
    if (config.sharpness) {
      sharpness = await untilAborted(
        SharpnessReadout.create(ctx, kernels, reducer, plan, config.sharpness, config.recordEvery, buffers), signal);
    }
  } catch (e) {
    for (const buffer of buffers.all) buffer.destroy();
    kernels.destroy();
    if (e instanceof SetupCancelled) return cancelledInSetup();
    throw e;
  }
  options.onSetup?.(SETUP_PHASES.compiling, 1);

  try {
    for (const [runIndex, rho] of config.rho.entries()) {
      const resumed = resume && runIndex <= resume.position.run ? resume : undefined;
      const accumulator = new RecordAccumulator(plan, sharpness?.accumulator());
      if (resumed) accumulator.append(resumed.accumulators[runIndex]);
      accumulators.push(accumulator);
      const sharpnessAccumulator = accumulator.sharpness;
      const run: RunResult = { rho, eta: config.eta, t: [], series: {}, comparisons: [] };
      result.runs.push(run);
      if (resumed && runIndex < resumed.position.run) {
        accumulator.toRun(run, config);
        continue;
      }
      for (const [chunkIndex, chunk] of plan.chunks.entries()) {
        if (resumed && chunkIndex < resumed.position.chunk) continue;
        const restoreAt = resumed && chunkIndex === resumed.position.chunk ? resumed.position.record : 0;
        writeRunParams(ctx, buffers, config, rho, chunk, plan, guardEpsilon(twin.scale), problem.dim);
        if (restoreAt > 0) restoreBuffers(ctx, buffers, resumed!.buffers!);
        else encodeInit(ctx, kernels, initPipeline, buffers, plan, chunk.paths, problem.dim);

        let cancelled = false;
        // The step every path of the chunk has reached (a cancel can stop a slice part-way).
        let chunkStep = restoreAt > 0 ? (restoreAt - 1) * config.recordEvery : 0;
        // A window ends when its buffer is full, or early (at a record boundary) once
        // `partialIntervalSeconds` have passed, so that long runs stream partial results.
        for (let first = restoreAt, next = restoreAt; first < plan.records && !cancelled; first = next) {
          const last = Math.min(first + plan.window, plan.records) - 1;
          const windowStarted = now();
          // The window advances from the step of record first-1 to the step of record `last`.
          let step = first === 0 ? 0 : (first - 1) * config.recordEvery;
          const end = last * config.recordEvery;
          let recordInitial = first === 0;
          let recordedUpTo = first === 0 ? -1 : first - 1;
          while (step < end || recordInitial) {
            if (options.signal?.aborted) { cancelled = true; break; }
            const overdue = now() - windowStarted > partialInterval;
            if (overdue && recordedUpTo >= first && step % config.recordEvery === 0) break;
            const toBoundary = config.recordEvery - (step % config.recordEvery);
            const steps = Math.min(sizer.steps, end - step, MAX_STEPS_PER_DISPATCH, overdue ? toBoundary : Infinity,
              sharpness ? sharpness.stepsToNext(step) : Infinity);
            if (sharpness && recordInitial) await sharpness.read(0, chunk, sharpnessAccumulator!);
            const t0 = now();
            // A slice is one dispatch per dynamics and path group (src/simulate/dispatchSize.ts),
            // one submit per group; a cancel between groups leaves the slice unfinished, and the
            // records it would have completed are not counted.
            for (const [groupBase, groupPaths] of sizer.groups(chunk.paths)) {
              if (groupBase > 0 && options.signal?.aborted) { cancelled = true; break; }
              encodeSlice(ctx, kernels, pipelines, buffers, plan, chunk.paths, groupBase, groupPaths, step, steps, first, recordInitial, problem.dim);
              await ctx.device.queue.onSubmittedWorkDone();
            }
            if (cancelled) break;
            sizer.observe(now() - t0, steps, chunk.paths);
            step += steps;
            chunkStep = step;
            recordedUpTo = Math.floor(step / config.recordEvery);
            recordInitial = false;
            pathSteps += steps * chunk.paths * plan.dynamics.length;
            if (sharpness?.due(step)) await sharpness.read(step, chunk, sharpnessAccumulator!);
            const elapsed = now() - started;
            options.onProgress?.({
              fraction: totalPathSteps > 0 ? pathSteps / totalPathSteps : 1,
              runIndex, rho, step, pathSteps, elapsedSeconds: elapsed, pathStepsPerSecond: pathSteps / elapsed,
            });
          }
          const done = Math.min(last, recordedUpTo);
          next = done + 1;
          if (done >= first) {
            await reduceWindow(ctx, reducer, buffers, plan, chunk, first, done, config.recordEvery, accumulator);
          }
          accumulator.toRun(run, config);
          finishTiming();
          options.onPartial?.(result);
          if (checkpoints && checkpoints.everySeconds > 0 && !cancelled && now() - lastCheckpoint >= checkpoints.everySeconds) {
            await checkpoints.saveCurrent({
              range: plan.range,
              position: { run: runIndex, chunk: chunkIndex, record: next },
              accumulators: accumulators.map((a) => a.state()),
              buffers: await readBuffers(ctx, buffers),
              pathSteps,
            });
            lastCheckpoint = now();
          }
        }
        const status = await readStatus(ctx, buffers, plan, chunk.paths, chunkStep, accumulator);
        accumulator.toRun(run, config);
        if (options.inspect) {
          options.inspect(await snapshot(ctx, buffers, plan, rho, chunk, problem.dim, status));
        }
        if (cancelled) {
          result.cancelled = true;
          break;
        }
      }
      // Also for a run with no chunk left to simulate (resumed at its end, an empty shard).
      accumulator.toRun(run, config);
      if (result.cancelled) break;
    }
    if (!result.cancelled) {
      await checkpoints?.finish({
        range: plan.range,
        position: { run: config.rho.length - 1, chunk: plan.chunks.length, record: 0 },
        accumulators: accumulators.map((a) => a.state()),
        pathSteps,
      });
    }
  } finally {
    for (const buffer of buffers.all) buffer.destroy();
    sharpness?.destroy();
    kernels.destroy();
  }
  finishTiming();
  return result;
}

/** `promise`, or SetupCancelled as soon as `signal` aborts (the work itself goes on unobserved). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new SetupCancelled(SETUP_PHASES.compiling));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new SetupCancelled(SETUP_PHASES.compiling));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => { signal.removeEventListener('abort', onAbort); resolve(value); },
      (error) => { signal.removeEventListener('abort', onAbort); reject(error); },
    );
  });
}

/** Initialises every dynamics from the same x0 of each path (common random numbers). */
function encodeInit(
  ctx: GpuContext, kernels: SimulationKernels, initPipeline: GPUComputePipeline, buffers: ChunkBuffers,
  plan: Plan, paths: number, dim: number,
): void {
  const encoder = ctx.device.createCommandEncoder({ label: 'simulate.init' });
  const pass = encoder.beginComputePass({ label: 'simulate.initPass' });
  pass.setPipeline(initPipeline);
  pass.setBindGroup(1, kernels.problemGroup);
  const slots = new Uint32Array((DISPATCH_SLOT / 4) * plan.dynamics.length);
  plan.dynamics.forEach((_, d) => {
    slots.set(dispatchWords(plan, d, paths, 0, 0, 0, 0, false, dim), (DISPATCH_SLOT / 4) * d);
    pass.setBindGroup(0, buffers.bindGroup, [d * DISPATCH_SLOT]);
    pass.dispatchWorkgroups(kernels.workgroupsFor(paths));
  });
  pass.end();
  ctx.device.queue.writeBuffer(buffers.dispatchParams, 0, slots);
  ctx.device.queue.submit([encoder.finish()]);
}

function checkResume(resume: RunCheckpoint, plan: Plan, config: ResolvedConfig): void {
  const { run, chunk, record } = resume.position;
  const fail = (what: string) => { throw new Error(`checkpoint does not fit this run: ${what}`); };
  if (resume.range.start !== plan.range.start || resume.range.end !== plan.range.end) fail(`paths [${resume.range.start}, ${resume.range.end}) instead of [${plan.range.start}, ${plan.range.end})`);
  if (!(run >= 0 && run < config.rho.length && resume.accumulators.length === run + 1)) fail(`ρ index ${run}`);
  if (!(chunk >= 0 && chunk <= plan.chunks.length)) fail(`path chunk ${chunk} of ${plan.chunks.length}`);
  if (!(record >= 0 && record <= plan.records)) fail(`record ${record} of ${plan.records}`);
  if (record > 0 && !resume.buffers) fail('no GPU state for a chunk in progress');
}

/** The GPU buffers a checkpoint holds, read back whole. */
async function readBuffers(ctx: GpuContext, buffers: ChunkBuffers): Promise<NonNullable<RunCheckpoint['buffers']>> {
  const parts = [buffers.state, buffers.divergedAt, buffers.guards];
  const total = parts.reduce((sum, b) => sum + b.size, 0);
  const readback = ctx.device.createBuffer({ label: 'simulate.checkpointReadback', size: total, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    const encoder = ctx.device.createCommandEncoder({ label: 'simulate.checkpoint' });
    let at = 0;
    for (const part of parts) {
      encoder.copyBufferToBuffer(part, 0, readback, at, part.size);
      at += part.size;
    }
    ctx.device.queue.submit([encoder.finish()]);
    await readback.mapAsync(GPUMapMode.READ);
    const bytes = new Uint8Array(readback.getMappedRange().slice(0));
    readback.unmap();
    const state = bytes.slice(0, buffers.state.size);
    const divergedAt = bytes.slice(buffers.state.size, buffers.state.size + buffers.divergedAt.size);
    const guards = bytes.slice(buffers.state.size + buffers.divergedAt.size);
    return { state, divergedAt, guards };
  } finally {
    readback.destroy();
  }
}

function restoreBuffers(ctx: GpuContext, buffers: ChunkBuffers, saved: NonNullable<RunCheckpoint['buffers']>): void {
  const pairs: [GPUBuffer, Uint8Array][] = [[buffers.state, saved.state], [buffers.divergedAt, saved.divergedAt], [buffers.guards, saved.guards]];
  for (const [buffer, bytes] of pairs) {
    if (bytes.byteLength !== buffer.size) throw new Error(`checkpoint does not fit this run: ${buffer.label} holds ${bytes.byteLength} bytes, not ${buffer.size}`);
    ctx.device.queue.writeBuffer(buffer, 0, bytes as Uint8Array<ArrayBuffer>);
  }
}

function createBuffers(ctx: GpuContext, kernels: SimulationKernels, plan: Plan, dim: number): ChunkBuffers {
  const device = ctx.device;
  const all: GPUBuffer[] = [];
  const make = (label: string, size: number, usage: number) => {
    const buffer = device.createBuffer({ label: `simulate.${label}`, size: Math.max(16, Math.ceil(size / 16) * 16), usage });
    all.push(buffer);
    return buffer;
  };
  const P = plan.chunkPaths;
  const n = plan.dynamics.length;
  const rows = plan.rowsPerRecord * plan.window;
  const partialBytes = rows * reduceBlocks(P, plan.leafPaths) * 16;
  const S = GPUBufferUsage.STORAGE;
  const buffers = {
    runParams: make('runParams', RUN_PARAMS_BYTES, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST),
    dispatchParams: make('dispatchParams', DISPATCH_SLOT * n, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST),
    // COPY_SRC: the inspect hook and checkpoints read them back; COPY_DST: resume writes them.
    state: make('state', n * lanes(dim) * 16 * P, S | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST),
    divergedAt: make('divergedAt', n * P * 4, S | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST),
    guards: make('guards', n * P * 4, S | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST),
    obs: make('obs', n * OBSERVABLES.length * plan.window * P * 4, S),
    x0: make('x0', lanes(dim) * 16, S | GPUBufferUsage.COPY_DST),
    rows: make('rows', rows * 32, S | GPUBufferUsage.COPY_DST),
    partials: make('partials', partialBytes, S | GPUBufferUsage.COPY_SRC),
    shape: make('shape', 16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST),
    readback: make('readback', partialBytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST),
    statusReadback: make('statusReadback', 2 * n * P * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST),
  };
  const bindGroup = device.createBindGroup({
    label: 'simulate.bindGroup',
    layout: kernels.simulationLayout,
    entries: [
      { binding: 0, resource: { buffer: buffers.runParams } },
      { binding: 1, resource: { buffer: buffers.dispatchParams, size: 32 } },
      { binding: 2, resource: { buffer: buffers.state } },
      { binding: 3, resource: { buffer: buffers.divergedAt } },
      { binding: 4, resource: { buffer: buffers.guards } },
      { binding: 5, resource: { buffer: buffers.obs } },
      { binding: 6, resource: { buffer: buffers.x0 } },
    ],
  });
  return { ...buffers, bindGroup, all };
}

function writeRunParams(
  ctx: GpuContext, buffers: ChunkBuffers, config: ResolvedConfig, rho: number,
  chunk: { offset: number; paths: number }, plan: Plan, guardEps: number, dim: number,
): void {
  const data = new ArrayBuffer(RUN_PARAMS_BYTES);
  const f = new Float32Array(data);
  const u = new Uint32Array(data);
  const m = config.substeps;
  const dt = config.eta / m;
  f.set([config.eta, rho, config.noise.sigma, dt, Math.sqrt(config.eta * dt), 1 / Math.sqrt(m), config.divergeAbove, guardEps]);
  u.set([config.seed, m, config.samInner, config.coupling === 'shared' ? 1 : 0, chunk.paths, chunk.offset, config.recordEvery, plan.window], 8);
  const x0 = config.x0;
  const normal = !Array.isArray(x0) && 'normal' in x0;
  u[16] = normal ? 1 : 0;
  u[17] = normal ? x0.normal.seed : 0;
  f[18] = normal ? x0.normal.std : 0;
  // Mode B's batch size (docs/model.md §1); 0 is mode A. The thread-per-path kernels ignore it.
  u[19] = config.noise.batchSize ?? 0;
  ctx.device.queue.writeBuffer(buffers.runParams, 0, data);
  if (!normal) {
    const point = new Float32Array(lanes(dim) * 4);
    if (Array.isArray(x0)) point.set(x0);
    else point.fill(x0.constant, 0, dim);
    ctx.device.queue.writeBuffer(buffers.x0, 0, point);
  }
}

function dispatchWords(
  plan: Plan, d: number, paths: number, pathBase: number, stepStart: number, steps: number, recordBase: number,
  recordInitial: boolean, dim: number,
): Uint32Array<ArrayBuffer> {
  return new Uint32Array([
    stepStart, steps, recordBase, recordInitial ? 1 : 0,
    d * lanes(dim) * paths,
    d * paths,
    d * OBSERVABLES.length * plan.window * paths,
    pathBase,
  ]);
}

/** Advances paths [groupBase, groupBase + groupPaths) of the chunk's `paths` by `steps` steps, every dynamics. */
function encodeSlice(
  ctx: GpuContext, kernels: SimulationKernels, pipelines: GPUComputePipeline[], buffers: ChunkBuffers,
  plan: Plan, paths: number, groupBase: number, groupPaths: number, stepStart: number, steps: number,
  recordBase: number, recordInitial: boolean, dim: number,
): void {
  const slots = new Uint32Array((DISPATCH_SLOT / 4) * plan.dynamics.length);
  const encoder = ctx.device.createCommandEncoder({ label: 'simulate.slice' });
  const pass = encoder.beginComputePass({ label: 'simulate.advance' });
  pass.setBindGroup(1, kernels.problemGroup);
  plan.dynamics.forEach((_, d) => {
    slots.set(dispatchWords(plan, d, paths, groupBase, stepStart, steps, recordBase, recordInitial, dim), (DISPATCH_SLOT / 4) * d);
    pass.setPipeline(pipelines[d]);
    pass.setBindGroup(0, buffers.bindGroup, [d * DISPATCH_SLOT]);
    pass.dispatchWorkgroups(kernels.workgroupsFor(groupPaths));
  });
  pass.end();
  ctx.device.queue.writeBuffer(buffers.dispatchParams, 0, slots);
  ctx.device.queue.submit([encoder.finish()]);
}

/** Reduces records first..last of the window over the chunk's paths and accumulates them. */
async function reduceWindow(
  ctx: GpuContext, reducer: PathReducer, buffers: ChunkBuffers, plan: Plan, chunk: { offset: number; paths: number },
  first: number, last: number, recordEvery: number, accumulator: RecordAccumulator,
): Promise<void> {
  const paths = chunk.paths;
  const n = plan.dynamics.length;
  const obsCount = OBSERVABLES.length;
  const rows: ReduceRow[] = [];
  const obsAt = (d: number, o: number, slot: number) => ((d * obsCount + o) * plan.window + slot) * paths;
  const index = (name: string) => plan.dynamics.indexOf(name as Plan['dynamics'][number]);
  for (let record = first; record <= last; record++) {
    const slot = record - first;
    const step = record * recordEvery;
    for (let d = 0; d < n; d++) {
      for (let o = 0; o < obsCount; o++) rows.push({ a: obsAt(d, o, slot), maskA: d * paths, step });
    }
    for (const [a, s] of plan.pairs) {
      const da = index(a);
      const ds = index(s);
      for (let o = 0; o < obsCount; o++) {
        rows.push({ a: obsAt(da, o, slot), b: obsAt(ds, o, slot), maskA: da * paths, maskB: ds * paths, step });
      }
    }
  }
  const blocks = reduceBlocks(paths, plan.leafPaths);
  const bytes = rows.length * blocks * 16;
  ctx.device.queue.writeBuffer(buffers.rows, 0, encodeRows(rows));
  ctx.device.queue.writeBuffer(buffers.shape, 0, reducer.shapeWords(paths, plan.leafPaths));
  const encoder = ctx.device.createCommandEncoder({ label: 'simulate.reduce' });
  reducer.encode(encoder, { values: buffers.obs, rows: buffers.rows, divergedAt: buffers.divergedAt, partials: buffers.partials, shape: buffers.shape }, rows.length, paths, plan.leafPaths);
  encoder.copyBufferToBuffer(buffers.partials, 0, buffers.readback, 0, bytes);
  ctx.device.queue.submit([encoder.finish()]);
  await buffers.readback.mapAsync(GPUMapMode.READ, 0, bytes);
  const partials = new Float32Array(buffers.readback.getMappedRange(0, bytes).slice(0));
  buffers.readback.unmap();
  // chunk.offset is a global path index on a block boundary (makePlan).
  accumulator.add(partials, first, last, blocks, chunk.offset / plan.leafPaths);
}

/** Divergence and guard counts of the chunk: read once per chunk, never per step. */
/**
 * Counts the chunk's diverged and guarded paths. A path counts as diverged if it diverged by
 * `throughStep`, the step all paths reached: a slice cancelled part-way has taken some groups of
 * paths further, and what they met there is not part of the result.
 */
async function readStatus(
  ctx: GpuContext, buffers: ChunkBuffers, plan: Plan, paths: number, throughStep: number, accumulator: RecordAccumulator,
): Promise<Uint32Array> {
  const words = plan.dynamics.length * paths;
  const encoder = ctx.device.createCommandEncoder({ label: 'simulate.status' });
  encoder.copyBufferToBuffer(buffers.divergedAt, 0, buffers.statusReadback, 0, words * 4);
  encoder.copyBufferToBuffer(buffers.guards, 0, buffers.statusReadback, words * 4, words * 4);
  ctx.device.queue.submit([encoder.finish()]);
  await buffers.statusReadback.mapAsync(GPUMapMode.READ, 0, 2 * words * 4);
  const status = new Uint32Array(buffers.statusReadback.getMappedRange(0, 2 * words * 4).slice(0));
  buffers.statusReadback.unmap();
  for (let d = 0; d < plan.dynamics.length; d++) {
    let diverged = 0;
    let guarded = 0;
    for (let p = 0; p < paths; p++) {
      if (status[d * paths + p] <= throughStep) diverged++;
      guarded += status[words + d * paths + p];
    }
    accumulator.addStatus(d, diverged, guarded);
  }
  return status;
}

async function snapshot(
  ctx: GpuContext, buffers: ChunkBuffers, plan: Plan, rho: number, chunk: { offset: number; paths: number },
  dim: number, status: Uint32Array,
): Promise<ChunkSnapshot> {
  const d4 = lanes(dim);
  const P = chunk.paths;
  const bytes = plan.dynamics.length * d4 * 16 * P;
  const readback = ctx.device.createBuffer({ label: 'simulate.stateReadback', size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = ctx.device.createCommandEncoder({ label: 'simulate.snapshot' });
  encoder.copyBufferToBuffer(buffers.state, 0, readback, 0, bytes);
  ctx.device.queue.submit([encoder.finish()]);
  await readback.mapAsync(GPUMapMode.READ);
  const lanesData = new Float32Array(readback.getMappedRange().slice(0));
  readback.unmap();
  readback.destroy();
  const words = plan.dynamics.length * P;
  const out: ChunkSnapshot = { rho, pathOffset: chunk.offset, paths: P, dynamics: {} };
  plan.dynamics.forEach((name, d) => {
    const state = new Float32Array(P * dim);
    for (let p = 0; p < P; p++) {
      for (let i = 0; i < dim; i++) {
        // SoA layout of shaders/simulate.wgsl: lane group b of path p at (d·D4 + b)·P + p.
        state[p * dim + i] = lanesData[((d * d4 + (i >> 2)) * P + p) * 4 + (i & 3)];
      }
    }
    out.dynamics[name] = {
      state,
      divergedAt: status.slice(d * P, (d + 1) * P),
      guards: status.slice(words + d * P, words + (d + 1) * P),
    };
  });
  return out;
}
