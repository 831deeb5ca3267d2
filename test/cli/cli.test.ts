// The built command line, run as a user runs it (npm test builds first).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/data/mnist.js';
import { encodePng } from '../../src/io/png.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/src/cli/main.js');

function run(args: string[], script?: string) {
  const r = spawnSync(process.execPath, script ? ['--input-type=module', '-e', script] : [cli, ...args], { encoding: 'utf8', timeout: 120_000, cwd: root });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('command line', () => {
  it('prints help, and fails bad input with one line and exit code 2', () => {
    expect(run(['train', '--help']).out).toMatch(/--batch-size <n>/);
    const bad = run(['train', '--model', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.err.trim()).toBe("train: --model must be one of cnn, deep-cnn, small-cnn, mlp, keras-cnn; got 'nope'");
    expect(run(['train', '--epochs', 'x']).err).toMatch(/train: --epochs expects a number, got 'x'/);
    expect(run(['train', '--learning-rate', '1']).err).toMatch(/train: Unknown option '--learning-rate'/);
    expect(run(['fit']).err).toMatch(/unknown command 'fit'/);
  });

  it('summary --json totals seed 002\'s 55,338 parameters', () => {
    const r = run(['summary', '--model', 'small-cnn', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).totalParams).toBe(55338);
  });

  it('trains, then evaluates and predicts with the checkpoint', () => {
    const out = mkdtempSync(join(tmpdir(), 'cli-'));
    const t = run(['train', '--model', 'mlp', '--dataset', 'mnist', '--optimizer', 'adam', '--epochs', '1', '--limit', '300', '--out', out]);
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/\[Epoch:    1\] cost = \d\.\d+ acc = 0\.\d{4} val_loss/);
    expect(t.out).toMatch(new RegExp(`Run folder: ${out}`));
    const e = JSON.parse(run(['evaluate', '--checkpoint', out, '--limit', '200', '--json']).out);
    expect(e.count).toBe(200);
    expect(e.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(200);
    const p = JSON.parse(run(['predict', '--checkpoint', out, '--index', '0', '--json', '--plot', join(out, 'p.svg')]).out);
    expect(p.trueLabel).toBe(7);
    expect(Object.values(p.probabilities as Record<string, number>).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(readFileSync(join(out, 'p.svg'), 'utf8')).toMatch(/^<svg/);
    // The same test image as a PNG file gives the same prediction.
    const image = loadMnist().test.images.subarray(0, 28 * 28);
    writeFileSync(join(out, 'seven.png'), encodePng(image, 28, 28));
    const fromFile = JSON.parse(run(['predict', '--checkpoint', out, '--image', join(out, 'seven.png'), '--json']).out);
    expect(fromFile.predicted).toBe(p.predicted);
    for (const [name, prob] of Object.entries(p.probabilities as Record<string, number>)) expect(fromFile.probabilities[name]).toBeCloseTo(prob, 5);
  });

  it('names a corrupt checkpoint and exits 1, leaving it in place', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cli-')), 'broken.safetensors');
    writeFileSync(file, 'not a checkpoint');
    const r = run(['evaluate', '--checkpoint', file]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`${file}`));
  });

  it('a script using the engine exits by itself when done', () => {
    const r = run([], `import { init, tensor, add } from ${JSON.stringify(join(root, 'dist/src/index.js'))};
      await init();
      console.log(Array.from(await add(tensor([1, 2]), 1).toArray()).join(','));`);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe('2,3');
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('%s stops a run after the current step, keeps its finished epochs and progress, and exits 128 + its number', async (signal) => {
    const out = mkdtempSync(join(tmpdir(), 'cli-'));
    const child = spawn(process.execPath, [cli, 'train', '--model', 'mlp', '--dataset', 'mnist', '--limit', '600', '--epochs', '100', '--out', out], { cwd: root });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = new Promise<number | null>((done) => child.on('exit', done));
    // Interrupt once the first epoch's files are written.
    while (!existsSync(join(out, 'metrics.jsonl'))) await new Promise((r) => setTimeout(r, 100));
    child.kill(signal);
    expect(await code).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(stderr).toMatch(/stopping after this step \(or the epoch's evaluation\) and saving the epoch's progress for --resume/);
    // The epoch under way at the signal is saved for --resume; a signal during an evaluation stops
    // once the epoch's checkpoints are written, which leave no progress pair.
    expect(readdirSync(out).filter((f) => /^partial-e\d+-s\d+\.safetensors$/.test(f)).length).toBeLessThanOrEqual(1);
    const epochs = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').length;
    expect(epochs).toBeGreaterThanOrEqual(1);
    expect(epochs).toBeLessThan(100);
    expect(existsSync(join(out, 'best.safetensors'))).toBe(true);
    // The folder alone resumes it, with the options it was started with (mlp, sgd, 600 images a split).
    const resumed = run(['train', '--resume', out, '--epochs', String(epochs + 1)]);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toMatch(/^Resuming .*: 600 train \/ 600 validation \/ 600 test images, 10 steps of 64 per epoch, sgd/m);
    expect(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(epochs + 1);
    expect(run(['train', '--resume', out, '--model', 'cnn']).err).toMatch(/different options \(model: "mlp" → "cnn"/);
    expect(run(['train', '--resume', out, '--out', join(out, 'other')]).code).toBe(2);
  });
});
