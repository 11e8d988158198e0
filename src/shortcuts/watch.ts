// `--watch` on search, timeline, mentions and posts: polls with `since_id` at the pace the route's rate
// limit allows, prints only new posts as NDJSON (oldest first, exactly as X sent them), and keeps the
// newest id in the state file so the next watch resumes where this one stopped.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from '../context.js';
import { ApiError, callApi } from '../http/api.js';
import { dataItems } from '../http/merge.js';
import { backoffScale, rateLimitWaitMs } from '../http/retry.js';
import type { ApiSession } from '../http/session.js';
import { readStateFile, updateStateFile } from '../http/state-file.js';

export interface WatchRequest {
  path: string;
  query: Record<string, string>;
  /** The route's largest max_results. */
  maxResults: number;
  /** Start after this id (`--since-id`); else the id the last watch of the same list remembered. */
  sinceId?: string;
}

const WINDOW_MS = 15 * 60_000;
/** New posts beyond this many pages in one interval are left for X's own paging to explain. */
const MAX_PAGES_PER_POLL = 10;

/**
 * Milliseconds between polls: the window spread evenly over the route's limit, or over what is left
 * of it until the reset when less remains; at least one second.
 */
export function pollIntervalMs(headers: Record<string, string>, now: number): number {
  const limit = Number(headers['x-rate-limit-limit']);
  const remaining = Number(headers['x-rate-limit-remaining']);
  const reset = Number(headers['x-rate-limit-reset']) * 1000;
  let interval = Number.isFinite(limit) && limit > 0 ? WINDOW_MS / limit : 60_000;
  if (Number.isFinite(remaining) && Number.isFinite(reset) && reset > now)
    interval = Math.max(interval, (reset - now) / Math.max(remaining, 1));
  return Math.max(1000, Math.ceil(interval));
}

const newer = (a: string, b: string | undefined) => b === undefined || BigInt(a) > BigInt(b);

function memoryKey(session: ApiSession, request: WatchRequest): string {
  return `${session.resolved.apiBaseUrl} ${request.path} ${request.query.query ?? ''}`;
}

async function rememberedId(session: ApiSession, key: string): Promise<string | undefined> {
  const watch = readStateFile(session.ctx.paths.stateFile)?.watch as Record<string, { newestId?: unknown }> | undefined;
  const id = watch && typeof watch === 'object' ? watch[key]?.newestId : undefined;
  return typeof id === 'string' && /^\d{1,19}$/.test(id) ? id : undefined;
}

export async function watchList(ctx: Context, session: ApiSession, request: WatchRequest): Promise<void> {
  const key = memoryKey(session, request);
  let newest = request.sinceId ?? (await rememberedId(session, key));
  const stop = new AbortController();
  const removeInterrupt = ctx.onInterrupt(() => stop.abort());
  const scale = backoffScale(ctx.env);
  try {
    while (!stop.signal.aborted) {
      let waitMs: number;
      try {
        const { items, headers } = await poll(ctx, session, request, newest);
        const fresh = items.filter((item) => newer(item.id, newest)).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
        for (const item of fresh) ctx.io.stdout.write(`${item.line}\n`);
        if (fresh.length) {
          newest = fresh[fresh.length - 1]!.id;
          const id = newest;
          await updateStateFile(ctx.paths.stateFile, (state) => {
            const watch = state.watch && typeof state.watch === 'object' ? (state.watch as Record<string, unknown>) : {};
            watch[key] = { newestId: id, seenAt: ctx.now() };
            state.watch = watch;
          });
        }
        waitMs = pollIntervalMs(headers, ctx.now());
      } catch (error) {
        // A spent window waits for its reset; everything else ends the watch with the usual error.
        if (
          !(error instanceof ApiError) ||
          error.status !== 429 ||
          error.problem === 'usage-capped' ||
          error.problem === 'client-forbidden'
        )
          throw error;
        waitMs = rateLimitWaitMs(error.result.headers, ctx.now()) ?? 60_000;
        ctx.io.stderr.write(`xcli: ${error.summary}; polling again in ${Math.ceil(waitMs / 1000)}s\n`);
      }
      await sleep(waitMs * scale, undefined, { signal: stop.signal }).catch(() => undefined);
    }
  } finally {
    removeInterrupt();
  }
}

async function poll(ctx: Context, session: ApiSession, request: WatchRequest, sinceId: string | undefined) {
  const items: Array<{ id: string; line: string }> = [];
  let token: string | undefined;
  let headers: Record<string, string> = {};
  for (let page = 0; page < (sinceId ? MAX_PAGES_PER_POLL : 1); page++) {
    const query: Record<string, string> = { ...request.query, max_results: String(request.maxResults) };
    if (sinceId) query.since_id = sinceId;
    if (token) query.pagination_token = token;
    const result = await callApi<{ meta?: { next_token?: unknown } }>(
      ctx,
      session.globals,
      { method: 'GET', path: request.path, query },
      session,
    );
    headers = result.headers;
    for (const line of dataItems(result.raw)) {
      const id = (JSON.parse(line) as { id?: unknown }).id;
      if (typeof id === 'string' && /^\d{1,19}$/.test(id)) items.push({ id, line });
    }
    token = typeof result.json?.meta?.next_token === 'string' ? result.json.meta.next_token : undefined;
    if (!token) break;
  }
  return { items, headers };
}
