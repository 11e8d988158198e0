// The work behind `xcli auth …` and `xcli token`: every change goes through one locked store update,
// confirmations go to stderr, and only listings and tokens go to stdout.
import type { Context } from '../context.js';
import { CredentialsError, UsageError } from '../errors.js';
import { validOAuth2Token } from './authorize.js';
import { DEFAULT_REDIRECT_URI, DEFAULT_SCOPES, DEFAULT_TIMEOUT_MS, parseScopes, runOAuth2Login } from './oauth2-flow.js';
import { appNames, requireApp, resolveApp } from './resolve.js';
import { promptSecrets } from './secret-prompt.js';
import { readLines } from './stdin.js';
import type { AppConfig, StoreData } from './types.js';

/** The app credentials go to when none is named and none is the default. */
const DEFAULT_APP = 'default';

/** The app a credential is written to. */
interface WriteTarget {
  name: string;
  app: AppConfig;
  /** Said after the confirmation when the app had to be created. */
  note: string;
}

/**
 * `--app NAME` (which must exist), else the default app, else (a fresh store, or only apps such as
 * `sandbox` that nobody made the default) the app `default`, created if needed, which becomes the
 * default. Never an invisible empty app (xurl's #27), and never a command the user cannot run.
 */
export function writeTarget(data: StoreData, appFlag: string | undefined): WriteTarget {
  if (appFlag !== undefined) return { name: appFlag, app: requireApp(data, appFlag), note: '' };
  if (data.defaultApp !== undefined) return { name: data.defaultApp, app: requireApp(data, data.defaultApp), note: '' };
  const existed = Object.hasOwn(data.apps, DEFAULT_APP);
  data.apps[DEFAULT_APP] ??= {};
  data.defaultApp = DEFAULT_APP;
  return {
    name: DEFAULT_APP,
    app: data.apps[DEFAULT_APP],
    note: existed
      ? ` (made app '${DEFAULT_APP}' the default app)`
      : ` (created app '${DEFAULT_APP}' and made it the default app)`,
  };
}

/** Replaces every `-` value with one line read from stdin, in order (asked for, unechoed, on a terminal). */
export async function readDashValues(
  ctx: Context,
  values: Array<{ label: string; value: string | undefined }>,
): Promise<Array<string | undefined>> {
  const wanted = values.filter((v) => v.value === '-');
  if (wanted.length === 0) return values.map((v) => v.value);
  // Typed at a terminal, each value is asked for with echo off; piped, one line each, in order.
  const lines = ctx.io.isStdinTTY
    ? await promptSecrets(
        ctx.io,
        wanted.map((v) => `${v.label[0]!.toUpperCase()}${v.label.slice(1)}: `),
      )
    : await readLines(ctx.io.stdin, wanted.length).lines;
  let next = 0;
  return values.map((v) => {
    if (v.value !== '-') return v.value;
    const line = lines[next++]?.trim();
    if (!line) throw new UsageError(`no ${v.label} on stdin (the value '-' reads one line per '-', in order)`);
    return line;
  });
}

function say(ctx: Context, message: string): void {
  ctx.io.stderr.write(`${message}\n`);
}

function requireValue(value: string | undefined, what: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`${what} is empty`);
  return value.trim();
}

export interface AuthAppOptions {
  /** The token, or '-' for stdin; undefined reads stdin unless it is a terminal. */
  token?: string;
}

export async function runAuthApp(ctx: Context, opts: AuthAppOptions): Promise<void> {
  const [value] = await readDashValues(ctx, [
    { label: 'bearer token', value: opts.token ?? (ctx.io.isStdinTTY ? undefined : '-') },
  ]);
  if (value === undefined)
    throw new UsageError("give the bearer token: 'xcli auth app TOKEN', '--bearer-token TOKEN', or '-' to read it from stdin");
  const token = requireValue(value, 'the bearer token');
  const store = await ctx.store();
  const target = await store.update((data) => {
    const t = writeTarget(data, ctx.api.app);
    t.app.bearerToken = token;
    return t;
  });
  say(ctx, `Saved the bearer token to app '${target.name}'${target.note}.`);
}

export interface AuthOAuth1Options {
  consumerKey?: string;
  consumerSecret?: string;
  accessToken?: string;
  tokenSecret?: string;
}

