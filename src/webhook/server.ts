// The server of `webhook start`: the shared handler, the event log, duplicate marking and
// forwarding. It reports through typed events and never prints; render.ts turns them into lines.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { BodyBudget } from './budget.js';
import { DEDUPE_IDS, EventLog, eventRecord, recentEventIds, type EventRecord, type LogWriteError } from './event-log.js';
import { Forwarder, type ForwardResult } from './forward.js';
import type { CrcOutcome, Delivery, HeaderValue } from './handler.js';
import { createNodeListener } from './node-adapter.js';
import { checkSignature, SIGNATURE_HEADER } from './signature.js';
import type { OtherSecret } from './credentials.js';
import type { WebhookStartOptions } from './start-options.js';
import type { DedupeStore } from './dedupe.js';
import { DEFAULT_DEDUPE_TTL_MS } from './library.js';

/** What the server takes of `webhook start`'s options, and what start works out for it. */
export type WebhookServerOptions = Pick<
  WebhookStartOptions,
  | 'host'
  | 'port'
  | 'path'
  | 'requireSignature'
  | 'maxBody'
  | 'maxConnections'
  | 'maxBodyMemory'
  | 'maxForwardMemory'
  | 'maxLogSize'
  | 'logUnverified'
  | 'forwardTo'
  | 'forwardTimeout'
  | 'crc'
> & {
  consumerSecret: string;
  /** `--previous-secret`: events signed with these verify too, during a rotation (CRC uses consumerSecret). */
  previousSecrets?: string[];
  /** `--dedupe redis://…`: a store shared by every instance decides which delivery is the first. */
  dedupe?: DedupeStore;
  /** The event log under the config dir, then `-o FILE`; an event is acknowledged once in all of them. */
  logFiles: string[];
  /** `--events`: which types are shown and forwarded (all are logged). */
  eventFilter?: (type: string) => boolean;
  /** Secrets people confuse with the consumer secret, to explain a mismatching signature. */
  otherSecrets?: OtherSecret[];
  onEvent: (event: ServerEvent) => void;
};

export interface Stats {
  crc: number;
  crcRefused: number;
  events: number;
  verified: number;
  unverified: number;
  duplicates: number;
  rejected: number;
  storeFailures: number;
  forwarded: number;
  forwardFailures: number;
  forwardDropped: number;
  /** Events answered 503 because a memory budget was spent. */
  busy: number;
}

export type Reach = 'tunnel' | 'public-url' | 'local' | 'none';

/** Records of `--json` (one NDJSON line each) and inputs of render.ts. */
export type ServerEvent =
  | {
      type: 'ready';
      url: string;
      localUrl: string;
      publicUrl?: string;
      /** How X reaches the server: a tunnel, --public-url, the local URL itself (--sandbox), or not at all. */
      reach: Reach;
      path: string;
      logFiles: string[];
      forwardTo?: string;
    }
  | { type: 'crc'; time: string; outcome: CrcOutcome }
  | { type: 'event'; record: EventRecord; line: string; json: unknown }
  | { type: 'rejected'; time: string; verdict: string; eventType: string }
  | { type: 'forward'; result: ForwardResult }
  | { type: 'tunnel'; state: 'open' | 'closed' | 'reconnecting' | 'failed'; url?: string; message?: string; retryInMs?: number }
  | { type: 'selfcheck'; url: string; ok: boolean; latencyMs?: number; problem?: string }
  | { type: 'register'; action: 'created' | 'revalidated' | 'deleted' | 'kept'; webhookId: string; url: string }
  | { type: 'note'; message: string }
  | { type: 'warning'; message: string }
  | { type: 'error'; message: string }
  | { type: 'summary'; stats: Stats; seconds: number };

export interface WebhookServer {
  /** `http://host:port/path` as bound. */
  localUrl: string;
  port: number;
  stats: Stats;
  /** Stops accepting, waits for in-flight requests and forwards (bounded), flushes and closes the logs. */
  close(): Promise<void>;
}

/** Connections accepted past maxConnections, for CRC checks only. */
const CRC_SPARE_CONNECTIONS = 64;
/** A busy server says so at most this often (a flood of 503s is one line, and counted in the summary). */
const BUSY_WARNING_EVERY_MS = 10_000;

