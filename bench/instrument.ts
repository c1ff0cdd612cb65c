// Measures the project's GPU work from outside, without a hook in src/: wraps the device's
// createCommandEncoder, createBuffer and queue.submit (on the instances, not the prototypes)
// to count submits, passes and dispatches, to track the bytes of live buffers, and, where the
// device has 'timestamp-query', to add timestampWrites to every compute pass that has none.
// Each pass then has its GPU time, summed by pass label (e.g. 'simulate.advance').
// Instrumentation buffers and query sets are made with the unwrapped functions: not counted.
import type { GpuContext } from '../src/gpu/device.js';

/** Passes per encoder that get timestamps (simulate's encoders have one pass each). */
const PASSES_PER_ENCODER = 16;
const QUERIES_PER_ENCODER = 2 * PASSES_PER_ENCODER;
const RESOLVE_BYTES = QUERIES_PER_ENCODER * 8;

export interface WorkCounts {
  submits: number;
  commandBuffers: number;
  passes: number;
  dispatches: number;
  /** Workgroups over all dispatches (x·y·z). */
  workgroups: number;
  /** Largest sum of live buffer sizes while measuring (buffers created by the code measured). */
  peakBufferBytes: number;
  /** Bytes written by queue.writeBuffer (uploads). */
  uploadBytes: number;
  /** Compute passes by their label. */
  passesByLabel: Record<string, number>;
}

export interface Measurement extends WorkCounts {
  /** GPU seconds per pass label from timestamp queries; null without 'timestamp-query'. */
  gpuSecondsByPass: Record<string, number> | null;
  /** Sum over all timed passes. */
  gpuSeconds: number | null;
  /** Passes that could not be timed (more than PASSES_PER_ENCODER in one encoder). */
  untimedPasses: number;
}

interface EncoderTiming {
  querySet: GPUQuerySet;
  resolve: GPUBuffer;
  labels: string[];
}

export class Instrument {
  readonly timestamps: boolean;
  private counts: WorkCounts = Instrument.zero();
  private live = 0;
  private timings: EncoderTiming[] = [];
  private untimed = 0;
  private measuring = false;
  private readonly rawCreateBuffer: GPUDevice['createBuffer'];

  constructor(private readonly ctx: GpuContext) {
    const device = ctx.device;
    this.timestamps = device.features.has('timestamp-query');
    this.rawCreateBuffer = device.createBuffer.bind(device);
    const rawCreateEncoder = device.createCommandEncoder.bind(device);
    const queue = device.queue;
    const rawSubmit = queue.submit.bind(queue);
    const rawWriteBuffer = queue.writeBuffer.bind(queue) as (...args: unknown[]) => undefined;

    device.createBuffer = (descriptor: GPUBufferDescriptor) => {
      const buffer = this.rawCreateBuffer(descriptor);
      const size = descriptor.size;
      this.live += size;
      this.counts.peakBufferBytes = Math.max(this.counts.peakBufferBytes, this.live);
      const rawDestroy = buffer.destroy.bind(buffer);
      let destroyed = false;
      buffer.destroy = () => {
        if (!destroyed) this.live -= size;
        destroyed = true;
        rawDestroy();
      };
      return buffer;
    };
    device.createCommandEncoder = (descriptor?: GPUCommandEncoderDescriptor) =>
      this.wrapEncoder(rawCreateEncoder(descriptor));
    queue.submit = (buffers: Iterable<GPUCommandBuffer>) => {
      const list = [...buffers];
      this.counts.submits++;
      this.counts.commandBuffers += list.length;
      rawSubmit(list);
    };
    queue.writeBuffer = ((...args: unknown[]) => {
      const data = args[2] as ArrayBufferView | ArrayBuffer;
      const size = args[4] as number | undefined;
      const element = ArrayBuffer.isView(data) && 'BYTES_PER_ELEMENT' in data ? (data as Float32Array).BYTES_PER_ELEMENT : 1;
      this.counts.uploadBytes += size !== undefined ? size * element : data.byteLength;
      return rawWriteBuffer(...args);
    }) as GPUQueue['writeBuffer'];
  }

  private static zero(): WorkCounts {
    return {
      submits: 0, commandBuffers: 0, passes: 0, dispatches: 0, workgroups: 0, peakBufferBytes: 0, uploadBytes: 0, passesByLabel: {},
    };
  }

