#!/usr/bin/env node
// The load generator of the CRC and events cases, run as its own process (so it never shares an
// event loop with the server it measures): autocannon against URL for SECONDS, printing one JSON
// line {requests, seconds, rps, ok, non2xx, errors, timeouts}.
//   node bench/lib/load.mjs crc URL SECONDS
//   node bench/lib/load.mjs events URL SECONDS SECRET    (signed 1 KB events, each with its own id)
import { createHmac, randomUUID } from 'node:crypto';
import autocannon from 'autocannon';

const [mode, url, seconds, secret] = process.argv.slice(2);
const CONNECTIONS = 10;

/** X's CRC token: base64 of a UUID (48 characters). */
const crcToken = Buffer.from(randomUUID()).toString('base64');

/** An X Activity post.create event padded to 1 KB, with a fresh event_uuid. */
function event() {
  const text = 'Shipping webhooks today with xcli 🚀 ';
  const data = {
    data: {
      event_uuid: randomUUID(),
      event_type: 'post.create',
      filter: { user_id: '1500000000000000002' },
      tag: 'xcli bench',
      payload: { id: '1600000000000000001', text, author_id: '1500000000000000002', created_at: new Date().toISOString(), edit_history_tweet_ids: ['1600000000000000001'] },
      includes: { users: [{ id: '1500000000000000002', username: 'alice', name: 'Alice', description: '' }] },
    },
  };
  const bare = Buffer.byteLength(JSON.stringify(data));
  data.data.includes.users[0].description = 'x'.repeat(Math.max(0, 1024 - bare));
  return Buffer.from(JSON.stringify(data));
}

const request =
  mode === 'crc'
    ? { method: 'GET', path: `${new URL(url).pathname}?crc_token=${encodeURIComponent(crcToken)}&nonce=bench` }
    : {
        method: 'POST',
        path: new URL(url).pathname,
        setupRequest(req) {
          const body = event();
          req.body = body;
          req.headers = { 'content-type': 'application/json; charset=utf-8', 'x-twitter-webhooks-signature': `sha256=${createHmac('sha256', secret).update(body).digest('base64')}` };
          return req;
        },
      };

const result = await autocannon({ url, connections: CONNECTIONS, duration: Number(seconds), requests: [request] });
process.stdout.write(
  `${JSON.stringify({
    requests: result.requests.total,
    seconds: result.duration,
    rps: result.requests.total / result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  })}\n`,
);
