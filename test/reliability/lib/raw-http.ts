// Raw HTTP/1.1 over a socket: what a hostile or broken client sends, byte for byte, optionally
// dribbled slowly. Nothing here fixes up the request the way an HTTP client library would.
import { connect } from 'node:net';

export interface RawAnswer {
  /** 0 when the server closed without an answer. */
  status: number;
  head: string;
  body: Buffer;
}

export interface RawOptions {
  /** Write the request in pieces of this many bytes with `pauseMs` between them. */
  sliceBytes?: number;
  pauseMs?: number;
  /** Give up (and report status 0) after this long. */
  timeoutMs?: number;
  /**
   * Send FIN after the request. Only for requests that are incomplete on purpose: node's server
   * drops a request whose client half-closes before the answer (real clients, X included, wait).
   */
  halfClose?: boolean;
}

export function rawRequest(port: number, bytes: Buffer, o: RawOptions = {}): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const done = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      const head = (split === -1 ? all : all.subarray(0, split)).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      resolve({ status, head, body: split === -1 ? Buffer.alloc(0) : all.subarray(split + 4) });
    };
    const timer = setTimeout(done, o.timeoutMs ?? 10_000);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', done);
    socket.on('error', done);
    socket.on('connect', () => {
      void (async () => {
        const slice = o.sliceBytes ?? bytes.length;
        for (let at = 0; at < bytes.length && !socket.destroyed; at += slice) {
          // A server that already answered (413, 400) may close while we still write: that is fine.
          if (!socket.write(bytes.subarray(at, at + slice))) await new Promise((r) => socket.once('drain', r).once('close', r));
          if (o.pauseMs && at + slice < bytes.length) await new Promise((r) => setTimeout(r, o.pauseMs));
        }
        if (o.halfClose && !socket.destroyed) socket.end();
      })();
    });
  });
}

/**
 * A client that opens a request and then stalls (slowloris): only part of the headers, or the
 * headers and part of the body. Resolves with how long the server took to close the connection.
 */
export function stalledClient(port: number, stage: 'headers' | 'body'): Promise<number> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        stage === 'headers'
          ? 'POST /webhook HTTP/1.1\r\nHost: x\r\nX-Slow: '
          : 'POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"data":',
      );
    });
    socket.resume();
    socket.on('error', () => {});
    socket.on('close', () => resolve(performance.now() - started));
  });
}
