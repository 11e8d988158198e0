#!/usr/bin/env node
// The load generator of the CRC and events cases, run as its own process (so it never shares an
// event loop with the server it measures): autocannon against URL for SECONDS, printing one JSON
// line {requests, seconds, rps, ok, non2xx, errors, timeouts}.
//   node bench/lib/load.mjs crc URL SECONDS CONNECTIONS
//   node bench/lib/load.mjs events URL SECONDS CONNECTIONS SECRET   (signed 1 KB events, each with its own id)
import autocannon from 'autocannon';
import { crcToken, eventBody, signature } from './payloads.mjs';

const [mode, url, seconds, connections, secret] = process.argv.slice(2);

const request =
  mode === 'crc'
    ? { method: 'GET', path: `${new URL(url).pathname}?crc_token=${encodeURIComponent(crcToken())}&nonce=bench` }
    : {
        method: 'POST',
        path: new URL(url).pathname,
        setupRequest(req) {
          const body = eventBody();
          req.body = body;
          req.headers = {
            'content-type': 'application/json; charset=utf-8',
            'x-twitter-webhooks-signature': signature(secret, body),
          };
          return req;
        },
      };

const result = await autocannon({ url, connections: Number(connections), duration: Number(seconds), requests: [request] });
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
