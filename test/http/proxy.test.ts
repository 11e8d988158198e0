// HTTPS_PROXY / HTTP_PROXY / NO_PROXY (issue: behind a corporate proxy xcli could not reach X). The
// API is served under `*.test` names that only the local proxy resolves, so an answer proves the
// request went through it; NO_PROXY sends a request around it.
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crcResponseBody } from '../../src/webhook/crc.js';
import { runCli } from '../helpers/run-cli.js';
import { json, SECRETS, startServer, useLocalApi, type LocalServer } from './local-server.js';
import { startProxy, type LocalProxy } from './local-proxy.js';

const api = useLocalApi();
let proxy: LocalProxy;
beforeEach(async () => {
  proxy = await startProxy();
});
afterEach(() => proxy.close());

const tweet = '{"data":{"id":"20","text":"just setting up my twttr"}}';
/** The local API's address under a name only the proxy resolves. */
const viaName = (url: string) => url.replace('127.0.0.1', 'api.x.test');
const serveTweet = (app?: (url: string) => Record<string, unknown>) => api.serve((_req, res) => json(res, 200, tweet), app);

describe('proxies', () => {
  it('HTTP_PROXY: requests go to the proxy in absolute form; -v names it with the password redacted', async () => {
    const env = await serveTweet((url) => ({ apiBaseUrl: viaName(url), bearerToken: SECRETS.bearer }));
    const withUser = proxy.url.replace('//', '//bob:pr0xy-pa55@');
    const r = await runCli(['-v', '/2/tweets/20'], { env: { ...env, HTTP_PROXY: withUser } });
    expect(r.stderr).toContain(`* proxy: ${withUser.replace('pr0xy-pa55', '[redacted]')}\n`);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(tweet);
    expect(r.stderr).not.toContain('pr0xy-pa55');
    expect(proxy.passed.map((p) => p.line)).toEqual([`GET ${viaName(api.server.url)}/2/tweets/20`]);
    expect(proxy.passed[0]!.headers['proxy-authorization']).toBe(`Basic ${Buffer.from('bob:pr0xy-pa55').toString('base64')}`);
    expect(api.server.requests[0]!.headers.authorization).toBe(`Bearer ${SECRETS.bearer}`);
  });

  it('the lower-case http_proxy works too, and streams go through it', async () => {
    const env = await api.serve(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`${tweet}\r\n`);
      },
      (url) => ({ apiBaseUrl: viaName(url), bearerToken: SECRETS.bearer }),
    );
    const r = await runCli(['/2/tweets/sample/stream', '--no-reconnect'], { env: { ...env, http_proxy: proxy.url } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${tweet}\n`);
    expect(proxy.passed.map((p) => p.line)).toEqual([`GET ${viaName(api.server.url)}/2/tweets/sample/stream`]);
  });

  it('NO_PROXY sends matching hosts around the proxy', async () => {
    const env = await serveTweet();
    for (const noProxy of ['127.0.0.1', 'localhost,127.0.0.1', '*']) {
      const r = await runCli(['-v', '/2/tweets/20'], { env: { ...env, HTTP_PROXY: proxy.url, NO_PROXY: noProxy } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('* proxy:');
    }
    const lower = await runCli(['/2/tweets/20'], {
      env: { ...env, HTTPS_PROXY: proxy.url, http_proxy: proxy.url, no_proxy: `127.0.0.1:${new URL(api.server.url).port}` },
    });
    expect(lower.code).toBe(0);
    expect(proxy.passed).toEqual([]);
    expect(api.server.requests).toHaveLength(4);
    // A NO_PROXY entry for another host or port leaves the proxy in use.
    const other = await runCli(['/2/tweets/20'], { env: { ...env, HTTP_PROXY: proxy.url, NO_PROXY: 'example.com,127.0.0.1:1' } });
    expect(other.code).toBe(0);
    expect(proxy.passed.map((p) => p.line)).toEqual([`GET ${api.server.url}/2/tweets/20`]);
  });

  it('HTTPS_PROXY: https is tunnelled with CONNECT to the API host', async () => {
    // Where the tunnel leads: a TCP server that records the TLS ClientHello and hangs up.
    const hellos: Buffer[] = [];
    const tls = createTcpServer((socket: Socket) =>
      socket.once('data', (chunk: Buffer) => {
        hellos.push(chunk);
        socket.destroy();
      }),
    );
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const { port } = tls.address() as AddressInfo;
    try {
      const env = await serveTweet(() => ({ apiBaseUrl: `https://api.x.test:${port}`, bearerToken: SECRETS.bearer }));
      const r = await runCli(['/2/tweets/20'], { env: { ...env, HTTPS_PROXY: proxy.url, XCLI_BACKOFF_SCALE: '0' } });
      expect(r.code).toBe(4);
      expect(proxy.passed.map((p) => p.line)).toEqual([`CONNECT api.x.test:${port}`]);
      // A TLS handshake record (0x16) naming the API host (SNI) came through the tunnel.
      expect(hellos).toHaveLength(1);
      expect(hellos[0]![0]).toBe(0x16);
      expect(hellos[0]!.includes('api.x.test')).toBe(true);
    } finally {
      await new Promise((resolve) => tls.close(resolve));
    }
  });

  it('OAuth2 token refresh goes through the proxy', async () => {
    const env = await api.serve(
      (req, res) => {
        if (req.url === '/2/oauth2/token')
          return json(res, 200, {
            token_type: 'bearer',
            access_token: 'fresh-access',
            refresh_token: 'fresh-refresh',
            expires_in: 7200,
          });
        json(res, 200, '{"data":{"id":"1","username":"alice"}}');
      },
      (url) => ({
        apiBaseUrl: viaName(url),
        clientId: 'client-id',
        defaultUser: 'alice',
        oauth2Tokens: { alice: { accessToken: 'stale-access', refreshToken: SECRETS.refresh, expiresAt: Date.now() - 1000 } },
      }),
    );
    const r = await runCli(['/2/users/me'], { env: { ...env, HTTP_PROXY: proxy.url } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const base = viaName(api.server.url);
    expect(proxy.passed.map((p) => p.line)).toEqual([`POST ${base}/2/oauth2/token`, `GET ${base}/2/users/me`]);
    expect(api.server.requests[1]!.headers.authorization).toBe('Bearer fresh-access');
  });

  describe('webhook check of a public URL', () => {
    let hook: LocalServer | undefined;
    afterEach(async () => {
      await hook?.close();
      hook = undefined;
    });

    it('acts as X through the proxy', async () => {
      const secret = 'consumer-secret-for-check';
      hook = await startServer((req, res) => {
        const token = new URL(req.url, 'http://x').searchParams.get('crc_token');
        if (req.method === 'GET' && token && !token.startsWith('{')) {
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end(crcResponseBody(secret, token));
        }
        res.writeHead(req.method === 'POST' ? 200 : 400).end();
      });
      const publicUrl = `${viaName(hook.url).replace('api.x.test', 'hook.test')}/webhook`;
      const r = await runCli(['webhook', 'check', publicUrl, '--event', 'like.create'], {
        env: { XCLI_CONFIG_DIR: api.configDir, X_CONSUMER_SECRET: secret, HTTP_PROXY: proxy.url },
      });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('✓ response_token correct');
      expect(proxy.passed.map((p) => p.line.replace(/\?.*/, ''))).toEqual([
        `GET ${publicUrl}`,
        `GET ${publicUrl}`,
        `POST ${publicUrl}`,
      ]);
      expect(hook.requests).toHaveLength(3);
    });
  });
});
