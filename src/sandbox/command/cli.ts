// `xcli sandbox`: runs the emulator for people (credentials saved as the `sandbox` app, state file,
// delivery quirks), and the `emit`, `status`, `deliveries` clients that talk to a running one.
import { lookup } from 'node:dns/promises';
import type { Context } from '../../context.js';
import { CredentialsError, FailureError, NetworkError, UsageError } from '../../errors.js';
import { printJson, wantsJson } from '../../http/output.js';
import type { AppConfig, OAuth1Credentials } from '../../auth/types.js';
import { formatTable } from '../../webhook/table.js';
import { exchange, type Exchange } from '../../net/exchange.js';
import {
  startSandbox,
  systemScheduler,
  type Sandbox,
  type SandboxOptions,
  type Scheduler,
  type Timer,
} from '../emulator/index.js';
import { readStateFile, writeStateFile } from '../emulator/persist.js';
import type { SandboxCredentials } from '../emulator/auth.js';
import { renamedEventType } from '../../activity/event-types.js';

export const SANDBOX_APP = 'sandbox';
export const SANDBOX_REDIRECT_URI = 'http://127.0.0.1:8739/callback';

export interface LaunchOptions {
  port?: number;
  host?: string;
  /** Keep the world in this file across restarts. */
  stateFile?: string;
  /** Name of the app the credentials are saved as (default `sandbox`). */
  appName?: string;
  fastRetries?: boolean;
  duplicates?: number;
  shuffle?: boolean;
  crcEveryMs?: number;
  /** Allow a host that is not loopback (the consent page approves anyone; a warning is printed). */
  public?: boolean;
  /** Where unknown-route notices go (default: stderr). */
  log?: (line: string) => void;
  /** Sets the emulator's timers and the state file's save delay (tests inject a ManualScheduler). */
  scheduler?: Scheduler;
}

export interface LaunchedSandbox {
  sandbox: Sandbox;
  appName: string;
  /** Saves the state file one last time and closes the server. */
  stop(): Promise<void>;
}

/**
 * Starts the sandbox for a person (or for `webhook start --sandbox`): loads `stateFile`, saves the
 * credentials as an app with the sandbox URL as its API base, and keeps the state file current.
 */
export async function launchSandbox(ctx: Context, options: LaunchOptions = {}): Promise<LaunchedSandbox> {
  const appName = options.appName ?? SANDBOX_APP;
  const host = options.host ?? '127.0.0.1';
  const where = `${host.includes(':') ? `[${host}]` : host}:${options.port ?? 0}`;
  const loopback = await isLoopbackHost(host, where);
  let loaded: ReturnType<typeof readStateFile>;
  if (options.stateFile) {
    try {
      loaded = readStateFile(options.stateFile);
    } catch (err) {
      throw new FailureError(`--state: ${(err as Error).message}; fix or move it (the sandbox leaves it untouched)`);
    }
  }
  const scheduler = options.scheduler ?? systemScheduler;
  let saveTimer: Timer | undefined;
  let sandbox: Sandbox | undefined;
  const log = options.log ?? ((line: string) => void ctx.io.stderr.write(`${line}\n`));
  if (!loopback && !options.public) {
    throw new UsageError(
      `--host ${host} is not a loopback address: the sandbox's consent page approves every OAuth2 login and would hand tokens to anyone who reaches ${where}; add --public to bind it anyway`,
    );
  }
  let saveFailed = false;
  /** Writes the state file; a failure is reported once (and thrown when `strict`), never a crash. */
  const save = (strict = false) => {
    if (!options.stateFile || !sandbox) return;
    try {
      writeStateFile(options.stateFile, sandbox.state, sandbox.credentials);
      saveFailed = false;
    } catch (err) {
      const message = `cannot write --state ${options.stateFile}: ${(err as Error).message}`;
      if (strict) throw new FailureError(message);
      if (!saveFailed) log(`xcli: ${message} (the sandbox keeps running in memory)`);
      saveFailed = true;
    }
  };
  const sandboxOptions: SandboxOptions = {
    port: options.port ?? 0,
    host: options.host,
    credentials: loaded?.credentials,
    state: loaded?.state,
    fastRetries: options.fastRetries,
    duplicates: options.duplicates,
    shuffle: options.shuffle,
    crcEveryMs: options.crcEveryMs,
    scheduler,
    log,
    onChange: () => {
      if (!options.stateFile || saveTimer) return;
      saveTimer = scheduler.setTimeout(() => {
        saveTimer = undefined;
        save();
      }, 200);
    },
  };
  try {
    sandbox = await startSandbox(sandboxOptions);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new FailureError(
        `cannot listen on ${where}: the address is already in use; pick another port with --port, or 0 for any free port`,
      );
    if (code === 'EACCES')
      throw new FailureError(`cannot listen on ${where}: permission denied (ports below 1024 need privileges)`);
    if (code === 'EADDRNOTAVAIL')
      throw new UsageError(`cannot listen on ${where}: --host ${host} is not an address of this machine`);
    throw err;
  }
  if (!loopback)
    log(
      `xcli: warning: the sandbox listens on ${sandbox.url} beyond this machine (--public): its consent page approves every OAuth2 login, so anyone on the network can get tokens`,
    );
  try {
    save(true);
    await saveApp(ctx, appName, sandbox);
  } catch (err) {
    await sandbox.close();
    throw err;
  }
  const running = sandbox;
  return {
    sandbox: running,
    appName,
    async stop() {
      if (saveTimer) scheduler.clear(saveTimer);
      save();
      await running.close();
    },
  };
}

