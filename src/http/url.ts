// Request targets: a path relative to the API base (`/2/tweets/20`, `2/tweets/20`) or a full URL.
import { UsageError } from '../errors.js';
import type { RouteFact } from './route-types.js';
import { matchRoute } from './routes.js';

const FULL_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Resolves a target against the API base; a full http(s) URL is used as given. */
export function resolveRequestUrl(target: string, apiBaseUrl: string): URL {
  if (FULL_URL.test(target)) {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new UsageError(`bad URL '${target}'`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UsageError(`bad URL '${target}': only http and https are supported`);
    return url;
  }
  if (target.trim() === '') throw new UsageError('bad URL: empty');
  const base = apiBaseUrl.replace(/\/+$/, '');
  try {
    return new URL(`${base}/${target.replace(/^\/+/, '')}`);
  } catch {
    throw new UsageError(`bad URL '${target}' (API base ${apiBaseUrl})`);
  }
}

/** The path of a URL relative to the API base (the route-table form), or undefined for another host. */
export function apiPathOf(url: URL, apiBaseUrl: string): string | undefined {
  const base = new URL(apiBaseUrl);
  if (url.origin !== base.origin) return undefined;
  const prefix = base.pathname.replace(/\/+$/, '');
  if (prefix && !url.pathname.startsWith(`${prefix}/`)) return undefined;
  return url.pathname.slice(prefix.length) || '/';
}

/** Appends query parameters (undefined values skipped) to a URL. */
export function withQuery(url: URL, query: Record<string, string | number | boolean | undefined> = {}): URL {
  for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.append(name, String(value));
  return url;
}

/** Where a request goes, worked out once: its path relative to the API base and its route in the table. */
export interface ResolvedRequest {
  url: URL;
  /** Undefined for a URL on another host. */
  apiPath: string | undefined;
  /** Undefined for another host or a path the table does not know. */
  route: RouteFact | undefined;
}

export function resolveRequest(method: string, url: URL, apiBaseUrl: string): ResolvedRequest {
  const apiPath = apiPathOf(url, apiBaseUrl);
  return { url, apiPath, route: apiPath === undefined ? undefined : matchRoute(method, apiPath) };
}
