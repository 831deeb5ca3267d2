import { describe, expect, it } from 'vitest';
import type { AdapterDescription } from '../../src/gpu/device.js';
import { convGroup, kernelGroups, matmulGroup } from '../../bench/kernels.js';
import type { Impl, Row } from '../../bench/measure.js';
import { ANCHOR_SOURCE, ANCHORS, targets, targetsTable, type Targets } from '../../bench/targets.js';
import { isSoftwareAdapter } from '../../src/gpu/device.js';
import { TRAINING_GROUP, trainingGroup } from '../../bench/training.js';

const adapter = (vendor: string, architecture: string, device: string, description: string): AdapterDescription => ({ vendor, architecture, device, description, features: [] });
// This machine's lavapipe as Dawn describes it; the lent H100's vendor and device as ../shared/gpu/README.md
// records them (its description is a stand-in); a SwiftShader one.
const LAVAPIPE = adapter('mesa', 'software', 'llvmpipe-llvm-15-0-6-256-bits-', 'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1');
const SWIFTSHADER = adapter('google', '', 'SwiftShader Device (Subzero)', 'SwiftShader driver');
const H100 = adapter('nvidia', 'hopper', 'nvidia-h100-80gb-hbm3', 'NVIDIA: 560.35.03');

interface Timing {
  wallMs: number;
  gpuMs?: number | null;
  error?: string;
}

function row(group: string, impl: Impl, { wallMs, gpuMs = null, error }: Timing, suite = 'kernels', images = 100): Row {
  return {
    suite, group, impl, work: suite === 'training' ? { images } : { flop: 1 }, samples: error ? 0 : 5, wallMs, gpuMs, hostMs: null,
    rateWall: suite === 'training' ? images / (wallMs / 1e3) : NaN, rateGpu: null, unit: suite === 'training' ? 'images/s' : 'GFLOP/s',
    oursGpuRatio: null, bennyOpsPerSecond: 0, ...(error ? { error } : {}),
  };
}

const training = (impl: Impl, msPerStep: number) => row(TRAINING_GROUP, impl, { wallMs: msPerStep }, 'training');
/** The GPU time that gives `tflops` on an N³ matmul. */
const matmulMs = (n: number, tflops: number) => (2 * n ** 3) / (tflops * 1e9);
const conv = (pass: 'forward' | 'input grad' | 'weight grad', t: Timing) => row(convGroup(pass, 100, 32, 64, 14), 'ours-gpu', t);

/** A run on the H100 that meets every GPU target: 0.2 s/epoch, cuBLAS-level matmuls, cuDNN-level conv, 25× TF.js. */
function fastGpuRun(): Row[] {
  return [
    training('ours-gpu', 0.2 / 0.6),
    training('tfjs-webgpu', 25 * (0.2 / 0.6)),
    ...([1024, 2048, 4096] as const).map((n) => row(matmulGroup(n, n, n), 'ours-gpu', { wallMs: 1, gpuMs: matmulMs(n, n === 4096 ? 47 : 0.85 * ANCHORS.cublas[n].value) })),
    conv('forward', { wallMs: 1, gpuMs: 0.05 }),
    conv('input grad', { wallMs: 1, gpuMs: 0.1 }),
    conv('weight grad', { wallMs: 1, gpuMs: 0.1 }),
  ];
}

const verdicts = (t: Targets) => Object.fromEntries(t.lines.map((l) => [l.target, l.verdict]));
const line = (t: Targets, prefix: string) => {
  const found = t.lines.find((l) => l.target.startsWith(prefix));
  if (!found) throw new Error(`no target line ${prefix}`);
  return found;
};

describe('isSoftwareAdapter', () => {
  it('recognises lavapipe and SwiftShader, not a hardware GPU', () => {
    expect(isSoftwareAdapter(LAVAPIPE)).toBe(true);
    expect(isSoftwareAdapter(SWIFTSHADER)).toBe(true);
    expect(isSoftwareAdapter(H100)).toBe(false);
  });

  it('looks at every field, not only the description', () => {
    expect(isSoftwareAdapter(adapter('mesa', '', 'llvmpipe (LLVM 15)', 'Mesa 25'))).toBe(true);
    expect(isSoftwareAdapter(adapter('acme', 'software', 'renderer 2', 'acme 1.0'))).toBe(true);
    expect(isSoftwareAdapter(adapter('mesa', '', 'AMD Radeon RX 7900', 'radv Mesa 25'))).toBe(false);
  });
});

