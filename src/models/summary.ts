// A model summary as torchsummary prints it (the table the tutorials show), from one traced
// forward pass: each leaf module call is a row, containers are not, as in torchsummary.
import { noGrad } from '../autograd/grad-mode.js';
import { zeros } from '../tensor/create.js';
import { scope } from '../tensor/scope.js';
import { sizeOf } from '../tensor/shape.js';
import { traceShapes, type Module } from '../layers/module.js';

export interface SummaryRow {
  /** torchsummary's row name: the type and the row's number in call order (`Conv2d-1`). */
  name: string;
  /** Dotted path under the model (`layer1.0`); '' for the model itself or a module it never registered (one kept in an array, or made in forward). */
  path: string;
  type: string;
  description: string;
  /** With the batch dimension as -1, as torchsummary prints it. */
  outputShape: number[];
  /** The module's own parameters. */
  params: number;
}

export interface Summary {
  inputShape: number[];
  rows: SummaryRow[];
  /** Each parameter once, even when a module is registered under two names. */
  totalParams: number;
  trainableParams: number;
  inputBytes: number;
  /** torchsummary's estimate: every row's output for one sample, twice (values and gradients), in float32. */
  forwardBackwardBytes: number;
  paramsBytes: number;
  totalBytes: number;
}

const FLOAT_BYTES = 4;

/** Every registered module with its dotted path; the first name wins for a module registered twice. */
function modulePaths(model: Module): Map<Module, string> {
  const paths = new Map<Module, string>([[model, '']]);
  const walk = (m: Module, prefix: string) => {
    for (const [name, child] of m.children()) {
      if (paths.has(child)) continue;
      paths.set(child, prefix + name);
      walk(child, `${prefix}${name}.`);
    }
  };
  walk(model, '');
  return paths;
}

/**
 * Runs one forward pass on a zero batch of one (`inputShape` excludes the batch) and tabulates the
 * leaf modules' outputs. The GPU must be initialised. The model runs in eval mode so dropout
 * draws no random numbers (a summary must not shift a seeded training run); modes are restored.
 */
export async function summarize(model: Module, inputShape: number[]): Promise<Summary> {
  const paths = modulePaths(model);
  const rows: SummaryRow[] = [];
  const modes = [...paths.keys()].map((m) => [m, m.training] as const);
  model.eval();
  try {
    scope(() => noGrad(() => traceShapes(() => model.call(zeros([1, ...inputShape])), (m, y) => {
      if (m.children().length) return;
      const type = m.constructor.name;
      rows.push({
        name: `${type}-${rows.length + 1}`,
        path: paths.get(m) ?? '',
        type,
        description: m.describe(),
        outputShape: y.shape.map((d, i) => (i === 0 ? -1 : d)),
        params: m.parameterCount(),
      });
    })));
  } finally {
    for (const [m, training] of modes) m.training = training;
  }
  const params = model.parameters();
  const totalParams = params.reduce((n, p) => n + p.size, 0);
  const inputBytes = sizeOf(inputShape) * FLOAT_BYTES;
  const forwardBackwardBytes = rows.reduce((n, r) => n + sizeOf(r.outputShape.slice(1)), 0) * 2 * FLOAT_BYTES;
  const paramsBytes = totalParams * FLOAT_BYTES;
  return {
    inputShape: [...inputShape],
    rows,
    totalParams,
    trainableParams: params.filter((p) => p.requiresGrad).reduce((n, p) => n + p.size, 0),
    inputBytes,
    forwardBackwardBytes,
    paramsBytes,
    totalBytes: inputBytes + forwardBackwardBytes + paramsBytes,
  };
}

/** Python's `{:,}`. */
const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const mb = (bytes: number) => (bytes / 1024 ** 2).toFixed(2);
/** torchsummary's `{:>20}  {:>25} {:>15}`. */
const line = (name: string, shape: string, params: string) => `${name.padStart(20)}  ${shape.padStart(25)} ${params.padStart(15)}`;

/** The table torchsummary prints, character for character. */
export function formatSummary(s: Summary): string {
  const rule = '-'.repeat(64);
  const double = '='.repeat(64);
  return [
    rule,
    line('Layer (type)', 'Output Shape', 'Param #'),
    double,
    ...s.rows.map((r) => line(r.name, `[${r.outputShape.join(', ')}]`, grouped(r.params))),
    double,
    `Total params: ${grouped(s.totalParams)}`,
    `Trainable params: ${grouped(s.trainableParams)}`,
    `Non-trainable params: ${grouped(s.totalParams - s.trainableParams)}`,
    rule,
    `Input size (MB): ${mb(s.inputBytes)}`,
    `Forward/backward pass size (MB): ${mb(s.forwardBackwardBytes)}`,
    `Params size (MB): ${mb(s.paramsBytes)}`,
    `Estimated Total Size (MB): ${mb(s.totalBytes)}`,
    rule,
    '',
  ].join('\n');
}