/** An app earlier sandboxes saved: its API base is a loopback http URL. Anything else is a real app. */
export function isSandboxApp(app: AppConfig): boolean {
  if (!app.apiBaseUrl) return false;
  try {
    const url = new URL(app.apiBaseUrl);
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

/** Stores the sandbox's credentials as an app; OAuth2 user tokens survive only if the OAuth2 client did. */
async function saveApp(ctx: Context, appName: string, sandbox: Sandbox): Promise<void> {
  const c = sandbox.credentials;
  const store = await ctx.store();
  await store.update((data) => {
    const previous = data.apps[appName];
    if (previous && !isSandboxApp(previous)) {
      throw new UsageError(
        `app '${appName}' exists and is not a sandbox (API base ${previous.apiBaseUrl ?? 'https://api.x.com'}); keep it and pick another name with --app`,
      );
    }
    const app: AppConfig = {
      ...previous,
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      // Not xcli's default callback port 8080, which `xcli webhook start` listens on by default.
      redirectUri: previous?.redirectUri ?? SANDBOX_REDIRECT_URI,
      bearerToken: c.bearerToken,
      oauth1: oauth1Of(c),
      apiBaseUrl: sandbox.url,
    };
    if (previous?.clientId !== c.clientId) delete app.oauth2Tokens;
    data.apps[appName] = app;
  });
}

/** Whether every address `host` names is a loopback one; a host that does not resolve is a usage error. */
async function isLoopbackHost(host: string, where: string): Promise<boolean> {
  if (host === '') return false; // every interface
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true });
  } catch {
    throw new UsageError(`cannot listen on ${where}: the host name ${host} does not resolve`);
  }
  return (
    addresses.length > 0 &&
    addresses.every(({ address }) => address === '::1' || address.startsWith('127.') || address === '::ffff:127.0.0.1')
  );
}

/** `xcli sandbox`: serve until Ctrl-C. */
export type SandboxServeOptions = LaunchOptions;

