// Which credentials one invocation uses: the named (or default) app from the store, merged with the
// X_* environment variables. Precedence (docs/auth.md): without --app the environment overrides the
// default app, as scripts and CI expect; with an explicit --app NAME that app's stored values win and
// the environment only fills gaps, because naming an app is the more specific request.
import type { Context } from '../context.js';
import { CredentialsError } from '../errors.js';
import type { Env } from '../io.js';
import type { AppConfig, CredentialSource, OAuth1Credentials, ResolvedApp, StoreData } from './types.js';

export const DEFAULT_API_BASE_URL = 'https://api.x.com';

/** Credentials supplied by environment variables; each group counts only when complete enough to use. */
export interface EnvCredentials {
  bearerToken?: string;
  /** X_CONSUMER_KEY and X_CONSUMER_SECRET, plus X_ACCESS_TOKEN / X_ACCESS_TOKEN_SECRET when set. */
  oauth1?: OAuth1Credentials;
  /** X_CLIENT_ID, plus X_CLIENT_SECRET when set. */
  oauth2Client?: { clientId: string; clientSecret?: string };
}

function envValue(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function envCredentials(env: Env): EnvCredentials {
  const creds: EnvCredentials = {};
  const bearer = envValue(env, 'X_BEARER_TOKEN');
  if (bearer) creds.bearerToken = bearer;
  const consumerKey = envValue(env, 'X_CONSUMER_KEY');
  const consumerSecret = envValue(env, 'X_CONSUMER_SECRET');
  if (consumerKey && consumerSecret) {
    creds.oauth1 = { consumerKey, consumerSecret };
    const accessToken = envValue(env, 'X_ACCESS_TOKEN');
    const tokenSecret = envValue(env, 'X_ACCESS_TOKEN_SECRET');
    if (accessToken) creds.oauth1.accessToken = accessToken;
    if (tokenSecret) creds.oauth1.tokenSecret = tokenSecret;
  }
  const clientId = envValue(env, 'X_CLIENT_ID');
  if (clientId) {
    const clientSecret = envValue(env, 'X_CLIENT_SECRET');
    creds.oauth2Client = clientSecret ? { clientId, clientSecret } : { clientId };
  }
  return creds;
}

/** Names of the stored apps, sorted, for error messages and listings. */
export function appNames(data: StoreData): string[] {
  return Object.keys(data.apps).sort();
}

/** The stored app called `name`, or a CredentialsError naming the apps that exist. */
export function requireApp(data: StoreData, name: string): AppConfig {
  const app = Object.hasOwn(data.apps, name) ? data.apps[name] : undefined;
  if (app) return app;
  const names = appNames(data);
  throw new CredentialsError(
    names.length
      ? `unknown app '${name}'; known apps: ${names.join(', ')} (add one with 'xcli auth apps add ${name}')`
      : `unknown app '${name}': no apps are stored yet (add one with 'xcli auth apps add ${name}')`,
    'XCLI_UNKNOWN_APP',
  );
}

export function apiBaseUrlOf(app: AppConfig, env: Env): string {
  return (app.apiBaseUrl ?? envValue(env, 'XCLI_API_BASE_URL') ?? DEFAULT_API_BASE_URL).replace(/\/+$/, '');
}

/** Merges one stored app (possibly none) with the environment; `envWins` is true when no --app was given. */
export function mergeApp(
  stored: AppConfig | undefined,
  env: EnvCredentials,
  envWins: boolean,
): Pick<ResolvedApp, 'app' | 'sources'> {
  const app: AppConfig = structuredClone(stored ?? {});
  const sources: ResolvedApp['sources'] = {};
  const pick = <T>(storedValue: T | undefined, envValueOf: T | undefined): [T | undefined, CredentialSource | undefined] => {
    if (envValueOf !== undefined && (envWins || storedValue === undefined)) return [envValueOf, 'env'];
    return [storedValue, storedValue === undefined ? undefined : 'store'];
  };

  const [bearer, bearerSource] = pick(app.bearerToken, env.bearerToken);
  if (bearer !== undefined) app.bearerToken = bearer;
  if (bearerSource) sources.bearer = bearerSource;

  const [oauth1, oauth1Source] = pick(app.oauth1, env.oauth1);
  if (oauth1 !== undefined) app.oauth1 = { ...oauth1 };
  if (oauth1Source) sources.oauth1 = oauth1Source;

  const storedClient = app.clientId === undefined ? undefined : { clientId: app.clientId, clientSecret: app.clientSecret };
  const [client, clientSource] = pick(storedClient, env.oauth2Client);
  if (client && clientSource === 'env') {
    // The secret belongs to its client id: never pair an env id with a stored secret.
    app.clientId = client.clientId;
    if (client.clientSecret === undefined) delete app.clientSecret;
    else app.clientSecret = client.clientSecret;
  }
  if (clientSource) sources.oauth2Client = clientSource;
  return { app, sources };
}

export async function resolveApp(ctx: Context, options: { app?: string } = {}): Promise<ResolvedApp> {
  const data = (await ctx.store()).read();
  const explicit = options.app !== undefined;
  const name = explicit ? options.app : data.defaultApp;
  const stored = name === undefined ? undefined : requireApp(data, name);
  const { app, sources } = mergeApp(stored, envCredentials(ctx.env), !explicit);
  const resolved: ResolvedApp = { name, app, sources, apiBaseUrl: apiBaseUrlOf(app, ctx.env) };
  const ngrok = envValue(ctx.env, 'NGROK_AUTHTOKEN') ?? data.ngrokAuthtoken;
  if (ngrok) resolved.ngrokAuthtoken = ngrok;
  return resolved;
}

/** Every secret value the resolved app holds, for redaction in logs and error messages. */
export function secretsOf(resolved: ResolvedApp): string[] {
  const { app } = resolved;
  const secrets = [
    app.bearerToken,
    app.clientSecret,
    app.oauth1?.consumerSecret,
    app.oauth1?.accessToken,
    app.oauth1?.tokenSecret,
    resolved.ngrokAuthtoken,
  ];
  for (const token of Object.values(app.oauth2Tokens ?? {})) secrets.push(token.accessToken, token.refreshToken);
  return secrets.filter((s): s is string => typeof s === 'string' && s !== '');
}
