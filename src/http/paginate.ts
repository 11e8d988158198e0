// `--paginate`: follows `meta.next_token` through the route's own page parameter
// (`pagination_token` on most routes, `next_token` on search, counts and user search).
import { FailureError, UsageError } from '../errors.js';
import { parseJsonBody } from './api.js';
import { exchangeWithRetry, type RetriedResponse, type RetryPolicy } from './retry.js';
import type { RouteFact } from './route-types.js';
import type { ApiSession, RequestSpec } from './session.js';

/** The query parameter that carries the page token for a route; unknown routes get `pagination_token`. */
export function pageParamFor(method: string, route: RouteFact | undefined): 'pagination_token' | 'next_token' {
  if (method !== 'GET') throw new UsageError('--paginate works with GET requests only');
  if (!route) return 'pagination_token';
  if (!route.pageParam)
    throw new UsageError(`--paginate: GET ${route.path} does not page (it takes no pagination_token or next_token)`);
  return route.pageParam;
}

/** `meta.next_token` of a page, when there is a next page. */
export function nextTokenOf(body: Buffer): string | undefined {
  const meta = parseJsonBody<{ meta?: { next_token?: unknown } }>(body)?.meta;
  return typeof meta?.next_token === 'string' && meta.next_token !== '' ? meta.next_token : undefined;
}

export interface Page {
  /** 1-based. */
  number: number;
  response: RetriedResponse;
  /** The token that fetched this page (undefined for the first page without --page-token). */
  token?: string;
  /** The token of the following page, if any. */
  nextToken?: string;
}

export interface PageOptions {
  pageParam: string;
  maxPages?: number;
  /** Start from this token (`--page-token`, resuming an earlier run). */
  startToken?: string;
  retry: RetryPolicy;
  signal?: AbortSignal;
}

/** Yields pages in order; stops after an error response (yielded too), the last page or maxPages. */
export async function* pages(session: ApiSession, spec: RequestSpec, options: PageOptions): AsyncGenerator<Page> {
  let token = options.startToken;
  const seen = new Set<string>();
  for (let number = 1; options.maxPages === undefined || number <= options.maxPages; number++) {
    const url = new URL(spec.url);
    if (token !== undefined) url.searchParams.set(options.pageParam, token);
    const response = await exchangeWithRetry(session, { ...spec, url }, options.retry, options.signal);
    const ok = response.status < 400 && !response.gaveUp;
    const nextToken = ok ? nextTokenOf(response.body) : undefined;
    yield { number, response, token, nextToken };
    if (!ok || nextToken === undefined) return;
    // A server repeating a token would loop forever.
    if (seen.has(nextToken)) throw new FailureError(`--paginate: the API returned next_token ${nextToken} twice; stopping`);
    seen.add(nextToken);
    token = nextToken;
  }
}
