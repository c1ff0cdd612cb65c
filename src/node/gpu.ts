// WebGPU in Node through dawn.node (the `webgpu` package). Dawn reads the Vulkan driver list
// when it creates its instance, so the choice of driver is made before `webgpu` is imported:
// a machine with a Vulkan driver of its own uses it; one without (no GPU) uses SwiftShader,
// the CPU Vulkan that Debian's chromium package ships.
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { GpuContext, type ContextOptions } from '../gpu/device.js';
import { setDawnPolling, type DawnPolling } from './dawnPolling.js';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const SYSTEM_ICD_DIRS = ['/etc/vulkan/icd.d', '/usr/share/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
const VULKAN_LOADERS = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1', '/usr/lib/libvulkan.so.1'];
const INSTALL_HINT = 'On Debian, as root: apt-get install -y chromium libvulkan1';

export type AdapterChoice = 'auto' | 'swiftshader' | 'system';

/**
 * The Dawn toggle that makes Tint zero-initialise workgroup memory with a loop in the shader,
 * instead of through VK_KHR_zero_initialize_workgroup_memory. WGSL requires the zeros either
 * way; with the extension every workgroup variable carries an initializer, which SwiftShader
 * compiles into element-by-element stores run by every invocation. The network programs hold
 * 8–16 KB of workgroup memory: their pipelines compiled in 1.6–2.0 s without any row code
 * and 1.0–1.6 s with all of it once the loop did the zeroing, and the Breast Cancer MLP ran
 * 1.2× faster (docs/architecture.md, "Workgroup memory on SwiftShader").
 */
export const LOOP_ZERO_INIT_TOGGLE = 'use_vulkan_zero_initialize_workgroup_memory_extension';

export interface DriverSelection {
  driver: 'system' | 'swiftshader';
  /** Why this driver was chosen, for `sam-sde info`. */
  reason: string;
}

function systemIcdFiles(): string[] {
  return SYSTEM_ICD_DIRS.flatMap((dir) =>
    existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => `${dir}/${f}`) : [],
  );
}

/** GPU device nodes: Mesa's ICD files come with Chromium's dependencies even on GPU-less machines. */
function gpuDeviceNodes(): string[] {
  const dri = existsSync('/dev/dri') ? readdirSync('/dev/dri').filter((f) => f.startsWith('renderD')).map((f) => `/dev/dri/${f}`) : [];
  return [...dri, ...['/dev/nvidia0', '/dev/kfd'].filter(existsSync)];
}

/** Sets the Vulkan environment for dawn.node. Must run before `webgpu` is imported. */
export function selectVulkanDriver(choice: AdapterChoice = 'auto'): DriverSelection {
  process.env.XDG_RUNTIME_DIR ??= tmpdir();
  const explicit = process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES;
  if (choice === 'system' || (choice === 'auto' && explicit)) {
    return { driver: 'system', reason: explicit ? `VK_ICD_FILENAMES/VK_DRIVER_FILES=${explicit}` : 'system Vulkan drivers' };
  }
  const drivers = systemIcdFiles().filter((f) => !/lvp|lavapipe|swiftshader/.test(f));
  const devices = gpuDeviceNodes();
  if (choice === 'auto' && drivers.length > 0 && devices.length > 0) {
    return { driver: 'system', reason: `GPU ${devices.join(', ')} with Vulkan driver(s) ${drivers.join(', ')}` };
  }
  if (!existsSync(SWIFTSHADER_ICD)) {
    throw new Error(`No Vulkan GPU driver and no SwiftShader at ${SWIFTSHADER_ICD}. ${INSTALL_HINT}`);
  }
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  return { driver: 'swiftshader', reason: choice === 'swiftshader' ? 'requested' : 'no GPU device with a Vulkan driver found' };
}

export interface NodeGpu {
  context: GpuContext;
  selection: DriverSelection;
  /** The flags dawn.node was created with (Dawn toggles), for `sam-sde info` and the bench. */
  dawnFlags: string[];
  /** A second device on the same adapter, with empty pipeline caches (the bench times compiles). */
  newContext(label: string, options?: ContextOptions): Promise<GpuContext>;
  /** Destroys the device and drops dawn.node's instance so that Node can exit. */
  destroy(): void;
}

const POLLING_VARIABLE = 'SAM_SDE_DAWN_POLLING';

/** How Node waits for dawn.node (src/node/dawnPolling.ts): 'throttled' unless the variable says 'spin'. */
function pollingFromEnvironment(): DawnPolling {
  const value = process.env[POLLING_VARIABLE] ?? 'throttled';
  if (value !== 'throttled' && value !== 'spin') {
    throw new Error(`${POLLING_VARIABLE} must be 'throttled' or 'spin' (got '${value}')`);
  }
  return value;
}

/** Acquires a device in Node; the error says what to install when there is no adapter. */
export async function acquireNodeGpu(choice: AdapterChoice = 'auto'): Promise<NodeGpu> {
  const selection = selectVulkanDriver(choice);
  setDawnPolling(pollingFromEnvironment());
  if (!VULKAN_LOADERS.some(existsSync)) {
    throw new Error(`The Vulkan loader (libvulkan.so.1) is missing, so dawn.node cannot start. ${INSTALL_HINT}`);
  }
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  // Only SwiftShader needs it; a hardware driver keeps Dawn's default.
  const flags = selection.driver === 'swiftshader' ? [`disable-dawn-features=${LOOP_ZERO_INIT_TOGGLE}`] : [];
  let gpu: GPU | undefined = create(flags) as GPU;
  let context: GpuContext;
  try {
    context = await GpuContext.create(gpu, 'sam-sde.node');
  } catch (e) {
    gpu = undefined;
    throw new Error(`${(e as Error).message} (driver: ${selection.driver}, ${selection.reason}). ${INSTALL_HINT}`);
  }
  return {
    context,
    selection,
    dawnFlags: flags,
    newContext: (label, options) => {
      if (!gpu) return Promise.reject(new Error('the Node GPU was destroyed'));
      return GpuContext.create(gpu, label, options);
    },
    destroy() {
      context.destroy();
      gpu = undefined;
    },
  };
}
