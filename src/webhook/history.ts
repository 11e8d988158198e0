// The local history: `events [--follow]`, `events show ID`, `events prune`, `replay-local ID|--since`
// (re-signed for the app). The log is read as a stream: memory stays flat however long it grows.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Context } from '../context.js';
import { parseTimeOrAgo } from '../duration.js';
import { FailureError, UsageError } from '../errors.js';
import { wantsJson } from '../http/output.js';
import { terminalText } from '../terminal-text.js';
import { eventTypeFilter } from './classify.js';
import { consumerSecretOf } from './credentials.js';
import { followEventLog, pruneEventLog, recordBody, streamEventLog, type EventRecord, type LogProblem } from './event-log.js';
import { streamingTable } from './table.js';
import { parseHttpUrl } from './manage.js';
import { withPruneLock } from './serve.js';
import { jsonMs } from './render.js';
import { defaultTarget, postSigned } from './tools.js';

function warn(ctx: Context): (p: LogProblem) => void {
  return (p) => ctx.io.stderr.write(`xcli: warning: ${p.message}\n`);
}

/** Writes in 64 KiB pieces and waits when the reader is slower than the log is read. */
function bufferedOutput(stream: Writable): { write(text: string): Promise<void>; flushNow(): void } {
  let pending = '';
  const flushNow = (): boolean => {
    if (pending === '') return true;
    const text = pending;
    pending = '';
    return stream.write(text);
  };
  return {
    async write(text) {
      pending += text;
      if (pending.length >= 64 * 1024 && !flushNow()) await once(stream, 'drain');
    },
    flushNow: () => void flushNow(),
  };
}

const TABLE_HEADER = ['ID', 'TIME (UTC)', 'TYPE', 'SIG', 'DUP', 'WHO', 'WHAT', 'EVENT ID'];

function tableRow(r: EventRecord): string[] {
  return [
    r.id,
    r.time.replace('T', ' ').slice(0, 19),
    r.type,
    r.verdict === 'valid' ? '✓' : '✗',
    r.dup ? 'dup' : '',
    r.actor ?? '',
    r.summary ?? '',
    r.eventId ?? '',
  ];
}

export async function runEventsList(
  ctx: Context,
  options: { type?: string; since?: string; json: boolean; follow?: boolean },
): Promise<void> {
  const matches = eventTypeFilter(options.type);
  const since = options.since === undefined ? undefined : parseTimeOrAgo(options.since, ctx.now(), '--since');
  const table = wantsJson(ctx, options.json) ? undefined : streamingTable(TABLE_HEADER, undefined, ctx.io.stdoutColumns);
  const out = bufferedOutput(ctx.io.stdout);
  let count = 0;
  const show = async (record: EventRecord, line: string): Promise<void> => {
    if ((matches && !matches(record.type)) || (since !== undefined && Date.parse(record.time) < since)) return;
    count++;
    // Piped: the stored line as it is (a JSON record), without parsing it into a new string.
    await out.write(table ? table.add(tableRow(record)) : `${line}\n`);
  };
  if (options.follow) {
    const stop = new AbortController();
    const off = ctx.onInterrupt(() => {
      off();
      stop.abort();
    });
    // Caught up with the log: what is gathered is shown before waiting for new events.
    const caughtUp = (): void => {
      if (table) void out.write(table.flush());
      out.flushNow();
    };
    try {
      for await (const { record, line } of followEventLog(ctx.paths.eventLog, stop.signal, warn(ctx), caughtUp))
        await show(record, line);
    } finally {
      off();
    }
    out.flushNow();
    return;
  }
  for await (const { record, line } of streamEventLog(ctx.paths.eventLog, warn(ctx))) await show(record, line);
  if (count === 0 && table) {
    ctx.io.stderr.write(`no events in ${ctx.paths.eventLog}${options.type || options.since ? ' match' : ''}\n`);
    return;
  }
  if (table) await out.write(table.flush());
  out.flushNow();
}

/** By local id, X's event id, or a unique prefix of the local id; the latest when several match. */
export async function findRecord(ctx: Context, id: string): Promise<EventRecord> {
  let exact: EventRecord | undefined;
  let byPrefix: EventRecord | undefined;
  let prefixMatches = 0;
  for await (const { record } of streamEventLog(ctx.paths.eventLog, warn(ctx))) {
    if (record.id === id || record.eventId === id) exact = record;
    else if (!exact && record.id.startsWith(id)) {
      byPrefix = record;
      prefixMatches++;
    }
  }
  if (exact) return exact;
  if (!byPrefix) throw new UsageError(`no event '${id}' in the log; see 'xcli webhook events'`);
  if (prefixMatches > 1) throw new UsageError(`'${id}' matches ${prefixMatches} events; give more of the id`);
  return byPrefix;
}

