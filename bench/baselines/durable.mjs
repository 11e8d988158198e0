// Baseline of the events case: the least work that acknowledges a signed event durably, as bare as
// node:http allows. Each POST's x-twitter-webhooks-signature is checked (HMAC-SHA256 of the raw body
// with the consumer secret, constant-time compare); the bodies that arrive while a write+fdatasync
// runs are appended as one batch (a line each) and synced once; each is answered 200 only after
// its batch is synced (403 for a bad signature).
// Usage: node durable.mjs SECRET LOGFILE. Prints {"type":"ready","localUrl":…} on stderr; runs until killed.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { fdatasync, openSync, writeSync } from 'node:fs';
import { createServer } from 'node:http';

const [secret, logFile] = process.argv.slice(2);
const fd = openSync(logFile, 'a', 0o600);
let batch = [];
let syncing = false;

function flush() {
  if (syncing || batch.length === 0) return;
  const current = batch;
  batch = [];
  const bytes = Buffer.concat(current.flatMap((e) => [e.body, Buffer.from('\n')]));
  for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
  syncing = true;
  fdatasync(fd, (error) => {
    syncing = false;
    for (const e of current) e.res.writeHead(error ? 503 : 200).end();
    flush();
  });
}

function verified(body, header) {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('base64')}`);
  const given = Buffer.from(String(header ?? ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (!verified(body, req.headers['x-twitter-webhooks-signature'])) return res.writeHead(403).end();
    batch.push({ body, res });
    setImmediate(flush);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stderr.write(`${JSON.stringify({ type: 'ready', localUrl: `http://127.0.0.1:${server.address().port}/webhook` })}\n`);
});
