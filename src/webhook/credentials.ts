// The two secrets the webhook tools need: the consumer secret (CRC and signature key) and the
// ngrok authtoken. Neither is ever printed.
import type { Context } from '../context.js';
import { CredentialsError } from '../errors.js';
import { promptSecrets } from '../auth/secret-prompt.js';

/** `--app`'s OAuth 1.0a consumer secret, else X_CONSUMER_SECRET, else the seed-style CONSUMER_SECRET. */
export async function consumerSecretOf(ctx: Context, app: string | undefined): Promise<string> {
  const { resolveApp } = await import('../auth/resolve.js');
  const resolved = await resolveApp(ctx, { app });
  const secret = resolved.app.oauth1?.consumerSecret ?? nonEmpty(ctx.env.X_CONSUMER_SECRET) ?? nonEmpty(ctx.env.CONSUMER_SECRET);
  if (secret) return secret;
  throw new CredentialsError(
    "no consumer secret (the app's API Key Secret signs CRC answers and events): store it with 'xcli auth oauth1 --consumer-key KEY --consumer-secret -' or set X_CONSUMER_SECRET",
    'XCLI_NO_CONSUMER_SECRET',
  );
}

/** A secret that is not the signing key, kept only to explain a signature mismatch. */
export interface OtherSecret {
  label: string;
  secret: string;
}

/**
 * The secrets people confuse with the consumer secret: this app's OAuth2 client secret and bearer
 * token, and other stored apps' keys. A mismatching signature is tried against them, so the
 * console can say "signed with app 'prod''s consumer secret" instead of just ✗.
 */
export async function otherSecretsOf(ctx: Context, app: string | undefined, signingSecret: string): Promise<OtherSecret[]> {
  const { resolveApp } = await import('../auth/resolve.js');
  const resolved = await resolveApp(ctx, { app });
  const found: OtherSecret[] = [];
  const add = (label: string, secret: string | undefined): void => {
    if (secret && secret !== signingSecret && !found.some((f) => f.secret === secret)) found.push({ label, secret });
  };
  add('the OAuth2 client secret (X signs with the consumer secret)', resolved.app.clientSecret);
  add('the bearer token (X signs with the consumer secret)', resolved.app.bearerToken);
  const apps = (await ctx.store()).read().apps;
  for (const [name, other] of Object.entries(apps)) {
    if (name === resolved.name) continue;
    add(`app '${name}''s consumer secret`, other.oauth1?.consumerSecret);
    add(`app '${name}''s OAuth2 client secret`, other.clientSecret);
  }
  return found;
}

/** NGROK_AUTHTOKEN, else the stored token (`xcli auth ngrok`), else a hidden prompt on a terminal only. */
export async function ngrokAuthtokenOf(ctx: Context): Promise<string> {
  const fromEnv = nonEmpty(ctx.env.NGROK_AUTHTOKEN);
  if (fromEnv) return fromEnv;
  const stored = (await ctx.store()).read().ngrokAuthtoken;
  if (stored) return stored;
  if (ctx.io.isStdinTTY && ctx.io.isStderrTTY) {
    const [token] = await promptSecrets(ctx.io, ['ngrok authtoken (https://dashboard.ngrok.com/get-started/your-authtoken): ']);
    if (token?.trim()) return token.trim();
  }
  throw new CredentialsError(
    "ngrok needs an authtoken: set NGROK_AUTHTOKEN or run 'xcli auth ngrok'; or serve locally with --no-tunnel, or pass --public-url URL for a tunnel you run",
    'XCLI_NO_NGROK_TOKEN',
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}
