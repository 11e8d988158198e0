// `xcli mcp [URL]` and `xcli mcp --local`: commander wiring only; the work lives in src/mcp/.
import type { Command } from 'commander';
import type { Context } from '../context.js';
import { takesApiOptions } from './common.js';

/** The run functions of `xcli mcp` (src/mcp/), each loaded on first call. */
export interface McpRuns {
  runMcpBridge: typeof import('../mcp/bridge.js').runMcpBridge;
  runLocalMcp: typeof import('../mcp/local.js').runLocalMcp;
}

export const mcpRuns: McpRuns = {
  runMcpBridge: async (ctx, opts) => (await import('../mcp/bridge.js')).runMcpBridge(ctx, opts),
  runLocalMcp: async (ctx, opts) => (await import('../mcp/local.js')).runLocalMcp(ctx, opts),
};

export function registerMcp(program: Command, ctx: Context, run: McpRuns = mcpRuns): void {
  takesApiOptions(program.command('mcp'))
    .description(
      "X's MCP server for AI agents over stdio (JSON-RPC on stdin/stdout, logs on stderr), or xcli's own tools with --local",
    )
    .argument('[url]', "the MCP server's Streamable HTTP URL (default: the app's API base + /mcp, https://api.x.com/mcp)")
    .option('--local', "serve xcli's own tools instead: api_request, routes, webhook_events, webhook_trigger, sandbox_emit")
    .option('--allow-writes', 'with --local: api_request may send POST/PUT/PATCH/DELETE (otherwise they are dry runs)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ xcli mcp                         bridge to X\'s MCP server with your OAuth2 user token\n  $ xcli --app sandbox mcp           the same against a running `xcli sandbox`\n  $ xcli mcp --local --allow-writes  xcli\'s workbench as MCP tools\n\nAn MCP client starts it as a command: {"command": "xcli", "args": ["mcp"]} (docs/mcp.md).\n',
    )
    .action(async (url: string | undefined, opts: { local?: boolean; allowWrites?: boolean }) => {
      if (opts.local) return run.runLocalMcp(ctx, { url, globals: ctx.api, allowWrites: opts.allowWrites === true });
      return run.runMcpBridge(ctx, { url, globals: ctx.api });
    });
}
