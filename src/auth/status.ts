// `xcli auth status` and `xcli auth apps list`: what is stored and what the environment supplies,
// as text or JSON. Only presence is shown for secrets; client ids, usernames, URLs and scopes are not secret.
import type { Context } from '../context.js';
import { defaultUserOf, hasUsableOAuth1, isFresh } from './authorize.js';
import { DEFAULT_REDIRECT_URI } from './oauth2-flow.js';
import { apiBaseUrlOf, appNames, envCredentials } from './resolve.js';
import type { AppConfig, StoreData } from './types.js';

const ENV_VARIABLES = [
  'X_BEARER_TOKEN',
  'X_CONSUMER_KEY',
  'X_CONSUMER_SECRET',
  'X_ACCESS_TOKEN',
  'X_ACCESS_TOKEN_SECRET',
  'X_CLIENT_ID',
  'X_CLIENT_SECRET',
  'NGROK_AUTHTOKEN',
] as const;
const ENDPOINT_VARIABLES = ['XCLI_API_BASE_URL', 'XCLI_AUTH_URL', 'XCLI_TOKEN_URL'] as const;

export interface OAuth2UserStatus {
  username: string;
  default: boolean;
  /** ISO time, or null when unknown (the next use refreshes). */
  expiresAt: string | null;
  /** Whether the token is used as it is (more than 30 s left). */
  fresh: boolean;
  refreshable: boolean;
  scopes: string[];
}

export interface AppStatus {
  name: string;
  default: boolean;
  clientId: string | null;
  clientSecret: boolean;
  redirectUri: string;
  redirectUriSource: 'app' | 'built-in default';
  apiBaseUrl: string;
  bearer: boolean;
  oauth1: { consumer: boolean; accessToken: boolean; usable: boolean };
  defaultUser: string | null;
  oauth2Users: OAuth2UserStatus[];
}

export interface AuthStatus {
  configFile: string;
  defaultApp: string | null;
  apps: AppStatus[];
  /** Credential variables that are set (names only) and the groups they form. */
  environment: { variables: string[]; bearer: boolean; oauth1: boolean; oauth2Client: boolean };
  /** Endpoint overrides in effect (URLs are not secret). */
  endpoints: Partial<Record<(typeof ENDPOINT_VARIABLES)[number], string>>;
  ngrokAuthtoken: boolean;
}

function appStatus(ctx: Context, data: StoreData, name: string, app: AppConfig): AppStatus {
  const defaultUser = defaultUserOf(app);
  const now = ctx.now();
  const users = Object.entries(app.oauth2Tokens ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    name,
    default: data.defaultApp === name,
    clientId: app.clientId ?? null,
    clientSecret: Boolean(app.clientSecret),
    redirectUri: app.redirectUri ?? DEFAULT_REDIRECT_URI,
    redirectUriSource: app.redirectUri ? 'app' : 'built-in default',
    apiBaseUrl: apiBaseUrlOf(app, ctx.env),
    bearer: Boolean(app.bearerToken),
    oauth1: {
      consumer: Boolean(app.oauth1),
      accessToken: Boolean(app.oauth1?.accessToken && app.oauth1.tokenSecret),
      usable: hasUsableOAuth1(app),
    },
    defaultUser: defaultUser ?? null,
    oauth2Users: users.map(([username, token]) => ({
      username,
      default: username === defaultUser,
      expiresAt: token.expiresAt ? new Date(token.expiresAt).toISOString() : null,
      fresh: isFresh(token, now),
      refreshable: Boolean(token.refreshToken),
      scopes: token.scopes ?? [],
    })),
  };
}

export function authStatus(ctx: Context, file: string, data: StoreData): AuthStatus {
  const env = envCredentials(ctx.env);
  const endpoints: AuthStatus['endpoints'] = {};
  for (const name of ENDPOINT_VARIABLES) {
    const value = ctx.env[name]?.trim();
    if (value) endpoints[name] = value;
  }
  return {
    configFile: file,
    defaultApp: data.defaultApp ?? null,
    apps: appNames(data).map((name) => appStatus(ctx, data, name, data.apps[name]!)),
    environment: {
      variables: ENV_VARIABLES.filter((name) => ctx.env[name]?.trim()),
      bearer: Boolean(env.bearerToken),
      oauth1: Boolean(env.oauth1),
      oauth2Client: Boolean(env.oauth2Client),
    },
    endpoints,
    ngrokAuthtoken: Boolean(data.ngrokAuthtoken),
  };
}

