// A forward proxy on 127.0.0.1 that records what passes through it: absolute-form requests for
// http (`GET http://host/path`) and CONNECT tunnels for https. Host names ending in `.test` do not
// resolve anywhere else; the proxy sends them to 127.0.0.1, so a request that reaches a server under
// such a name provably came through the proxy.
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

export interface Passed {
  /** `GET http://api.x.test:1234/2/users/me` or `CONNECT api.x.test:443`. */
  line: string;
  headers: IncomingHttpHeaders;
}

export interface LocalProxy {
  /** http://127.0.0.1:PORT */
  url: string;
  passed: Passed[];
  close(): Promise<void>;
}

const hostOf = (name: string) => (name.endsWith('.test') ? '127.0.0.1' : name);

export async function startProxy(): Promise<LocalProxy> {
  const passed: Passed[] = [];
  const server = createServer((req, res) => {
    passed.push({ line: `${req.method} ${req.url}`, headers: req.headers });
    let target: URL;
    try {
      target = new URL(req.url!);
    } catch {
      res.writeHead(400).end('absolute-form only');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = request(
      {
        host: hostOf(target.hostname),
        port: target.port,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req, socket, head) => {
    passed.push({ line: `CONNECT ${req.url}`, headers: req.headers });
    const [host, port] = req.url!.split(':');
    const upstream = connect(Number(port), hostOf(host!), () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    passed,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
