// Elementwise binary ops with broadcasting: add, sub, mul, div, pow, and the comparisons
// eq, gt, lt (1 or 0, not differentiable). Kernel: kernels/wgsl/binary.wgsl.
import { binaryFunctions, binaryReference } from '../reference/elementwise.js';
import { broadcastShapes, broadcastStrides, formatShape, sameShape, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { apply, checkUsable } from './apply.js';
import { fail } from './errors.js';
import { grid1d, MAX_RANK } from './launch.js';
import { sumToShape } from './reduce.js';
import { scalarLike } from './scalar.js';
import type { BackwardRule, KernelSpec, Sample } from './spec.js';
import { log, neg } from './unary.js';

type Params = Record<string, never>;
type Name = keyof typeof binaryFunctions;

/** Operation codes of binary.wgsl's OP. */
const CODES: Record<Name, number> = { add: 0, sub: 1, mul: 2, div: 3, pow: 4, eq: 5, gt: 6, lt: 7 };

const samples: Sample<Params>[] = [
  { note: 'same shape', inputs: [[3, 5], [3, 5]], params: {} },
  { note: 'broadcast rows and columns', inputs: [[4, 1, 3], [5, 1]], params: {} },
  { note: 'batch 1, rank 4', inputs: [[1, 3, 7, 7], [3, 1, 1]], params: {} },
  { note: 'scalar operand', inputs: [[2, 9], []], params: {} },
];

function binarySpec(name: Name, backward: BackwardRule<Params> | null, sampleList = samples): KernelSpec<Params> {
  return {
    kind: 'kernel',
    name,
    inputs: ['input', 'other'],
    shape([a, b]) {
      const out = broadcastShapes(a, b);
      if (!out) fail(name, `shapes ${formatShape(a)} (input) and ${formatShape(b)} (other) cannot be broadcast together`);
      if (out.length > MAX_RANK) fail(name, `at most ${MAX_RANK} dims are supported, got ${formatShape(out)}`);
      return out;
    },
    gpu(rt, [a, b], [out]) {
      const n = sizeOf(out.shape);
      const broadcast = !(sameShape(a.shape, out.shape) && sameShape(b.shape, out.shape));
      rt.dispatch({
        kernel: 'binary',
        label: name,
        constants: { OP: CODES[name], BROADCAST: broadcast ? 1 : 0 },
        params: (p) =>
          p.u32s(out.shape, MAX_RANK).u32s(broadcastStrides(a.shape, out.shape), MAX_RANK).u32s(broadcastStrides(b.shape, out.shape), MAX_RANK).u32(n, out.shape.length),
        buffers: [a.buffer, b.buffer, out.buffer],
        workgroups: grid1d(n, 256),
      });
    },
    cpu([a, b], [out]) {
      binaryReference(binaryFunctions[name], a, b, out);
    },
    backward,
    samples: sampleList,
    invalid: [{ inputs: [[2, 3], [4]], params: {}, error: new RegExp(`^${name}: shapes \\[2, 3\\] \\(input\\) and \\[4\\] \\(other\\) cannot be broadcast`) }],
  };
}

/** Gradients of both operands from their unreduced forms, summed back over broadcast dims. */
function both(ctx: { inputs: readonly Tensor[]; needsGrad: readonly boolean[] }, da: () => Tensor, db: () => Tensor): (Tensor | null)[] {
  const [a, b] = ctx.inputs;
  return [ctx.needsGrad[0] ? sumToShape(da(), a.shape) : null, ctx.needsGrad[1] ? sumToShape(db(), b.shape) : null];
}

export const addSpec = binarySpec('add', (ctx, g) => both(ctx, () => g, () => g));
export const subSpec = binarySpec('sub', (ctx, g) => both(ctx, () => g, () => neg(g)));
export const mulSpec = binarySpec('mul', (ctx, g) => both(ctx, () => mul(g, ctx.inputs[1]), () => mul(g, ctx.inputs[0])));
export const divSpec = binarySpec('div', (ctx, g) =>
  both(ctx, () => div(g, ctx.inputs[1]), () => neg(div(mul(g, ctx.output), ctx.inputs[1]))),
);
const positiveBase: Sample<Params>[] = [
  { note: 'positive base', inputs: [{ shape: [3, 4], fill: (r) => 0.5 + r() * 2 }, [3, 4]], params: {} },
  { note: 'broadcast exponent', inputs: [{ shape: [2, 3, 5], fill: (r) => 0.5 + r() * 2 }, [5]], params: {} },
];
export const powSpec = binarySpec(
  'pow',
  (ctx, g) => {
    const [a, b] = ctx.inputs;
    // PyTorch's masks: d/da is 0 where b = 0 (b·a^(b−1) would be 0·inf at a = 0), and d/db is 0
    // where a = 0 and b ≥ 0 (a^b·log a would be 0·−inf). Shifting the exponent or the log's
    // argument there keeps every term finite.
    return both(
      ctx,
      () => mul(g, mul(b, pow(a, add(sub(b, 1), eq(b, 0))))),
      () => mul(g, mul(ctx.output, log(add(a, mul(eq(a, 0), sub(1, lt(b, 0))))))),
    );
  },
  positiveBase,
);
export const eqSpec = binarySpec('eq', null);
export const gtSpec = binarySpec('gt', null);
export const ltSpec = binarySpec('lt', null);

type Operand = Tensor | number;

function binary(spec: KernelSpec<Params>, a: Operand, b: Operand): Tensor {
  if (typeof a === 'number' && typeof b === 'number') fail(spec.name, 'at least one operand must be a Tensor');
  if (typeof a !== 'number') checkUsable(spec.name, 'input', a);
  if (typeof b !== 'number') checkUsable(spec.name, 'other', b);
  const ta = typeof a === 'number' ? scalarLike(a, b as Tensor) : a;
  const tb = typeof b === 'number' ? scalarLike(b, a as Tensor) : b;
  return apply(spec, [ta, tb], {});
}

export const add = (a: Operand, b: Operand): Tensor => binary(addSpec, a, b);
export const sub = (a: Operand, b: Operand): Tensor => binary(subSpec, a, b);
export const mul = (a: Operand, b: Operand): Tensor => binary(mulSpec, a, b);
export const div = (a: Operand, b: Operand): Tensor => binary(divSpec, a, b);
export const pow = (a: Operand, b: Operand): Tensor => binary(powSpec, a, b);
export const eq = (a: Operand, b: Operand): Tensor => binary(eqSpec, a, b);
export const gt = (a: Operand, b: Operand): Tensor => binary(gtSpec, a, b);
export const lt = (a: Operand, b: Operand): Tensor => binary(ltSpec, a, b);