describe('targets on a hardware adapter', () => {
  it('meets targets 1–4 with a fast run; target 5 is for software Vulkan', () => {
    const t = targets(fastGpuRun(), H100);
    expect(t.software).toBe(false);
    expect(t.lines.slice(0, -1).map((l) => l.verdict)).toEqual(Array(7).fill('met'));
    expect(line(t, '5.').verdict).toBe('not measured'); // no CPU rows in this run
    expect(line(t, '1.').value).toBeCloseTo(0.2);
    expect(line(t, '1.').speedup).toBeCloseTo(1.1 / 0.2);
    expect(line(t, '4.').speedup).toBeCloseTo(25);
  });

  it('fails each target just past its goal', () => {
    const rows = fastGpuRun().map((r): Row => {
      if (r.impl === 'tfjs-webgpu') return training('tfjs-webgpu', 19 * (0.26 / 0.6));
      if (r.group === TRAINING_GROUP) return training('ours-gpu', 0.26 / 0.6);
      if (r.group === matmulGroup(4096, 4096, 4096)) return { ...r, gpuMs: matmulMs(4096, 46) }; // ≥ 45 TFLOP/s but below 0.9 × 51.2
      if (r.group === matmulGroup(1024, 1024, 1024)) return { ...r, gpuMs: matmulMs(1024, 0.79 * 30.1) };
      if (r.group === convGroup('forward', 100, 32, 64, 14)) return { ...r, gpuMs: 0.053 };
      return r;
    });
    expect(verdicts(targets(rows, H100))).toEqual({
      '1. cnn MNIST epoch, batch 100, Adam': 'not met',
      '2. fp32 matmul 1024²': 'not met',
      '2. fp32 matmul 2048²': 'met',
      '2. fp32 matmul 4096²': 'not met',
      '3. conv2d forward 100×32→64 14²': 'not met',
      '3. conv2d fwd+bwd 100×32→64 14²': 'met', // 0.053 + 0.1 + 0.1 ≤ 0.33
      '4. cnn training vs TF.js webgpu': 'not met',
      '5. WGSL kernels vs CPU backends': 'not measured',
    });
  });

  it('says "not measured" for every target an empty run lacks, and for failed rows', () => {
    expect(new Set(targets([], H100).lines.map((l) => l.verdict))).toEqual(new Set(['not measured']));
    const rows = fastGpuRun().map((r) => (r.group === convGroup('weight grad', 100, 32, 64, 14) || r.impl === 'tfjs-webgpu' ? { ...r, samples: 0, error: 'boom' } : r));
    const t = targets(rows, H100);
    expect(line(t, '3. conv2d forward ').verdict).toBe('met');
    expect(line(t, '3. conv2d fwd+bwd').verdict).toBe('not measured');
    expect(line(t, '4.').verdict).toBe('not measured');
    expect(line(t, '4.').value).not.toBeNull(); // ours still shown
  });

  it('uses GPU timestamps for conv only when every pass has them, else wall clock for all', () => {
    const withGpu = line(targets(fastGpuRun(), H100), '3. conv2d fwd+bwd');
    expect(withGpu.value).toBeCloseTo(0.25);
    expect(withGpu.basis).toContain('GPU timestamps');
    const rows = fastGpuRun().map((r) => (r.group === convGroup('input grad', 100, 32, 64, 14) ? { ...r, gpuMs: null } : r));
    const wall = line(targets(rows, H100), '3. conv2d fwd+bwd');
    expect(wall.value).toBeCloseTo(3);
    expect(wall.basis).toContain('wall clock');
    expect(wall.verdict).toBe('not met');
  });
});

