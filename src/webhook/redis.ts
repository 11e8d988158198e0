// Redis for several instances behind a load balancer: a dedupe store (SET NX PX, atomic, so one
// instance wins each event id) and a sink that hands events to a Redis Stream (XADD) for a consumer
// group of workers. Either takes a URL (ioredis, an optional dependency, loaded only here) or a
// client the app already has (ioredis or node-redis).
import type { DedupeStore } from './dedupe.js';
import type { EventSink, ReceivedEvent } from './library.js';
import { importExternal } from '../startup/external.js';

/** An ioredis client (`call`) or a node-redis one (`sendCommand`). */
export type RedisClientLike =
  | { call(command: string, ...args: string[]): Promise<unknown> }
  | { sendCommand(args: string[]): Promise<unknown> };

export type RedisTarget = { url: string } | { client: RedisClientLike };

interface Connection {
  command(args: string[]): Promise<unknown>;
  /** Ends a connection made from a URL; a client passed in stays the app's. */
  close(): Promise<void>;
}

/** How long a command may take before the handler answers 503 (X retries): Redis answers in ~1 ms. */
const COMMAND_TIMEOUT_MS = 2000;

async function connect(target: RedisTarget): Promise<Connection> {
  if ('client' in target) {
    const client = target.client as Partial<{
      call: (...args: string[]) => Promise<unknown>;
      sendCommand: (args: string[]) => Promise<unknown>;
    }>;
    if (typeof client.call === 'function') return { command: (args) => client.call!(...args), close: async () => {} };
    if (typeof client.sendCommand === 'function') return { command: (args) => client.sendCommand!(args), close: async () => {} };
    throw new TypeError('[xcli/webhooks] client must be an ioredis client (call) or a node-redis client (sendCommand)');
  }
  let Redis: typeof import('ioredis').Redis;
  try {
    ({ Redis } = await importExternal<typeof import('ioredis')>('ioredis'));
  } catch {
    throw new Error('[xcli/webhooks] a Redis URL needs the ioredis package: npm install ioredis (or pass { client })');
  }
  const client = new Redis(target.url, {
    lazyConnect: true,
    // While Redis is down a command fails at once (the handler answers 503) instead of queueing.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: COMMAND_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
  });
  // Failures reach the caller through the commands; without a listener ioredis prints each one.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new Error(`[xcli/webhooks] cannot reach Redis at ${redactUrl(target.url)}: ${(error as Error).message}`);
  }
  return {
    command: ([name, ...args]) => client.call(name!, ...args),
    close: async () => client.disconnect(),
  };
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the given URL';
  }
}

export interface RedisDedupeOptions {
  /** Prefix of the keys claimed, one per event id. Default `xcli:webhook:event:`. */
  keyPrefix?: string;
}

/** A dedupe store shared by every instance using the same Redis: connects (or fails) before it returns. */
export async function createRedisDedupeStore(
  target: RedisTarget,
  { keyPrefix = 'xcli:webhook:event:' }: RedisDedupeOptions = {},
): Promise<DedupeStore> {
  const connection = await connect(target);
  return {
    // One atomic command: of two instances claiming the same id, exactly one gets OK.
    claim: async (eventId, ttlMs) =>
      (await connection.command(['SET', keyPrefix + eventId, '1', 'NX', 'PX', String(Math.max(1, Math.round(ttlMs)))])) === 'OK',
    release: async (eventId) => void (await connection.command(['DEL', keyPrefix + eventId])),
    close: () => connection.close(),
  };
}

export interface RedisStreamOptions {
  /** The stream's key. */
  stream: string;
  /** Trim the stream to about this many entries (XADD MAXLEN ~). Default: no trimming. */
  maxLen?: number;
}

/** The fields of each stream entry; `body` is the raw body as X sent it (UTF-8 JSON). */
export interface RedisStreamEntry {
  eventId: string;
  product: string;
  type: string;
  receivedAt: string;
  body: string;
}

export type RedisStreamSink = EventSink<Uint8Array> & { close(): Promise<void> };

/** A sink appending each event to a Redis Stream: connects (or fails) before it returns. */
export async function createRedisStreamSink(
  target: RedisTarget,
  { stream, maxLen }: RedisStreamOptions,
): Promise<RedisStreamSink> {
  if (!stream) throw new TypeError('[xcli/webhooks] stream is required');
  const connection = await connect(target);
  const utf8 = new TextDecoder();
  return {
    append: async (event: ReceivedEvent<Uint8Array>) => {
      const entry: RedisStreamEntry = {
        eventId: event.eventId ?? '',
        product: event.product,
        type: event.type,
        receivedAt: event.receivedAt.toISOString(),
        body: utf8.decode(event.rawBody),
      };
      const trim = maxLen === undefined ? [] : ['MAXLEN', '~', String(maxLen)];
      await connection.command(['XADD', stream, ...trim, '*', ...Object.entries(entry).flat()]);
    },
    close: () => connection.close(),
  };
}
