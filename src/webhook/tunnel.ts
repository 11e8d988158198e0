// Public URLs for `webhook start`. The ngrok implementation loads @ngrok/ngrok (a native module) only
// here, lazily; `--tunnel-module PATH` / XCLI_TUNNEL_MODULE plug in any module exporting
// `openTunnel(options)` with the same contract (tests use a fake one; users can wrap cloudflared…).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CredentialsError, FailureError, UsageError } from '../errors.js';
import { importExternal } from '../startup/external.js';

export interface TunnelOptions {
  /** Local address the tunnel forwards to. */
  host: string;
  port: number;
  authtoken?: string;
  /** A reserved domain (`--ngrok-domain`). */
  domain?: string;
  /** Called once when the tunnel drops; xcli then reconnects with backoff. */
  onClosed: (reason?: string) => void;
}

export interface Tunnel {
  /** Public base URL (`https://abc.ngrok-free.app`), without the webhook path. */
  url: string;
  close(): Promise<void>;
}

export type OpenTunnel = (options: TunnelOptions) => Promise<Tunnel>;

export async function loadTunnelModule(modulePath: string, cwd: string): Promise<OpenTunnel> {
  let mod: { openTunnel?: unknown; default?: { openTunnel?: unknown } };
  try {
    mod = await importExternal<typeof mod>(pathToFileURL(resolve(cwd, modulePath)).href);
  } catch (error) {
    throw new UsageError(`cannot load tunnel module ${modulePath}: ${(error as Error).message}`);
  }
  const open = mod.openTunnel ?? mod.default?.openTunnel;
  if (typeof open !== 'function') throw new UsageError(`tunnel module ${modulePath} does not export openTunnel(options)`);
  return open as OpenTunnel;
}

/** ngrok through @ngrok/ngrok: `forward()` to the already bound local port (no cwd socket side effect). */
export const openNgrokTunnel: OpenTunnel = async (options) => {
  let ngrok: typeof import('@ngrok/ngrok');
  try {
    ngrok = await importExternal<typeof import('@ngrok/ngrok')>('@ngrok/ngrok');
  } catch (error) {
    throw new FailureError(
      `the ngrok native module is unavailable for ${process.platform}-${process.arch} (${(error as Error).message.split('\n')[0]}); use --no-tunnel or --public-url URL with a tunnel you run`,
      { code: 'XCLI_NGROK_UNAVAILABLE' },
    );
  }
  let closed = false;
  try {
    const listener = await ngrok.forward({
      addr: `${options.host}:${options.port}`,
      authtoken: options.authtoken,
      domain: options.domain,
      onStatusChange: (status: string) => {
        if (status === 'closed' && !closed) {
          closed = true;
          options.onClosed('ngrok session closed');
        }
      },
    } as Parameters<typeof ngrok.forward>[0]);
    const url = listener.url();
    if (!url) throw new FailureError('ngrok opened no public URL');
    return {
      url,
      close: async () => {
        closed = true;
        await listener.close();
      },
    };
  } catch (error) {
    throw ngrokError(error);
  }
};

/** ngrok error codes (err.errorCode, from the message trailer) turned into one-line fixes. */
const NGROK_FIXES: Record<string, string> = {
  ERR_NGROK_105:
    'the ngrok authtoken is malformed: copy it again from https://dashboard.ngrok.com/get-started/your-authtoken and run `xcli auth ngrok`',
  ERR_NGROK_107:
    'the ngrok authtoken was revoked or reset: get the current one from the ngrok dashboard and run `xcli auth ngrok`',
  ERR_NGROK_108: 'your ngrok account has too many agent sessions online (free plan: 3): stop another ngrok or xcli webhook start',
  ERR_NGROK_334:
    'this ngrok URL is already online elsewhere (another xcli/ngrok on the same domain): stop it or use another --ngrok-domain',
  ERR_NGROK_4018: 'ngrok needs an authtoken from a verified account: set NGROK_AUTHTOKEN or run `xcli auth ngrok`',
  ERR_NGROK_15002: 'this ngrok plan needs a domain you registered: pass --ngrok-domain',
  ERR_NGROK_120: 'this @ngrok/ngrok version is too old for the ngrok service: update xcli',
  ERR_NGROK_121: 'this @ngrok/ngrok version is too old for the ngrok service: update xcli',
  ERR_NGROK_9009: 'ngrok through a proxy needs a paid plan: use --public-url with your own tunnel',
  ERR_NGROK_8012: 'ngrok could not reach the local server: is the port still open?',
};

export function ngrokError(error: unknown): Error {
  if (error instanceof FailureError || error instanceof CredentialsError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { errorCode?: string }).errorCode ?? /(ERR_NGROK_\d+)/.exec(message)?.[1];
  const fix = code ? NGROK_FIXES[code] : undefined;
  if (code === 'ERR_NGROK_105' || code === 'ERR_NGROK_107' || code === 'ERR_NGROK_4018')
    return new CredentialsError(`${fix} (${code})`, 'XCLI_NGROK_AUTH');
  if (fix) return new FailureError(`${fix} (${code})`, { code: 'XCLI_NGROK' });
  const firstLine = message.split('\n')[0] ?? message;
  return new FailureError(
    `ngrok failed: ${firstLine}${code ? '' : '; use --no-tunnel or --public-url URL to run without ngrok'}`,
    { code: 'XCLI_NGROK' },
  );
}
