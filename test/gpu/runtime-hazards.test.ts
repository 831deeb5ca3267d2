// Ordering and lifetime hazards of the GPU runtime around captured steps (capture / replay):
// each test compares what a replay leaves behind with what running the same work eagerly would.
import { describe, expect, it } from 'vitest';
import { addInto, backward, capture, copyInto, keep, mul, runtime, sum, tensor } from '../../src/index.js';
import type { GpuStorage } from '../../src/tensor/storage.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { useGpu } from '../support/gpu.js';

useGpu();

const bufferOf = (t: Tensor): GPUBuffer => (t.storage as GpuStorage).buffer;

describe('runtime hazards', () => {
  it('a replay that throws midway still orders later writes after the dispatches it recorded', async () => {
    const rt = runtime();
    const t = keep(tensor([0, 0, 0, 0]));
    const other = keep(tensor([0, 0, 0, 0]));
    let fail = false;
    const graph = capture(() => {
      rt.dispatch({ kernel: 'fill', label: 'fill 5', params: (p) => p.u32(4).f32(5), buffers: [bufferOf(t)], workgroups: [1] });
      rt.dispatch({
        kernel: 'fill',
        label: 'fill 6',
        params: (p) => {
          if (fail) throw new Error('params failed');
          p.u32(4).f32(6);
        },
        buffers: [bufferOf(other)],
        workgroups: [1],
      });
    });
    expect(Array.from(await t.toArray())).toEqual([5, 5, 5, 5]); // the capture's batch is done
    fail = true;
    // The first dispatch (fill t with 5) is recorded before the second one's params throw.
    expect(() => graph.replay()).toThrow('params failed');
    // A host write after it must land after that fill, as it would after an eager fill.
    rt.write(bufferOf(t), Float32Array.of(7, 7, 7, 7));
    expect(Array.from(await t.toArray())).toEqual([7, 7, 7, 7]);
    graph.dispose();
    t.dispose();
    other.dispose();
  });

  it('a dispatch that failed while a step was captured is not replayed', () => {
    const t = keep(tensor([0, 0]));
    const graph = capture(() => {
      expect(() =>
        runtime().dispatch({
          kernel: 'fill',
          label: 'failing fill',
          params: () => {
            throw new Error('params failed');
          },
          buffers: [bufferOf(t)],
          workgroups: [1],
        }),
      ).toThrow('params failed');
    });
    expect(graph.dispatchCount).toBe(0);
    graph.dispose();
    t.dispose();
  });

  it('an in-place write replayed by a graph invalidates what autograd saved, as the eager write does', () => {
    const w = keep(tensor([1, 2, 3], undefined, { requiresGrad: true }));
    const acc = keep(tensor([1, 1, 1]));
    const one = keep(tensor([1, 1, 1]));
    const graph = capture(() => addInto(acc, one));

    // Eagerly: addInto after mul saved acc makes backward refuse.
    const eager = keep(sum(mul(w, acc)));
    addInto(acc, one);
    expect(() => backward(eager)).toThrow(/modified in place/);

    // The replay does the same write on the GPU: backward must refuse just the same.
    const replayed = keep(sum(mul(w, acc)));
    graph.replay();
    expect(() => backward(replayed)).toThrow(/modified in place/);

    graph.dispose();
    for (const t of [w, acc, one, eager, replayed]) t.dispose();
  });

  it("a replayed copyInto leaves no stale host copy of the destination's values", async () => {
    const labels = keep(tensor([0, 1]));
    const target = keep(tensor([0, 0]));
    const graph = capture(() => copyInto(target, labels));
    copyInto(labels, tensor([5, 9])); // out of range for 3 classes
    graph.replay();
    expect(Array.from(await target.toArray())).toEqual([5, 9]);
    // Eagerly copyInto(target, labels) carries labels' host copy [5, 9] over (ops such as
    // crossEntropy check class labels on it); the replay must not leave [0, 1] from the capture.
    expect(Array.from(target.hostValues ?? [])).toEqual([5, 9]);
    graph.dispose();
    for (const t of [labels, target]) t.dispose();
  });
});
