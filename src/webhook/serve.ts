// `xcli webhook start` once its choices are made: the server, then a public URL (ngrok, a plugged-in tunnel, or --public-url),
// a CRC self-check through it, optional registration at X, and a graceful stop on Ctrl-C.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Context } from '../context.js';
import { FailureError, NetworkError, UsageError } from '../errors.js';
import type { GlobalOptions } from '../http/types.js';
import { eventTypeFilter } from './classify.js';
import type { DedupeStore } from './dedupe.js';
import { consumerSecretOf, ngrokAuthtokenOf, otherSecretsOf } from './credentials.js';
import { crcChallengeUrl, judgeCrcAnswer, makeCrcChallenge } from './act-as-x.js';
import { describeExchangeError, exchange } from '../net/exchange.js';
import { ANSWER_KEPT_BYTES } from './forward.js';
import { checkWebhookUrl, deleteWebhook, registerUrl, validateWebhook } from './manage.js';
import { liveStatusFor } from './live-status.js';
import { createRenderer, describeWriteError } from './render.js';
import { describeFsError, startWebhookServer, type Reach, type ServerEvent } from './server.js';
import type { WebhookStartOptions } from './start-options.js';
import { loadTunnelModule, openNgrokTunnel, type OpenTunnel, type Tunnel } from './tunnel.js';
import { statusLine } from '../terminal/status.js';

