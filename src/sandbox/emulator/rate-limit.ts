// X's rate-limit windows: N requests per 15 minutes per route and credential, reported on every
// response as x-rate-limit-limit / -remaining / -reset (unix seconds).
const WINDOW_MS = 15 * 60_000;

export interface WindowState {
  headers: Record<string, string>;
  exhausted: boolean;
  /** Reset time in unix seconds. */
  reset: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; used: number }>();

  constructor(private readonly now: () => number) {}

  /** Counts one request against `key`'s window (a refused request does not count). */
  take(key: string, limit: number): WindowState {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now >= window.start + WINDOW_MS) this.windows.set(key, (window = { start: now, used: 0 }));
    const exhausted = window.used >= limit;
    if (!exhausted) window.used++;
    const reset = Math.ceil((window.start + WINDOW_MS) / 1000);
    return {
      exhausted,
      reset,
      headers: {
        'x-rate-limit-limit': String(limit),
        'x-rate-limit-remaining': String(limit - window.used),
        'x-rate-limit-reset': String(reset),
      },
    };
  }
}
