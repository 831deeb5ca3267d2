// SGD, Adam and AdamW: GPU kernels and CPU references against PyTorch's update rules in float64,
// skipped parameters, zeroGrad, state dict round trips, option checks, and a tiny training run.
import { describe, expect, it, vi } from 'vitest';
import { capture, runtime, scope, sub, sum, mul, tensor, type Tensor } from '../../src/index.js';
import { Adam, AdamW, SGD, type Optimizer } from '../../src/optim/index.js';
import { mulberry32 } from '../../src/tensor/random.js';
import { expectClose, type Tolerance } from '../support/close.js';
import { useGpu } from '../support/gpu.js';
import { liveBuffers } from '../support/op-check.js';
import { simulate, type Hyper } from './textbook.js';

useGpu();

/**
 * Float32 steps against float64, on values of order one. Each step rounds the stored parameter and
 * state to float32 (≤ 2^-24 ≈ 6e-8 relative) plus ~10 intermediates, and WGSL's sqrt and division
 * may be ~3 ULP off; the update is ≤ lr·O(1), so the parameter's own rounding dominates: about
 * 5 steps × 3 ULP ≈ 1e-6 of the scale in the worst case (measured: ≤ 2.4e-7). Every option the
 * tests vary (a missing bias correction, ε in the wrong place, L2 vs decoupled decay, Nesterov, the
 * first momentum step, a skipped parameter's step count) moves some parameter by 1e-3 or more.
 */
const STEPS: Tolerance = { rtol: 2e-6, atol: 2e-6 };

type Device = 'gpu' | 'cpu';
type Make = (params: Tensor[]) => Optimizer<{ lr: number }>;

interface Case {
  name: string;
  make: Make;
  hyper: Hyper;
}

const sgd = (o: { lr: number; momentum?: number; dampening?: number; weightDecay?: number; nesterov?: boolean }): Case => {
  const full = { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, ...o };
  return { name: `SGD ${JSON.stringify(o)}`, make: (p) => new SGD(p, o), hyper: { kind: 'sgd', ...full } };
};
const adam = (kind: 'adam' | 'adamw', o: { lr: number; betas?: [number, number]; eps?: number; weightDecay?: number }): Case => {
  const full = { betas: [0.9, 0.999] as const, eps: 1e-8, weightDecay: kind === 'adamw' ? 0.01 : 0, ...o };
  const make: Make = kind === 'adam' ? (p) => new Adam(p, o) : (p) => new AdamW(p, o);
  return { name: `${kind === 'adam' ? 'Adam' : 'AdamW'} ${JSON.stringify(o)}`, make, hyper: { kind, ...full } };
};

const CASES: Case[] = [
  sgd({ lr: 0.1 }),
  sgd({ lr: 0.1, weightDecay: 0.2 }),
  sgd({ lr: 0.05, momentum: 0.9 }),
  sgd({ lr: 0.05, momentum: 0.9, dampening: 0.3 }),
  sgd({ lr: 0.05, momentum: 0.9, nesterov: true }),
  sgd({ lr: 0.05, momentum: 0.5, weightDecay: 0.1, nesterov: true }),
  adam('adam', { lr: 0.05 }),
  adam('adam', { lr: 0.05, betas: [0.8, 0.95], eps: 0.1 }),
  adam('adam', { lr: 0.05, weightDecay: 0.3 }),
  adam('adam', { lr: 0.05, betas: [0, 0.5] }),
  adam('adamw', { lr: 0.05 }),
  adam('adamw', { lr: 0.1, weightDecay: 0.5, betas: [0.7, 0.9], eps: 1e-3 }),
];

/** Float32 values of magnitude 0.05…1 with either sign (Adam's √v stays far above ε). */
function values(n: number, seed: number): number[] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => Math.fround((r() < 0.5 ? -1 : 1) * (0.05 + 0.95 * r())));
}

const SIZES = [12, 5, 1000]; // 1000 spans several workgroups
const N_STEPS = 5;
const init = SIZES.map((n, j) => values(n, 10 + j));
/** Parameter 1 has no gradient at step 2, so its own step count lags the others'. */
const grads = Array.from({ length: N_STEPS }, (_, s) => SIZES.map((n, j) => (j === 1 && s === 1 ? null : values(n, 100 * s + j))));

async function run(c: Case, device: Device): Promise<Float32Array[]> {
  const params = init.map((v) => tensor(v, [v.length], { device, requiresGrad: true }));
  const opt = c.make(params);
  for (const stepGrads of grads) {
    stepGrads.forEach((g, j) => (params[j].grad = g && tensor(g, [g.length], { device })));
    opt.step();
    opt.zeroGrad();
  }
  const out = await Promise.all(params.map((p) => p.toArray()));
  opt.dispose();
  params.forEach((p) => p.dispose());
  return out;
}

