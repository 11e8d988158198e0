// `-n N` on list shortcuts: max_results is clamped to the route's range (xurl's clamps) and, when N
// exceeds one page, the next_token is followed until N items are collected or the list ends.
import type { Context } from '../context.js';
import { callApi } from '../http/api.js';
import { matchRoute } from '../http/routes.js';
import type { ApiSession } from '../http/session.js';
import type { Document } from './render.js';

export interface ListRequest {
  path: string;
  query: Record<string, string>;
  /** Items wanted in total. */
  count: number;
  /** The route's accepted max_results range. */
  min: number;
  max: number;
  /** Start from this page (`--next-token`). */
  pageToken?: string;
}

export interface ListResult {
  /** The bytes to print raw: the page exactly as X sent it, or the merged pages. */
  raw: Buffer;
  doc: Document;
}

/** Per-request `max_results`: what is still wanted, within the route's range. */
export function pageSize(remaining: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, remaining));
}

type Json = Record<string, unknown>;

/** One document from several pages: data concatenated, includes deduplicated by id, counts summed. */
export function mergePages(pages: Document[]): Document {
  const data: unknown[] = [];
  const includes: Record<string, Json[]> = {};
  const seen: Record<string, Set<string>> = {};
  const errors: Json[] = [];
  let resultCount = 0;
  for (const page of pages) {
    if (Array.isArray(page.data)) data.push(...page.data);
    for (const [kind, items] of Object.entries(page.includes ?? {})) {
      if (!Array.isArray(items)) continue;
      const list = (includes[kind] ??= []);
      const ids = (seen[kind] ??= new Set());
      for (const item of items as Json[]) {
        const key = String(item.id ?? item.media_key ?? JSON.stringify(item));
        if (!ids.has(key)) {
          ids.add(key);
          list.push(item);
        }
      }
    }
    if (Array.isArray(page.errors)) errors.push(...page.errors);
    const count = page.meta?.result_count;
    resultCount += typeof count === 'number' ? count : Array.isArray(page.data) ? page.data.length : 0;
  }
  const last = pages[pages.length - 1]?.meta ?? {};
  const meta: Json = { result_count: resultCount };
  if (typeof last.next_token === 'string') meta.next_token = last.next_token;
  const merged: Document = { data, meta };
  if (Object.keys(includes).length) merged.includes = includes;
  if (errors.length) merged.errors = errors;
  return merged;
}

export async function fetchList(ctx: Context, session: ApiSession, request: ListRequest): Promise<ListResult> {
  const pageParam = matchRoute('GET', request.path)?.pageParam ?? 'pagination_token';
  const pages: Array<{ raw: Buffer; doc: Document }> = [];
  let collected = 0;
  let token = request.pageToken;
  do {
    const query: Record<string, string | number> = {
      ...request.query,
      max_results: pageSize(request.count - collected, request.min, request.max),
    };
    if (token) query[pageParam] = token;
    const result = await callApi<Document>(ctx, session.globals, { method: 'GET', path: request.path, query }, session);
    const doc = result.json ?? {};
    pages.push({ raw: result.raw, doc });
    collected += Array.isArray(doc.data) ? doc.data.length : 0;
    token = typeof doc.meta?.next_token === 'string' ? doc.meta.next_token : undefined;
  } while (token && collected < request.count);
  // X's page floor (10 on search) can send more than -n asked for: cut to exactly that many.
  if (collected > request.count) return cutTo(mergePages(pages.map((p) => p.doc)), request.count);
  if (pages.length === 1) return pages[0]!;
  const doc = mergePages(pages.map((p) => p.doc));
  return { raw: Buffer.from(JSON.stringify(doc)), doc };
}

/** The first `count` items of a merged list, with result_count to match. */
function cutTo(merged: Document, count: number): ListResult {
  const data = (merged.data as unknown[]).slice(0, count);
  const doc: Document = { ...merged, data, meta: { ...merged.meta, result_count: data.length } };
  return { raw: Buffer.from(JSON.stringify(doc)), doc };
}
