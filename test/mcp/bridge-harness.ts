// The SDK's own MCP client driving `xcli mcp` (bin/xcli.js as a child process) over stdio.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { cleanEnv, XCLI_BIN } from '../helpers/run-cli.js';
import type { FakeX } from '../helpers/fake-x.js';

export interface McpChild {
  client: Client;
  transport: StdioClientTransport;
  stderr(): string;
  /** Resolves with the exit code once the child has exited. */
  exited: Promise<number | null>;
}

/** Starts `xcli ARGS` under an MCP client and completes the initialize handshake. */
export async function connectXcli(args: string[], env: Record<string, string>): Promise<McpChild> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [XCLI_BIN, ...args],
    env: cleanEnv(env),
    stderr: 'pipe',
  });
  const err: Buffer[] = [];
  transport.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
  const client = new Client({ name: 'xcli-test', version: '1' });
  let exit!: (code: number | null) => void;
  const exited = new Promise<number | null>((resolve) => (exit = resolve));
  await client.connect(transport);
  // The SDK keeps the child to itself; its pid is public and 'close' ends the transport.
  const child = (transport as unknown as { _process: import('node:child_process').ChildProcess })._process;
  if (child.exitCode !== null) exit(child.exitCode);
  else child.once('exit', (code) => exit(code));
  return { client, transport, stderr: () => Buffer.concat(err).toString('utf8'), exited };
}

/** Text of a tool result's first content item, parsed as JSON. */
export function toolJson(result: unknown): any {
  const content = (result as { content: { type: string; text: string }[] }).content;
  return JSON.parse(content[0]!.text);
}

/** The stored OAuth2 token of sandbox_dev in a config dir made by harness().storeOAuth2User(). */
export function storedToken(configDir: string): { accessToken: string; refreshToken: string } {
  const data = JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8'));
  return data.apps.sandbox.oauth2Tokens.sandbox_dev;
}

/** Revokes a token at the sandbox's OAuth2 revoke endpoint (as a user would in X's settings). */
export async function revoke(fake: FakeX, token: string): Promise<void> {
  const { clientId, clientSecret } = fake.sandbox.credentials;
  const res = await fetch(`${fake.url}/2/oauth2/revoke`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ token }),
  });
  if (res.status !== 200) throw new Error(`revoke answered ${res.status}`);
}

/**
 * A TCP proxy in front of the sandbox that can cut connections: `drop` destroys a connection when
 * the answer to a tools/call starts to come back (the request reached the server), `hold` keeps
 * that answer back until release(); destroyAll() cuts every open connection (the background stream).
 */
export class CutProxy {
  mode: 'pass' | 'drop' | 'hold' = 'pass';
  private readonly sockets = new Set<import('node:net').Socket>();
  private held: Array<() => void> = [];
  private server?: import('node:net').Server;
  url = '';

  async start(upstreamPort: number): Promise<void> {
    const { createServer, connect } = await import('node:net');
    this.server = createServer((client) => {
      const upstream = connect(upstreamPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      let toolCall = false;
      client.on('data', (data: Buffer) => {
        toolCall = data.includes('"tools/call"');
        upstream.write(data);
      });
      upstream.on('data', (data: Buffer) => {
        if (toolCall && this.mode === 'drop') {
          client.destroy();
          upstream.destroy();
        } else if (toolCall && this.mode === 'hold') {
          this.held.push(() => client.write(data));
        } else {
          client.write(data);
        }
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as import('node:net').AddressInfo).port}`;
  }

  release(): void {
    this.mode = 'pass';
    for (const write of this.held.splice(0)) write();
  }

  destroyAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.destroyAll();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
