#!/usr/bin/env node
// An attacker in a process of its own (so its writes never stall the test's own clients): opens COUNT
// connections to PORT, each a POST announcing Content-Length BYTES and sending one byte less, then
// stalls. Prints `started` once every request is written out, and on stdin's end prints the answers
// it got as JSON (`{"statuses":{"503":n,…},"open":n}`) and exits.
import { connect } from 'node:net';

const [port, count, bytes] = process.argv.slice(2).map(Number);
// One buffer for every connection: the attacker itself stays small.
const body = Buffer.alloc(bytes - 1, 0x20);
const statuses = {};
let open = 0;
let written = 0;

for (let i = 0; i < count; i++) {
  const socket = connect(port, '127.0.0.1');
  open++;
  let answered = false;
  socket.on('error', () => {});
  socket.on('close', () => open--);
  socket.on('data', (chunk) => {
    if (answered) return;
    answered = true;
    const status = /^HTTP\/1\.1 (\d{3})/.exec(chunk.toString('latin1'))?.[1] ?? 'other';
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  socket.write(`POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${bytes}\r\n\r\n`);
  let counted = false;
  const done = () => {
    if (counted) return;
    counted = true;
    if (++written === count) process.stdout.write('started\n');
  };
  socket.write(body, done);
  // A refused connection is closed by the server before the body is out: it is done too.
  socket.once('close', done);
}

process.stdin.resume();
process.stdin.on('end', () => {
  process.stdout.write(`${JSON.stringify({ statuses, open })}\n`);
  process.exit(0);
});
