// `xcli mcp --local`: xcli's own abilities as MCP tools over stdio, for an agent working on an X app.
// Each tool calls the function the matching command uses (src/http, src/webhook, the sandbox's admin
// client); results are JSON text with every secret of the app redacted. Writes through api_request
// are dry runs unless the user started the server with --allow-writes.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Context } from '../context.js';
import type { EventRecord } from '../webhook/event-log.js';
import { UsageError, XcliError } from '../errors.js';
import { testIO } from '../io.js';
import { rateLimitLine } from '../http/rate-limits.js';
import { Redactor } from '../http/redact.js';
import { selectRoutes } from '../http/route-list.js';
import { exchange, openSession, prepare, type ApiSession, type RequestSpec } from '../http/session.js';
import type { GlobalOptions } from '../http/types.js';
import { resolveRequestUrl } from '../http/url.js';
import { LineCap, MAX_MESSAGE_BYTES } from './line-cap.js';
import { loadMcpServer, loadStdioServer, loadZod } from './sdk.js';

export interface LocalOptions {
  url?: string;
  globals: GlobalOptions;
  allowWrites: boolean;
}

const READ_METHODS = new Set(['GET', 'HEAD']);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
/** Route listings longer than this come as method, path and summary only. */
const FULL_ROUTE_FACTS = 20;

const json = (value: unknown, isError = false): CallToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(value, null, 2) }],
  ...(isError ? { isError } : {}),
});

/** Runs a function that prints to stdout (the commands' JSON output) and returns what it printed. */
async function captured(ctx: Context, work: (quiet: Context) => Promise<void>): Promise<{ out: string; error?: unknown }> {
  const io = testIO();
  const quiet: Context = { ...ctx, io: { ...ctx.io, stdout: io.stdout, isStdoutTTY: false, colorStdout: false } };
  try {
    await work(quiet);
    return { out: io.out() };
  } catch (error) {
    return { out: io.out(), error };
  }
}