export async function runAuthOAuth1(ctx: Context, opts: AuthOAuth1Options): Promise<void> {
  const fields = [
    { flag: '--consumer-key', label: 'consumer key', value: opts.consumerKey },
    { flag: '--consumer-secret', label: 'consumer secret', value: opts.consumerSecret },
    { flag: '--access-token', label: 'access token', value: opts.accessToken },
    { flag: '--token-secret', label: 'access token secret', value: opts.tokenSecret },
  ];
  // The consumer pair alone is enough for webhooks (CRC and signatures); signing requests needs all four.
  const missing = fields
    .slice(0, 2)
    .filter((f) => f.value === undefined)
    .map((f) => f.flag);
  if (missing.length) throw new UsageError(`missing ${missing.join(' and ')} ('-' reads a value from stdin)`);
  if ((opts.accessToken === undefined) !== (opts.tokenSecret === undefined)) {
    throw new UsageError(
      'give --access-token and --token-secret together (or neither, to store only the consumer key and secret)',
    );
  }
  const values = await readDashValues(ctx, fields);
  const [consumerKey, consumerSecret, accessToken, tokenSecret] = values.map((v, i) =>
    v === undefined ? undefined : requireValue(v, `the ${fields[i]!.label}`),
  );
  const store = await ctx.store();
  const target = await store.update((data) => {
    const t = writeTarget(data, ctx.api.app);
    t.app.oauth1 = { consumerKey: consumerKey!, consumerSecret: consumerSecret! };
    if (accessToken !== undefined && tokenSecret !== undefined) Object.assign(t.app.oauth1, { accessToken, tokenSecret });
    return t;
  });
  const what =
    accessToken === undefined
      ? 'OAuth 1.0a consumer key and secret (no access token: enough for webhooks, not for signing requests)'
      : 'OAuth 1.0a credentials';
  say(ctx, `Saved the ${what} to app '${target.name}'${target.note}.`);
}

export interface AuthOAuth2Options {
  username?: string;
  headless: boolean;
  scopes?: string[];
  timeoutMs?: number;
}

export async function runAuthOAuth2(ctx: Context, opts: AuthOAuth2Options): Promise<void> {
  const scopes = opts.scopes ? parseScopes(opts.scopes) : [...DEFAULT_SCOPES];
  const resolved = await resolveApp(ctx, { app: ctx.api.app });
  const { clientId, clientSecret } = resolved.app;
  if (!clientId) {
    const data = (await ctx.store()).read();
    const withClient = appNames(data).filter((n) => data.apps[n]?.clientId);
    const here = resolved.name === undefined ? 'no app is stored' : `app '${resolved.name}' has no OAuth2 client id`;
    const fix =
      resolved.name === undefined
        ? "'xcli auth apps add NAME --client-id ID'"
        : `'xcli auth apps update ${resolved.name} --client-id ID'`;
    const others = withClient.length ? `; apps with a client id: ${withClient.join(', ')} (use --app NAME)` : '';
    throw new CredentialsError(`${here}: run ${fix} or set X_CLIENT_ID${others}`);
  }
  if (opts.username !== undefined && opts.username.trim() === '') throw new UsageError('the username is empty');
  if (!scopes.includes('offline.access')) {
    say(ctx, 'xcli: note: without offline.access X issues no refresh token, so this login lasts 2 hours.');
  }
  const login = await runOAuth2Login(ctx, {
    client: clientSecret ? { clientId, clientSecret } : { clientId },
    redirectUri: resolved.app.redirectUri ?? DEFAULT_REDIRECT_URI,
    apiBaseUrl: resolved.apiBaseUrl,
    scopes,
    username: opts.username?.trim().replace(/^@/, ''),
    headless: opts.headless,
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  const store = await ctx.store();
  const target = await store.update((data) => {
    const t = writeTarget(data, ctx.api.app ?? resolved.name);
    t.app.oauth2Tokens = { ...t.app.oauth2Tokens, [login.username]: login.token };
    if (t.app.defaultUser === undefined || !Object.hasOwn(t.app.oauth2Tokens, t.app.defaultUser))
      t.app.defaultUser = login.username;
    return t;
  });
  if (login.username === '') {
    say(
      ctx,
      "xcli: warning: GET /2/users/me did not return a username; the token is saved as '(unknown user)'. Run 'xcli auth oauth2 USERNAME' to label it.",
    );
  }
  const who = login.username ? `@${login.username}` : '(unknown user)';
  say(ctx, `Logged in as ${who}; saved the OAuth2 token to app '${target.name}'${target.note}.`);
  if (!login.token.refreshToken) say(ctx, 'xcli: note: X issued no refresh token; log in again when this token expires.');
}

export interface AppFields {
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  apiBaseUrl?: string;
}

const APP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkUrl(value: string, flag: string, protocols: string[]): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag} '${value}' is not a valid URL`);
  }
  if (!protocols.includes(url.protocol))
    throw new UsageError(`${flag} '${value}' must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  return value;
}