/** What a caller decides beside the flags: the app, and what happens once the webhook is registered. */
export interface ServeSetup {
  /** The API options (`--app --auth -u -v -t`) for the consumer secret and registration. */
  api: GlobalOptions;
  /** Register the local URL itself (the sandbox runs on this machine and reaches it directly). */
  localUrlIsPublic?: boolean;
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

/** The server, its public URL, registration and the stop: `webhook start` after the choices above. */
export async function serveWebhook(ctx: Context, options: WebhookStartOptions, setup: ServeSetup): Promise<void> {
  // RFC 6761: `.invalid` never resolves, and resolvers should not even be asked.
  if (/\.invalid\.?$/i.test(options.host))
    throw new UsageError(
      `cannot listen on ${hostPort(options.host, options.port)}: --host ${options.host} does not resolve to an address`,
    );
  const secret = await consumerSecretOf(ctx, setup.api.app);
  // Ctrl-C, or stdout failing (`--json > /dev/full`): either stops the server the same clean way.
  let requestStop!: () => void;
  const stopRequested = new Promise<void>((resolve) => (requestStop = resolve));
  let outputError: Error | undefined;
  const live = liveStatusFor(ctx, options.json === true);
  // Whatever else is said on stderr while the server runs (hooks, API retries and warnings) steps
  // around the live status line, as the renderer's own notes do.
  const runCtx: Context = live ? { ...ctx, io: Object.create(ctx.io, { stderr: { value: live.stderr } }) } : ctx;
  const emit = createRenderer(ctx.io, {
    json: options.json === true,
    quiet: options.quiet === true,
    pretty: options.pretty === true,
    logFile: ctx.paths.eventLog,
    live,
    onOutputError: (error) => {
      outputError = error;
      requestStop();
    },
  });
  const openTunnel = await chooseTunnel(ctx, options);
  // Before the server starts: a missing token fails at once (no half-started server, no summary),
  // and a tunnel reconnect never prompts in the middle of a session.
  const ngrokAuthtoken = openTunnel === openNgrokTunnel ? await ngrokAuthtokenOf(ctx) : undefined;
  const startedAt = Date.now();
  claimEventLog(ctx);
  let dedupe: DedupeStore | undefined;
  let server;
  try {
    dedupe = options.dedupe ? await openDedupe(options.dedupe) : undefined;
    server = await startWebhookServer({
      ...options,
      consumerSecret: secret,
      previousSecrets: options.previousSecret,
      dedupe,
      logFiles: [ctx.paths.eventLog, ...(options.output ? [options.output] : [])],
      eventFilter: eventTypeFilter(options.events),
      otherSecrets: await otherSecretsOf(ctx, setup.api.app, secret),
      onEvent: emit,
    });
  } catch (error) {
    forgetServer(ctx);
    await dedupe?.close?.();
    throw bindError(error as NodeJS.ErrnoException, options) ?? error;
  }
  if (!isLoopbackHost(options.host)) {
    emit({
      type: 'note',
      message: `listening on ${hostPort(options.host, server.port)}, reachable beyond this machine: anyone who can reach it can post to it (unsigned events are flagged; --require-signature refuses them)`,
    });
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
      await validateWebhook(runCtx, setup.api, registered.webhookId);
      emit({ type: 'register', action: 'revalidated', webhookId: registered.webhookId, url });
      return;
    }
    if (registered) {
      // The old URL points at a closed tunnel: free the slot (Pay-Per-Use allows one webhook).
      await deleteWebhook(runCtx, setup.api, registered.webhookId).catch(() => {});
      emit({ type: 'register', action: 'deleted', webhookId: registered.webhookId, url: registered.url });
    }
    const result = await registerUrl(runCtx, setup.api, url, {
      replace: options.replace === true,
      onDeleted: (w) => emit({ type: 'register', action: 'deleted', webhookId: w.id, url: w.url }),
    });
    registered = { webhookId: result.id, url };
    emit({ type: 'register', action: result.action, webhookId: result.id, url });
    for (const hook of setup.afterRegister) {
      const cleanup = await hook(runCtx, registered, emit);
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

  let stopped: Promise<void> | undefined;
  /** Starts the stop once; every caller waits for the same one. */
  const stop = (): Promise<void> => (stopped ??= stopNow());
  const stopNow = async (): Promise<void> => {
    stopping = true;
    clearTimeout(reconnectTimer);
    await server.close();
    await dedupe?.close?.();
    await tunnel?.close().catch(() => {});
    for (const cleanup of cleanups.reverse())
      await cleanup().catch((error: Error) => emit({ type: 'warning', message: error.message }));
    if (options.ephemeral && registered) {
      await deleteWebhook(runCtx, setup.api, registered.webhookId).then(
        () => emit({ type: 'register', action: 'deleted', webhookId: registered!.webhookId, url: registered!.url }),
        (error: Error) =>
          emit({ type: 'warning', message: `could not delete webhook ${registered!.webhookId}: ${error.message}` }),
      );
    }
    forgetServer(ctx);
    emit({ type: 'summary', stats: server.stats, seconds: (Date.now() - startedAt) / 1000 });
  };

  const offInterrupt = ctx.onInterrupt(() => {
    offInterrupt(); // a second Ctrl-C then quits at once (src/context.ts)
    requestStop();
  });
  // The stop begins at once, even while the tunnel or the registration is still under way.
  void stopRequested.then(stop);

  try {
    let publicUrl: string | undefined;
    let reach: Reach = 'none';
    if (options.publicUrl) {
      publicUrl = publicWebhookUrl(options.publicUrl);
      reach = 'public-url';
    } else if (setup.localUrlIsPublic) {
      publicUrl = server.localUrl;
      reach = 'local';
    } else if (openTunnel) {
      // ngrok can take seconds: a terminal says what is being waited for (nothing when piped).
      const waiting = statusLine(ctx.io);
      waiting?.show('xcli: opening the tunnel…');
      try {
        tunnel = await openTunnel(tunnelOptions());
      } finally {
        waiting?.clear();
      }
      publicUrl = publicWebhookUrl(tunnel.url);
      reach = 'tunnel';
    }
    if (publicUrl && options.register) {
      const { resolveApp } = await import('../auth/resolve.js');
      checkWebhookUrl(publicUrl, (await resolveApp(ctx, { app: setup.api.app })).apiBaseUrl);
    }
    rememberServer(ctx, server.localUrl);
    emit({
      type: 'ready',
      url: publicUrl ?? server.localUrl,
      localUrl: server.localUrl,
      publicUrl,
      reach,
      path: options.path,
      logFiles: [ctx.paths.eventLog, ...(options.output ? [options.output] : [])],
      forwardTo: options.forwardTo,
    });
    if (publicUrl) await onPublic(publicUrl);
  } catch (error) {
    offInterrupt();
    await stop();
    throw error;
  }
  await stopRequested;
  offInterrupt();
  await stop();
  if (outputError) throw new FailureError(`cannot write to stdout (${describeWriteError(outputError)}); the server stopped`);
}

/** A failure to bind or to open the log, as one line: exit 2 for a bad --host, 1 otherwise. */
function bindError(e: NodeJS.ErrnoException, options: WebhookStartOptions): Error | undefined {
  const where = hostPort(options.host, options.port);
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_NONAME' || e.code === 'EAI_FAIL')
    return new UsageError(`cannot listen on ${where}: --host ${options.host} does not resolve to an address`);
  if (e.code === 'EADDRNOTAVAIL' || e.code === 'EINVAL')
    return new UsageError(`cannot listen on ${where}: ${options.host} is not an address of this machine`);
  if (e.code === 'EAI_AGAIN')
    return new FailureError(`cannot listen on ${where}: the name ${options.host} could not be looked up now (DNS)`);
  if (e.code === 'EADDRINUSE')
    return new FailureError(`cannot listen on ${where}: the port is in use; pick another --port, or --port 0 for a free one`);
  if ((e.code === 'EACCES' || e.code === 'EPERM') && e.syscall === 'listen')
    return new FailureError(
      `cannot listen on ${where}: permission denied (ports below 1024 need privileges; use a higher --port)`,
    );
  if (e.syscall === 'open' || e.syscall === 'mkdir' || e.code === 'ENOSPC')
    return new FailureError(`cannot open the event log: ${describeFsError(e)}`);
  return undefined;
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host || '(all addresses)'}:${port}`;
}

/** Whether a bind address keeps the server on this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(h);
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

async function chooseTunnel(ctx: Context, options: WebhookStartOptions): Promise<OpenTunnel | undefined> {
  if (!options.tunnel || options.publicUrl) return undefined;
  const modulePath = options.tunnelModule ?? ctx.env.XCLI_TUNNEL_MODULE;
  if (modulePath) return loadTunnelModule(modulePath, process.cwd());
  return openNgrokTunnel;
}

/** GETs a CRC through the public URL, as X would, and reports the answer and latency. */
async function selfCheck(url: string, secret: string, emit: (e: ServerEvent) => void): Promise<void> {
  const challenge = makeCrcChallenge(Date.now());
  const target = crcChallengeUrl(url, challenge);
  try {
    const answer = await exchange(target, {
      method: 'GET',
      headers: { 'user-agent': 'xcli-selfcheck' },
      timeoutMs: 10_000,
      keepBytes: ANSWER_KEPT_BYTES,
    });
    const { problems } = judgeCrcAnswer(answer, secret, challenge.token);
    emit({ type: 'selfcheck', url, ok: problems.length === 0, latencyMs: answer.latencyMs, problem: problems[0]?.message });
  } catch (error) {
    emit({ type: 'selfcheck', url, ok: false, problem: describeExchangeError(error, target, 10_000) });
  }
}

/**
 * Each running `webhook start` announces its URL in a record of its own (`servers/<pid>.json` beside
 * the event log), so `trigger` and `replay-local` find it, and two servers never share one record.
 */
function serverRecordsDir(ctx: Context): string {
  return join(dirname(ctx.paths.eventLog), 'servers');
}

/** `<config dir>/events/prune.lock`: held by `events prune` while it rewrites the log. */
function pruneLockFile(ctx: Context): string {
  return join(dirname(ctx.paths.eventLog), 'prune.lock');
}

function writeServerRecord(ctx: Context, localUrl?: string): void {
  mkdirSync(serverRecordsDir(ctx), { recursive: true, mode: 0o700 });
  const record: ServerRecord = { pid: process.pid, url: localUrl, started: processStartTime(process.pid) };
  writeFileSync(join(serverRecordsDir(ctx), `${process.pid}.json`), JSON.stringify(record), { mode: 0o600 });
}

/**
 * Before the server opens the log: a record with no URL yet says a server is starting, then the
 * prune lock is read. `events prune` takes its lock, then reads the records: whichever of the two
 * comes second sees the other, so a prune never rewrites a log a server appends to.
 */
function claimEventLog(ctx: Context): void {
  try {
    writeServerRecord(ctx);
  } catch (error) {
    throw new FailureError(`cannot open the event log: ${describeFsError(error as NodeJS.ErrnoException)}`);
  }
  const prune = liveHolder(pruneLockFile(ctx));
  if (prune !== undefined) {
    forgetServer(ctx);
    throw new FailureError(`'webhook events prune' is rewriting this log (pid ${prune}); start again when it ends`);
  }
}

function rememberServer(ctx: Context, localUrl: string): void {
  try {
    writeServerRecord(ctx, localUrl);
  } catch {
    // Only a convenience for `trigger`; the server works without it.
  }
}

/**
 * Runs `work` holding the prune lock, when no `webhook start` runs on this log (nor is starting).
 * A lock left by a killed prune is taken over.
 */
export async function withPruneLock<T>(ctx: Context, work: () => Promise<T>): Promise<T> {
  const lock = pruneLockFile(ctx);
  mkdirSync(dirname(lock), { recursive: true, mode: 0o700 });
  const body = JSON.stringify({ pid: process.pid, started: processStartTime(process.pid) });
  for (;;) {
    try {
      writeFileSync(lock, body, { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = liveHolder(lock);
      if (holder !== undefined) throw new FailureError(`another 'webhook events prune' is running (pid ${holder})`);
      rmSync(lock, { force: true });
    }
  }
  try {
    const server = runningServers(ctx, { starting: true })[0];
    // The server appends to the file being rewritten: its new events would go to the replaced file.
    if (server) throw new FailureError(`'webhook start' is running (pid ${server.pid}) on this log; stop it before pruning`);
    return await work();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** The pid in a lock or record file, if that process is still the one that wrote it. */
function liveHolder(file: string): number | undefined {
  const record = readRecord(file);
  return record && isServerAlive(record) ? record.pid : undefined;
}

/** A server record or the prune lock; undefined when missing, half written, or not ours. */
function readRecord(file: string): ServerRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as Partial<ServerRecord>;
    return typeof record.pid === 'number' ? (record as ServerRecord) : undefined;
  } catch {
    return undefined;
  }
}

function forgetServer(ctx: Context): void {
  rmSync(join(serverRecordsDir(ctx), `${process.pid}.json`), { force: true });
}

export interface AnnouncedServer {
  pid: number;
  url: string;
}

interface ServerRecord {
  pid: number;
  /** Missing while the server is starting. */
  url?: string;
  /** The process's start time as the kernel counts it, where it tells (Linux). */
  started?: string;
}

/**
 * The `webhook start` servers running with this config dir, with `starting` also those not yet
 * listening (their URL is then empty); records of dead processes are removed.
 */
export function runningServers(ctx: Context, { starting = false } = {}): AnnouncedServer[] {
  let names: string[];
  try {
    names = readdirSync(serverRecordsDir(ctx));
  } catch {
    return [];
  }
  const running: AnnouncedServer[] = [];
  for (const name of names) {
    const file = join(serverRecordsDir(ctx), name);
    const record = readRecord(file);
    if (!record || (typeof record.url !== 'string' && !starting)) continue;
    if (isServerAlive(record)) running.push({ pid: record.pid, url: record.url ?? '' });
    else rmSync(file, { force: true }); // killed (-9) before it could remove its record
  }
  return running.sort((a, b) => a.pid - b.pid);
}

/** The record's process is running, and is the server itself rather than a later process given its pid. */
function isServerAlive(record: ServerRecord): boolean {
  try {
    process.kill(record.pid, 0);
  } catch (error) {
    // EPERM: alive, but another user's.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const started = record.started === undefined ? undefined : processStartTime(record.pid);
  return started === undefined || started === record.started;
}

/** Field 22 of /proc/PID/stat (Linux): when the process started, in clock ticks since boot. */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from after its last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * Where `trigger` and `replay-local` send without `--to`: the one running `webhook start`. None, or
 * more than one, is a usage error: xcli never sends to a port nobody announced.
 */
export function announcedServerUrl(ctx: Context): string {
  const running = runningServers(ctx);
  if (running.length === 1) return running[0]!.url;
  if (running.length === 0)
    throw new UsageError('no xcli webhook start is running (with this config dir): start one, or pass --to URL');
  throw new UsageError(
    `${running.length} xcli webhook start servers are running: ${running.map((r) => `${r.url} (pid ${r.pid})`).join(', ')}; pick one with --to URL`,
  );
}
