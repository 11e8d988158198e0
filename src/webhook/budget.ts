// The memory budget of `webhook start`: request-body bytes held across all connections. Per-request
// limits alone let 800 stalled 1 MiB bodies take 900 MiB; here a body is admitted only while the
// total fits, and an event over budget is answered 503 + Retry-After (X delivers it again).

/** X's events are a few KB; bodies above this are "large" and may use only half of the budget. */
export const LARGE_BODY_BYTES = 64 * 1024;

/** A request's share of the budget. */
export interface BodyTicket {
  held: number;
  large: boolean;
}

export class BodyBudget {
  private inFlight = 0;
  private largeInFlight = 0;

  constructor(readonly maxBytes: number) {}

  ticket(): BodyTicket {
    return { held: 0, large: false };
  }

  /**
   * Grows the ticket to `bytes` (the declared length up front, or what arrived so far for a chunked
   * body). False when that would pass the budget; large bodies stop at half of it, so stalled big
   * bodies can never starve X's small events.
   */
  hold(ticket: BodyTicket, bytes: number): boolean {
    if (bytes <= ticket.held) return true;
    const more = bytes - ticket.held;
    const large = ticket.large || bytes > LARGE_BODY_BYTES;
    if (this.inFlight + more > this.maxBytes) return false;
    const largeMore = large ? (ticket.large ? more : bytes) : 0;
    if (large && this.largeInFlight + largeMore > this.maxBytes / 2) return false;
    this.inFlight += more;
    this.largeInFlight += largeMore;
    ticket.held = bytes;
    ticket.large = large;
    return true;
  }

  release(ticket: BodyTicket): void {
    this.inFlight -= ticket.held;
    if (ticket.large) this.largeInFlight -= ticket.held;
    ticket.held = 0;
    ticket.large = false;
  }

  get bytesInFlight(): number {
    return this.inFlight;
  }
}
