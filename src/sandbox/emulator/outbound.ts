// The sandbox's own outgoing HTTP (CRC checks and deliveries): no redirects followed, no
// keep-alive pool (so webhook servers under test can close at once), a hard timeout.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface OutboundResult {
  status?: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** `timeout`, or the socket error code (`ECONNREFUSED`…), when no complete answer came. */
  error?: string;
  latencyMs: number;
}

export function send(
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string; timeoutMs: number },
): Promise<OutboundResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: Omit<OutboundResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, latencyMs: Date.now() - started });
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      finish({ headers: {}, body: '', error: 'invalid URL' });
      return;
    }
    const requestFn = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const body = init.body === undefined ? undefined : Buffer.from(init.body);
    const req = requestFn(target, {
      method: init.method,
      agent: false,
      headers: {
        'user-agent': '',
        connection: 'close',
        ...(body ? { 'content-length': String(body.length) } : {}),
        ...init.headers,
      },
    });
    const timer = setTimeout(() => {
      finish({ headers: {}, body: '', error: 'timeout' });
      req.destroy();
    }, init.timeoutMs);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => finish({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err: NodeJS.ErrnoException) => finish({ headers: {}, body: '', error: err.code ?? err.message }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => finish({ headers: {}, body: '', error: err.code ?? err.message }));
    req.end(body);
  });
}
