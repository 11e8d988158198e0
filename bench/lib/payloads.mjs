// What the load generator and the stream server send: X-shaped payloads of fixed sizes.
import { createHmac, randomUUID } from 'node:crypto';

/** X's CRC token: base64 of a UUID (48 characters). */
export function crcToken() {
  return Buffer.from(randomUUID()).toString('base64');
}

/** An X Activity post.create delivery of exactly `bytes` bytes (default 1 KB), with a fresh event_uuid. */
export function eventBody(bytes = 1024) {
  const event = {
    data: {
      event_uuid: randomUUID(),
      event_type: 'post.create',
      filter: { user_id: '1500000000000000002' },
      tag: 'xcli bench',
      payload: {
        id: '1600000000000000001',
        text: 'Shipping webhooks today with xcli 🚀',
        author_id: '1500000000000000002',
        created_at: new Date().toISOString(),
        edit_history_tweet_ids: ['1600000000000000001'],
      },
      includes: { users: [{ id: '1500000000000000002', username: 'alice', name: 'Alice', description: '' }] },
    },
  };
  const bare = Buffer.byteLength(JSON.stringify(event));
  if (bare > bytes) throw new Error(`an event needs at least ${bare} bytes`);
  event.data.includes.users[0].description = 'x'.repeat(bytes - bare);
  return Buffer.from(JSON.stringify(event));
}

/** X's `x-twitter-webhooks-signature` of a body: sha256=<base64 HMAC-SHA256(consumer secret, body)>. */
export function signature(secret, body) {
  return `sha256=${createHmac('sha256', secret).update(body).digest('base64')}`;
}

/** One line of a post stream, newline included, of exactly `bytes` bytes (default 1 KB). */
export function streamRecord(bytes = 1024) {
  const record = {
    data: {
      id: '1600000000000000001',
      text: '',
      author_id: '1500000000000000002',
      created_at: '2026-11-23T20:00:00.000Z',
      edit_history_tweet_ids: ['1600000000000000001'],
    },
  };
  record.data.text = 'x'.repeat(bytes - 1 - JSON.stringify(record).length);
  return `${JSON.stringify(record)}\n`;
}
