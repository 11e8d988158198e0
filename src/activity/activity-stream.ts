// `xcli activity stream`: GET /2/activity/stream through the shared streaming code (reconnects,
// heartbeats, stall watchdog). NDJSON on stdout when piped or with --json; on a terminal each event
// is rendered as `webhook start` renders deliveries.
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { wantsJson } from '../http/output.js';
import { streamApi } from '../http/stream.js';
import { classifyEvent } from '../webhook/classify.js';
import { eventRecord } from '../webhook/event-log.js';
import { createRenderer } from '../webhook/render.js';
import { parseWholeNumber } from '../numbers.js';

export interface ActivityStreamOptions {
  backfillMinutes?: string;
  startTime?: string;
  endTime?: string;
  /** Stop after this many events. */
  maxRecords?: number;
  json?: boolean;
}

/** X wants `YYYY-MM-DDTHH:mm:ssZ`; any ISO 8601 instant is accepted and normalised to that. */
export function isoTime(value: string, flag: string): string {
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`${flag} must be an ISO 8601 time such as 2026-11-23T18:00:00Z, got '${value}'`);
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function streamQuery(opts: ActivityStreamOptions): Record<string, string | number | undefined> {
  const query = {
    backfill_minutes:
      opts.backfillMinutes === undefined ? undefined : parseWholeNumber(opts.backfillMinutes, '--backfill-minutes', 0, 5),
    start_time: opts.startTime === undefined ? undefined : isoTime(opts.startTime, '--start-time'),
    end_time: opts.endTime === undefined ? undefined : isoTime(opts.endTime, '--end-time'),
  };
  if (query.start_time && query.end_time && query.start_time > query.end_time)
    throw new UsageError('--start-time must be before --end-time');
  return query;
}

export async function runActivityStream(ctx: Context, opts: ActivityStreamOptions): Promise<void> {
  const query = streamQuery(opts);
  const rendered = !wantsJson(ctx, opts.json);
  const onRecord = rendered ? terminalRenderer(ctx) : undefined;
  await streamApi(ctx, ctx.api, { method: 'GET', path: '/2/activity/stream', query }, { onRecord, maxRecords: opts.maxRecords });
}

/** One console line per event, as `webhook start` prints them (duplicates by event_uuid marked). */
function terminalRenderer(ctx: Context): (line: string) => void {
  const render = createRenderer(ctx.io, { json: false, quiet: false, pretty: false });
  const seen = new Set<string>();
  let n = 0;
  return (line) => {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      ctx.io.stdout.write(`${line}\n`);
      return;
    }
    const info = classifyEvent(json);
    const dup = info.eventId !== undefined && seen.has(info.eventId);
    if (info.eventId !== undefined) seen.add(info.eventId);
    // The stream is authenticated by its connection; there is no per-event signature to check.
    const record = eventRecord(
      {
        id: `stream-${++n}`,
        time: new Date(ctx.now()).toISOString(),
        path: '/2/activity/stream',
        headers: {},
        verdict: 'valid',
        dup,
      },
      info,
      Buffer.from(line),
    );
    render({ type: 'event', record, line: JSON.stringify(record), json });
  };
}
