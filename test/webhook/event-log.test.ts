import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventLog, eventRecord, readEventLog, recentEventIds, recordBody, type EventRecord } from '../../src/webhook/event-log.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempLog(): string {
  const d = mkdtempSync(join(tmpdir(), 'xcli-log-'));
  dirs.push(d);
  return join(d, 'events', 'events.jsonl');
}

function record(id: string, body: Buffer, eventId?: string): EventRecord {
  return eventRecord({ id, time: new Date().toISOString(), path: '/webhook', headers: {}, verdict: 'valid', dup: false }, { product: 'unknown', type: 'unknown', eventId }, body);
}

describe('EventLog', () => {
  it('creates the log 0600 in a 0700 directory and group-commits concurrent appends', async () => {
    const path = tempLog();
    const log = EventLog.open(path);
    await Promise.all(Array.from({ length: 200 }, (_, i) => log.append(JSON.stringify(record(`r${i}`, Buffer.from(`{"n":${i}}`), `e${i}`)))));
    await log.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    const records = await readEventLog(path);
    expect(records.map((r) => r.id)).toEqual(Array.from({ length: 200 }, (_, i) => `r${i}`));
    expect(await recentEventIds(path)).toHaveLength(200);
  });

  it('keeps bodies byte for byte, UTF-8 or not', async () => {
    const path = tempLog();
    const log = EventLog.open(path);
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0xc3]);
    const text = Buffer.from('{"t":"é \\u2028 \u2028 🚀"}');
    await log.append(JSON.stringify(record('a', binary)));
    await log.append(JSON.stringify(record('b', text)));
    await log.close();
    const [a, b] = await readEventLog(path);
    expect(recordBody(a!).equals(binary)).toBe(true);
    expect(a!.bodyBase64).toBeDefined();
    expect(recordBody(b!).equals(text)).toBe(true);
  });

  it('skips a torn tail with a warning and never glues it to the next record', async () => {
    const path = tempLog();
    let log = EventLog.open(path);
    await log.append(JSON.stringify(record('good1', Buffer.from('{}'), 'e1')));
    await log.close();
    // What a crash mid-write leaves: the start of a line that looks like another event.
    const torn = JSON.stringify(record('torn', Buffer.from('{"data":{"event_uuid":"X"}}'), 'X')).slice(0, 60);
    appendFileSync(path, torn);
    const warnings: string[] = [];
    expect(await recentEventIds(path, { onProblem: (p) => warnings.push(p.message) })).toEqual(['e1']);
    expect(warnings[0]).toMatch(/torn last line/);
    log = EventLog.open(path);
    await log.append(JSON.stringify(record('good2', Buffer.from('{}'), 'e2')));
    await log.close();
    const problems: number[] = [];
    const records = await readEventLog(path, (p) => problems.push(p.line));
    expect(records.map((r) => r.id)).toEqual(['good1', 'good2']);
    expect(problems).toEqual([2]);
    expect(readFileSync(path, 'utf8').split('\n')[1]).toBe(torn);
  });

  it('rejects every append of a batch when the disk is full, and keeps working for the next', async () => {
    const log = EventLog.open('/dev/full');
    const results = await Promise.allSettled([log.append('{"a":1}'), log.append('{"a":2}')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason.code).toBe('ENOSPC');
    await expect(log.append('{"a":3}')).rejects.toMatchObject({ code: 'ENOSPC' });
    await log.close();
  });

  it('ignores foreign lines', async () => {
    const path = tempLog();
    await EventLog.open(path).close();
    writeFileSync(path, '{"v":2,"id":"x","time":"t"}\nnot json\n[1]\n');
    const problems: string[] = [];
    expect(await readEventLog(path, (p) => problems.push(p.message))).toEqual([]);
    expect(problems).toHaveLength(3);
  });
});
