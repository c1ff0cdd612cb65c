// The GPU context: one adapter, one device with the adapter's own limits, and one error sink
// that receives uncaptured errors and device loss. Works with any `GPU` object: the browser's
// navigator.gpu or dawn.node's (src/node/gpu.ts picks the Vulkan driver in Node).

export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  /** True for CPU implementations (SwiftShader): figures from it are not GPU figures. */
  isSoftware: boolean;
  features: string[];
  limits: Record<string, number>;
}

export type GpuErrorKind = 'validation' | 'out-of-memory' | 'internal' | 'device-lost';

export class GpuError extends Error {
  constructor(readonly kind: GpuErrorKind, message: string) {
    super(`GPU ${kind} error: ${message}`);
    this.name = 'GpuError';
  }
}

export type GpuErrorListener = (error: GpuError) => void;

export class NoAdapterError extends Error {
  constructor(hint: string) {
    super(`No WebGPU adapter is available. ${hint}`);
    this.name = 'NoAdapterError';
  }
}

export function describeAdapter(adapter: GPUAdapter): AdapterReport {
  const info = adapter.info;
  const limits: Record<string, number> = {};
  // GPUSupportedLimits exposes its values as prototype getters, so iterate with for..in.
  for (const name in adapter.limits) {
    const value = (adapter.limits as unknown as Record<string, unknown>)[name];
    if (typeof value === 'number') limits[name] = value;
  }
  const isFallbackAdapter = Boolean(
    (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter ??
      (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter,
  );
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.toLowerCase();
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isFallbackAdapter,
    isSoftware: isFallbackAdapter || /swiftshader|llvmpipe|lavapipe|software/.test(text),
    features: [...adapter.features].map(String).sort(),
    limits,
  };
}

/** One-line adapter name for logs and the page. */
export function adapterName(report: AdapterReport): string {
  const parts = [report.vendor, report.architecture, report.description || report.device].filter(Boolean);
  return `${parts.join(' / ') || 'unknown adapter'}${report.isSoftware ? ' (software)' : ''}`;
}

/** Limits worth requesting: everything the adapter offers that compute work can use. */
const REQUESTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
  'maxUniformBufferBindingSize',
  'maxDynamicUniformBuffersPerPipelineLayout',
] as const;

/** Requested when the adapter has them: pass timing, and the network passes' row-group sums. */
const OPTIONAL_FEATURES: GPUFeatureName[] = ['timestamp-query', 'subgroups' as GPUFeatureName];

export interface ContextOptions {
  /** Optional features not to request, as on an adapter without them (tests of the fallbacks). */
  withoutFeatures?: readonly GPUFeatureName[];
}

export class GpuContext {
  readonly device: GPUDevice;
  readonly adapter: AdapterReport;
  /** Resolves when the device is lost (including by destroy()). */
  readonly lost: Promise<GPUDeviceLostInfo>;
  private readonly listeners = new Set<GpuErrorListener>();
  private destroyed = false;
  /** Every error the sink received, newest last. */
  readonly errors: GpuError[] = [];

  private constructor(device: GPUDevice, adapter: AdapterReport) {
    this.device = device;
    this.adapter = adapter;
    device.onuncapturederror = (event: GPUUncapturedErrorEvent) => {
      const kind: GpuErrorKind =
        event.error instanceof GPUOutOfMemoryError ? 'out-of-memory'
          : event.error instanceof GPUValidationError ? 'validation' : 'internal';
      this.report(new GpuError(kind, event.error.message));
    };
    this.lost = device.lost.then((info) => {
      if (!this.destroyed) this.report(new GpuError('device-lost', `${info.reason}: ${info.message}`));
      return info;
    });
  }

  static async create(gpu: GPU, label = 'sam-sde', options: ContextOptions = {}): Promise<GpuContext> {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) {
      throw new NoAdapterError(
        'In a browser, enable WebGPU (Chrome/Chromium 113+, or --enable-unsafe-webgpu). ' +
          'In Node on Debian: apt-get install -y chromium libvulkan1 (SwiftShader is used when no GPU driver is present).',
      );
    }
    const report = describeAdapter(adapter);
    const requiredLimits: Record<string, number> = {};
    for (const name of REQUESTED_LIMITS) {
      if (report.limits[name] !== undefined) requiredLimits[name] = report.limits[name];
    }
    const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f) && !options.withoutFeatures?.includes(f));
    const device = await adapter.requestDevice({ label, requiredLimits, requiredFeatures });
    return new GpuContext(device, report);
  }

  get isLost(): boolean {
    return this.errors.some((e) => e.kind === 'device-lost');
  }

  onError(listener: GpuErrorListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private report(error: GpuError): void {
    this.errors.push(error);
    for (const listener of this.listeners) listener(error);
  }

  /**
   * Runs `work` inside validation and out-of-memory error scopes and throws the first error
   * either scope caught (or one that reached the sink meanwhile), so nothing is silently lost.
   */
  async scoped<T>(label: string, work: () => Promise<T> | T): Promise<T> {
    const before = this.errors.length;
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    let result: T;
    try {
      result = await work();
    } finally {
      const validation = await this.device.popErrorScope();
      const memory = await this.device.popErrorScope();
      if (validation) throw new GpuError('validation', `${label}: ${validation.message}`);
      if (memory) throw new GpuError('out-of-memory', `${label}: ${memory.message}`);
    }
    const late = this.errors.slice(before);
    if (late.length > 0) throw new GpuError(late[0].kind, `${label}: ${late[0].message}`);
    return result;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.device.destroy();
  }
}