/** Why a record's body cannot be given back whole, or undefined when it can. */
function truncatedBody(record: EventRecord): string | undefined {
  if (!record.bodyTruncated) return undefined;
  return `only the first ${recordBody(record).length} of ${record.bodyLength} bytes of unverified event ${record.id} were logged (sha256 ${record.bodySha256}); 'webhook start --log-unverified full' keeps whole bodies`;
}

export async function runEventsShow(ctx: Context, id: string, options: { json: boolean }): Promise<void> {
  const record = await findRecord(ctx, id);
  if (options.json) {
    ctx.io.stdout.write(`${JSON.stringify(record)}\n`);
    return;
  }
  const body = recordBody(record);
  if (!ctx.io.isStdoutTTY) {
    // Piped: the delivery's exact bytes (`events show ID > fixture.json`), never a part of them.
    const problem = truncatedBody(record);
    if (problem) throw new FailureError(`${problem}; --json gives the record`);
    ctx.io.stdout.write(body);
    return;
  }
  const head = [
    `${record.type}  ${record.id}${record.eventId ? `  [${record.eventId}]` : ''}`,
    `received ${record.time}  signature ${record.verdict}${record.dup ? '  duplicate' : ''}  ${record.product}`,
    ...Object.entries(record.headers).map(([k, v]) => `${k}: ${v}`),
    ...(record.bodyTruncated
      ? [`body: the first ${body.length} of ${record.bodyLength} bytes (unverified), sha256 ${record.bodySha256}`]
      : []),
    '',
  ]
    .map((l) => terminalText(l))
    .join('\n');
  ctx.io.stdout.write(`${head}\n`);
  // Made safe before pretty-printing: escapes inside JSON strings keep the JSON valid, and the
  // colours added after are the only control characters that reach the terminal.
  const { writeBody } = await import('../http/output.js');
  writeBody(
    ctx,
    Buffer.from(terminalText(body.toString('utf8'), { multiline: true })),
    record.headers['content-type'],
    'auto',
    true,
  );
}

export async function runReplayLocal(
  ctx: Context,
  id: string | undefined,
  options: { since?: string; to?: string; app?: string; json: boolean },
): Promise<void> {
  if ((id === undefined) === (options.since === undefined))
    throw new UsageError('give an event ID or --since DURATION (not both)');
  const since = options.since === undefined ? undefined : parseTimeOrAgo(options.since, ctx.now(), '--since');
  const url = parseHttpUrl(options.to ?? defaultTarget(ctx));
  const secret = await consumerSecretOf(ctx, options.app);
  let sent = 0;
  let failed = 0;
  const replay = async (record: EventRecord): Promise<void> => {
    const headers: Record<string, string> = {};
    if (record.headers['content-type']) headers['content-type'] = record.headers['content-type'];
    if (record.headers['user-agent'] !== undefined) headers['user-agent'] = record.headers['user-agent'];
    const answer = await postSigned(url, recordBody(record), secret, headers);
    sent++;
    if (answer.status < 200 || answer.status >= 300) failed++;
    if (options.json)
      ctx.io.stdout.write(
        `${JSON.stringify({ id: record.id, eventId: record.eventId, type: record.type, url: url.href, status: answer.status, latencyMs: jsonMs(answer.latencyMs) })}\n`,
      );
    else
      ctx.io.stdout.write(
        `replayed ${record.type} ${record.id} → ${url.href}: ${answer.status} in ${Math.round(answer.latencyMs)} ms\n`,
      );
  };
  if (id !== undefined) {
    const record = await findRecord(ctx, id);
    const problem = truncatedBody(record);
    if (problem) throw new FailureError(`${problem}: it cannot be replayed`);
    await replay(record);
  } else {
    let skipped = 0;
    for await (const { record } of streamEventLog(ctx.paths.eventLog, warn(ctx))) {
      if (Date.parse(record.time) < since! || record.dup) continue;
      if (record.bodyTruncated) skipped++;
      else await replay(record);
    }
    if (skipped > 0)
      ctx.io.stderr.write(
        `xcli: skipped ${skipped} unverified ${skipped === 1 ? 'event' : 'events'} whose body was logged only in part\n`,
      );
    if (sent === 0) throw new UsageError(`no events since ${options.since} in the log`);
  }
  if (failed > 0) throw new FailureError(`${failed} of ${sent} replayed events were not answered 2xx`);
}

