// Finds a WebGPU adapter through Dawn's Node bindings and opens a device with the adapter's
// full limits (the defaults cap storage buffers at 128 MiB and workgroup memory at 16 KiB).
import { tmpdir } from 'node:os';
import { create, globals } from 'webgpu';
import { GpuError } from './errors.js';

export interface DeviceOptions {
  /** Extra Dawn instance flags, e.g. `enable-dawn-features=allow_unsafe_apis`. */
  dawnFlags?: string[];
  powerPreference?: GPUPowerPreference;
}

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  features: string[];
}

/** Software rasterisers (Mesa's lavapipe, reported as llvmpipe; softpipe; SwiftShader) run the "GPU" kernels on the CPU. */
export function isSoftwareAdapter(a: AdapterDescription): boolean {
  return /llvmpipe|lavapipe|softpipe|swiftshader|software/i.test([a.vendor, a.architecture, a.device, a.description].join(' '));
}

const NO_ADAPTER = `no WebGPU adapter found. This engine runs on Vulkan through Dawn:
  - with a GPU, install its Vulkan driver (NVIDIA: the proprietary driver; AMD/Intel: mesa-vulkan-drivers);
  - without one, install Mesa's software driver lavapipe (Mesa >= 23; Debian 12: from bookworm-backports):
      sudo bash scripts/setup-vulkan.sh
  and make sure XDG_RUNTIME_DIR is set.`;

/**
 * One Dawn instance for the process, never released: when the GC collects an instance (or an
 * adapter) while objects of its devices still exist — even destroyed ones awaiting finalisation
 * after shutdown() — Dawn tears down state they use and the process dies in native code
 * ("std::system_error: Invalid argument", futex/mutex aborts). Adapters are kept for the same reason.
 */
let instance: GPU | null = null;
let instanceFlags: string[] = [];
const keepAlive = new Set<unknown>();

export async function openDevice(options: DeviceOptions = {}) {
  // Mesa's Vulkan drivers refuse to start without a runtime dir; headless shells often lack one.
  process.env.XDG_RUNTIME_DIR ??= tmpdir();
  Object.assign(globalThis, globals);
  const flags = options.dawnFlags ?? [];
  if (instance && JSON.stringify(flags) !== JSON.stringify(instanceFlags)) {
    throw new GpuError(`the Dawn instance was created with flags ${JSON.stringify(instanceFlags)}; a process can have only one (got ${JSON.stringify(flags)})`);
  }
  instanceFlags = flags;
  const gpu = (instance ??= create(flags));
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  if (!adapter) throw new GpuError(NO_ADAPTER);

  const wanted: GPUFeatureName[] = ['timestamp-query'];
  const requiredFeatures = wanted.filter((f) => adapter.features.has(f));
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures,
    requiredLimits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: l.maxComputeWorkgroupSizeY,
    },
  });
  keepAlive.add(adapter).add(device);
  const info = adapter.info;
  const description: AdapterDescription = {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    features: [...device.features].map(String).sort(),
  };
  return { device, adapter: description };
}
