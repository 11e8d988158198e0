// How X renders objects and pages: default fields plus `*.fields`, `expansions` into `includes`,
// `max_results` bounds and opaque next tokens.
import { invalidRequest } from './problems.js';
import type { SandboxResponse } from './router.js';
import { publicPost, publicUser, type SandboxPost, type SandboxState, type SandboxUser } from './state.js';

const USER_DEFAULTS = ['id', 'name', 'username'];
const POST_DEFAULTS = ['id', 'text', 'edit_history_tweet_ids'];

function requested(query: URLSearchParams, name: string): string[] {
  return (query.get(name) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function pick(obj: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

export function userView(state: SandboxState, user: SandboxUser, query: URLSearchParams): Record<string, unknown> {
  return pick(publicUser(user, state), [...USER_DEFAULTS, ...requested(query, 'user.fields')]);
}

/** The field each post expansion is built from: X includes it in `data` when the expansion is asked for. */
const EXPANSION_FIELDS: Record<string, string> = {
  author_id: 'author_id',
  in_reply_to_user_id: 'in_reply_to_user_id',
  'referenced_tweets.id': 'referenced_tweets',
  referenced_posts: 'referenced_tweets',
  'entities.mentions.username': 'entities',
};

export function postView(post: SandboxPost, query: URLSearchParams): Record<string, unknown> {
  const implied = requested(query, 'expansions').map((e) => EXPANSION_FIELDS[e]).filter((f): f is string => f !== undefined);
  // X's OpenAPI 2.167 names the parameter post.fields; the API and its docs still say tweet.fields.
  return pick(publicPost(post), [...new Set([...POST_DEFAULTS, ...requested(query, 'tweet.fields'), ...requested(query, 'post.fields'), ...implied])]);
}

/** `includes` for the expansions X supports on posts: author_id, referenced_tweets.id, in_reply_to_user_id, entities.mentions.username. */
export function postIncludes(state: SandboxState, posts: SandboxPost[], query: URLSearchParams): Record<string, unknown> | undefined {
  const expansions = requested(query, 'expansions');
  if (!expansions.length) return undefined;
  const userIds = new Set<string>();
  const tweetIds = new Set<string>();
  for (const p of posts) {
    if (expansions.includes('author_id')) userIds.add(p.author_id);
    if (expansions.includes('in_reply_to_user_id') && p.in_reply_to_user_id) userIds.add(p.in_reply_to_user_id);
    if (expansions.includes('entities.mentions.username')) for (const m of p.entities?.mentions ?? []) if (m.id) userIds.add(m.id);
    if (expansions.includes('referenced_tweets.id') || expansions.includes('referenced_posts')) for (const r of p.referenced_tweets ?? []) tweetIds.add(r.id);
  }
  const includes: Record<string, unknown> = {};
  const users = [...userIds].map((id) => state.users.get(id)).filter((u): u is SandboxUser => !!u);
  if (users.length) includes.users = users.map((u) => userView(state, u, query));
  const tweets = [...tweetIds].map((id) => state.posts.get(id)).filter((p): p is SandboxPost => !!p);
  if (tweets.length) includes.tweets = tweets.map((p) => postView(p, query));
  return Object.keys(includes).length ? includes : undefined;
}

/** Opaque page tokens; they encode an offset, as X's encode a cursor. */
function encodeToken(offset: number): string {
  return Buffer.from(`sandbox-page:${offset}`).toString('base64url');
}

function decodeToken(token: string): number | undefined {
  const m = /^sandbox-page:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : undefined;
}

export interface PageSpec {
  /** Query parameters that carry the token, in the order checked (`pagination_token`, `next_token`). */
  tokenParams: string[];
  min: number;
  max: number;
  default: number;
}

/**
 * One page of `items`: `{data, meta:{result_count, next_token?, previous_token?}}`, or X's 400 for a
 * bad `max_results` or token. An empty page has no `data` (as X omits it).
 */
export function page<T>(items: T[], query: URLSearchParams, spec: PageSpec, render: (item: T) => unknown): SandboxResponse {
  const rawMax = query.get('max_results');
  const max = rawMax === null ? spec.default : Number(rawMax);
  if (!Number.isInteger(max) || max < spec.min || max > spec.max) {
    return invalidRequest(`The \`max_results\` query parameter value [${rawMax}] is not between ${spec.min} and ${spec.max}`, { parameters: { max_results: [rawMax] } });
  }
  let offset = 0;
  for (const param of spec.tokenParams) {
    const token = query.get(param);
    if (token === null) continue;
    const decoded = decodeToken(token);
    if (decoded === undefined) return invalidRequest(`The \`${param}\` query parameter value [${token}] is not valid`, { parameters: { [param]: [token] } });
    offset = decoded;
    break;
  }
  const slice = items.slice(offset, offset + max);
  const meta: Record<string, unknown> = { result_count: slice.length };
  if (offset + max < items.length) meta.next_token = encodeToken(offset + max);
  if (offset > 0) meta.previous_token = encodeToken(Math.max(0, offset - max));
  return { status: 200, json: slice.length ? { data: slice.map(render), meta } : { meta } };
}

/** A page of posts with their `includes` (the expansions of the posts shown). */
export function postsPage(state: SandboxState, posts: SandboxPost[], query: URLSearchParams, spec: PageSpec): SandboxResponse {
  const shown: SandboxPost[] = [];
  const response = page(posts, query, spec, (post) => {
    shown.push(post);
    return postView(post, query);
  });
  const includes = postIncludes(state, shown, query);
  if (includes && response.status === 200) (response.json as Record<string, unknown>).includes = includes;
  return response;
}
