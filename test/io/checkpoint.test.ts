// Checkpoints on the GPU: weights and optimizer state survive a save and a load bit for bit, and a
// file that does not fit (another model, corruption, the wrong kind of file) fails with a clear error.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adam, Linear, ReLU, Sequential, tensor, type Module, type Tensor } from '../../src/index.js';
import { loadCheckpoint, loadOptimizerState, saveCheckpoint, saveOptimizerState } from '../../src/io/checkpoint.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { mulberry32 } from '../../src/tensor/random.js';
import { useGpu } from '../support/gpu.js';

useGpu();

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'checkpoint-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const mlp = () => new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2));
const input = () => tensor([0.5, -1, 2, 0.25, -0.3, 0.7, 1.5, -2], [2, 4]);
const bits = (a: Float32Array) => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];
const outputBits = async (m: Module) => bits(await m.forward(input()).toArray());

/** Every parameter's values, as bits, by name. */
async function weightBits(m: Module): Promise<Record<string, number[]>> {
  return Object.fromEntries([...(await m.stateDict())].map(([name, { data }]) => [name, bits(data)]));
}

describe('saveCheckpoint / loadCheckpoint', () => {
  it('restores a model exactly, under PyTorch state_dict names, with string metadata', async () => {
    const path = join(dir, 'best.safetensors');
    const [a, b] = [mlp(), mlp()];
    expect(await outputBits(b)).not.toEqual(await outputBits(a));
    await saveCheckpoint(path, a, { model: 'mlp', epoch: 3, val_accuracy: 0.99 });

    const file = decodeSafetensors(await readFile(path), path);
    expect([...file.tensors].map(([name, t]) => [name, t.shape])).toEqual([
      ['0.weight', [3, 4]],
      ['0.bias', [3]],
      ['2.weight', [2, 3]],
      ['2.bias', [2]],
    ]);
    expect(file.metadata).toEqual({ format: 'pt', model: 'mlp', epoch: '3', val_accuracy: '0.99' });

    expect(await loadCheckpoint(path, b, { expectModel: 'mlp' })).toEqual(file.metadata);
    expect(await weightBits(b)).toEqual(await weightBits(a));
    expect(await outputBits(b)).toEqual(await outputBits(a));
  });

  it('stores a parameter registered under two names under both, as torch does', async () => {
    const path = join(dir, 'shared.safetensors');
    const shared = () => {
      const fc = new Linear(3, 3);
      return new Sequential({ fc, block: new Sequential(fc, new ReLU()) });
    };
    const [a, b] = [shared(), shared()];
    await saveCheckpoint(path, a, { model: 'shared' });
    expect([...decodeSafetensors(await readFile(path), path).tensors.keys()]).toEqual(['fc.weight', 'fc.bias', 'block.0.weight', 'block.0.bias']);
    await loadCheckpoint(path, b);
    expect(await weightBits(b)).toEqual(await weightBits(a));
  });

  it('refuses a checkpoint of another model, saying which it holds and which was asked for', async () => {
    const path = join(dir, 'mlp.safetensors');
    await saveCheckpoint(path, mlp(), { model: 'mlp' });
    const other = new Sequential(new Linear(4, 5), new ReLU(), new Linear(5, 2));
    const before = await weightBits(other);
    await expect(loadCheckpoint(path, other, { expectModel: 'wide-mlp' })).rejects.toThrow(`${path} holds a checkpoint of model 'mlp', but model 'wide-mlp' was asked for`);
    await expect(loadCheckpoint(path, other)).rejects.toThrow(
      `${path} (a checkpoint of model 'mlp') does not fit this model: loadStateDict: 0.weight has shape [3, 4] in the state dict but [5, 4] in the model`,
    );
    await expect(loadCheckpoint(path, new Sequential(new Linear(4, 3)))).rejects.toThrow('does not fit this model: loadStateDict: unexpected 2.weight, 2.bias');
    expect(await weightBits(other)).toEqual(before);
  });

  it('names the file when it is corrupt or missing', async () => {
    const path = join(dir, 'torn.safetensors');
    await saveCheckpoint(path, mlp(), { model: 'mlp' });
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 5));
    await expect(loadCheckpoint(path, mlp())).rejects.toThrow(`${path}: not a valid safetensors file: 2.bias ends at byte`);
    await expect(loadCheckpoint(join(dir, 'nope.safetensors'), mlp())).rejects.toThrow(/ENOENT.*nope\.safetensors/);
  });
});

