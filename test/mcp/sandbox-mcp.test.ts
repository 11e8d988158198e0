// The sandbox's /mcp on its own: its tokens, sessions per user, and a bound on open sessions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from '../helpers/fake-x.js';

let fake: FakeX;
beforeAll(async () => {
  fake = await startFakeX();
});
afterAll(() => fake.close());

const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
};

function post(token: string | undefined, body: unknown, session?: string) {
  return fetch(`${fake.url}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(session ? { 'mcp-session-id': session } : {}),
    },
    body: JSON.stringify(body),
  });
}

async function open(token: string): Promise<string> {
  const res = await post(token, INIT);
  expect(res.status).toBe(200);
  await res.body?.cancel();
  return res.headers.get('mcp-session-id')!;
}

const ping = (token: string, session: string) => post(token, { jsonrpc: '2.0', id: 2, method: 'ping' }, session);

describe('sandbox /mcp', () => {
  it('takes only its OAuth2 user tokens, and a session only from the user who opened it', async () => {
    expect((await post(undefined, INIT)).status).toBe(401);
    expect((await post(fake.sandbox.credentials.bearerToken, INIT)).status).toBe(403);
    const mine = fake.sandbox.mintUserToken().access_token;
    const session = await open(mine);
    const pong = await ping(mine, session);
    expect(pong.status).toBe(200);
    expect(await pong.text()).toContain('"result":{}');
    const someoneElse = fake.sandbox.mintUserToken({ userId: '2244994945' }).access_token;
    expect((await ping(someoneElse, session)).status).toBe(404);
    expect((await post(mine, { jsonrpc: '2.0', id: 3, method: 'ping' })).status).toBe(400);
  });

  it('keeps at most 100 open sessions, ending the oldest', async () => {
    const token = fake.sandbox.mintUserToken().access_token;
    const first = await open(token);
    for (let i = 0; i < 100; i++) await open(token);
    expect((await ping(token, first)).status).toBe(404);
  });
});