/** `xcli sandbox`: URL on stdout, the rest on stderr, up until Ctrl-C. */
export async function runSandbox(ctx: Context, flags: SandboxServeOptions): Promise<void> {
  const launched = await launchSandbox(ctx, flags);
  const { sandbox, appName } = launched;
  const user = sandbox.state.users.get(sandbox.state.authenticatedUserId);
  ctx.io.stderr.write(
    [
      `xcli: sandbox X API listening on ${sandbox.url} (port ${sandbox.port})`,
      `  credentials saved as app '${appName}' (API base ${sandbox.url}); acting user @${user?.username ?? '?'}`,
      flags.stateFile ? `  state kept in ${flags.stateFile}` : '  state in memory (use --state FILE to keep it)',
      '  try:',
      `    xcli --app ${appName} /2/users/me`,
      `    xcli webhook start --app ${appName} --no-tunnel --public-url http://127.0.0.1:8080/webhook --register --subscribe post.create:@me --subscribe profile.update.bio:@me`,
      `    xcli --app ${appName} post "hello"`,
      `    xcli sandbox emit profile.update.bio --user @${user?.username ?? 'sandbox_dev'}${appName === SANDBOX_APP ? '' : ` --app ${appName}`}`,
      '  Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  ctx.io.stdout.write(`${sandbox.url}\n`);
  await new Promise<void>((resolve) => {
    const off = ctx.onInterrupt(() => {
      off();
      resolve();
    });
  });
  await launched.stop();
  ctx.io.stderr.write('xcli: sandbox stopped\n');
}

interface AdminTarget {
  url: string;
  bearer: string;
}

async function adminTarget(ctx: Context, appName: string): Promise<AdminTarget> {
  const data = (await ctx.store()).read();
  const app = data.apps[appName];
  if (!app?.apiBaseUrl || !app.bearerToken) {
    throw new CredentialsError(`no sandbox app '${appName}' in ${(await ctx.store()).path}: start one with 'xcli sandbox'`);
  }
  return { url: app.apiBaseUrl, bearer: app.bearerToken };
}

async function adminCall(ctx: Context, appName: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const target = await adminTarget(ctx, appName);
  let res: Exchange;
  try {
    res = await exchange(new URL(`${target.url}${path}`), {
      method,
      headers: { authorization: `Bearer ${target.bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? Buffer.from(JSON.stringify(body)) : undefined,
      timeoutMs: 10_000,
      fresh: true,
    });
  } catch {
    throw new NetworkError(`no sandbox answering at ${target.url} (app '${appName}'); start it with 'xcli sandbox'`);
  }
  let json: unknown;
  try {
    json = JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new FailureError(`${target.url} answered ${res.status} with something that is not the sandbox's JSON`);
  }
  if (res.status === 401)
    throw new CredentialsError(
      `the sandbox at ${target.url} does not know app '${appName}''s bearer token (was it restarted without --state?)`,
    );
  if (res.status >= 400) {
    const first =
      (json as { errors?: { message?: string }[]; detail?: string }).errors?.[0]?.message ?? (json as { detail?: string }).detail;
    throw new FailureError(`sandbox: ${first ?? `HTTP ${res.status}`}`);
  }
  return (json as { data: unknown }).data;
}

function parseSet(pair: string): [string, string] {
  const i = pair.indexOf('=');
  if (i <= 0) throw new UsageError(`--set wants path=value, got '${pair}'`);
  return [pair.slice(0, i), pair.slice(i + 1)];
}

/** `xcli sandbox emit TYPE --user @handle --set path=value`. */
export interface SandboxEmitOptions {
  type: string;
  user?: string;
  set?: string[];
  app?: string;
}

export async function runSandboxEmit(ctx: Context, flags: SandboxEmitOptions): Promise<void> {
  const typed = flags.type;
  const renamed = renamedEventType(typed);
  if (renamed) ctx.io.stderr.write(`xcli: ${renamed.note}\n`);
  const eventType = renamed?.name ?? typed;
  const sets = (flags.set ?? []).map(parseSet);
  const data = (await adminCall(ctx, flags.app ?? SANDBOX_APP, 'POST', '/_sandbox/emit', {
    event_type: eventType,
    user: flags.user?.replace(/^@/, ''),
    set: sets,
  })) as {
    matched_subscriptions: number;
    envelopes: unknown[];
    payload: unknown;
  };
  if (!wantsJson(ctx)) {
    ctx.io.stderr.write(
      `xcli: ${eventType} emitted; ${data.matched_subscriptions} subscription(s) matched${data.matched_subscriptions ? '' : ' (create one with xcli activity subscriptions create)'}\n`,
    );
  }
  printJson(ctx, data);
}

interface StatusData {
  url: string;
  authenticated_user?: { username: string; id: string };
  users: number;
  posts: number;
  webhooks: { id: string; url: string; valid: boolean; created_at: string }[];
  activity_subscriptions: {
    subscription_id: string;
    event_type: string;
    filter: Record<string, string>;
    webhook_id?: string;
    tag?: string;
  }[];
  account_activity_subscriptions: { webhook_id: string; user_ids: string[] }[];
  deliveries: Record<string, number>;
}

/** `xcli sandbox status`: a summary on a terminal, JSON when piped. */
export interface SandboxStatusOptions {
  app?: string;
  json?: boolean;
}

export async function runSandboxStatus(ctx: Context, flags: SandboxStatusOptions): Promise<void> {
  const data = (await adminCall(ctx, flags.app ?? SANDBOX_APP, 'GET', '/_sandbox/status')) as StatusData;
  if (wantsJson(ctx, flags.json)) return printJson(ctx, data);
  const out: string[] = [
    `sandbox ${data.url}  acting user @${data.authenticated_user?.username ?? '?'} (${data.authenticated_user?.id ?? '?'})  ${data.users} users, ${data.posts} posts`,
    '',
    'Webhooks:',
    data.webhooks.length
      ? formatTable(
          ['ID', 'VALID', 'URL'],
          data.webhooks.map((w) => [w.id, String(w.valid), w.url]),
          ctx.io.stdoutColumns,
        ).trimEnd()
      : '  none',
    '',
    'Activity subscriptions:',
    data.activity_subscriptions.length
      ? formatTable(
          ['ID', 'EVENT', 'FILTER', 'WEBHOOK', 'TAG'],
          data.activity_subscriptions.map((s) => [
            s.subscription_id,
            s.event_type,
            Object.entries(s.filter)
              .map(([k, v]) => `${k}=${v}`)
              .join(' '),
            s.webhook_id ?? '-',
            s.tag ?? '',
          ]),
          ctx.io.stdoutColumns,
        ).trimEnd()
      : '  none',
    '',
    'Account Activity subscriptions:',
    data.account_activity_subscriptions.length
      ? data.account_activity_subscriptions.map((a) => `  webhook ${a.webhook_id}: ${a.user_ids.join(', ')}`).join('\n')
      : '  none',
    '',
    `Deliveries: ${Object.entries(data.deliveries)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}`,
  ];
  ctx.io.stdout.write(`${out.join('\n')}\n`);
}

interface DeliveryRow {
  id: string;
  webhook_id: string;
  kind: string;
  event_type: string | null;
  event_uuid: string | null;
  created_at: string;
  outcome: string;
  attempts: { status: number | null; error: string | null; latency_ms: number }[];
  duplicate_of?: string;
  replay_job_id?: string;
}

/** `xcli sandbox deliveries [--webhook ID]`: every delivery with its attempts. */
export interface SandboxDeliveriesOptions {
  app?: string;
  webhook?: string;
  json?: boolean;
}

export async function runSandboxDeliveries(ctx: Context, flags: SandboxDeliveriesOptions): Promise<void> {
  const query = flags.webhook ? `?webhook_id=${encodeURIComponent(flags.webhook)}` : '';
  const data = (await adminCall(ctx, flags.app ?? SANDBOX_APP, 'GET', `/_sandbox/deliveries${query}`)) as DeliveryRow[];
  if (wantsJson(ctx, flags.json)) return printJson(ctx, data);
  if (!data.length) {
    ctx.io.stdout.write('no deliveries yet\n');
    return;
  }
  const rows = data.map((d) => [
    d.created_at.slice(11, 23),
    d.webhook_id,
    d.event_type ?? d.kind,
    d.outcome + (d.duplicate_of ? ' (duplicate)' : d.replay_job_id ? ' (replay)' : ''),
    d.attempts.map((a) => `${a.status ?? a.error}/${a.latency_ms}ms`).join(' '),
    d.event_uuid ?? '',
  ]);
  ctx.io.stdout.write(
    formatTable(['TIME', 'WEBHOOK', 'EVENT', 'OUTCOME', 'ATTEMPTS (status/latency)', 'EVENT UUID'], rows, ctx.io.stdoutColumns),
  );
}

/** The sandbox's OAuth 1.0a keys as a stored app holds them. */
export function oauth1Of(c: SandboxCredentials): OAuth1Credentials {
  return {
    consumerKey: c.consumerKey,
    consumerSecret: c.consumerSecret,
    accessToken: c.accessToken,
    tokenSecret: c.accessTokenSecret,
  };
}