export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const emit = options.onEvent;
  const stats: Stats = {
    crc: 0,
    crcRefused: 0,
    events: 0,
    verified: 0,
    unverified: 0,
    duplicates: 0,
    rejected: 0,
    storeFailures: 0,
    forwarded: 0,
    forwardFailures: 0,
    forwardDropped: 0,
    busy: 0,
  };
  const logs = options.logFiles.map((file, i) => EventLog.open(file, i === 0 ? { maxBytes: options.maxLogSize } : {}));
  const seen = new Set<string>();
  if (options.logFiles[0]) {
    for (const id of await recentEventIds(options.logFiles[0], {
      onProblem: (p) => emit({ type: 'warning', message: p.message }),
    }))
      seen.add(id);
  }
  const remember = (id: string): void => {
    seen.add(id);
    // Sets iterate in insertion order: dropping the first entry forgets the oldest id.
    if (seen.size > DEDUPE_IDS) seen.delete(seen.values().next().value as string);
  };

  const forwarder = options.forwardTo
    ? new Forwarder(options.forwardTo, {
        timeoutMs: options.forwardTimeout * 1000,
        maxQueueBytes: options.maxForwardMemory,
        onResult: (result) => {
          if (result.error || result.status !== 200) stats.forwardFailures++;
          else stats.forwarded++;
          emit({ type: 'forward', result });
        },
        onDropped: (job) => {
          stats.forwardDropped++;
          emit({
            type: 'warning',
            message: `forward queue full: event ${job.id} not forwarded (it is in the log; use replay-local)`,
          });
        },
      })
    : undefined;

  const diagnose = (delivery: Delivery): string | undefined =>
    options.otherSecrets?.find((o) => checkSignature(o.secret, delivery.rawBody, delivery.headers[SIGNATURE_HEADER]) === 'valid')
      ?.label;

  const idPrefix = randomBytes(3).toString('hex');
  let counter = 0;

  const onDelivery = async (delivery: Delivery): Promise<void> => {
    const { info } = delivery;
    let dup = info.eventId !== undefined && seen.has(info.eventId);
    // Only verified events claim an id: unsigned junk must not make X's real event look like a duplicate.
    if (!dup && options.dedupe && info.eventId !== undefined && delivery.verdict === 'valid')
      dup = !(await claimShared(options.dedupe, info.eventId));
    const claims = info.eventId !== undefined && !dup && delivery.verdict === 'valid';
    if (claims) remember(info.eventId!);
    const record = eventRecord(
      {
        id: `${idPrefix}-${(++counter).toString(36)}`,
        time: delivery.receivedAt.toISOString(),
        path: delivery.path,
        headers: keptHeaders(delivery.headers),
        verdict: delivery.verdict,
        dup,
        signedWith: delivery.verdict === 'invalid' ? diagnose(delivery) : undefined,
      },
      info,
      delivery.rawBody,
      delivery.verdict === 'valid' || options.logUnverified === 'full' ? 'whole' : 'head',
    );
    const line = JSON.stringify(record);
    const appended = await Promise.allSettled(logs.map((log) => log.append(line)));
    const failed = appended.find((a) => a.status === 'rejected');
    if (failed) {
      const error = failed.reason as LogWriteError;
      stats.storeFailures++;
      // Cut out of every log again, so not seen: X's retry must not be marked as a duplicate. A record
      // that may have stayed keeps its id, so the retry is not a second "new" record of the event.
      if (claims && appended.every((a) => a.status === 'rejected' && (a.reason as LogWriteError).notLogged)) {
        seen.delete(info.eventId!);
        await options.dedupe?.release(info.eventId!).catch(() => {});
      }
      emit({
        type: 'error',
        message: `could not write the event log (${describeFsError(error)}); answered 503 so X delivers again`,
      });
      throw error;
    }
    stats.events++;
    if (delivery.verdict === 'valid') stats.verified++;
    else stats.unverified++;
    if (dup) stats.duplicates++;
    if (options.eventFilter && !options.eventFilter(info.type)) return;
    emit({ type: 'event', record, line, json: delivery.json });
    // A signed non-object was signed by a CRC endpoint, not X: relayed, the app would accept it.
    if (forwarder && !dup && delivery.verdict !== 'not-object')
      forwarder.enqueue({ id: record.id, eventId: info.eventId, body: delivery.rawBody, headers: delivery.headers });
  };

  const claimShared = async (dedupe: DedupeStore, eventId: string): Promise<boolean> => {
    try {
      return await dedupe.claim(eventId, DEFAULT_DEDUPE_TTL_MS);
    } catch (error) {
      stats.storeFailures++;
      emit({ type: 'error', message: `the dedupe store failed (${(error as Error).message}); answered 503 so X delivers again` });
      throw error;
    }
  };

  // Connections past maxConnections may still ask for a CRC (it holds no body); their events get 503.
  let openConnections = 0;
  const overConnectionBudget = new WeakSet<Socket>();
  let lastBusyWarning = -Infinity;

  const listener = createNodeListener({
    consumerSecret: options.previousSecrets?.length
      ? [options.consumerSecret, ...options.previousSecrets]
      : options.consumerSecret,
    path: options.path,
    requireSignature: options.requireSignature,
    maxBodyBytes: options.maxBody,
    bodyBudget: new BodyBudget(options.maxBodyMemory),
    refuseEvent: (req) => {
      if (overConnectionBudget.has(req.socket)) return `more than ${options.maxConnections} open connections`;
      if (forwarder?.full) return 'the forward queue is full (your app is slower than the events arrive)';
      return undefined;
    },
    onBusy: (reason) => {
      stats.busy++;
      const now = performance.now();
      if (now - lastBusyWarning < BUSY_WARNING_EVERY_MS) return;
      lastBusyWarning = now;
      emit({ type: 'warning', message: `answering 503 + Retry-After to new events: ${reason} (X delivers them again)` });
    },
    onDelivery,
    onRejected: (delivery) => {
      stats.rejected++;
      emit({
        type: 'rejected',
        time: delivery.receivedAt.toISOString(),
        verdict: delivery.verdict,
        eventType: delivery.info.type,
      });
    },
    onCrc: (outcome) => {
      if (outcome.answered) stats.crc++;
      else stats.crcRefused++;
      emit({ type: 'crc', time: new Date().toISOString(), outcome });
    },
    answerCrc:
      options.crc === 'passthrough' && forwarder
        ? (crc) => forwarder.passCrc(options.consumerSecret, crc.token, crc.query, crc.headers)
        : undefined,
  });

  // Slow clients: headers within 10 s, the whole request within 30 s, checked every second.
  const server: Server = createServer(
    { headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1000, keepAliveTimeout: 5000 },
    (req, res) => listener(req, res),
  );
  server.maxConnections = options.maxConnections + CRC_SPARE_CONNECTIONS;
  server.on('connection', (socket: Socket) => {
    if (++openConnections > options.maxConnections) overConnectionBudget.add(socket);
    socket.once('close', () => openConnections--);
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (error: NodeJS.ErrnoException) => {
    await Promise.all(logs.map((l) => l.close()));
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    localUrl: `http://${hostForUrl}:${port}${options.path}`,
    port,
    stats,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // In-flight requests get a moment to finish; then the sockets go.
      const timer = setTimeout(() => server.closeAllConnections(), 2000);
      await closed;
      clearTimeout(timer);
      await forwarder?.idle(5000);
      forwarder?.abort();
      await Promise.all(logs.map((l) => l.close()));
    },
  };
}

function keptHeaders(headers: Record<string, HeaderValue>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (name === 'content-type' || name === 'user-agent' || name === SIGNATURE_HEADER || name.startsWith('x-twitter-')) {
      kept[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return kept;
}

export function describeFsError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOSPC') return 'disk full';
  if (e.code === 'EACCES' || e.code === 'EPERM') return `permission denied${e.path ? `: ${e.path}` : ''}`;
  if (e.code === 'EROFS') return 'read-only file system';
  if (e.code === 'EDQUOT') return 'disk quota exceeded';
  if (e.code === 'ENOTDIR' || e.code === 'EEXIST') return `not a directory${e.path ? `: ${e.path}` : ''}`;
  if (e.code === 'ENOENT') return `no such file or directory${e.path ? `: ${e.path}` : ''}`;
  return e.path ? `${e.code ?? e.message}: ${e.path}` : (e.code ?? e.message);
}
