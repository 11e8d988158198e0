// One neutraliser for every human-facing output (issue 16 item 9): the webhook console, tables,
// `webhook events` and `events show` on a terminal, and the shortcuts' rendering.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createContext } from '../../src/context.js';
import { testIO } from '../../src/io.js';
import { renderDocument, styleFor } from '../../src/shortcuts/render.js';
import { terminalText } from '../../src/terminal-text.js';
import { EventLog, eventRecord } from '../../src/webhook/event-log.js';
import { runEventsList, runEventsShow } from '../../src/webhook/history.js';
import { createRenderer } from '../../src/webhook/render.js';
import { formatTable } from '../../src/webhook/table.js';

const HOSTILE = 'evil\u202Etxt.exe \u001b]0;title\u0007 \u009b2J \u2066x\u2069';
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function logWithHostileEvent(): Promise<{ dir: string; id: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'xcli-term-'));
  dirs.push(dir);
  const body = Buffer.from(
    JSON.stringify({ data: { event_uuid: 'u1', event_type: 'post.create', payload: { text: HOSTILE } } }).replace(
      '\\u001b',
      '\u001b',
    ),
  );
  const log = EventLog.open(join(dir, 'events', 'events.jsonl'));
  const record = eventRecord(
    {
      id: 'abc-1',
      time: new Date().toISOString(),
      path: '/webhook',
      headers: { 'content-type': 'application/json', 'user-agent': `ua ${HOSTILE}` },
      verdict: 'valid',
      dup: false,
    },
    { product: 'activity', type: 'post.create', eventId: 'u1', actor: `@a${HOSTILE}`, summary: HOSTILE },
    body,
  );
  await log.append(JSON.stringify(record));
  await log.close();
  return { dir, id: record.id };
}

describe('terminalText', () => {
  it('shows controls and bidi overrides as visible escapes; multi-line text keeps newlines and tabs', () => {
    expect(terminalText('a\u202Eb\u001b[2Jc\nd\te')).toBe('a\\u202eb\\u001b[2Jc\\u000ad\\u0009e');
    expect(terminalText('a\u202Eb\r\nc\rd\te', { multiline: true })).toBe('a\\u202eb\nc\\u000dd\te');
    expect(terminalText('plain ✓ text, émoji 🚀')).toBe('plain ✓ text, émoji 🚀');
  });
});

describe('every human-facing output path', () => {
  it('webhook events show on a terminal: head and pretty body', async () => {
    const { dir, id } = await logWithHostileEvent();
    const io = testIO({ stdoutTTY: true });
    await runEventsShow(createContext(io, { XCLI_CONFIG_DIR: dir }, 'test'), id, { json: false });
    expect(io.out()).toContain('evil\\u202etxt.exe');
    expect(io.out()).not.toMatch(UNSAFE);
  });

  it('webhook events as a table, and formatTable for every other listing', async () => {
    const { dir } = await logWithHostileEvent();
    const io = testIO({ stdoutTTY: true });
    await runEventsList(createContext(io, { XCLI_CONFIG_DIR: dir }, 'test'), { json: false });
    expect(io.out()).toContain('evil\\u202etxt.exe');
    expect(io.out()).not.toMatch(UNSAFE);
    expect(formatTable(['A', 'B'], [[HOSTILE, HOSTILE]])).not.toMatch(UNSAFE);
  });

  it('the webhook start console', async () => {
    const io = testIO({ stdoutTTY: true });
    const render = createRenderer(io, { json: false, quiet: false, pretty: true });
    const record = eventRecord(
      { id: 'x', time: new Date().toISOString(), path: '/', headers: {}, verdict: 'valid', dup: false },
      { product: 'activity', type: `post.create${HOSTILE}`, eventId: HOSTILE, actor: HOSTILE, summary: HOSTILE },
      Buffer.from('{}'),
    );
    render({ type: 'event', record, line: JSON.stringify(record), json: { text: HOSTILE } });
    // A note on stderr first flushes the console's batched stdout lines.
    render({ type: 'warning', message: HOSTILE });
    expect(io.out()).toContain('\\u202e');
    expect(io.out()).not.toMatch(UNSAFE);
    expect(io.err()).not.toMatch(UNSAFE);
  });

  it('the shortcuts (posts, users)', () => {
    const out = renderDocument(
      {
        data: [{ id: '1', text: `line one\n${HOSTILE}`, author_id: '2' }],
        includes: { users: [{ id: '2', username: `u${HOSTILE}`, name: HOSTILE }] },
      },
      'posts',
      styleFor(false),
    );
    expect(out).toContain('\\u202e');
    expect(out).toContain('line one\n');
    expect(out).not.toMatch(UNSAFE);
  });
});
