import {
  appendFileSync,
  fdatasync,
  ftruncateSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync as fsWriteSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bodyFields,
  EventLog,
  eventRecord,
  logSegments,
  readEventLog,
  recentEventIds,
  recordBody,
  type EventRecord,
} from '../../src/webhook/event-log.js';

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
  return eventRecord(
    { id, time: new Date().toISOString(), path: '/webhook', headers: {}, verdict: 'valid', dup: false },
    { product: 'unknown', type: 'unknown', eventId },
    body,
  );
}

describe('EventLog', () => {
  it('creates the log 0600 in a 0700 directory and group-commits concurrent appends', async () => {
    const path = tempLog();
    const log = EventLog.open(path);
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => log.append(JSON.stringify(record(`r${i}`, Buffer.from(`{"n":${i}}`), `e${i}`)))),
    );
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
    const problems: Array<number | undefined> = [];
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

describe('EventLog under a failing disk (the file-system seam)', () => {
  const full = (): NodeJS.ErrnoException =>
    Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

  it('cuts a batch that failed part way back to where it started, so none of its records stays', async () => {
    const path = tempLog();
    let failNext = false;
    const seam = {
      writeSync: ((fd: number, buffer: Buffer, offset: number, length: number) => {
        if (!failNext) return fsWriteSync(fd, buffer, offset, length);
        failNext = false;
        // Most of the batch fits (whole records among it), then the disk is full.
        fsWriteSync(fd, buffer, offset, length - 1);
        throw full();
      }) as typeof fsWriteSync,
      fdatasync,
      ftruncateSync,
    };
    const log = EventLog.open(path, { fs: seam });
    await log.append(JSON.stringify(record('before', Buffer.from('{}'), 'e0')));
    const sizeBefore = statSync(path).size;
    failNext = true;
    const failed = await Promise.allSettled([
      log.append(JSON.stringify(record('a', Buffer.from('{}'), 'e1'))),
      log.append(JSON.stringify(record('b', Buffer.from('{}'), 'e2'))),
    ]);
    expect(failed.map((f) => f.status)).toEqual(['rejected', 'rejected']);
    expect((failed[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'ENOSPC', notLogged: true });
    expect(statSync(path).size).toBe(sizeBefore);
    await log.append(JSON.stringify(record('after', Buffer.from('{}'), 'e1')));
    await log.close();
    expect((await readEventLog(path)).map((r) => r.id)).toEqual(['before', 'after']);
    expect(await recentEventIds(path)).toEqual(['e0', 'e1']);
  });

  it('when the cut fails too, says the records may be logged and starts the next batch on a new line', async () => {
    const path = tempLog();
    let failNext = true;
    const seam = {
      writeSync: ((fd: number, buffer: Buffer, offset: number, length: number) => {
        if (!failNext) return fsWriteSync(fd, buffer, offset, length);
        failNext = false;
        fsWriteSync(fd, buffer, offset, 10);
        throw full();
      }) as typeof fsWriteSync,
      fdatasync,
      ftruncateSync: () => {
        throw Object.assign(new Error('EIO'), { code: 'EIO' });
      },
    };
    const log = EventLog.open(path, { fs: seam });
    await expect(log.append('{"torn":1}')).rejects.toMatchObject({ code: 'ENOSPC', notLogged: false });
    await log.append(JSON.stringify(record('next', Buffer.from('{}'))));
    await log.close();
    expect(readFileSync(path, 'utf8').split('\n')[1]).toMatch(/^\{"v":1,"id":"next"/);
  });
});

describe('rotation and reading back', () => {
  it('rotates at maxBytes, keeps `keep` old files, and reads them oldest first', async () => {
    const path = tempLog();
    const log = EventLog.open(path, { maxBytes: 2000, keep: 2 });
    for (let i = 0; i < 12; i++)
      await log.append(JSON.stringify(record(`r${i}`, Buffer.from(`{"pad":"${'p'.repeat(600)}"}`), `e${i}`)));
    await log.close();
    expect(await logSegments(path)).toEqual([`${path}.2`, `${path}.1`, path]);
    const ids = (await readEventLog(path)).map((r) => r.id);
    // The oldest file went: what is left is the latest records, in order.
    expect(ids).toEqual(Array.from({ length: 12 }, (_, i) => `r${i}`).slice(12 - ids.length));
    expect(await recentEventIds(path)).toEqual(ids.map((id) => `e${id.slice(1)}`));
    expect(await recentEventIds(path, { limit: 3 })).toEqual(['e9', 'e10', 'e11']);
  });

  it('stores a body as text when it reads as text, else as base64, and an unverified one as a head', () => {
    expect(bodyFields(Buffer.from('{"text":"hello"}'))).toEqual({ body: '{"text":"hello"}' });
    expect(bodyFields(Buffer.from('"'.repeat(300)))).toEqual({ bodyBase64: Buffer.from('"'.repeat(300)).toString('base64') });
    expect(bodyFields(Buffer.alloc(100, 1))).toHaveProperty('bodyBase64');
    const long = Buffer.from(`${'a'.repeat(4095)}é${'b'.repeat(5000)}`);
    const head = bodyFields(long, 'head');
    // Cut before the two-byte é rather than through it, so the head is still text.
    expect(head).toMatchObject({ body: 'a'.repeat(4095), bodyTruncated: true, bodyLength: long.length });
    expect(head.bodySha256).toMatch(/^[0-9a-f]{64}$/);
    expect(bodyFields(Buffer.from('short'), 'head')).toEqual({ body: 'short' });
  });
});
