// Exits 0 and describes the adapter when Dawn finds one, 1 otherwise. Used by setup-vulkan.sh.
import { tmpdir } from 'node:os';
process.env.XDG_RUNTIME_DIR ??= tmpdir();
const { create, globals } = await import('webgpu');
Object.assign(globalThis, globals);
const gpu = create([]);
const adapter = await gpu.requestAdapter();
if (!adapter) {
  console.error('probe: no WebGPU adapter found');
  process.exit(1);
}
const { vendor, architecture, device, description } = adapter.info;
console.log(`probe: adapter found: ${[vendor, architecture, device, description].filter(Boolean).join(' / ')}`);
process.exit(0);