/** `events prune --before 30d`: drops older records from the log and its rotated files. */
export async function runEventsPrune(ctx: Context, before: string): Promise<void> {
  const cutoff = parseTimeOrAgo(before, ctx.now(), '--before');
  const { removed, kept, filesDeleted } = await withPruneLock(ctx, () => pruneEventLog(ctx.paths.eventLog, cutoff));
  ctx.io.stderr.write(
    `pruned ${removed} ${removed === 1 ? 'event' : 'events'} received before ${new Date(cutoff).toISOString()}; ${kept} kept${filesDeleted ? `, ${filesDeleted} ${filesDeleted === 1 ? 'file' : 'files'} deleted` : ''}\n`,
  );
}

const SPARK = '▁▂▃▄▅▆▇█';
const MINUTE_MS = 60_000;
const TOP_TYPES = 10;

/** ▁▂▃…█ for counts, scaled to the largest; a zero stays the lowest bar. */
export function sparkline(counts: number[]): string {
  const peak = Math.max(...counts, 1);
  return counts.map((c) => SPARK[c === 0 ? 0 : Math.max(1, Math.round((c / peak) * (SPARK.length - 1)))]).join('');
}

/**
 * `events --stats`: counts per minute (with a sparkline on a terminal) and the top event types of
 * the last hour, or since --since. The log is read as a stream: only the counts are kept.
 */
export async function runEventsStats(ctx: Context, options: { type?: string; since?: string; json: boolean }): Promise<void> {
  const matches = eventTypeFilter(options.type);
  const now = ctx.now();
  const since = parseTimeOrAgo(options.since ?? '1h', now, '--since');
  const perMinute = new Map<number, number>();
  const byType = new Map<string, number>();
  let total = 0;
  for await (const { record } of streamEventLog(ctx.paths.eventLog, warn(ctx))) {
    const time = Date.parse(record.time);
    if (time < since || (matches && !matches(record.type))) continue;
    total++;
    const minute = Math.floor(time / MINUTE_MS) * MINUTE_MS;
    perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
    byType.set(record.type, (byType.get(record.type) ?? 0) + 1);
  }
  const minutes = [...perMinute].sort((a, b) => a[0] - b[0]);
  const types = [...byType].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, TOP_TYPES);
  const iso = (t: number): string => new Date(t).toISOString();
  if (options.json) {
    ctx.io.stdout.write(
      `${JSON.stringify({ since: iso(since), total, perMinute: minutes.map(([t, count]) => ({ minute: iso(t), count })), topTypes: types.map(([type, count]) => ({ type, count })) })}\n`,
    );
    return;
  }
  if (total === 0) {
    ctx.io.stderr.write(
      `no events${options.type ? ` of type ${options.type}` : ''} in ${ctx.paths.eventLog} since ${iso(since)}\n`,
    );
    return;
  }
  const hhmm = (t: number): string => iso(t).slice(11, 16);
  const first = minutes[0]![0];
  const last = minutes.at(-1)![0];
  const lines = [`${total} ${total === 1 ? 'event' : 'events'} since ${iso(since).replace('T', ' ').slice(0, 16)} UTC`];
  if (ctx.io.isStdoutTTY) {
    // Every minute from the first event to the last, as many of the latest as fit the terminal.
    const columns = (ctx.io.stdoutColumns ?? 80) - 1;
    const span = Math.min((last - first) / MINUTE_MS + 1, Math.max(columns, 10));
    const start = last - (span - 1) * MINUTE_MS;
    const counts = Array.from({ length: span }, (_, i) => perMinute.get(start + i * MINUTE_MS) ?? 0);
    const [peakAt, peak] = minutes.reduce((a, b) => (b[1] > a[1] ? b : a));
    lines.push(sparkline(counts), `${hhmm(start)}–${hhmm(last)} UTC, peak ${peak}/min at ${hhmm(peakAt)}`);
  }
  lines.push(
    '',
    'MINUTE (UTC)      EVENTS',
    ...minutes.map(([t, count]) => `${iso(t).replace('T', ' ').slice(0, 16)}  ${String(count).padStart(6)}`),
  );
  lines.push('', 'TOP EVENT TYPES', ...types.map(([type, count]) => `${String(count).padStart(6)}  ${terminalText(type)}`));
  ctx.io.stdout.write(`${lines.join('\n')}\n`);
}
