// The bridge's connections through a proxy when HTTPS_PROXY / HTTP_PROXY (and NO_PROXY) are set,
// as curl and xurl honour them; undici's EnvHttpProxyAgent does the CONNECT tunnelling.
import type { Dispatcher } from 'undici';
import type { Env } from '../io.js';

const pick = (env: Env, name: string) => env[name]?.trim() || env[name.toLowerCase()]?.trim() || undefined;

/** A proxy-aware dispatcher, or undefined when no proxy is configured. */
export function proxyDispatcher(undici: typeof import('undici'), env: Env): Dispatcher | undefined {
  const httpsProxy = pick(env, 'HTTPS_PROXY');
  const httpProxy = pick(env, 'HTTP_PROXY');
  if (!httpsProxy && !httpProxy) return undefined;
  return new undici.EnvHttpProxyAgent({
    httpProxy,
    httpsProxy,
    noProxy: pick(env, 'NO_PROXY'),
    headersTimeout: 0,
    bodyTimeout: 0,
  });
}