export async function runLocalMcp(ctx: Context, options: LocalOptions): Promise<void> {
  if (options.url !== undefined) throw new UsageError("--local serves xcli's own tools and takes no URL");
  const { globals, allowWrites } = options;
  const [{ McpServer }, { StdioServerTransport }, { z }] = await Promise.all([loadMcpServer(), loadStdioServer(), loadZod()]);
  const server = new McpServer({ name: 'xcli', version: ctx.version });
  let session: ApiSession | undefined;
  // Opened on first use: a missing app is then a tool error, not a server that never starts.
  const apiSession = async () => (session ??= await openSession(ctx, globals));
  const redactor = () => session?.redactor ?? new Redactor();

  const running = new Set<Promise<CallToolResult>>();
  /** A tool body whose xcli errors become tool errors (one line, redacted) instead of protocol errors. */
  const tool =
    <A>(work: (args: A) => Promise<CallToolResult>) =>
    (args: A): Promise<CallToolResult> => {
      const call = work(args).catch((error: unknown) => {
        if (!(error instanceof XcliError)) throw error;
        return json({ error: redactor().text(error.message) }, true);
      });
      running.add(call);
      void call.finally(() => running.delete(call)).catch(() => {});
      return call;
    };

  server.registerTool(
    'api_request',
    {
      description: `Send a request to the X API with the auth its route takes (as 'xcli PATH'). ${
        allowWrites
          ? 'Writes (POST, PUT, PATCH, DELETE) are sent unless dry_run is true.'
          : 'Writes (POST, PUT, PATCH, DELETE) are only rehearsed: the server was started without --allow-writes.'
      } A dry run shows the exact request and the chosen auth, with credentials redacted.`,
      inputSchema: {
        method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
        path: z.string().min(1).describe('API path such as /2/users/me or /2/tweets/20'),
        query: z.record(z.string()).optional().describe('query parameters'),
        body: z.unknown().optional().describe('JSON body (an object) for POST/PUT/PATCH'),
        dry_run: z.boolean().optional().describe('rehearse instead of sending (default: true for writes without --allow-writes)'),
      },
    },
    tool(async ({ method, path, query, body, dry_run }) => {
      const s = await apiSession();
      const url = resolveRequestUrl(path, s.resolved.apiBaseUrl);
      for (const [name, value] of Object.entries(query ?? {})) url.searchParams.set(name, value);
      const spec: RequestSpec = { method, url };
      if (body !== undefined) {
        spec.body = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
        spec.headers = { 'Content-Type': 'application/json' };
      }
      const isWrite = !READ_METHODS.has(method);
      const blocked = isWrite && !allowWrites;
      if (blocked || dry_run === true) {
        const req = await prepare(s, spec, { rehearsal: true });
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([name, value]) => [name, s.redactor.header(name, value)]),
        );
        return json({
          dry_run: true,
          ...(blocked ? { note: "not sent: writes are dry runs unless 'xcli mcp --local' was started with --allow-writes" } : {}),
          method,
          url: s.redactor.url(req.url),
          auth: {
            kind: req.auth.kind ?? 'none',
            reason: s.redactor.text(req.auth.reason),
            ...(req.auth.detail ? { detail: s.redactor.text(req.auth.detail) } : {}),
          },
          headers,
          ...(req.body ? { body: s.redactor.text(req.body.toString('utf8')) } : {}),
        });
      }
      const response = await exchange(s, spec);
      const text = s.redactor.text(response.body.toString('utf8'));
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: returned as text
      }
      const limit = rateLimitLine(response.headers, ctx.now());
      return json({ status: response.status, ...(limit ? { rate_limit: limit } : {}), body: parsed }, response.status >= 400);
    }),
  );

  server.registerTool(
    'routes',
    {
      description:
        "What X's API routes accept (as 'xcli routes'): method, path, auth kinds, OAuth2 scopes, parameters, paging, streaming.",
      inputSchema: {
        filter: z.string().optional().describe('a path (/2/tweets/20, /2/users/{id}) or a word to search in paths and summaries'),
        method: z.string().optional().describe('only routes with this HTTP method'),
      },
    },
    tool(async ({ filter, method }) => {
      const routes = selectRoutes(filter, method?.toUpperCase());
      if (routes.length <= FULL_ROUTE_FACTS) return json(routes);
      return json({
        count: routes.length,
        note: 'many routes: narrow the filter for full facts',
        routes: routes.map((r) => ({ method: r.method, path: r.path, summary: r.summary })),
      });
    }),
  );

  server.registerTool(
    'webhook_events',
    {
      description: "Events from the local webhook log ('xcli webhook start' records every delivery): newest last.",
      inputSchema: {
        since: z.string().optional().describe('a duration (10m, 2h, 1d) or an ISO time'),
        type: z.string().optional().describe('event type filter, as --type of xcli webhook events'),
        id: z.string().optional().describe("one event: its local id, X's event id, or a unique prefix"),
        limit: z.number().int().min(1).max(500).default(20),
      },
    },
    tool(async ({ since, type, id, limit }) => {
      const [{ streamEventLog }, { findRecord }, { eventTypeFilter }, { parseTimeOrAgo }] = await Promise.all([
        import('../webhook/event-log.js'),
        import('../webhook/history.js'),
        import('../webhook/classify.js'),
        import('../duration.js'),
      ]);
      if (id !== undefined) return json(await findRecord(ctx, id));
      const matches = eventTypeFilter(type);
      const from = since === undefined ? undefined : parseTimeOrAgo(since, ctx.now(), 'since');
      // The log may hold hundreds of MiB: read as a stream, keeping only the newest `limit`.
      const events: EventRecord[] = [];
      let total = 0;
      for await (const { record } of streamEventLog(ctx.paths.eventLog)) {
        if ((matches && !matches(record.type)) || (from !== undefined && Date.parse(record.time) < from)) continue;
        total++;
        events.push(record);
        if (events.length > limit) events.shift();
      }
      return json({ total, events });
    }),
  );

  server.registerTool(
    'webhook_trigger',
    {
      description:
        "Send a sample event, signed with the app's consumer secret as X signs it, to a local webhook (as 'xcli webhook trigger').",
      inputSchema: {
        type: z.string().describe('event type, e.g. post.create or favorite_events'),
        url: z
          .string()
          .optional()
          .describe("a local URL (default: the running 'xcli webhook start', else http://127.0.0.1:8080/webhook)"),
        set: z.array(z.string()).optional().describe('overrides path=value'),
      },
    },
    tool(async ({ type, url, set }) => {
      if (url !== undefined && !isLoopbackUrl(url))
        throw new UsageError(`webhook_trigger sends only to this machine (127.0.0.1, localhost, [::1]), not ${url}`);
      const { runTrigger } = await import('../webhook/tools.js');
      const { out, error } = await captured(ctx, (quiet) =>
        runTrigger(quiet, type, { to: url, overrides: set ?? [], app: globals.app, json: true, print: false }),
      );
      if (error && !out) throw error;
      return json(
        { ...(JSON.parse(out) as object), ...(error ? { error: redactor().text((error as Error).message) } : {}) },
        error !== undefined,
      );
    }),
  );

  const sandboxApp = globals.app ?? 'sandbox';
  const { runSandboxEmit, runSandboxStatus } = await import('../sandbox/command/cli.js');
  if (!(await captured(ctx, (quiet) => runSandboxStatus(quiet, { app: sandboxApp, json: true }))).error) {
    server.registerTool(
      'sandbox_emit',
      {
        description: `Make an X Activity event happen in the running sandbox (app '${sandboxApp}'), as 'xcli sandbox emit'.`,
        inputSchema: {
          event_type: z.string().describe('e.g. profile.update.bio, post.create'),
          user: z.string().optional().describe('@handle or user id (default: the acting user)'),
          set: z.array(z.string()).optional().describe('overrides path=value'),
        },
      },
      tool(async ({ event_type, user, set }) => {
        const { out, error } = await captured(ctx, (quiet) =>
          runSandboxEmit(quiet, { type: event_type, user, set, app: sandboxApp }),
        );
        if (error) throw error;
        return json(JSON.parse(out));
      }),
    );
  }

  const log = (line: string) => void ctx.io.stderr.write(`xcli mcp: ${line}\n`);
  const input = new LineCap(MAX_MESSAGE_BYTES, (bytes) =>
    log(`dropped a message of ${bytes} bytes from stdin: over the 16 MiB limit`),
  );
  const stdio = new StdioServerTransport(input, ctx.io.stdout, { maxBufferSize: MAX_MESSAGE_BYTES + 2 });
  stdio.onerror = (error) =>
    log(`ignored a line on stdin that is not a JSON-RPC message (${error.message.replace(/\s*\n\s*/g, ' ')})`);
  let stopInterrupt = () => {};
  const ended = new Promise<void>((resolve) => {
    input.once('end', resolve);
    stopInterrupt = ctx.onInterrupt(resolve);
  });
  await server.connect(stdio);
  ctx.io.stdin.pipe(input);
  log(`serving xcli's tools on stdin/stdout${allowWrites ? ' (writes allowed)' : ' (writes are dry runs)'}`);
  await ended;
  stopInterrupt();
  ctx.io.stdin.unpipe(input);
  // Calls already read are answered before the server stops.
  while (running.size > 0) await Promise.allSettled([...running]);
  await new Promise((resolve) => setImmediate(resolve));
  await server.close();
}

function isLoopbackUrl(value: string): boolean {
  try {
    return LOOPBACK.has(new URL(value).hostname);
  } catch {
    return false;
  }
}
