// `xcli webhook start`: the server, then a public URL (ngrok, a plugged-in tunnel, or --public-url),
// a CRC self-check through it, optional registration at X, and a graceful stop on Ctrl-C.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Context } from '../context.js';
import { FailureError, NetworkError } from '../errors.js';
import type { GlobalOptions } from '../http/types.js';
import { eventTypeFilter } from './classify.js';
import type { DedupeStore } from './dedupe.js';
import { consumerSecretOf, ngrokAuthtokenOf, otherSecretsOf } from './credentials.js';
import { crcResponseToken } from './crc.js';
import { crcAnswerProblem, describeNetworkError, send } from './forward.js';
import { checkWebhookUrl, deleteWebhook, registerUrl, validateWebhook } from './manage.js';
import { createRenderer } from './render.js';
import { describeFsError, startWebhookServer, type ServerEvent } from './server.js';
import { loadTunnelModule, openNgrokTunnel, type OpenTunnel, type Tunnel } from './tunnel.js';

export interface StartOptions {
  port: number;
  host: string;
  path: string;
  app?: string;
  requireSignature: boolean;
  maxBodyBytes: number;
  /** Older consumer secrets still accepted during a rotation. */
  previousSecrets?: string[];
  /** A redis:// URL: dedupe shared with other instances. */
  dedupe?: string;
  /** `--max-log-size`: the event log rotates at this size (a few rotated files are kept). */
  maxLogBytes?: number;
  /** `--log-unverified full`: keep whole unverified bodies (default: their first 4 KiB, length and SHA-256). */
  logUnverifiedFull?: boolean;
  output?: string;
  pretty: boolean;
  quiet: boolean;
  json: boolean;
  events?: string;
  forwardTo?: string;
  forwardTimeoutMs: number;
  crcPassthrough: boolean;
  tunnel: boolean;
  publicUrl?: string;
  /** Register the local URL itself (the sandbox runs on this machine and reaches it directly). */
  localUrlIsPublic?: boolean;
  ngrokDomain?: string;
  tunnelModule?: string;
  register: boolean;
  replace: boolean;
  ephemeral: boolean;
  globals: GlobalOptions;
  /** Run after the webhook is registered (or re-registered after a tunnel change). */
  afterRegister: AfterRegisterHook[];
}

export interface RegisteredWebhook {
  webhookId: string;
  url: string;
}

/**
 * The seam for features that build on a registered webhook (e.g. `--subscribe TYPE:@handle`):
 * called with the webhook; may return a cleanup run on exit before an `--ephemeral` delete.
 */
export type AfterRegisterHook = (
  ctx: Context,
  webhook: RegisteredWebhook,
  emit: (event: ServerEvent) => void,
) => Promise<(() => Promise<void>) | void>;

const BACKOFF_START_MS = 250;
const BACKOFF_MAX_MS = 30_000;

