// The sandbox's MCP server at /mcp (Streamable HTTP, the SDK's server side, loaded on the first hit),
// so `xcli mcp` can be tried and tested with no X account. Every request needs one of the sandbox's
// OAuth2 user tokens (a revoked or expired one gets 401 from the sandbox's auth check, as on X);
// sessions belong to the user that opened them; answers come as SSE; DELETE ends a session (and is
// kept in the sandbox's recorded requests). The tools call the sandbox's own routes with the
// caller's token, so their answers, scopes and limits are those of the API.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { loadHttpServer, loadMcpServer, loadTypes, loadZod } from '../../../mcp/sdk.js';
import type { SandboxApp } from '../app.js';
import type { SandboxRequest, SandboxResponse } from '../router.js';

/** Open sessions kept at most; beyond, the oldest is ended. */
const MAX_SESSIONS = 100;

interface McpSession {
  transport: WebStandardStreamableHTTPServerTransport;
  server: McpServer;
  userId: string;
}

/** JSON-RPC errors outside any request (`id: null`), as the SDK's own examples answer them. */
function rpcError(status: number, code: number, message: string): SandboxResponse {
  return { status, json: { jsonrpc: '2.0', error: { code, message }, id: null } };
}

export function registerMcpRoutes(app: SandboxApp): void {
  const sessions = new Map<string, McpSession>();

  async function openSession(userId: string): Promise<McpSession> {
    const [{ WebStandardStreamableHTTPServerTransport }, { McpServer }] = await Promise.all([loadHttpServer(), loadMcpServer()]);
    const server = new McpServer({ name: 'xcli-sandbox', version: '1' }, { capabilities: { logging: {} } });
    await registerTools(app, server);
    const session: McpSession = {
      server,
      userId,
      transport: new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        onsessioninitialized: (id) => {
          sessions.set(id, session);
          // Clients that vanish without DELETE must not grow a long-running sandbox: the oldest go.
          for (const [oldId, old] of sessions) {
            if (sessions.size <= MAX_SESSIONS) break;
            sessions.delete(oldId);
            void old.server.close();
          }
        },
        onsessionclosed: (id) => {
          sessions.delete(id);
          void server.close();
        },
      }),
    };
    await server.connect(session.transport);
    return session;
  }

  async function handle(req: SandboxRequest): Promise<SandboxResponse | 'streamed'> {
    const userId = req.auth.userId ?? '';
    const header = req.headers['mcp-session-id'];
    const sessionId = Array.isArray(header) ? header[0] : header;
    let session = sessionId === undefined ? undefined : sessions.get(sessionId);
    // Another user's session is as unknown as an ended one.
    if (sessionId !== undefined && session?.userId !== userId) return rpcError(404, -32001, 'Session not found');
    if (!session) {
      const { isInitializeRequest } = await loadTypes();
      if (req.method !== 'POST' || !isInitializeRequest(req.json))
        return rpcError(400, -32000, 'Bad Request: No valid session ID provided');
      session = await openSession(userId);
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const request = new Request(`${app.url()}${req.path}`, {
      method: req.method,
      headers,
      body: req.method === 'POST' ? new Uint8Array(req.rawBody) : undefined,
    });
    const token = /^Bearer\s+(\S+)/i.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
    const response = await session.transport.handleRequest(request, {
      parsedBody: req.json,
      authInfo: { token, clientId: req.auth.clientId ?? '', scopes: req.auth.scopes ?? [], extra: { userId } },
    });
    writeWebResponse(req.raw, response);
    return 'streamed';
  }

  for (const method of ['POST', 'GET', 'DELETE']) app.route(method, '/mcp', handle, { auth: ['oauth2'] });
}

/** Writes a fetch Response to node's response; an SSE body keeps flowing after the handler returned. */
function writeWebResponse(res: ServerResponse, response: Response): void {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) {
    res.end();
    return;
  }
  res.flushHeaders();
  const reader = response.body.getReader();
  res.on('close', () => void reader.cancel().catch(() => {}));
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        res.write(value);
      }
      res.end();
    } catch {
      res.destroy();
    }
  })();
}

interface ToolExtra {
  authInfo?: { token: string; extra?: Record<string, unknown> };
}

/** The tools: each one request to the sandbox's own API with the caller's token. */
async function registerTools(app: SandboxApp, server: McpServer): Promise<void> {
  const { z } = await loadZod();

  async function callApi(extra: ToolExtra, method: string, path: string, body?: unknown) {
    const response = await fetch(`${app.url()}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${extra.authInfo?.token ?? ''}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { content: [{ type: 'text' as const, text }], isError: response.status >= 400 };
  }

  const userOf = (extra: ToolExtra) => String(extra.authInfo?.extra?.userId ?? '');

  server.registerTool(
    'get_post',
    {
      description: 'Look up a post by its id (GET /2/tweets/:id).',
      inputSchema: { id: z.string().regex(/^\d+$/).describe('the post id') },
    },
    ({ id }, extra) => callApi(extra, 'GET', `/2/tweets/${id}`),
  );
  server.registerTool(
    'search_recent_posts',
    {
      description: 'Search posts of the last 7 days (GET /2/tweets/search/recent).',
      inputSchema: {
        query: z.string().min(1).describe('search query'),
        max_results: z.number().int().min(10).max(100).optional(),
      },
    },
    ({ query, max_results }, extra) => {
      const params = new URLSearchParams({ query });
      if (max_results !== undefined) params.set('max_results', String(max_results));
      return callApi(extra, 'GET', `/2/tweets/search/recent?${params}`);
    },
  );
  server.registerTool(
    'get_user_by_username',
    {
      description: 'Look up a user by username (GET /2/users/by/username/:username).',
      inputSchema: { username: z.string().min(1).describe('without @') },
    },
    ({ username }, extra) => callApi(extra, 'GET', `/2/users/by/username/${encodeURIComponent(username.replace(/^@/, ''))}`),
  );
  server.registerTool('get_me', { description: 'The authenticated user (GET /2/users/me).' }, (extra) =>
    callApi(extra, 'GET', '/2/users/me'),
  );
  server.registerTool(
    'create_post',
    {
      description: 'Create a post as the authenticated user (POST /2/tweets).',
      inputSchema: { text: z.string().min(1), reply_to: z.string().regex(/^\d+$/).optional() },
    },
    async ({ text, reply_to }, extra) => {
      const result = await callApi(extra, 'POST', '/2/tweets', {
        text,
        ...(reply_to ? { reply: { in_reply_to_tweet_id: reply_to } } : {}),
      });
      // Said on the session's background stream, so a client sees server-initiated messages arrive.
      if (!result.isError)
        await server.server
          .sendLoggingMessage({ level: 'info', logger: 'sandbox', data: `created post: ${result.content[0]!.text}` })
          .catch(() => {});
      return result;
    },
  );
  server.registerTool(
    'like_post',
    {
      description: 'Like a post as the authenticated user (POST /2/users/:id/likes).',
      inputSchema: { post_id: z.string().regex(/^\d+$/) },
    },
    ({ post_id }, extra) => callApi(extra, 'POST', `/2/users/${userOf(extra)}/likes`, { tweet_id: post_id }),
  );
}
