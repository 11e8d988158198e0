// The local history: `events`, `events show ID`, `replay-local ID|--since` (re-signed for the app).
import type { Context } from '../context.js';
import { FailureError, UsageError } from '../errors.js';
import { eventTypeFilter } from './classify.js';
import { consumerSecretOf } from './credentials.js';
import { readEventLog, recordBody, type EventRecord } from './event-log.js';
import { formatTable } from './table.js';
import { printable } from './render.js';
import { parseHttpUrl } from './manage.js';
import { defaultTarget, postSigned } from './tools.js';

/** `10m`, `2h`, `1d`, `30s`, or an ISO time → epoch ms. */
export function parseSince(value: string, now: number): number {
  const m = /^(\d+)\s*(s|m|h|d)$/.exec(value.trim());
  if (m) return now - Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new UsageError(`--since wants a duration (10m, 2h, 1d) or a time (2026-01-31T12:00:00Z), got '${value}'`);
  return t;
}

async function loadLog(ctx: Context): Promise<EventRecord[]> {
  return readEventLog(ctx.paths.eventLog, (p) => ctx.io.stderr.write(`xcli: warning: ${p.message}\n`));
}

export async function runEventsList(ctx: Context, options: { type?: string; since?: string; json: boolean }): Promise<void> {
  const matches = eventTypeFilter(options.type);
  const since = options.since === undefined ? undefined : parseSince(options.since, ctx.now());
  const records = (await loadLog(ctx)).filter((r) => (!matches || matches(r.type)) && (since === undefined || Date.parse(r.time) >= since));
  if (options.json || !ctx.io.isStdoutTTY) {
    for (const r of records) ctx.io.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  if (records.length === 0) {
    ctx.io.stderr.write(`no events in ${ctx.paths.eventLog}${options.type || options.since ? ' match' : ''}\n`);
    return;
  }
  const rows = records.map((r) => [r.id, r.time.replace('T', ' ').slice(0, 19), r.type, r.verdict === 'valid' ? '✓' : '✗', r.dup ? 'dup' : '', r.actor ?? '', r.summary ?? '', r.eventId ?? ''].map(printable));
  ctx.io.stdout.write(formatTable(['ID', 'TIME (UTC)', 'TYPE', 'SIG', 'DUP', 'WHO', 'WHAT', 'EVENT ID'], rows, ctx.io.stdoutColumns));
}

/** By local id, X's event id, or a unique prefix of the local id. */
export function findRecord(records: EventRecord[], id: string): EventRecord {
  const exact = records.filter((r) => r.id === id || r.eventId === id);
  const found = exact.length > 0 ? exact : records.filter((r) => r.id.startsWith(id));
  if (found.length === 0) throw new UsageError(`no event '${id}' in the log; see 'xcli webhook events'`);
  if (found.length > 1 && exact.length === 0) throw new UsageError(`'${id}' matches ${found.length} events; give more of the id`);
  return found[found.length - 1]!;
}

export async function runEventsShow(ctx: Context, id: string, options: { json: boolean }): Promise<void> {
  const record = findRecord(await loadLog(ctx), id);
  if (options.json) {
    ctx.io.stdout.write(`${JSON.stringify(record)}\n`);
    return;
  }
  const body = recordBody(record);
  if (!ctx.io.isStdoutTTY) {
    // Piped: the delivery's exact bytes (`events show ID > fixture.json`).
    ctx.io.stdout.write(body);
    return;
  }
  const head = [
    `${record.type}  ${record.id}${record.eventId ? `  [${record.eventId}]` : ''}`,
    `received ${record.time}  signature ${record.verdict}${record.dup ? '  duplicate' : ''}  ${record.product}`,
    ...Object.entries(record.headers).map(([k, v]) => `${k}: ${v}`),
    '',
  ].map(printable).join('\n');
  ctx.io.stdout.write(`${head}\n`);
  const { writeBody } = await import('../http/output.js');
  writeBody(ctx, body, record.headers['content-type'], 'auto', true);
}

export async function runReplayLocal(ctx: Context, id: string | undefined, options: { since?: string; to?: string; app?: string; json: boolean }): Promise<void> {
  if ((id === undefined) === (options.since === undefined)) throw new UsageError('give an event ID or --since DURATION (not both)');
  const records = await loadLog(ctx);
  let chosen: EventRecord[];
  if (id !== undefined) chosen = [findRecord(records, id)];
  else {
    const since = parseSince(options.since!, ctx.now());
    chosen = records.filter((r) => Date.parse(r.time) >= since && !r.dup);
  }
  if (chosen.length === 0) throw new UsageError(`no events since ${options.since} in the log`);
  const url = parseHttpUrl(options.to ?? defaultTarget(ctx));
  const secret = await consumerSecretOf(ctx, options.app);
  let failed = 0;
  for (const record of chosen) {
    const headers: Record<string, string> = {};
    if (record.headers['content-type']) headers['content-type'] = record.headers['content-type'];
    if (record.headers['user-agent']) headers['user-agent'] = record.headers['user-agent'];
    const answer = await postSigned(url, recordBody(record), secret, headers);
    if (answer.status < 200 || answer.status >= 300) failed++;
    if (options.json) ctx.io.stdout.write(`${JSON.stringify({ id: record.id, eventId: record.eventId, type: record.type, url: url.href, status: answer.status, latencyMs: Math.round(answer.latencyMs) })}\n`);
    else ctx.io.stdout.write(`replayed ${record.type} ${record.id} → ${url.href}: ${answer.status} in ${Math.round(answer.latencyMs)} ms\n`);
  }
  if (failed > 0) throw new FailureError(`${failed} of ${chosen.length} replayed events were not answered 2xx`);
}
