// Long-lived streaming responses as X sends them: NDJSON records ending in `\r\n`, `\r\n`
// keep-alives, and on request a drop or a stall after N records (for reconnect tests).
import type { ServerResponse } from 'node:http';
import type { Scheduler } from './clock.js';
import type { SandboxRequest } from './router.js';

export interface StreamBehaviour {
  /** Close the connection (as X's operational disconnects do) after this many records. */
  dropAfterRecords?: number;
  /** Stop sending anything, heartbeats included, after this many records (a stall). */
  stallAfterRecords?: number;
  /** Interval of the `\r\n` keep-alive (X: at least every 20 s). */
  heartbeatMs: number;
}

/** One open streaming response; `kind` says which stream it is. */
export interface StreamConnection {
  kind: 'activity' | 'search' | 'sample';
  res: ServerResponse;
  /** The connection's query: its fields and expansions shape every post it is sent. */
  query: URLSearchParams;
  /** Writes one record line; returns false when the connection is gone. */
  send(record: unknown): boolean;
}

/** How long the activity stream keeps records for `backfill_minutes` (X: up to 5 minutes). */
const BACKFILL_MS = 5 * 60_000;

/** The open streaming connections, and the last minutes of activity-stream records. */
export class StreamHub {
  readonly connections = new Set<StreamConnection>();
  private readonly recent: { at: number; body: string }[] = [];

  constructor(
    private readonly scheduler: Scheduler,
    /** Read when a connection opens (`configureStreams` changes it for later connections). */
    private readonly behaviour: StreamBehaviour,
  ) {}

  open(req: SandboxRequest, kind: StreamConnection['kind']): StreamConnection {
    const res = req.raw;
    const behaviour = { ...this.behaviour };
    let sent = 0;
    let stalled = false;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' });
    res.flushHeaders();
    const heartbeat = this.scheduler.setInterval(() => {
      if (!stalled && !res.writableEnded) res.write('\r\n');
    }, behaviour.heartbeatMs);
    const connection: StreamConnection = {
      kind,
      res,
      query: req.query,
      send(record) {
        if (res.writableEnded || res.destroyed) return false;
        if (stalled) return true;
        res.write(`${JSON.stringify(record)}\r\n`);
        sent++;
        if (behaviour.dropAfterRecords !== undefined && sent >= behaviour.dropAfterRecords) res.end();
        else if (behaviour.stallAfterRecords !== undefined && sent >= behaviour.stallAfterRecords) stalled = true;
        return true;
      },
    };
    this.connections.add(connection);
    res.on('close', () => {
      this.scheduler.clear(heartbeat);
      this.connections.delete(connection);
    });
    return connection;
  }

  /** Keeps an activity-stream record (JSON text) for later `backfill_minutes` requests. */
  remember(at: number, body: string): void {
    this.recent.push({ at, body });
    const cutoff = at - BACKFILL_MS;
    while (this.recent.length && this.recent[0]!.at < cutoff) this.recent.shift();
  }

  /** The activity-stream records since `since` (epoch ms), oldest first. */
  recordsSince(since: number): unknown[] {
    return this.recent.filter((item) => item.at >= since).map((item) => JSON.parse(item.body) as unknown);
  }

  /** Ends every connection (the sandbox is closing). */
  closeAll(): void {
    for (const connection of this.connections) connection.res.destroy();
    this.connections.clear();
  }
}
