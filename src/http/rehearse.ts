// `--dry-run` and `--curl`: the exact request xcli would send, built by the same `prepare` (auth
// choice, OAuth 1.0a signature, headers), shown instead of sent.
import type { ResolvedApp } from '../auth/types.js';
import { FailureError, UsageError } from '../errors.js';
import type { Redactor } from './redact.js';
import type { PreparedRequest } from './session.js';

/** Text that can be shown as it is: valid UTF-8 without control characters other than tab and newlines. */
function printableText(body: Buffer): string | undefined {
  const text = body.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(body) || /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) return undefined;
  return text;
}

/** The auth line both rehearsals start with. */
export function authLine(req: PreparedRequest, redactor: Redactor): string {
  const { auth } = req;
  return `auth: ${auth.kind ?? 'none'} (${redactor.text(auth.reason)})${auth.detail ? `: ${redactor.text(auth.detail)}` : ''}`;
}

/** HTTPie `--offline` style: the auth choice, the request line, headers (secrets redacted), the body. */
export function renderDryRun(req: PreparedRequest, redactor: Redactor): string {
  const lines = [`# ${authLine(req, redactor)}`, `${req.method} ${redactor.url(req.url)}`];
  for (const [name, value] of Object.entries(req.headers)) lines.push(`${name}: ${redactor.header(name, value)}`);
  let out = `${lines.join('\n')}\n`;
  if (req.body && req.body.length > 0) {
    const text = printableText(req.body);
    out += `\n${text === undefined ? `[${req.body.length} bytes of binary data]` : redactor.text(text)}${text?.endsWith('\n') ? '' : '\n'}`;
  }
  return out;
}

/** Credentials by the environment variable a pasted curl line reads them from, longest value first. */
function secretVariables(resolved: ResolvedApp): Array<[string, string]> {
  const { app } = resolved;
  const pairs: Array<[string | undefined, string]> = [
    [app.bearerToken, 'X_BEARER_TOKEN'],
    [app.oauth1?.consumerKey, 'X_CONSUMER_KEY'],
    [app.oauth1?.consumerSecret, 'X_CONSUMER_SECRET'],
    [app.oauth1?.accessToken, 'X_ACCESS_TOKEN'],
    [app.oauth1?.tokenSecret, 'X_ACCESS_TOKEN_SECRET'],
    [app.clientSecret, 'X_CLIENT_SECRET'],
    [resolved.ngrokAuthtoken, 'NGROK_AUTHTOKEN'],
  ];
  for (const token of Object.values(app.oauth2Tokens ?? {}))
    pairs.push([token.accessToken, 'X_OAUTH2_TOKEN'], [token.refreshToken, 'X_OAUTH2_REFRESH_TOKEN']);
  return pairs
    .filter((p): p is [string, string] => typeof p[0] === 'string' && p[0].length >= 6)
    .sort((a, b) => b[0].length - a[0].length);
}

const singleQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface CurlCommand {
  /** One line of shell. */
  line: string;
  /** The environment variables the line reads. */
  variables: string[];
}

/**
 * A runnable curl command. Every credential becomes a `"$VARIABLE"` reference (X_BEARER_TOKEN,
 * X_CONSUMER_KEY, X_ACCESS_TOKEN, X_OAUTH2_TOKEN…), so the line can go into a bug report. An OAuth
 * 1.0a header keeps its real nonce, timestamp and signature: they were computed from the real values,
 * which the variables expand back to, so the signature is valid for this exact request until X's
 * timestamp window closes, and no secret (consumer secret, token secret) ever appears.
 */
export function renderCurl(req: PreparedRequest, resolved: ResolvedApp, redactor: Redactor): CurlCommand {
  const variables = secretVariables(resolved);
  const used = new Set<string>();
  const arg = (value: string): string => {
    let out = value;
    for (const [secret, name] of variables) {
      if (!out.includes(secret)) continue;
      out = out.split(secret).join(`\0${name}\0`);
      used.add(name);
    }
    if (redactor.text(out) !== out) {
      throw new FailureError(
        '--curl: a credential appears in an encoded form a shell variable cannot stand for; use --dry-run instead',
      );
    }
    if (!out.includes('\0')) return singleQuote(out);
    const escaped = out.replace(/[\\"$`]/g, (c) => `\\${c}`).replace(/\0(\w+)\0/g, (_m, name: string) => `\${${name}}`);
    return `"${escaped}"`;
  };
  const url = req.url.toString();
  const parts = ['curl', '-sS'];
  if (/[[\]{}]/.test(url)) parts.push('-g');
  if (req.method === 'HEAD') parts.push('--head');
  else if (req.method !== 'GET' || req.body) parts.push('-X', req.method);
  parts.push(arg(url));
  for (const [name, value] of Object.entries(req.headers)) parts.push('-H', arg(`${name}: ${value}`));
  if (req.body && req.body.length > 0) {
    const text = printableText(req.body);
    if (text === undefined)
      throw new UsageError('--curl cannot put a binary body (a file upload) on a command line; use --dry-run to see the request');
    parts.push('--data-binary', arg(text));
  }
  return { line: parts.join(' '), variables: [...used] };
}
