import { describe, expect, it } from 'vitest';
import { capture, copyInto, keep, mul, runtime, scope, tensor, type Tensor } from '../../src/index.js';
import { useGpu } from '../support/gpu.js';

useGpu();

describe('captured steps (capture / StepGraph.replay)', () => {
  it('a replay records the captured dispatches and nothing else', () => {
    const rt = runtime();
    const x = keep(tensor([1, 2, 3]));
    const out = keep(tensor([0, 0, 0]));
    const graph = capture(() => scope(() => copyInto(out, mul(mul(x, 2), 3))));
    const before = rt.dispatchCount;
    graph.replay();
    expect(graph.dispatchCount).toBe(3);
    expect(rt.dispatchCount - before).toBe(3);
    graph.dispose();
    x.dispose();
    out.dispose();
  });

  it('replays see new values in the captured inputs and hooks run before each replay', async () => {
    const x = keep(tensor([1, 2, 3]));
    const out = keep(tensor([0, 0, 0]));
    let factor = 2;
    const graph = capture(() => {
      scope(() => copyInto(out, mul(x, 10)));
      runtime().onReplay(() => factor++);
    });
    expect(Array.from(await out.toArray())).toEqual([10, 20, 30]);
    scope(() => copyInto(x, tensor([4, 5, 6])));
    graph.replay();
    expect(Array.from(await out.toArray())).toEqual([40, 50, 60]);
    expect(factor).toBe(3);
    graph.dispose();
    x.dispose();
    out.dispose();
  });

  it('a replay marks the outputs it rewrites as modified, so a graph that saved one refuses backward', async () => {
    const x = keep(tensor([1, 1, 1]));
    const w = keep(tensor([1, 2, 3], { requiresGrad: true }));
    let h: Tensor | null = null;
    const graph = capture(() => void (h = keep(mul(x, 2))));
    const z = keep(mul(w, h!).sum()); // saves h = [2, 2, 2]
    scope(() => copyInto(x, tensor([5, 5, 5])));
    graph.replay();
    expect(Array.from(await h!.toArray())).toEqual([10, 10, 10]);
    expect(() => z.backward()).toThrow(/^mul: other of shape \[3\] was modified in place/);
    graph.dispose();
    for (const t of [x, w, h!, z]) t.dispose();
  });

  it("keeps the buffers a graph uses out of the pool until it is disposed, then frees them", async () => {
    const rt = runtime();
    const x = keep(tensor(new Float32Array(1000).fill(1)));
    const out = keep(tensor(new Float32Array(1000)));
    scope(() => mul(mul(mul(x, 2), 3), 5).dispose()); // makes the constants, which stay cached
    const live = rt.memory().liveBuffers;
    // The temporary mul(x, 2) is released inside the capture, yet the replay writes it again.
    const graph = capture(() => scope(() => copyInto(out, mul(mul(x, 2), 3))));
    const kept = rt.memory().liveBuffers;
    // An allocation after the capture must not get the temporaries' memory.
    const other = scope(() => keep(mul(x, 5)));
    graph.replay();
    expect((await other.toArray())[0]).toBe(5);
    expect((await out.toArray())[0]).toBe(6);
    other.dispose();
    expect(rt.memory().liveBuffers).toBe(kept);
    graph.dispose();
    expect(rt.memory().liveBuffers).toBe(live);
    graph.dispose(); // twice is harmless
    x.dispose();
    out.dispose();
  });

  it('a graph disposed right after a replay frees its buffers only for writes that come after that replay', async () => {
    const x = keep(tensor(new Float32Array(1000).fill(1)));
    const out = keep(tensor(new Float32Array(1000)));
    // The temporary mul(x, 2) is released inside the capture; the replay writes it again.
    const graph = capture(() => scope(() => copyInto(out, mul(mul(x, 2), 3))));
    await out.toArray(); // the capture's batch is done: the replay opens the next one
    graph.replay();
    graph.dispose();
    // A new tensor gets the temporary's memory; its upload must not run before the replay's
    // dispatches, still unsubmitted, which write 2s there.
    const fresh = tensor(new Float32Array(1000).fill(7));
    expect(Array.from(new Set(await fresh.toArray()))).toEqual([7]);
    expect((await out.toArray())[0]).toBe(6);
    for (const t of [x, out, fresh]) t.dispose();
  });

  it('refuses nested captures, replays inside a capture and replays of a disposed graph', () => {
    const graph = capture(() => {});
    expect(() => capture(() => capture(() => {}))).toThrow(/^capture: another capture is being recorded; captures do not nest/);
    expect(() => capture(() => graph.replay())).toThrow(/^StepGraph.replay: cannot replay while a capture is being recorded/);
    graph.dispose();
    expect(() => graph.replay()).toThrow(/^StepGraph.replay: the graph was disposed/);
    // A failed capture leaves nothing pinned and capturing works again.
    const live = runtime().memory().liveBuffers;
    expect(() => capture(() => {
      scope(() => {
        mul(tensor([1]), 2);
      });
      throw new Error('boom');
    })).toThrow('boom');
    expect(runtime().memory().liveBuffers).toBe(live);
    // An async step would record only up to its first await.
    expect(() => capture(async () => {})).toThrow(/^capture: the step must be synchronous/);
    capture(() => {}).dispose();
  });
});