export async function runWebhookStart(ctx: Context, options: StartOptions): Promise<void> {
  const secret = await consumerSecretOf(ctx, options.app);
  const emit = createRenderer(ctx.io, { json: options.json, quiet: options.quiet, pretty: options.pretty });
  const openTunnel = await chooseTunnel(ctx, options);
  // Before the server starts: a missing token fails at once (no half-started server, no summary),
  // and a tunnel reconnect never prompts in the middle of a session.
  const ngrokAuthtoken = openTunnel === openNgrokTunnel ? await ngrokAuthtokenOf(ctx) : undefined;
  const startedAt = Date.now();
  const dedupe = options.dedupe ? await openDedupe(options.dedupe) : undefined;

  let server;
  try {
    server = await startWebhookServer({
      consumerSecret: secret,
      previousSecrets: options.previousSecrets,
      dedupe,
      host: options.host,
      port: options.port,
      path: options.path,
      requireSignature: options.requireSignature,
      maxBodyBytes: options.maxBodyBytes,
      maxLogBytes: options.maxLogBytes,
      logUnverifiedFull: options.logUnverifiedFull,
      logFiles: [ctx.paths.eventLog, ...(options.output ? [options.output] : [])],
      eventFilter: eventTypeFilter(options.events),
      forwardTo: options.forwardTo,
      forwardTimeoutMs: options.forwardTimeoutMs,
      crcPassthrough: options.crcPassthrough,
      otherSecrets: await otherSecretsOf(ctx, options.app, secret),
      onEvent: emit,
    });
  } catch (error) {
    await dedupe?.close?.();
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new FailureError(`port ${options.port} on ${options.host} is in use: pick another --port, or --port 0 for a free one`);
    if (e.code === 'EACCES' && e.syscall === 'listen') throw new FailureError(`not allowed to listen on port ${options.port}: use a port above 1023`);
    if (e.code === 'EADDRNOTAVAIL') throw new FailureError(`cannot listen on ${options.host}: not an address of this machine`);
    if (e.syscall === 'open' || e.syscall === 'mkdir' || e.code === 'ENOSPC') throw new FailureError(`cannot open the event log: ${describeFsError(e)}`);
    throw error;
  }

  let tunnel: Tunnel | undefined;
  let stopping = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let registered: RegisteredWebhook | undefined;
  const cleanups: Array<() => Promise<void>> = [];

  const publicWebhookUrl = (base: string): string => {
    const u = new URL(base);
    return u.pathname === '/' || u.pathname === '' ? `${base.replace(/\/+$/, '')}${options.path}` : base;
  };

  /** After a public URL (first, or new after a reconnect): self-check, then register or re-validate. */
  const onPublic = async (url: string): Promise<void> => {
    await selfCheck(url, secret, emit);
    if (!options.register || stopping) return;
    if (registered && registered.url === url) {
      await validateWebhook(ctx, options.globals, registered.webhookId);
      emit({ type: 'register', action: 'revalidated', webhookId: registered.webhookId, url });
      return;
    }
    if (registered) {
      // The old URL points at a closed tunnel: free the slot (Pay-Per-Use allows one webhook).
      await deleteWebhook(ctx, options.globals, registered.webhookId).catch(() => {});
      emit({ type: 'register', action: 'deleted', webhookId: registered.webhookId, url: registered.url });
    }
    const result = await registerUrl(ctx, options.globals, url, {
      replace: options.replace,
      onDeleted: (w) => emit({ type: 'register', action: 'deleted', webhookId: w.id, url: w.url }),
    });
    registered = { webhookId: result.id, url };
    emit({ type: 'register', action: result.action, webhookId: result.id, url });
    for (const hook of options.afterRegister) {
      const cleanup = await hook(ctx, registered, emit);
      if (cleanup) cleanups.push(cleanup);
    }
  };

  const tunnelOptions = (): Parameters<OpenTunnel>[0] => ({
    host: options.host,
    port: server.port,
    domain: options.ngrokDomain,
    authtoken: ngrokAuthtoken,
    onClosed: (reason) => {
      if (stopping) return;
      tunnel = undefined;
      reconnect(reason, 0);
    },
  });

  const reconnect = (reason: string | undefined, attempt: number): void => {
    const delay = Math.min(BACKOFF_START_MS * 2 ** attempt, BACKOFF_MAX_MS);
    emit({ type: 'tunnel', state: 'reconnecting', message: reason, retryInMs: delay });
    reconnectTimer = setTimeout(() => {
      void (async () => {
        if (stopping || !openTunnel) return;
        try {
          tunnel = await openTunnel(tunnelOptions());
        } catch (error) {
          emit({ type: 'tunnel', state: 'failed', message: (error as Error).message });
          return reconnect(reason, attempt + 1);
        }
        if (stopping) return void tunnel.close().catch(() => {});
        const url = publicWebhookUrl(tunnel.url);
        emit({ type: 'tunnel', state: 'open', url });
        await onPublic(url).catch((error: Error) => emit({ type: 'error', message: `after reconnecting: ${error.message}` }));
      })();
    }, delay);
  };

  const stop = async (): Promise<void> => {
    stopping = true;
    clearTimeout(reconnectTimer);
    await server.close();
    await dedupe?.close?.();
    await tunnel?.close().catch(() => {});
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: Error) => emit({ type: 'warning', message: error.message }));
    if (options.ephemeral && registered) {
      await deleteWebhook(ctx, options.globals, registered.webhookId).then(
        () => emit({ type: 'register', action: 'deleted', webhookId: registered!.webhookId, url: registered!.url }),
        (error: Error) => emit({ type: 'warning', message: `could not delete webhook ${registered!.webhookId}: ${error.message}` }),
      );
    }
    forgetServer(ctx, server.localUrl);
    emit({ type: 'summary', stats: server.stats, seconds: (Date.now() - startedAt) / 1000 });
  };

  let stopped!: Promise<void>;
  const interrupted = new Promise<void>((resolve) => {
    const off = ctx.onInterrupt(() => {
      off(); // a second Ctrl-C then quits at once (src/context.ts)
      stopped = stop();
      resolve();
    });
  });

  try {
    let publicUrl: string | undefined;
    if (options.publicUrl) publicUrl = publicWebhookUrl(options.publicUrl);
    else if (options.localUrlIsPublic) publicUrl = server.localUrl;
    else if (openTunnel) {
      tunnel = await openTunnel(tunnelOptions());
      publicUrl = publicWebhookUrl(tunnel.url);
    }
    if (publicUrl && options.register) {
      const { resolveApp } = await import('../auth/resolve.js');
      checkWebhookUrl(publicUrl, (await resolveApp(ctx, { app: options.globals.app })).apiBaseUrl);
    }
    rememberServer(ctx, server.localUrl);
    emit({ type: 'ready', url: publicUrl ?? server.localUrl, localUrl: server.localUrl, publicUrl, path: options.path, logFiles: [ctx.paths.eventLog, ...(options.output ? [options.output] : [])], forwardTo: options.forwardTo });
    if (publicUrl) await onPublic(publicUrl);
  } catch (error) {
    if (!stopping) {
      stopping = true;
      await stop();
    }
    throw error;
  }
  await interrupted;
  await stopped;
}