const yes = (v: boolean): string => (v ? 'yes' : 'no');

function expiryText(user: OAuth2UserStatus, now: number): string {
  if (!user.expiresAt) return 'expiry unknown (refreshed on next use)';
  const ms = Date.parse(user.expiresAt) - now;
  if (ms <= 0)
    return `expired ${user.expiresAt}${user.refreshable ? ' (refreshed on next use)' : ' (no refresh token: log in again)'}`;
  const minutes = Math.round(ms / 60_000);
  const left = minutes >= 120 ? `${Math.round(minutes / 60)} h` : `${minutes} min`;
  return `expires ${user.expiresAt} (in ${left})${user.refreshable ? '' : ', no refresh token'}`;
}

export function renderStatus(status: AuthStatus, now: number): string {
  const lines: string[] = [`Config file: ${status.configFile}`];
  if (status.apps.length === 0) {
    lines.push("No apps stored. Add one with 'xcli auth apps add NAME --client-id ID' or 'xcli auth app TOKEN'.");
  }
  for (const app of status.apps) {
    lines.push('', `${app.default ? '*' : ' '} ${app.name}${app.default ? '  (default app)' : ''}`);
    lines.push(
      `    client id:     ${app.clientId ?? '(none)'}${app.clientId ? `, client secret: ${app.clientSecret ? 'stored' : 'none (public client)'}` : ''}`,
    );
    lines.push(`    redirect URI:  ${app.redirectUri} (${app.redirectUriSource})`);
    lines.push(`    API base:      ${app.apiBaseUrl}`);
    lines.push(`    bearer token:  ${yes(app.bearer)}`);
    const o1 = app.oauth1;
    lines.push(
      `    OAuth 1.0a:    ${o1.usable ? 'yes' : o1.consumer ? 'consumer key and secret only (enough for webhooks)' : 'no'}`,
    );
    if (app.oauth2Users.length === 0) lines.push('    OAuth2 users:  none');
    else lines.push('    OAuth2 users:');
    for (const user of app.oauth2Users) {
      lines.push(`      ${user.default ? '*' : ' '} ${user.username || '(unknown user)'}  ${expiryText(user, now)}`);
      if (user.scopes.length) lines.push(`          scopes: ${user.scopes.join(' ')}`);
    }
  }
  const env = status.environment;
  lines.push('');
  if (env.variables.length === 0) {
    lines.push('Environment: no X_* credential variables set.');
  } else {
    const groups = [env.bearer && 'bearer token', env.oauth1 && 'OAuth 1.0a', env.oauth2Client && 'OAuth2 client'].filter(
      Boolean,
    );
    lines.push(
      `Environment: ${env.variables.join(', ')} set${groups.length ? ` (supplying: ${groups.join(', ')}; they override the default app, and fill gaps of an app named with --app)` : ''}.`,
    );
  }
  for (const [name, value] of Object.entries(status.endpoints)) lines.push(`  ${name}=${value}`);
  lines.push(`ngrok authtoken: ${status.ngrokAuthtoken ? 'stored' : 'not stored'}`);
  return `${lines.join('\n')}\n`;
}

/** `auth apps list`: one line per app. */
export function renderAppList(status: AuthStatus): string {
  if (status.apps.length === 0) return '';
  return status.apps
    .map((app) => {
      const parts = [
        `${app.default ? '*' : ' '} ${app.name}`,
        `client_id=${app.clientId ?? '-'}`,
        `redirect_uri=${app.redirectUri}`,
        `api=${app.apiBaseUrl}`,
      ];
      return `${parts.join('  ')}\n`;
    })
    .join('');
}

export async function runAuthStatus(ctx: Context, opts: { json?: boolean }): Promise<void> {
  const json = opts.json === true;
  const store = await ctx.store();
  const status = authStatus(ctx, store.path, store.read());
  ctx.io.stdout.write(json ? `${JSON.stringify(status, null, 2)}\n` : renderStatus(status, ctx.now()));
}

export async function runAppsList(ctx: Context, opts: { json?: boolean }): Promise<void> {
  const json = opts.json === true;
  const store = await ctx.store();
  const status = authStatus(ctx, store.path, store.read());
  if (json) ctx.io.stdout.write(`${JSON.stringify(status.apps, null, 2)}\n`);
  else if (status.apps.length === 0) ctx.io.stderr.write("No apps stored. Add one with 'xcli auth apps add NAME'.\n");
  else ctx.io.stdout.write(renderAppList(status));
}
