// The MCP SDK (and zod, for tool schemas) are loaded only by `xcli mcp` and the sandbox's /mcp route,
// through importExternal (src/external.ts): nothing else in xcli pays for them.
import { importExternal } from '../startup/external.js';

type StdioServer = typeof import('@modelcontextprotocol/sdk/server/stdio.js');
type HttpClient = typeof import('@modelcontextprotocol/sdk/client/streamableHttp.js');
type McpServerModule = typeof import('@modelcontextprotocol/sdk/server/mcp.js');
type HttpServer = typeof import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js');
type Types = typeof import('@modelcontextprotocol/sdk/types.js');
type Zod = typeof import('zod');

export const loadStdioServer = () => importExternal<StdioServer>('@modelcontextprotocol/sdk/server/stdio.js');
export const loadHttpClient = () => importExternal<HttpClient>('@modelcontextprotocol/sdk/client/streamableHttp.js');
export const loadMcpServer = () => importExternal<McpServerModule>('@modelcontextprotocol/sdk/server/mcp.js');
export const loadHttpServer = () => importExternal<HttpServer>('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js');
export const loadTypes = () => importExternal<Types>('@modelcontextprotocol/sdk/types.js');
export const loadZod = () => importExternal<Zod>('zod');