  private wrapEncoder(encoder: GPUCommandEncoder): GPUCommandEncoder {
    let timing: EncoderTiming | undefined;
    const rawBegin = encoder.beginComputePass.bind(encoder);
    const rawFinish = encoder.finish.bind(encoder);
    encoder.beginComputePass = (descriptor: GPUComputePassDescriptor = {}) => {
      this.counts.passes++;
      const label = descriptor.label ?? 'unlabelled';
      this.counts.passesByLabel[label] = (this.counts.passesByLabel[label] ?? 0) + 1;
      let pass: GPUComputePassEncoder;
      if (this.measuring && this.timestamps && !descriptor.timestampWrites) {
        timing ??= this.newTiming();
        const index = timing.labels.length;
        if (index < PASSES_PER_ENCODER) {
          timing.labels.push(label);
          pass = rawBegin({
            ...descriptor,
            timestampWrites: { querySet: timing.querySet, beginningOfPassWriteIndex: 2 * index, endOfPassWriteIndex: 2 * index + 1 },
          });
        } else {
          this.untimed++;
          pass = rawBegin(descriptor);
        }
      } else {
        pass = rawBegin(descriptor);
      }
      const rawDispatch = pass.dispatchWorkgroups.bind(pass);
      pass.dispatchWorkgroups = (x: number, y = 1, z = 1) => {
        this.counts.dispatches++;
        this.counts.workgroups += x * y * z;
        rawDispatch(x, y, z);
      };
      return pass;
    };
    encoder.finish = (descriptor?: GPUCommandBufferDescriptor) => {
      if (timing && timing.labels.length > 0) {
        encoder.resolveQuerySet(timing.querySet, 0, 2 * timing.labels.length, timing.resolve, 0);
      }
      return rawFinish(descriptor);
    };
    return encoder;
  }

  private newTiming(): EncoderTiming {
    const device = this.ctx.device;
    const timing: EncoderTiming = {
      querySet: device.createQuerySet({ label: 'bench.timestamps', type: 'timestamp', count: QUERIES_PER_ENCODER }),
      resolve: this.rawCreateBuffer({
        label: 'bench.timestampResolve', size: RESOLVE_BYTES, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
      }),
      labels: [],
    };
    this.timings.push(timing);
    return timing;
  }

  /** Starts counting (and timing passes); the previous measurement's counters are dropped. */
  begin(): void {
    this.counts = Instrument.zero();
    this.counts.peakBufferBytes = this.live;
    this.timings = [];
    this.untimed = 0;
    this.measuring = true;
  }

  /** Stops, waits for the GPU, reads the timestamps back. */
  async end(): Promise<Measurement> {
    this.measuring = false;
    const counts = { ...this.counts, passesByLabel: { ...this.counts.passesByLabel } };
    const timings = this.timings;
    this.timings = [];
    let byPass: Record<string, number> | null = null;
    let total: number | null = null;
    if (this.timestamps) {
      byPass = {};
      total = 0;
      if (timings.length > 0) {
        const device = this.ctx.device;
        const readback = this.rawCreateBuffer({
          label: 'bench.timestampReadback', size: timings.length * RESOLVE_BYTES, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
        });
        const encoder = device.createCommandEncoder({ label: 'bench.timestampCopy' });
        timings.forEach((t, i) => encoder.copyBufferToBuffer(t.resolve, 0, readback, i * RESOLVE_BYTES, RESOLVE_BYTES));
        device.queue.submit([encoder.finish()]);
        await readback.mapAsync(GPUMapMode.READ);
        const ticks = new BigUint64Array(readback.getMappedRange().slice(0));
        readback.unmap();
        readback.destroy();
        timings.forEach((t, i) => {
          t.labels.forEach((label, p) => {
            const begin = ticks[i * QUERIES_PER_ENCODER + 2 * p];
            const end = ticks[i * QUERIES_PER_ENCODER + 2 * p + 1];
            const seconds = end > begin ? Number(end - begin) / 1e9 : 0;
            byPass![label] = (byPass![label] ?? 0) + seconds;
            total! += seconds;
          });
          t.querySet.destroy();
          t.resolve.destroy();
        });
      }
    }
    return { ...counts, gpuSecondsByPass: byPass, gpuSeconds: total, untimedPasses: this.untimed };
  }
}
