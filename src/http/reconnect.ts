// When a stream may reconnect, by X's rules: each kind of failure has its own backoff (TCP errors
// linear +250 ms to 16 s, HTTP errors exponential from 5 s to 320 s, 429 exponential from 60 s); a
// reconnect never comes sooner than 1 s after the previous connect; the backoff resets only after a
// connection stayed up 30 s (data alone does not reset it); and more than 10 reconnects in a minute
// is a storm that stops the stream. The clock is injected, so the rules are tested without waiting.

export type FailureKind = 'tcp' | 'http' | 'rate';

/** Shortest time from one connect to the next. */
export const MIN_CONNECT_INTERVAL_MS = 1_000;
/** How long a connection must stay up before the backoff starts again from the beginning. */
export const STABLE_CONNECTION_MS = 30_000;
/** More reconnects than this within STORM_WINDOW_MS stop the stream. */
export const STORM_RECONNECTS = 10;
export const STORM_WINDOW_MS = 60_000;

/** The reconnect delay after `n` consecutive failures of one kind (n >= 1), before the 1 s floor. */
export function reconnectDelayMs(kind: FailureKind, n: number): number {
  if (kind === 'tcp') return Math.min(250 * (n - 1), 16_000);
  if (kind === 'http') return Math.min(5_000 * 2 ** (n - 1), 320_000);
  return Math.min(60_000 * 2 ** (n - 1), 15 * 60_000);
}

export type ReconnectDecision = { delayMs: number } | { storm: string };

export class ReconnectSchedule {
  private readonly failures: Record<FailureKind, number> = { tcp: 0, http: 0, rate: 0 };
  private lastConnectAt: number | undefined;
  private upSince: number | undefined;
  /** When each recent reconnect happens (or is due), oldest first. */
  private reconnectTimes: number[] = [];

  constructor(private readonly now: () => number) {}

  /** A connection attempt starts now. */
  connecting(): void {
    this.lastConnectAt = this.now();
    this.upSince = undefined;
  }

  /** The server answered 2xx: the connection is up from now. */
  connected(): void {
    this.upSince = this.now();
  }

  /** The connection ended or failed: one that stayed up long enough resets every backoff. */
  disconnected(): void {
    if (this.upSince !== undefined && this.now() - this.upSince >= STABLE_CONNECTION_MS) {
      this.failures.tcp = this.failures.http = this.failures.rate = 0;
    }
    this.upSince = undefined;
  }

  /** The wait before reconnecting after a failure of this kind, or why reconnecting must stop. */
  next(kind: FailureKind): ReconnectDecision {
    this.disconnected();
    const n = ++this.failures[kind];
    const now = this.now();
    const floor = this.lastConnectAt === undefined ? 0 : this.lastConnectAt + MIN_CONNECT_INTERVAL_MS - now;
    const delayMs = Math.max(reconnectDelayMs(kind, n), floor, 0);
    const at = now + delayMs;
    this.reconnectTimes = this.reconnectTimes.filter((t) => at - t < STORM_WINDOW_MS);
    if (this.reconnectTimes.length >= STORM_RECONNECTS) {
      return {
        storm: `the stream was reconnected ${this.reconnectTimes.length} times within a minute; stopped to spare the rate limit`,
      };
    }
    this.reconnectTimes.push(at);
    return { delayMs };
  }
}