describe.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
  const expected = simulate(c.hyper, init, grads);

  it.each(['gpu', 'cpu'] as const)('%s steps follow the PyTorch update rule', async (device) => {
    const got = await run(c, device);
    got.forEach((g, j) => expectClose(g, expected[j], STEPS, `${c.name} ${device} params[${j}]`));
  });

  it('GPU kernel agrees with the CPU reference', async () => {
    const [gpu, cpu] = [await run(c, 'gpu'), await run(c, 'cpu')];
    gpu.forEach((g, j) => expectClose(g, cpu[j], STEPS, `${c.name} params[${j}] GPU vs CPU`));
  });
});

describe('step', () => {
  it.each(['gpu', 'cpu'] as const)('leaves %s params with a null grad untouched and makes no state for them', async (device) => {
    const a = tensor([1, 2, 3], [3], { device, requiresGrad: true });
    const frozen = tensor([4, 5], [2], { device, requiresGrad: true });
    const opt = new Adam([a, frozen], { lr: 0.1 });
    a.grad = tensor([1, 1, 1], [3], { device });
    opt.step();
    opt.step();
    expect(Array.from(await frozen.toArray())).toEqual([4, 5]);
    expect(Array.from(await a.toArray())).not.toEqual([1, 2, 3]);
    const dict = await opt.stateDict();
    expect(dict.state[0]?.step).toBe(2);
    expect(dict.state[1]).toBeNull();
    opt.dispose();
  });

  it('records GPU work without reading anything back, and frees its state on dispose', async () => {
    const before = liveBuffers();
    const w = tensor([1, 2, 3], [3], { requiresGrad: true });
    w.grad = tensor([0.5, -0.5, 1], [3]);
    const opt = new AdamW([w], { lr: 0.1 });
    const read = vi.spyOn(runtime(), 'read');
    opt.step();
    opt.step();
    expect(read).not.toHaveBeenCalled();
    read.mockRestore();
    opt.dispose();
    w.dispose();
    expect(liveBuffers()).toBe(before);
  });

  it('survives the scope it was first called in (state is owned by the optimizer)', async () => {
    const w = tensor([1, 2], [2], { requiresGrad: true });
    const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
    for (let s = 0; s < 2; s++) {
      scope(() => {
        w.grad = tensor([1, 1], [2]);
        opt.step();
        opt.zeroGrad();
      });
    }
    // buf = 1, then 0.9 + 1 = 1.9: w = 1 − 0.1·(1 + 1.9).
    expectClose(await w.toArray(), [1 - 0.29, 2 - 0.29], STEPS, 'two momentum steps across scopes');
    opt.dispose();
  });

  it('rejects a grad of the wrong shape before updating any param', async () => {
    const a = tensor([1, 2], [2], { requiresGrad: true });
    const b = tensor([3, 4], [2], { requiresGrad: true });
    const opt = new SGD([a, b], { lr: 1 });
    a.grad = tensor([1, 1], [2]);
    b.grad = tensor([1, 1, 1], [3]);
    expect(() => opt.step()).toThrow('SGD: params[1] has shape [2] but its grad has shape [3]');
    expect(Array.from(await a.toArray())).toEqual([1, 2]);
    opt.dispose();
  });

  it('drops a stale host copy of an updated param', () => {
    const w = tensor([1, 2], [2]);
    w.requiresGrad = true;
    expect(w.hostValues).not.toBeNull();
    const opt = new SGD([w], { lr: 0.1 });
    w.grad = tensor([1, 1], [2]);
    opt.step();
    expect(w.hostValues).toBeNull();
    opt.dispose();
  });

  it('uses a changed lr from the next step on', async () => {
    const w = tensor([1], [1], { requiresGrad: true });
    const opt = new SGD([w], { lr: 0.5 });
    w.grad = tensor([1], [1]);
    opt.step();
    opt.lr = 0.25;
    expect(opt.lr).toBe(0.25);
    opt.step();
    expect(await w.item()).toBe(0.25);
    opt.dispose();
  });
});

