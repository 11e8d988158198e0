// `xcli auth import-xurl`: copies apps and tokens from xurl's ~/.xurl/auth.yml (schema in
// shared/research/xurl.md 1.11) into the store, so xurl users switch with one command.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { FailureError } from '../errors.js';
import { importExternal } from '../startup/external.js';
import type { AppConfig, OAuth2Token } from './types.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function defaultXurlFile(ctx: Context): string {
  return join(ctx.env.HOME || homedir(), '.xurl', 'auth.yml');
}

export interface XurlImport {
  apps: Record<string, AppConfig>;
  defaultApp?: string;
}

function convertToken(raw: unknown, where: string): OAuth2Token {
  const o = isObject(raw) && isObject(raw.oauth2) ? raw.oauth2 : undefined;
  const accessToken = str(o?.access_token);
  if (!o || !accessToken) throw new Error(`${where} has no oauth2.access_token`);
  const token: OAuth2Token = { accessToken };
  const refresh = str(o.refresh_token);
  if (refresh) token.refreshToken = refresh;
  // xurl stores unix seconds; 0 means unknown, which is our "absent" (refresh on next use).
  const expiration = Number(o.expiration_time);
  if (Number.isFinite(expiration) && expiration > 0) token.expiresAt = expiration * 1000;
  return token;
}

/** Converts the parsed YAML to xcli apps; throws an Error naming the first unusable entry. */
export function convertXurlStore(doc: unknown): XurlImport {
  if (!isObject(doc) || !isObject(doc.apps)) throw new Error('has no "apps:" map (only xurl >= 1.0 files can be imported)');
  const apps: Record<string, AppConfig> = {};
  for (const [name, raw] of Object.entries(doc.apps)) {
    if (!isObject(raw)) throw new Error(`apps.${name} is not a map`);
    const app: AppConfig = {};
    const clientId = str(raw.client_id);
    const clientSecret = str(raw.client_secret);
    const redirectUri = str(raw.redirect_uri);
    if (clientId) app.clientId = clientId;
    if (clientSecret) app.clientSecret = clientSecret;
    if (redirectUri) app.redirectUri = redirectUri;
    if (isObject(raw.oauth2_tokens)) {
      const tokens: Record<string, OAuth2Token> = {};
      for (const [user, token] of Object.entries(raw.oauth2_tokens))
        tokens[user] = convertToken(token, `apps.${name}.oauth2_tokens.${user || '""'}`);
      if (Object.keys(tokens).length) app.oauth2Tokens = tokens;
    }
    const defaultUser = str(raw.default_user);
    if (defaultUser !== undefined && app.oauth2Tokens && Object.hasOwn(app.oauth2Tokens, defaultUser))
      app.defaultUser = defaultUser;
    const o1 = isObject(raw.oauth1_token) && isObject(raw.oauth1_token.oauth1) ? raw.oauth1_token.oauth1 : undefined;
    if (o1) {
      const consumerKey = str(o1.consumer_key);
      const consumerSecret = str(o1.consumer_secret);
      if (consumerKey && consumerSecret) {
        app.oauth1 = { consumerKey, consumerSecret };
        const accessToken = str(o1.access_token);
        const tokenSecret = str(o1.token_secret);
        if (accessToken && tokenSecret) Object.assign(app.oauth1, { accessToken, tokenSecret });
      }
    }
    const bearer = isObject(raw.bearer_token) ? str(raw.bearer_token.bearer) : undefined;
    if (bearer) app.bearerToken = bearer;
    apps[name] = app;
  }
  const defaultApp = str(doc.default_app);
  return defaultApp && Object.hasOwn(apps, defaultApp) ? { apps, defaultApp } : { apps };
}

function summary(app: AppConfig): string {
  const parts: string[] = [];
  const users = Object.keys(app.oauth2Tokens ?? {});
  if (users.length) parts.push(`OAuth2 ${users.map((u) => u || '(unknown user)').join(', ')}`);
  if (app.oauth1) parts.push('OAuth 1.0a');
  if (app.bearerToken) parts.push('bearer');
  if (app.clientId) parts.push('client id');
  return parts.length ? parts.join(', ') : 'no credentials';
}

export async function runImportXurl(ctx: Context, opts: { file?: string; overwrite?: boolean }): Promise<void> {
  const file = opts.file ?? defaultXurlFile(ctx);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FailureError(
      code === 'ENOENT'
        ? `no xurl credentials at ${file} (use --file PATH)`
        : `cannot read ${file} (${code ?? (error as Error).message})`,
      {
        cause: error,
      },
    );
  }
  const { parse } = await importExternal<typeof import('yaml')>('yaml');
  let imported: XurlImport;
  try {
    imported = convertXurlStore(parse(text));
  } catch (error) {
    throw new FailureError(`cannot import ${file}: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  const names = Object.keys(imported.apps).sort();
  if (names.length === 0) throw new FailureError(`${file} has no apps to import`);
  const store = await ctx.store();
  const report = await store.update((data) => {
    const lines: string[] = [];
    const added: string[] = [];
    for (const name of names) {
      const exists = Object.hasOwn(data.apps, name);
      if (exists && !opts.overwrite) {
        lines.push(`  skipped '${name}': an app of that name exists (use --overwrite to replace it)`);
        continue;
      }
      data.apps[name] = imported.apps[name]!;
      added.push(name);
      lines.push(`  ${exists ? 'replaced' : 'imported'} '${name}': ${summary(imported.apps[name]!)}`);
    }
    const xurlDefault = imported.defaultApp;
    if (data.defaultApp === undefined) {
      const next = xurlDefault && added.includes(xurlDefault) ? xurlDefault : added[0];
      if (next) {
        data.defaultApp = next;
        lines.push(`  default app: '${next}'`);
      }
    } else if (xurlDefault && xurlDefault !== data.defaultApp && added.includes(xurlDefault)) {
      lines.push(
        `  kept '${data.defaultApp}' as the default app (xurl's default was '${xurlDefault}'; change with 'xcli auth default ${xurlDefault}')`,
      );
    }
    return { added, lines };
  });
  ctx.io.stderr.write(
    `${report.added.length ? `Imported from ${file}:` : `Nothing imported from ${file}:`}\n${report.lines.join('\n')}\n`,
  );
}