describe('saveOptimizerState / loadOptimizerState', () => {
  /** Deterministic gradients for step s; the last parameter gets none before step 2, so Adam has no state for it. */
  function setGrads(params: Tensor[], s: number): void {
    const r = mulberry32(100 + s);
    params.forEach((p, j) => {
      p.grad = s < 2 && j === params.length - 1 ? null : tensor(Float32Array.from({ length: p.size }, () => r() - 0.5), p.shape);
    });
  }
  const steps = (opt: Adam, params: Tensor[], from: number, to: number) => {
    for (let s = from; s < to; s++) {
      setGrads(params, s);
      opt.step();
      opt.zeroGrad();
    }
  };

  it('resumes Adam exactly: further steps match the uninterrupted run bit for bit', async () => {
    const [modelPath, optPath] = [join(dir, 'last.safetensors'), join(dir, 'last.optim.safetensors')];
    const a = mlp();
    const optA = new Adam(a.parameters(), { lr: 0.01, betas: [0.8, 0.99], weightDecay: 0.1 });
    steps(optA, a.parameters(), 0, 2);
    const extra = {
      epoch: 2,
      bestValLoss: Infinity,
      patienceLeft: 3,
      rngState: 0xdeadbeef,
      history: [{ epoch: 1, train_loss: 0.5, val_loss: null, val_accuracy: NaN }],
    };
    const saved = await optA.stateDict();
    expect(saved.state.map((s) => s?.step ?? null)).toEqual([2, 2, 2, null]);
    await saveCheckpoint(modelPath, a, { model: 'mlp', epoch: 2 });
    await saveOptimizerState(optPath, saved, extra);

    const b = mlp();
    const optB = new Adam(b.parameters(), { lr: 0.5, betas: [0.8, 0.99], weightDecay: 0.1 });
    await loadCheckpoint(modelPath, b);
    const loaded = await loadOptimizerState<typeof saved.options, typeof extra>(optPath);
    expect(loaded.extra).toEqual(extra);
    expect(loaded.extra.bestValLoss).toBe(Infinity);
    expect(loaded.state).toEqual(saved);
    optB.loadStateDict(loaded.state);
    expect(optB.lr).toBe(0.01);

    steps(optA, a.parameters(), 2, 5);
    steps(optB, b.parameters(), 2, 5);
    expect(await weightBits(b)).toEqual(await weightBits(a));
    expect(await optB.stateDict()).toEqual(await optA.stateDict());
    optA.dispose();
    optB.dispose();
  });

  it('writes the documented layout', async () => {
    const path = join(dir, 'layout.optim.safetensors');
    await saveOptimizerState(path, { optimizer: 'SGD', options: { lr: 0.1 }, state: [{ step: 4, buffers: { momentumBuffer: Float32Array.of(1, 2) } }, null] }, { epoch: 4 });
    const { tensors, metadata } = decodeSafetensors(await readFile(path), path);
    expect([...tensors].map(([name, t]) => [name, t.shape, [...t.data]])).toEqual([['state.0.momentumBuffer', [2], [1, 2]]]);
    expect(metadata).toEqual({ format: 'webgpu-tensor-optimizer', optimizer: 'SGD', options: '{"lr":0.1}', steps: '[4,null]', extra: '{"epoch":4}' });
  });

  it('refuses files that are not optimizer state', async () => {
    const write = async (name: string, tensors: [string, number[]][], metadata: Record<string, string>) => {
      const path = join(dir, name);
      await writeFile(path, encodeSafetensors(new Map(tensors.map(([n, v]) => [n, { shape: [v.length], data: Float32Array.from(v) }])), metadata));
      return path;
    };
    const base = { format: 'webgpu-tensor-optimizer', optimizer: 'Adam', options: '{"lr":0.1}', steps: '[1,null]', extra: 'null' };
    const cases: [string, [string, number[]][], Record<string, string>, string][] = [
      ['weights.safetensors', [['0.weight', [1]]], { format: 'pt', model: 'mlp' }, "its format is 'pt', expected 'webgpu-tensor-optimizer'"],
      ['no-steps.safetensors', [], { ...base, steps: undefined as unknown as string }, 'the metadata has no steps'],
      ['bad-json.safetensors', [], { ...base, options: '{lr:' }, "the metadata's options is not JSON"],
      ['bad-steps.safetensors', [], { ...base, steps: '[0]' }, 'steps is not an array of step counts and nulls'],
      ['stray.safetensors', [['momentum', [1]]], base, 'unexpected tensor momentum'],
      ['no-step.safetensors', [['state.1.expAvg', [1]]], base, 'state.1.expAvg belongs to parameter 1, which has taken no step'],
      ['beyond.safetensors', [['state.7.expAvg', [1]]], base, 'state.7.expAvg belongs to parameter 7, which has no entry in steps'],
    ];
    for (const [name, tensors, metadata, message] of cases) {
      const clean = Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== undefined));
      const path = await write(name, tensors, clean);
      await expect(loadOptimizerState(path), name).rejects.toThrow(`${path}: not an optimizer state file: ${message}`);
    }
  });
});