describe('targets on a software adapter', () => {
  it('shows targets 1–4 measured but not applicable', () => {
    const t = targets(fastGpuRun(), LAVAPIPE);
    for (const l of t.lines.slice(0, -1)) {
      expect(l.verdict).toMatch(/^not applicable: software adapter/);
      expect(l.value).not.toBeNull();
    }
  });

  const cpuRows = (group: string, ours: number, peers: Partial<Record<Impl, number>>) => [
    row(group, 'ours-gpu', { wallMs: ours }),
    ...Object.entries(peers).map(([impl, wallMs]) => row(group, impl as Impl, { wallMs })),
  ];

  it('meets target 5 only when ours-gpu beats every CPU peer in every group', () => {
    const rows = [...cpuRows('a', 1, { 'ours-cpu': 2, 'tfjs-wasm': 3, 'tfjs-cpu': 4 }), ...cpuRows('b', 1, { 'tfjs-wasm': 1.5 }), row('c', 'ours-gpu', { wallMs: 9 })];
    const met = targets(rows, LAVAPIPE);
    expect(line(met, '5.')).toMatchObject({ value: 2, unit: 'of 2 groups faster', verdict: 'met', speedup: 1.5 });
    expect(met.cpuWins).toEqual([]);

    const slower = [...rows, ...cpuRows('d', 5, { 'ours-cpu': 6, 'tfjs-wasm': 2, 'tfjs-cpu': 5 })];
    const t = targets(slower, LAVAPIPE);
    expect(line(t, '5.')).toMatchObject({ value: 2, unit: 'of 3 groups faster', verdict: 'not met', speedup: 0.4 });
    expect(t.cpuWins).toEqual([{ group: 'd', oursMs: 5, faster: [{ impl: 'tfjs-wasm', wallMs: 2 }, { impl: 'tfjs-cpu', wallMs: 5 }] }]);
    expect(line(targets(slower, H100), '5.').verdict).toMatch(/^not applicable: hardware adapter/);
  });

  it('counts a group whose ours-gpu failed as failing, and skips failed peers', () => {
    const rows = [row('a', 'ours-gpu', { wallMs: NaN, error: 'boom' }), row('a', 'tfjs-wasm', { wallMs: 3 }), ...cpuRows('b', 1, { 'ours-cpu': 2 }), row('b', 'tfjs-wasm', { wallMs: NaN, error: 'no kernel' })];
    const t = targets(rows, LAVAPIPE);
    expect(line(t, '5.')).toMatchObject({ value: 1, unit: 'of 2 groups faster', verdict: 'not met' });
    expect(t.cpuWins).toEqual([{ group: 'a', oursMs: null, faster: [{ impl: 'tfjs-wasm', wallMs: 3 }] }]);
  });
});

describe('targetsTable', () => {
  it('names the adapter and the anchors\' source, and lists the groups that fail target 5', () => {
    const rows = [...fastGpuRun(), row('matmul 256²', 'ours-gpu', { wallMs: 15.5 }), row('matmul 256²', 'tfjs-wasm', { wallMs: 0.744 })];
    const text = targetsTable(targets(rows, LAVAPIPE));
    expect(text).toContain('llvmpipe: Mesa 25.0.7');
    expect(text).toContain('(software)');
    expect(text).toContain(ANCHOR_SOURCE);
    expect(text).toContain('| 2. fp32 matmul 4096²');
    expect(text).toMatch(/\| 47(\.0)? TFLOP\/s \(GPU timestamps\)/);
    expect(text).toContain('- matmul 256²: ours-gpu 15.50 ms; tfjs-wasm 0.744 ms');
  });
});

describe('bench suites', () => {
  it('have the groups the targets read: matmul 1024–4096 in --full, the tutorial conv in both runs', () => {
    const names = (full: boolean) => kernelGroups(full).map((g) => g.name);
    const convs = (['forward', 'input grad', 'weight grad'] as const).map((p) => convGroup(p, 100, 32, 64, 14));
    expect(names(true)).toEqual(expect.arrayContaining([...[1024, 2048, 4096].map((n) => matmulGroup(n, n, n)), ...convs]));
    expect(names(false)).toEqual(expect.arrayContaining(convs));
    expect(trainingGroup(true).name).toBe(TRAINING_GROUP);
  });
});
