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

const NO_ADAPTER = `no WebGPU adapter found. This engine runs on Vulkan through Dawn:
  - with a GPU, install its Vulkan driver (NVIDIA: the proprietary driver; AMD/Intel: mesa-vulkan-drivers);
  - without one, install Mesa's software driver lavapipe (Mesa >= 23; Debian 12: from bookworm-backports):
      sudo bash scripts/setup-vulkan.sh
  and make sure XDG_RUNTIME_DIR is set.`;

/**
 * Dawn's instance and adapter must stay reachable while their device lives: when the GC collects
 * them, Dawn tears down state the device still uses and the process dies in native code.
 */
const keepAlive = new Set<unknown>();

export async function openDevice(options: DeviceOptions = {}) {
  // Mesa's Vulkan drivers refuse to start without a runtime dir; headless shells often lack one.
  process.env.XDG_RUNTIME_DIR ??= tmpdir();
  Object.assign(globalThis, globals);
  const gpu = create(options.dawnFlags ?? []);
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
  keepAlive.add(gpu).add(adapter);
  void device.lost.then(() => {
    keepAlive.delete(gpu);
    keepAlive.delete(adapter);
  });
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