async function appFieldValues(ctx: Context, fields: AppFields): Promise<AppFields> {
  const [clientSecret] = await readDashValues(ctx, [{ label: 'client secret', value: fields.clientSecret }]);
  const out: AppFields = {};
  if (fields.clientId !== undefined) out.clientId = requireValue(fields.clientId, '--client-id');
  if (clientSecret !== undefined) out.clientSecret = requireValue(clientSecret, '--client-secret');
  if (fields.redirectUri !== undefined)
    out.redirectUri = checkUrl(fields.redirectUri.trim(), '--redirect-uri', ['http:', 'https:']);
  if (fields.apiBaseUrl !== undefined)
    out.apiBaseUrl = checkUrl(fields.apiBaseUrl.trim(), '--api-base-url', ['http:', 'https:']).replace(/\/+$/, '');
  return out;
}

/** apps add and apps update: the app's name and the fields to set. */
export type AppsOptions = AppFields & { name: string };

export async function runAppsAdd(ctx: Context, fields: AppsOptions): Promise<void> {
  const { name } = fields;
  if (!APP_NAME.test(name))
    throw new UsageError(
      `app name '${name}' may contain only letters, digits, '.', '_' and '-' (and must not start with a symbol)`,
    );
  const values = await appFieldValues(ctx, fields);
  const store = await ctx.store();
  const madeDefault = await store.update((data) => {
    if (Object.hasOwn(data.apps, name))
      throw new UsageError(`app '${name}' already exists; change it with 'xcli auth apps update ${name}'`);
    data.apps[name] = values;
    if (data.defaultApp !== undefined) return false;
    data.defaultApp = name;
    return true;
  });
  say(ctx, `Added app '${name}'${madeDefault ? ' (now the default app)' : ''}.`);
}

export async function runAppsUpdate(ctx: Context, fields: AppsOptions): Promise<void> {
  const { name } = fields;
  const values = await appFieldValues(ctx, fields);
  if (Object.keys(values).length === 0)
    throw new UsageError('nothing to update: give --client-id, --client-secret, --redirect-uri or --api-base-url');
  const store = await ctx.store();
  await store.update((data) => {
    Object.assign(requireApp(data, name), values);
  });
  say(ctx, `Updated ${Object.keys(values).join(', ')} of app '${name}'.`);
}

export async function runAppsRemove(ctx: Context, opts: { name: string }): Promise<void> {
  const { name } = opts;
  const store = await ctx.store();
  const newDefault = await store.update((data) => {
    requireApp(data, name);
    delete data.apps[name];
    if (data.defaultApp !== name) return undefined;
    // Deterministic, unlike xurl's map order: the alphabetically first remaining app.
    const next = appNames(data)[0];
    if (next === undefined) delete data.defaultApp;
    else data.defaultApp = next;
    return next ?? null;
  });
  const tail =
    newDefault === undefined ? '' : newDefault === null ? '; no apps are left' : `; '${newDefault}' is now the default app`;
  say(ctx, `Removed app '${name}' and its credentials${tail}.`);
}

/** Without an app, prints the default; with one, makes it (and a user of it) the default. */
export async function runAuthDefault(ctx: Context, opts: { app?: string; user?: string }): Promise<void> {
  if (opts.app === undefined) return showDefault(ctx);
  return setDefault(ctx, opts.app, opts.user);
}

