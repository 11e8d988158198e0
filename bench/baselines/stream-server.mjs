// A stream source that writes as fast as the reader takes it: GET any path → 200 and
// `?bytes=N` bytes of NDJSON (1 KB post records, newline-terminated), then the end of the stream.
// Prints {"type":"ready","localUrl":…} on stderr; runs until killed.
import { createServer } from 'node:http';
import { streamRecord } from '../lib/payloads.mjs';

const BLOCK = Buffer.from(streamRecord().repeat(64)); // 64 KiB per write

const server = createServer((req, res) => {
  const total = Number(new URL(req.url, 'http://x').searchParams.get('bytes') ?? 1 << 20);
  res.writeHead(200, { 'content-type': 'application/json' });
  let left = Math.floor(total / BLOCK.length);
  const pump = () => {
    while (left > 0) {
      left--;
      if (!res.write(BLOCK)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
});
server.listen(0, '127.0.0.1', () => {
  process.stderr.write(`${JSON.stringify({ type: 'ready', localUrl: `http://127.0.0.1:${server.address().port}` })}\n`);
});
