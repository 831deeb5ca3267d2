// One seeded generator for everything random on the host (initialisation, shuffles, dropout
// seeds), so `manualSeed(777)` makes a run repeatable, as `torch.manual_seed` does.

/** mulberry32: a small, fast 32-bit generator with a full 2^32 period. Its whole state is one u32. */
export function mulberry32(seed: number): (() => number) & { state: number } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Object.defineProperty(next, 'state', { get: () => a, set: (s: number) => (a = s >>> 0) }) as (() => number) & { state: number };
}

let generator = mulberry32(0x5eed);

export function manualSeed(seed: number): void {
  if (!Number.isFinite(seed)) throw new Error(`manualSeed: seed must be a finite number, got ${seed}`);
  generator = mulberry32(seed);
}

/** The global generator's state, so a resumed run draws the same numbers it would have. */
export function randomState(): number {
  return generator.state;
}

export function setRandomState(state: number): void {
  generator.state = state;
}

/** Uniform in [0, 1). */
export function random(): number {
  return generator();
}

/** A fresh 32-bit seed for a GPU random kernel. */
export function nextSeed(): number {
  return (generator() * 4294967296) >>> 0;
}

/** Standard normal by Box–Muller. */
export function randomNormal(rng: () => number = generator): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