describe('step in a captured step (capture / StepGraph.replay)', () => {
  it('counts replayed steps, reads lr afresh, and makes its state once', async () => {
    const w = tensor([1], [1], { requiresGrad: true });
    w.grad = tensor([1], [1]);
    const opt = new SGD([w], { lr: 0.5, momentum: 0.5 });
    const graph = capture(() => opt.step()); // step 1: buf = 1, w = 1 − 0.5
    opt.lr = 0.25;
    graph.replay(); // step 2: buf = 0.5 + 1, w = 0.5 − 0.25·1.5
    const state = await opt.stateDict();
    expect(state.state[0]?.step).toBe(2);
    expect(Array.from(state.state[0]!.buffers.momentumBuffer)).toEqual([1.5]);
    expect(await w.item()).toBe(0.125);
    graph.dispose();
    opt.dispose();
    w.grad.dispose();
  });

  it('refuses to replay once the optimizer is disposed or its state replaced', async () => {
    const w = tensor([1, 2], [2], { requiresGrad: true });
    w.grad = tensor([1, 1], [2]);
    const opt = new Adam([w]);
    const graph = capture(() => opt.step());
    opt.loadStateDict(await opt.stateDict());
    expect(() => graph.replay()).toThrow(/^Adam: params\[0\]'s state was replaced \(loadStateDict\) after the step was captured; capture it again/);
    opt.dispose();
    expect(() => graph.replay()).toThrow(/^Adam: the optimizer was disposed/);
    graph.dispose();
    w.grad.dispose();
  });
});

describe('zeroGrad', () => {
  it('disposes each grad and sets it to null', () => {
    const a = tensor([1, 2], [2], { requiresGrad: true });
    const b = tensor([3], [1], { requiresGrad: true });
    const g = tensor([1, 1], [2]);
    a.grad = g;
    const opt = new SGD([a, b]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
    expect(b.grad).toBeNull();
    expect(g.isDisposed).toBe(true);
    opt.dispose();
  });
});

describe('stateDict', () => {
  const resumable: [string, Make][] = [
    ['SGD', (p) => new SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
    ['Adam', (p) => new Adam(p, { lr: 0.05, weightDecay: 0.1 })],
    ['AdamW', (p) => new AdamW(p, { lr: 0.05 })],
  ];

  it.each(resumable)('%s resumed from a state dict continues identically', async (name, make) => {
    const stepAll = (opt: Optimizer<{ lr: number }>, params: Tensor[], s: number) => {
      params.forEach((p, j) => (p.grad = tensor(values(p.size, 500 + 10 * s + j), p.shape)));
      opt.step();
      opt.zeroGrad();
    };
    const a = init.map((v) => tensor(v, [v.length], { requiresGrad: true }));
    const optA = make(a);
    for (let s = 0; s < 3; s++) stepAll(optA, a, s);
    optA.lr = 0.02;
    const dict = await optA.stateDict();
    expect(dict.optimizer).toBe(name);
    expect(dict.state.map((s) => s?.step)).toEqual([3, 3, 3]);

    const snapshot = await Promise.all(a.map((p) => p.toArray()));
    const b = snapshot.map((v) => tensor(v, [v.length], { requiresGrad: true }));
    const fresh = snapshot.map((v) => tensor(v, [v.length], { requiresGrad: true }));
    const optB = make(b);
    const optFresh = make(fresh);
    optB.loadStateDict(dict);
    optFresh.lr = 0.02;
    expect(optB.lr).toBe(0.02);
    for (let s = 3; s < 6; s++) [[optA, a], [optB, b], [optFresh, fresh]].forEach(([o, p]) => stepAll(o as Optimizer<{ lr: number }>, p as Tensor[], s));

    const [endA, endB, endFresh] = await Promise.all([a, b, fresh].map((ps) => Promise.all(ps.map((p) => p.toArray()))));
    endA.forEach((v, j) => expect(Array.from(endB[j]), `params[${j}]`).toEqual(Array.from(v)));
    // Without the restored state the run differs: the check above can fail.
    expect(Array.from(endFresh[0])).not.toEqual(Array.from(endA[0]));
    [optA, optB, optFresh].forEach((o) => o.dispose());
  });

  it('state dict values are a snapshot, in plain Float32Arrays', async () => {
    const w = tensor([1, 2, 3], [3], { requiresGrad: true });
    const opt = new Adam([w], { lr: 0.1 });
    w.grad = tensor([2, 2, 2], [3]);
    opt.step();
    const dict = await opt.stateDict();
    opt.step();
    const m = dict.state[0]!.buffers.expAvg;
    expect(m).toBeInstanceOf(Float32Array);
    expectClose(m, [0.2, 0.2, 0.2], STEPS, 'exp_avg after one step');
    expectClose(dict.state[0]!.buffers.expAvgSq, [0.004, 0.004, 0.004], STEPS, 'exp_avg_sq after one step');
    opt.dispose();
  });

  it('rejects a state dict that does not fit', async () => {
    const w = tensor([1, 2, 3], [3], { requiresGrad: true });
    const opt = new Adam([w], { lr: 0.1 });
    w.grad = tensor([1, 1, 1], [3]);
    opt.step();
    const dict = await opt.stateDict();
    expect(() => new AdamW([w]).loadStateDict(dict)).toThrow('AdamW: loadStateDict: the state dict is from Adam, not AdamW');
    expect(() => new Adam([w], { lr: 0.1, eps: 1e-6 }).loadStateDict(dict)).toThrow('Adam: loadStateDict: eps is 1e-8 in the state dict but 0.000001 here');
    const v = tensor([1, 2], [2], { requiresGrad: true });
    expect(() => new Adam([v], { lr: 0.1 }).loadStateDict(dict)).toThrow('Adam: loadStateDict: state[0].expAvg has 3 values, params[0] has shape [2]');
    expect(() => new SGD([w]).loadStateDict(dict as never)).toThrow('SGD: loadStateDict: the state dict is from Adam, not SGD');
    opt.dispose();
  });
});

describe('options', () => {
  const p = () => [tensor([1, 2], [2], { requiresGrad: true })];
  it.each<[string, () => unknown]>([
    ['Adam: lr must be a finite number ≥ 0, got NaN', () => new Adam(p(), { lr: NaN })],
    ['SGD: lr must be a finite number ≥ 0, got -1', () => new SGD(p(), { lr: -1 })],
    ['Adam: betas[0] must be a finite number ≥ 0 and < 1, got 1', () => new Adam(p(), { betas: [1, 0.999] })],
    ['AdamW: betas[1] must be a finite number ≥ 0 and < 1, got -0.1', () => new AdamW(p(), { betas: [0.9, -0.1] })],
    ['Adam: betas must be a pair [beta1, beta2], got [0.9]', () => new Adam(p(), { betas: [0.9] as unknown as [number, number] })],
    ['Adam: eps must be a finite number ≥ 0, got -1e-8', () => new Adam(p(), { eps: -1e-8 })],
    ['AdamW: weightDecay must be a finite number ≥ 0, got -0.01', () => new AdamW(p(), { weightDecay: -0.01 })],
    ['SGD: momentum must be a finite number ≥ 0, got -0.5', () => new SGD(p(), { momentum: -0.5 })],
    ['SGD: nesterov requires momentum > 0 and dampening 0, got momentum 0 and dampening 0', () => new SGD(p(), { nesterov: true })],
    ['SGD: nesterov requires momentum > 0 and dampening 0, got momentum 0.9 and dampening 0.1', () => new SGD(p(), { nesterov: true, momentum: 0.9, dampening: 0.1 })],
    ['SGD: unknown option weight_decay (the options are lr, momentum, dampening, weightDecay, nesterov)', () => new SGD(p(), { weight_decay: 0.1 } as never)],
    ['SGD: params must not be empty', () => new SGD([])],
    ['Adam: params[1] (shape [3]) does not require grad', () => new Adam([...p(), tensor([1, 2, 3])])],
    ['Adam: params[0] (shape [2]) is the result of an op, not a leaf', () => new Adam([mul(p()[0], 2)])],
    ['SGD: params[1] shares its memory with params[0]', () => {
      const [w] = p();
      return new SGD([w, w.share({ requiresGrad: true })]);
    }],
    ['Adam: lr must be a finite number ≥ 0, got Infinity', () => {
      new Adam(p()).lr = Infinity;
    }],
    ['SGD: params[0].grad of shape [2] was used after dispose()', () => {
      const [w] = p();
      w.grad = tensor([1, 1]);
      w.grad.dispose();
      new SGD([w]).step();
    }],
  ])('%s', (message, make) => {
    expect(make).toThrow(message);
  });
});

describe('training', () => {
  it('Adam on the GPU minimises sum((w − 3)²) through autograd', async () => {
    const w = tensor([0, 1, -2, 5, 3], [5], { requiresGrad: true });
    const opt = new Adam([w], { lr: 0.1 });
    const loss = () =>
      scope(() => {
        const d = sub(w, 3);
        const l = sum(mul(d, d));
        l.backward();
        return l.item();
      });
    const first = await loss();
    opt.zeroGrad();
    for (let s = 0; s < 300; s++) {
      scope(() => {
        const d = sub(w, 3);
        sum(mul(d, d)).backward();
      });
      opt.step();
      opt.zeroGrad();
    }
    const last = await loss();
    expect(first).toBe(9 + 4 + 25 + 4);
    expect(last).toBeLessThan(1e-3);
    for (const v of await w.toArray()) expect(Math.abs(v - 3)).toBeLessThan(0.02);
    opt.dispose();
    w.dispose();
  });
});
