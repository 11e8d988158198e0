// A seeded random source (sfc32), so a failing fuzz case is reproduced by re-running with its seed.
export interface Seeded {
  seed: number;
  /** [0, 1) */
  next(): number;
  int(below: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  bytes(n: number): Buffer;
  /** The parts in a random order, joined with `&`. */
  shuffleJoin(parts: string[]): string;
}

export function seeded(seed: number): Seeded {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  const int = (below: number): number => Math.floor(next() * below);
  return {
    seed,
    next,
    int,
    pick: (items) => items[int(items.length)]!,
    chance: (p) => next() < p,
    bytes: (n) => {
      const out = Buffer.alloc(n);
      for (let i = 0; i < n; i++) out[i] = int(256);
      return out;
    },
    shuffleJoin: (parts) => {
      const copy = [...parts];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy.join('&');
    },
  };
}

/** FUZZ_SEED reproduces a run; otherwise a fixed seed keeps `npm test` deterministic. */
export function fuzzSeed(fallback: number): number {
  const given = process.env.FUZZ_SEED;
  return given === undefined || given === '' ? fallback : Number(given) >>> 0;
}