async function showDefault(ctx: Context): Promise<void> {
  const data = (await ctx.store()).read();
  if (data.defaultApp === undefined) {
    const names = appNames(data);
    throw new CredentialsError(
      names.length
        ? `no default app is set (apps: ${names.join(', ')}): set one with 'xcli auth default NAME'`
        : "no default app: add one with 'xcli auth apps add NAME' or 'xcli auth app TOKEN'",
    );
  }
  const user = data.apps[data.defaultApp]?.defaultUser;
  ctx.io.stdout.write(`${data.defaultApp}${user ? ` ${user}` : ''}\n`);
}

async function setDefault(ctx: Context, appName: string, user: string | undefined): Promise<void> {
  const store = await ctx.store();
  await store.update((data) => {
    const app = requireApp(data, appName);
    if (user !== undefined) {
      const users = Object.keys(app.oauth2Tokens ?? {}).sort();
      if (!users.includes(user)) {
        throw new CredentialsError(
          `app '${appName}' has no OAuth2 token for '${user}'${users.length ? `; its users: ${users.map((u) => u || "''").join(', ')}` : ''} (log in with 'xcli auth oauth2 --app ${appName} ${user}')`,
        );
      }
      app.defaultUser = user;
    }
    data.defaultApp = appName;
  });
  say(ctx, `Default app: '${appName}'${user !== undefined ? `, default user: '${user}'` : ''}.`);
}

export type ClearWhat = { all: true } | { oauth1: true } | { oauth2Username: string } | { bearer: true };

export async function runAuthClear(ctx: Context, opts: { what: ClearWhat }): Promise<void> {
  const { what } = opts;
  const appFlag = ctx.api.app;
  const store = await ctx.store();
  const result = await store.update((data) => {
    const name = appFlag ?? data.defaultApp;
    if (name === undefined) throw new CredentialsError('no default app, so nothing to clear (pass --app NAME)');
    const app = requireApp(data, name);
    if ('all' in what) {
      const had = Boolean(app.bearerToken || app.oauth1 || Object.keys(app.oauth2Tokens ?? {}).length);
      delete app.bearerToken;
      delete app.oauth1;
      delete app.oauth2Tokens;
      delete app.defaultUser;
      return { name, text: had ? 'all tokens' : undefined };
    }
    if ('oauth1' in what) {
      const had = app.oauth1 !== undefined;
      delete app.oauth1;
      return { name, text: had ? 'the OAuth 1.0a credentials' : undefined };
    }
    if ('bearer' in what) {
      const had = app.bearerToken !== undefined;
      delete app.bearerToken;
      return { name, text: had ? 'the bearer token' : undefined };
    }
    const user = what.oauth2Username;
    const tokens = app.oauth2Tokens ?? {};
    if (!Object.hasOwn(tokens, user)) {
      const users = Object.keys(tokens).sort();
      throw new CredentialsError(
        `app '${name}' has no OAuth2 token for '${user}'${users.length ? `; its users: ${users.map((u) => u || "''").join(', ')}` : ''}`,
      );
    }
    delete tokens[user];
    if (Object.keys(tokens).length === 0) delete app.oauth2Tokens;
    if (app.defaultUser === user) delete app.defaultUser;
    return { name, text: `the OAuth2 token of '${user}'` };
  });
  say(
    ctx,
    result.text
      ? `Removed ${result.text} from app '${result.name}'.`
      : `App '${result.name}' had nothing of that kind to remove.`,
  );
}

export async function runAuthNgrok(ctx: Context, opts: { token?: string }): Promise<void> {
  const { token } = opts;
  const [value] = await readDashValues(ctx, [
    { label: 'ngrok authtoken', value: token ?? (ctx.io.isStdinTTY ? undefined : '-') },
  ]);
  if (value === undefined) throw new UsageError("give the ngrok authtoken: 'xcli auth ngrok TOKEN' or '-' to read it from stdin");
  const authtoken = requireValue(value, 'the ngrok authtoken');
  const store = await ctx.store();
  await store.update((data) => {
    data.ngrokAuthtoken = authtoken;
  });
  say(ctx, "Saved the ngrok authtoken (used by 'xcli webhook start').");
}

export async function runToken(ctx: Context): Promise<void> {
  const opts = { app: ctx.api.app, username: ctx.api.username };
  const resolved = await resolveApp(ctx, { app: ctx.api.app });
  const { token } = await validOAuth2Token(ctx, resolved, opts.username);
  ctx.io.stdout.write(`${token.accessToken}\n`);
}
