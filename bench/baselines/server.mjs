// Baseline server of the CRC case, as bare as node:http allows (the events case has durable.mjs):
//   crc:  answers GET ?crc_token=T with X's {"response_token":"sha256=<HMAC>"} (same HMAC as xcli)
// Prints {"type":"ready","localUrl":…} on stderr; runs until killed.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';

const [mode, secret = ''] = process.argv.slice(2);
const server = createServer((req, res) => {
  if (mode === 'crc') {
    const token = new URL(req.url, 'http://x').searchParams.get('crc_token') ?? '';
    const body = JSON.stringify({ response_token: `sha256=${createHmac('sha256', secret).update(token).digest('base64')}` });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  } else {
    res.writeHead(405).end();
  }
});
server.listen(0, '127.0.0.1', () => {
  process.stderr.write(`${JSON.stringify({ type: 'ready', localUrl: `http://127.0.0.1:${server.address().port}/webhook` })}\n`);
});
