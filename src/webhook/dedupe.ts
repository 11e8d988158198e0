// Dedupe stores: X may deliver an event more than once (and to each of several instances behind a
// load balancer). The handler claims a verified event's id before running onEvent; only the first
// claim of an id within its TTL succeeds.

export interface DedupeStore {
  /** True for the first claim of this id within ttlMs; false when it is claimed already. */
  claim(eventId: string, ttlMs: number): Promise<boolean>;
  /** Forgets a claim (the event failed, and X's retry must get through). */
  release(eventId: string): Promise<void>;
  /** Closes what the store opened (a Redis connection it made from a URL). */
  close?(): Promise<void>;
}

export interface MemoryDedupeOptions {
  /** Most ids remembered; the least recently claimed go first. Default 100,000. */
  max?: number;
  /** How long an id is remembered, in place of the handler's dedupeTtlMs. */
  ttlMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

/** One process's store: an LRU with a TTL. Several instances need a shared one (Redis). */
export function createMemoryDedupeStore({ max = 100_000, ttlMs, now = Date.now }: MemoryDedupeOptions = {}): DedupeStore {
  if (!(max >= 1)) throw new TypeError('[xcli/webhooks] max must be at least 1');
  // Maps iterate in insertion order: the first key is the least recently claimed.
  const expiries = new Map<string, number>();
  return {
    async claim(eventId, claimTtlMs) {
      const time = now();
      const expiry = expiries.get(eventId);
      if (expiry !== undefined && expiry > time) return false;
      expiries.delete(eventId);
      expiries.set(eventId, time + (ttlMs ?? claimTtlMs));
      if (expiries.size > max) expiries.delete(expiries.keys().next().value as string);
      return true;
    },
    async release(eventId) {
      expiries.delete(eventId);
    },
  };
}
