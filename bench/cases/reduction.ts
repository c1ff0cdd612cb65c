// (d) The reductions' achieved bandwidth: PathReducer (shaders/reduce.wgsl) on one array of
// N floats. The array is uploaded once, outside the timing; a repetition encodes the reduction,
// copies the per-block partials back and finishes them in float64 (src/gpu/reduce.ts). Bytes
// counted: 4 per value, one logical read (the kernel reads each value twice, for the sum and
// for the centred m2, so its memory traffic is up to twice that). The self-contained
// reduceArray() round trip (upload included) is timed beside it.
import { combinePartials } from '../../src/analysis/statistics.js';
import { encodeRows, PathReducer, reduceBlocks } from '../../src/gpu/reduce.js';
import { skippedCase, type BenchEnv, type CaseBase } from '../measure.js';
import type { CaseResult } from '../results.js';
import { load1, spread, timed } from '../stats.js';

const PASS = 'PathReducer.pass';

/** Deterministic values with a non-zero mean (the centred m2 then matters). */
function values(length: number): Float32Array<ArrayBuffer> {
  const out = new Float32Array(length);
  let state = 12345;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = 1 + state / 2 ** 32;
  }
  return out;
}

export async function reductionCases(env: BenchEnv, emit: (result: CaseResult) => void): Promise<void> {
  const { ctx, profile } = env;
  const device = ctx.device;
  const reducer = await PathReducer.create(ctx, env.sources);
  for (const length of profile.reduceLengths) {
    const base: CaseBase = {
      id: `reduction/${length}/gpu`,
      group: 'reduction',
      runner: 'gpu',
      subject: `reduce ${length >= 2 ** 20 ? `${length / 2 ** 20} Mi` : `${length / 2 ** 10} Ki`} floats`,
      paths: length,
      params: { floats: length, bytes: 4 * length, blocks: reduceBlocks(length) },
    };
    if (performance.now() > env.deadline) {
      emit(skippedCase(base, 'suite time budget (--budget) used up'));
      continue;
    }
    const data = values(length);
    let exactSum = 0;
    for (let i = 0; i < length; i++) exactSum += data[i];
    const blocks = reduceBlocks(length);
    const owned: GPUBuffer[] = [];
    const make = (label: string, size: number, usage: number) => {
      const buffer = device.createBuffer({ label: `bench.reduce.${label}`, size: Math.max(16, size), usage });
      owned.push(buffer);
      return buffer;
    };
    try {
      const valueBuffer = make('values', data.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
      const rows = make('rows', 32, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
      const mask = make('unusedMask', 16, GPUBufferUsage.STORAGE);
      const shape = make('shape', 16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
      const partials = make('partials', blocks * 16, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
      const readback = make('readback', blocks * 16, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
      device.queue.writeBuffer(valueBuffer, 0, data);
      device.queue.writeBuffer(rows, 0, encodeRows([{ a: 0 }]));
      device.queue.writeBuffer(shape, 0, reducer.shapeWords(length));
      await device.queue.onSubmittedWorkDone();
      const reduceOnce = async () => {
        const encoder = device.createCommandEncoder({ label: 'bench.reduce' });
        reducer.encode(encoder, { values: valueBuffer, rows, divergedAt: mask, partials, shape }, 1, length);
        encoder.copyBufferToBuffer(partials, 0, readback, 0, blocks * 16);
        device.queue.submit([encoder.finish()]);
        await readback.mapAsync(GPUMapMode.READ);
        const parts = new Float32Array(readback.getMappedRange().slice(0));
        readback.unmap();
        return combinePartials(parts);
      };
      await reduceOnce();
      const loadBefore = load1();
      const wall: number[] = [];
      const cpu: number[] = [];
      const gpu: number[] = [];
      const roundTrip: number[] = [];
      let relError = 0;
      for (let r = 0; r < profile.repetitions; r++) {
        env.instrument.begin();
        const clock = await timed(reduceOnce);
        const measurement = await env.instrument.end();
        wall.push(clock.wallSeconds);
        cpu.push(clock.cpuSeconds);
        gpu.push(measurement.gpuSecondsByPass?.[PASS] ?? NaN);
        relError = Math.max(relError, Math.abs(clock.value.sum - exactSum) / Math.abs(exactSum));
        roundTrip.push((await timed(() => reducer.reduceArray(data))).wallSeconds);
      }
      const bytes = 4 * length;
      const result: CaseResult = {
        ...base,
        params: { ...base.params, sumRelError: relError },
        repetitions: profile.repetitions,
        metrics: {
          wallSeconds: spread(wall),
          cpuSeconds: spread(cpu),
          gbPerSecond: spread(wall.map((s) => bytes / s / 1e9)),
          roundTripGbPerSecond: spread(roundTrip.map((s) => bytes / s / 1e9)),
        },
        load: [loadBefore, load1()],
      };
      if (gpu.every(Number.isFinite)) {
        result.metrics.gpuSeconds = spread(gpu);
        result.metrics.gpuGbPerSecond = spread(gpu.map((s) => bytes / s / 1e9));
      }
      env.log(`  ${base.subject}: ${result.metrics.gbPerSecond!.median.toFixed(3)} GB/s wall`
        + (result.metrics.gpuGbPerSecond ? `, ${result.metrics.gpuGbPerSecond.median.toFixed(3)} GB/s GPU` : ''));
      emit(result);
    } finally {
      for (const buffer of owned) buffer.destroy();
    }
  }
}