/** `--dedupe URL`: connected before the server starts, so an unreachable Redis is one line at start. */
async function openDedupe(url: string): Promise<DedupeStore> {
  const { createRedisDedupeStore } = await import('./redis.js');
  try {
    return await createRedisDedupeStore({ url });
  } catch (error) {
    throw new NetworkError(`--dedupe: ${(error as Error).message.replace('[xcli/webhooks] ', '')}`);
  }
}

async function chooseTunnel(ctx: Context, options: StartOptions): Promise<OpenTunnel | undefined> {
  if (!options.tunnel || options.publicUrl) return undefined;
  const modulePath = options.tunnelModule ?? ctx.env.XCLI_TUNNEL_MODULE;
  if (modulePath) return loadTunnelModule(modulePath, process.cwd());
  return openNgrokTunnel;
}

/** GETs a CRC through the public URL, as X would, and reports the answer and latency. */
async function selfCheck(url: string, secret: string, emit: (e: ServerEvent) => void): Promise<void> {
  const token = randomBytes(24).toString('base64url');
  const target = new URL(url);
  target.searchParams.set('crc_token', token);
  target.searchParams.set('nonce', Buffer.from(String(Date.now())).toString('base64url'));
  try {
    const answer = await send(target, 'GET', { 'user-agent': 'xcli-selfcheck' }, undefined, 10_000);
    const problem = crcAnswerProblem(answer, crcResponseToken(secret, token));
    emit({ type: 'selfcheck', url, ok: problem === undefined, latencyMs: answer.latencyMs, problem });
  } catch (error) {
    emit({ type: 'selfcheck', url, ok: false, problem: describeNetworkError(error, target, 10_000) });
  }
}

/** Where `trigger` finds the running server when no --to is given. */
export function serverStateFile(ctx: Context): string {
  return join(dirname(ctx.paths.eventLog), 'server.json');
}

function rememberServer(ctx: Context, localUrl: string): void {
  try {
    mkdirSync(dirname(serverStateFile(ctx)), { recursive: true, mode: 0o700 });
    writeFileSync(serverStateFile(ctx), JSON.stringify({ pid: process.pid, url: localUrl }), { mode: 0o600 });
  } catch {
    // Only a convenience for `trigger`; the server works without it.
  }
}

function forgetServer(ctx: Context, localUrl: string): void {
  try {
    const state = JSON.parse(readFileSync(serverStateFile(ctx), 'utf8')) as { url?: string };
    if (state.url === localUrl) rmSync(serverStateFile(ctx));
  } catch {
    // Already gone.
  }
}

/** The URL of a running `webhook start` of this config dir, if any. */
export function runningServerUrl(ctx: Context): string | undefined {
  return runningServer(ctx)?.url;
}

/** The pid of a running `webhook start` of this config dir, if any (`events prune` waits for it to stop). */
export function runningServerPid(ctx: Context): number | undefined {
  return runningServer(ctx)?.pid;
}

function runningServer(ctx: Context): { pid: number; url: string } | undefined {
  try {
    const state = JSON.parse(readFileSync(serverStateFile(ctx), 'utf8')) as { pid?: number; url?: string };
    if (typeof state.pid !== 'number' || typeof state.url !== 'string') return undefined;
    process.kill(state.pid, 0);
    return { pid: state.pid, url: state.url };
  } catch {
    return undefined;
  }
}
