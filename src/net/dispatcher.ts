// The one dispatcher every call xcli makes to X goes through (requests, streams, OAuth2 token calls,
// media upload, webhook registration, `webhook check`): a keep-alive undici Agent, or, when
// HTTPS_PROXY / HTTP_PROXY (or their lower-case forms) are set, undici's EnvHttpProxyAgent, which
// also honours NO_PROXY. The proxy agent's modules are loaded only then, to keep start-up small.
// undici's index loads its whole web stack (fetch, WebSocket, cookies, caches: ~70 ms of start-up,
// docs/performance.md), so these modules are loaded by their paths (src/http/undici-lib.d.ts).
import Agent from 'undici/lib/dispatcher/agent.js';
import type { Dispatcher } from 'undici';
import type { Env } from '../io.js';

/** The proxy variables as xcli reads them: lower-case first (as curl and undici do), empty means unset. */
export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy: string;
}

function variable(env: Env, name: string): string | undefined {
  const value = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return value?.trim() ? value.trim() : undefined;
}

/** The proxy settings, or undefined when no proxy variable is set. */
export function proxySettings(env: Env): ProxySettings | undefined {
  const httpProxy = variable(env, 'http_proxy');
  const httpsProxy = variable(env, 'https_proxy');
  if (!httpProxy && !httpsProxy) return undefined;
  return { httpProxy, httpsProxy, noProxy: variable(env, 'no_proxy') ?? '' };
}

/** Whether NO_PROXY exempts this URL (the rules of undici's EnvHttpProxyAgent, which does the routing). */
function exempt(noProxy: string, url: URL): boolean {
  if (noProxy === '*') return true;
  const hostname = url.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number.parseInt(url.port, 10) || (url.protocol === 'https:' ? 443 : 80);
  for (const entry of noProxy.split(/[,\s]/)) {
    if (!entry) continue;
    const parsed = /^(.+):(\d+)$/.exec(entry);
    const host = (parsed ? parsed[1]! : entry).replace(/^\*?\./, '').toLowerCase();
    if (parsed && Number.parseInt(parsed[2]!, 10) !== port) continue;
    if (hostname === host || hostname.endsWith(`.${host}`)) return true;
  }
  return false;
}

/** The proxy a request to `url` goes through, or undefined when it goes direct. */
export function proxyFor(env: Env, url: URL): string | undefined {
  const settings = proxySettings(env);
  if (!settings || exempt(settings.noProxy, url)) return undefined;
  // As EnvHttpProxyAgent: https uses HTTPS_PROXY, else HTTP_PROXY; http uses HTTP_PROXY only.
  return url.protocol === 'https:' ? (settings.httpsProxy ?? settings.httpProxy) : settings.httpProxy;
}

/** A proxy URL fit to show: its password replaced by `[redacted]`. */
export function redactedProxy(proxy: string): string {
  try {
    const url = new URL(proxy);
    if (url.password) url.password = '[redacted]';
    return url.href.replace(/\/$/, '').replace('%5Bredacted%5D', '[redacted]');
  } catch {
    return '(a proxy URL that does not parse)';
  }
}

const AGENT_OPTIONS = { keepAliveTimeout: 10_000, connect: { timeout: 10_000 } };

let direct: Agent | undefined;
let proxied: { key: string; agent: Promise<Dispatcher> } | undefined;

/**
 * The dispatcher for every call to X: one per process (src/startup/load-bundle.cjs runs V8 with Liftoff only
 * for undici's WebAssembly parser). The proxy agent is loaded on first use when a proxy is set.
 */
export function dispatcherForX(env: Env): Promise<Dispatcher> {
  const settings = proxySettings(env);
  if (!settings) return Promise.resolve((direct ??= new Agent(AGENT_OPTIONS)));
  const key = JSON.stringify(settings);
  if (proxied?.key !== key) {
    // '' rather than undefined: the agent must not fall back to process.env (xcli's env is injected).
    const options = {
      ...AGENT_OPTIONS,
      httpProxy: settings.httpProxy ?? '',
      httpsProxy: settings.httpsProxy ?? '',
      noProxy: settings.noProxy,
    };
    const agent = Promise.all([
      import('undici/lib/dispatcher/env-http-proxy-agent.js'),
      import('undici/lib/dispatcher/dispatcher.js'),
      import('undici/lib/api/api-connect.js'),
    ]).then(([{ default: EnvHttpProxyAgent }, { default: DispatcherBase }, { default: connect }]) => {
      // The proxy agent opens tunnels with Dispatcher#connect, which undici's index (not loaded) attaches.
      DispatcherBase.prototype.connect ??= connect;
      // proxyTunnel false: plain http goes to an http proxy in absolute form (as curl does); https is tunnelled with CONNECT.
      return new EnvHttpProxyAgent({ ...options, proxyTunnel: false });
    });
    proxied = { key, agent };
  }
  return proxied.agent;
}
