// Fisher–Yates: every permutation equally likely, one draw per element, repeatable for a seeded rng.
export function shuffleInPlace(a: Uint32Array, rng: () => number): Uint32Array {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}

/** 0, 1, …, n − 1. */
export function range(n: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}
