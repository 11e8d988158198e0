import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from '../helpers/fake-x.js';

let fake: FakeX;
beforeAll(async () => {
  fake = await startFakeX({ stream: { heartbeatMs: 20 } });
});
afterAll(() => fake.close());

/** Reads a stream until `until` says stop (or the server closes); returns the raw text. */
/** Resolves once the sandbox holds a stream connection it did not hold when called (no fixed sleep). */
async function newStream(): Promise<void> {
  const before = new Set(fake.sandbox.streams);
  while (![...fake.sandbox.streams].some((s) => !before.has(s))) await new Promise((r) => setImmediate(r));
}

async function read(
  path: string,
  until: (text: string) => boolean,
  maxMs = 10_000,
): Promise<{ status: number; text: string; ended: boolean }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), maxMs);
  const res = await fetch(`${fake.url}${path}`, {
    headers: { authorization: `Bearer ${fake.sandbox.credentials.bearerToken}` },
    signal: controller.signal,
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const chunk = await reader.read().catch(() => undefined);
    if (!chunk) return { status: res.status, text, ended: false };
    const { done, value } = chunk;
    if (done) {
      clearTimeout(timer);
      return { status: res.status, text, ended: true };
    }
    text += decoder.decode(value, { stream: true });
    if (until(text)) {
      clearTimeout(timer);
      controller.abort();
      return { status: res.status, text, ended: false };
    }
  }
}

const records = (text: string) =>
  text
    .split('\r\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));

describe('sandbox streams', () => {
  it('streams the sample as NDJSON with \\r\\n heartbeats', async () => {
    const { status, text } = await read('/2/tweets/sample/stream', (t) => /\r\n\r\n/.test(t) && records(t).length >= 2);
    expect(status).toBe(200);
    expect(records(text)[0].data).toHaveProperty('edit_history_tweet_ids');
  });

  it('drops the connection after N records when asked (reconnect tests)', async () => {
    fake.sandbox.configureStreams({ dropAfterRecords: 1 });
    try {
      const { text, ended } = await read('/2/tweets/sample/stream', () => false);
      expect(ended).toBe(true);
      expect(records(text)).toHaveLength(1);
    } finally {
      fake.sandbox.configureStreams({ dropAfterRecords: undefined });
    }
  });

  it('stalls after N records: no records and no heartbeats', async () => {
    fake.sandbox.configureStreams({ stallAfterRecords: 1 });
    try {
      const { text } = await read('/2/tweets/sample/stream', () => false, 300);
      expect(records(text)).toHaveLength(1);
      expect(text.endsWith('}\r\n')).toBe(true);
    } finally {
      fake.sandbox.configureStreams({ stallAfterRecords: undefined });
    }
  });

  it('sends activity events and backfill on /2/activity/stream', async () => {
    const userId = fake.sandbox.state.authenticatedUserId;
    const now = new Date().toISOString();
    fake.sandbox.state.activitySubscriptions.set('s1', {
      subscription_id: 's1',
      event_type: 'profile.update.bio',
      filter: { user_id: userId },
      created_at: now,
      updated_at: now,
    });
    fake.sandbox.emit('profile.update.bio', { userId, payload: { before: 'old', after: 'new' } });
    const backfilled = await read('/2/activity/stream?backfill_minutes=5', (t) => records(t).length >= 1);
    expect(records(backfilled.text)[0].data).toMatchObject({ event_type: 'profile.update.bio', payload: { after: 'new' } });

    const opened = newStream();
    const live = read('/2/activity/stream', (t) => records(t).length >= 1);
    await opened;
    fake.sandbox.emit('profile.update.bio', { userId, payload: { before: 'new', after: 'newer' } });
    expect(records((await live).text)[0].data.payload.after).toBe('newer');
    expect(
      (
        await fetch(`${fake.url}/2/activity/stream?backfill_minutes=6`, {
          headers: { authorization: `Bearer ${fake.sandbox.credentials.bearerToken}` },
        })
      ).status,
    ).toBe(400);
  });

  it('delivers matching posts on the filtered stream with matching_rules', async () => {
    fake.sandbox.state.streamRules.set('r1', { id: 'r1', value: 'cats', tag: 'pets' });
    const opened = newStream();
    const pending = read('/2/tweets/search/stream', (t) => records(t).length >= 1);
    await opened;
    const token = fake.sandbox.mintUserToken().access_token;
    const post = (text: string) =>
      fetch(`${fake.url}/2/tweets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
    await post('dogs only');
    await post('I like cats');
    const [first] = records((await pending).text);
    expect(first.data.text).toBe('I like cats');
    expect(first.matching_rules).toEqual([{ id: 'r1', tag: 'pets' }]);
  });
});
