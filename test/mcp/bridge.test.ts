// `xcli mcp` against the sandbox's /mcp: the SDK's client on one side, the SDK's server on the other.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoggingMessageNotificationSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { spawnCli } from '../helpers/run-cli.js';
import { startProxy } from '../http/local-proxy.js';
import { harness, type Harness } from '../shortcuts/harness.js';
import { connectXcli, CutProxy, revoke, storedToken, toolJson, type McpChild } from './bridge-harness.js';

let h: Harness;
let child: McpChild | undefined;
beforeEach(async () => {
  h = await harness();
  h.storeOAuth2User();
});
afterEach(async () => {
  await child?.transport.close();
  child = undefined;
  await h.close();
});

const env = () => h.fake.env({ extra: { XCLI_CONFIG_DIR: h.configDir } });
const mcpRequests = () => h.fake.sandbox.requests.filter((r) => r.path === '/mcp');
const openStreams = () => mcpRequests().filter((r) => r.method === 'GET' && r.status === 200).length;

describe('xcli mcp (bridge)', () => {
  it('initializes, lists and calls tools with SSE answers in one session, and ends it with DELETE on EOF', async () => {
    child = await connectXcli(['mcp'], env());
    const { tools } = await child.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'create_post',
      'get_me',
      'get_post',
      'get_user_by_username',
      'like_post',
      'search_recent_posts',
    ]);
    const me = toolJson(await child.client.callTool({ name: 'get_me', arguments: {} }));
    expect(me.data.username).toBe('sandbox_dev');

    // A server-initiated message on the background stream reaches the client.
    const logged = new Promise<string>((resolve) =>
      child!.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => resolve(String(n.params.data))),
    );
    await expect.poll(openStreams).toBe(1);
    const created = toolJson(await child.client.callTool({ name: 'create_post', arguments: { text: 'hello from an agent' } }));
    expect(created.data.text).toBe('hello from an agent');
    expect(await logged).toContain(created.data.id);
    const found = toolJson(await child.client.callTool({ name: 'search_recent_posts', arguments: { query: 'agent' } }));
    expect(found.data.map((p: { id: string }) => p.id)).toContain(created.data.id);
    const liked = toolJson(await child.client.callTool({ name: 'like_post', arguments: { post_id: created.data.id } }));
    expect(liked.data.liked).toBe(true);

    const posts = mcpRequests().filter((r) => r.method === 'POST');
    const session = posts[1]!.headers['mcp-session-id'];
    expect(session).toMatch(/^[0-9a-f-]{36}$/);
    expect(posts.slice(1).every((r) => r.headers['mcp-session-id'] === session)).toBe(true);
    expect(posts.every((r) => String(r.headers['user-agent']).startsWith('xcli/'))).toBe(true);

    await child.transport.close(); // closes the child's stdin
    expect(await child.exited).toBe(0);
    const deleted = mcpRequests().filter((r) => r.method === 'DELETE');
    expect(deleted).toHaveLength(1);
    expect(deleted[0]!.headers['mcp-session-id']).toBe(session);
    expect(deleted[0]!.status).toBe(200);
    expect(child.stderr()).toContain('end of input: session ended');
    child = undefined;
  });

  it('answers a 401 with one forced refresh and a retry, keeping the session', async () => {
    child = await connectXcli(['mcp'], env());
    await expect.poll(openStreams).toBe(1);
    const before = storedToken(h.configDir);
    await revoke(h.fake, before.accessToken);
    const seen = h.fake.sandbox.requests.length;
    const me = toolJson(await child.client.callTool({ name: 'get_me', arguments: {} }));
    expect(me.data.username).toBe('sandbox_dev');
    const after = storedToken(h.configDir);
    expect(after.accessToken).not.toBe(before.accessToken);
    const calls = h.fake.sandbox.requests.slice(seen);
    expect(calls.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /mcp 401',
      'POST /2/oauth2/token 200',
      'POST /mcp 200',
      'GET /2/users/me 200',
    ]);
    expect(calls[2]!.headers['mcp-session-id']).toBe(calls[0]!.headers['mcp-session-id']);
    expect(child.stderr()).toContain('answered 401');
    expect(child.stderr()).not.toContain(after.accessToken);
  });

  it('answers a request whose token cannot be refreshed with error -32002 and its id', async () => {
    child = await connectXcli(['mcp'], env());
    const { accessToken, refreshToken } = storedToken(h.configDir);
    await revoke(h.fake, refreshToken);
    await revoke(h.fake, accessToken);
    const failure = await child.client.callTool({ name: 'get_me', arguments: {} }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(McpError);
    expect((failure as McpError).code).toBe(-32002);
    expect((failure as McpError).message).toMatch(/refresh/);
  });

  it('forwards a JSON-RPC error answered with an error status, and answers -32003 when an answer is unusable', async () => {
    // Before the client's initialize (id 0): the background stream is refused for good.
    h.fake.sandbox.failNext('GET', '/mcp', { status: 403, json: { title: 'Forbidden' } });
    child = await connectXcli(['mcp'], env());
    await expect
      .poll(() =>
        mcpRequests()
          .filter((r) => r.method === 'GET')
          .map((r) => r.status),
      )
      .toEqual([403]);
    h.fake.sandbox.failNext('POST', '/mcp', {
      status: 400,
      json: { jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'no such tool here' } },
    });
    const forwarded = await child.client.callTool({ name: 'get_me', arguments: {} }).catch((error: unknown) => error);
    expect(forwarded).toMatchObject({ code: -32602, message: expect.stringContaining('no such tool here') });
    h.fake.sandbox.failNext('POST', '/mcp', { status: 429, json: { status: 429 } });
    const unusable = await child.client.callTool({ name: 'get_me', arguments: {} }).catch((error: unknown) => error);
    expect(unusable).toMatchObject({ code: -32003, message: expect.stringContaining('429') });
    h.fake.sandbox.failNext('POST', '/mcp', { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>' });
    const html = await child.client.callTool({ name: 'get_me', arguments: {} }).catch((error: unknown) => error);
    expect(html).toMatchObject({ code: -32003 });
    expect(toolJson(await child.client.callTool({ name: 'get_me', arguments: {} })).data.username).toBe('sandbox_dev');
    expect(child.stderr()).toContain('refused the background stream (HTTP 403); not opening it again');
  });

  it('goes through HTTP_PROXY when it is set (the dispatcher for X), and -v names it', async () => {
    const proxy = await startProxy();
    try {
      // A name only the proxy resolves: an answer proves the request went through it.
      const url = `http://mcp.x.test:${h.fake.sandbox.port}/mcp`;
      child = await connectXcli(['mcp', '-v', url], { ...env(), HTTP_PROXY: proxy.url });
      expect(toolJson(await child.client.callTool({ name: 'get_me', arguments: {} })).data.username).toBe('sandbox_dev');
      await child.transport.close();
      expect(await child.exited).toBe(0);
      const lines = proxy.passed.map((p) => p.line);
      expect(lines).toContain(`POST ${url}`);
      expect(lines.at(-1)).toBe(`DELETE ${url}`);
      expect(child.stderr()).toContain(`* proxy: ${proxy.url}\n> POST ${url}`);
      child = undefined;
    } finally {
      await proxy.close();
    }
  });

  it('logs traffic with -v, the token redacted', async () => {
    child = await connectXcli(['mcp', '-v'], env());
    await child.client.callTool({ name: 'get_me', arguments: {} });
    const { accessToken } = storedToken(h.configDir);
    expect(child.stderr()).toMatch(/> POST http:\/\/127\.0\.0\.1:\d+\/mcp/);
    expect(child.stderr()).toContain('> authorization: Bearer [redacted]');
    expect(child.stderr()).toContain('"method":"tools/call"');
    expect(child.stderr()).not.toContain(accessToken);
  });

  describe('through a proxy that cuts connections', () => {
    let proxy: CutProxy;
    beforeEach(async () => {
      proxy = new CutProxy();
      await proxy.start(h.fake.sandbox.port);
    });
    afterEach(() => proxy.close());
    const sent = (method: string) => mcpRequests().filter((r) => r.body.includes(`"method":"${method}"`));

    it('answers a request whose connection dropped with -32001 and its id, then goes on in the same session; the background stream comes back', async () => {
      child = await connectXcli(['mcp', `${proxy.url}/mcp`], env());
      await expect.poll(openStreams).toBe(1);
      proxy.mode = 'drop';
      const failure = await child.client.callTool({ name: 'get_me', arguments: {} }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(McpError);
      expect((failure as McpError).code).toBe(-32001);
      expect(sent('tools/call')).toHaveLength(1); // reached the server once: never sent again
      proxy.mode = 'pass';
      expect(toolJson(await child.client.callTool({ name: 'get_me', arguments: {} })).data.username).toBe('sandbox_dev');
      const sessions = new Set(sent('tools/call').map((r) => r.headers['mcp-session-id']));
      expect(sessions.size).toBe(1);

      proxy.destroyAll();
      await expect.poll(openStreams, { timeout: 15_000 }).toBe(2);
      const logged = new Promise<string>((resolve) =>
        child!.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => resolve(String(n.params.data))),
      );
      const created = toolJson(await child.client.callTool({ name: 'create_post', arguments: { text: 'after the drop' } }));
      expect(await logged).toContain(created.data.id);
    });

    it('answers requests in order while a notification passes a request that is waiting', async () => {
      child = await connectXcli(['mcp', `${proxy.url}/mcp`], env());
      proxy.mode = 'hold';
      const slow = child.client.callTool({ name: 'get_me', arguments: {} });
      await expect.poll(() => sent('tools/call').length).toBe(1);
      const next = child.client.listTools();
      await child.client.notification({ method: 'notifications/cancelled', params: { requestId: 'none', reason: 'test' } });
      await expect.poll(() => sent('notifications/cancelled').map((r) => r.status)).toEqual([202]);
      expect(sent('tools/list')).toHaveLength(0); // waits for the answer before it
      proxy.release();
      expect(toolJson(await slow).data.username).toBe('sandbox_dev');
      expect((await next).tools).toHaveLength(6);
    });

    it('on SIGTERM finishes the request in flight, then ends the session with DELETE', async () => {
      child = await connectXcli(['mcp', `${proxy.url}/mcp`], env());
      proxy.mode = 'hold';
      const slow = child.client.callTool({ name: 'get_me', arguments: {} });
      await expect.poll(() => sent('tools/call').length).toBe(1);
      const pid = (child.transport as unknown as { pid: number }).pid;
      process.kill(pid, 'SIGTERM');
      await expect.poll(() => child!.stderr()).toContain('interrupted: finishing the message in flight');
      proxy.release();
      expect(toolJson(await slow).data.username).toBe('sandbox_dev');
      expect(await child.exited).toBe(0);
      expect(
        mcpRequests()
          .filter((r) => r.method === 'DELETE')
          .map((r) => r.status),
      ).toEqual([200]);
      expect(child.stderr()).toContain('interrupted: session ended');
      child = undefined;
    });
  });

  it('xcli --app sandbox mcp: logs in first when there is no token (browser), then bridges', async () => {
    const port = await freePort();
    const { clientId, clientSecret } = h.fake.sandbox.credentials;
    // As `xcli sandbox` stores it: the API base (and with it /mcp, the authorize page, the token URL) is the sandbox.
    const sandbox = { clientId, clientSecret, apiBaseUrl: h.fake.url, redirectUri: `http://127.0.0.1:${port}/callback` };
    writeFileSync(join(h.configDir, 'config.json'), JSON.stringify({ version: 1, apps: { other: {}, sandbox } }), {
      mode: 0o600,
    });
    const browser = `"${process.execPath}" "${resolve(import.meta.dirname, '../auth/fake-browser.mjs')}"`;
    child = await connectXcli(['--app', 'sandbox', 'mcp'], { XCLI_CONFIG_DIR: h.configDir, BROWSER: browser });
    expect(toolJson(await child.client.callTool({ name: 'get_me', arguments: {} })).data.username).toBe('sandbox_dev');
    expect(storedToken(h.configDir).accessToken).toBeTruthy();
    expect(child.stderr()).toContain('starting the OAuth2 login');
    expect(child.stderr()).toContain('Logged in as @sandbox_dev');
  });

  it('drops a message over 16 MiB with a note and reads on; piped messages wait for initialize', async () => {
    const proc = spawnCli(['mcp'], { env: env() });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    proc.stdout!.on('data', (c: Buffer) => out.push(c));
    proc.stderr!.on('data', (c: Buffer) => err.push(c));
    const huge = Buffer.alloc(16 * 1024 * 1024 + 10, 'x');
    proc.stdin!.write(huge);
    proc.stdin!.write('\n');
    const init = {
      jsonrpc: '2.0',
      id: 7,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    };
    // Piped at once: the notification must still wait for the session that initialize opens.
    const initialized = { jsonrpc: '2.0', method: 'notifications/initialized' };
    const me = { jsonrpc: '2.0', id: 'me', method: 'tools/call', params: { name: 'get_me', arguments: {} } };
    proc.stdin!.end([init, initialized, me].map((m) => `${JSON.stringify(m)}\n`).join(''));
    const code = await new Promise((done) => proc.on('close', done));
    expect(code).toBe(0);
    const lines = Buffer.concat(out).toString('utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toMatchObject({ jsonrpc: '2.0', id: 7, result: { serverInfo: { name: 'xcli-sandbox' } } });
    expect(JSON.parse(lines[1]!)).toMatchObject({ jsonrpc: '2.0', id: 'me', result: { isError: false } });
    const stderr = Buffer.concat(err).toString('utf8');
    expect(stderr).toContain(`dropped a message of ${huge.length} bytes from stdin: over the 16 MiB limit`);
    expect(stderr).not.toContain('could not pass on');
    expect(
      mcpRequests()
        .filter((r) => r.body.includes('notifications/initialized'))
        .map((r) => r.status),
    ).toEqual([202]);
  });
});

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}
