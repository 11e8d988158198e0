// How X renders objects and pages: default fields plus `*.fields`, `expansions` into `includes`,
// `max_results` bounds and opaque next tokens.
import { invalidRequest } from './problems.js';
import type { SandboxResponse } from './router.js';
import {
  publicPost,
  publicUser,
  SANDBOX_PLACES,
  type MediaUpload,
  type SandboxPost,
  type SandboxState,
  type SandboxUser,
} from './store.js';
import { apiSpelling } from './validate.js';

type Obj = Record<string, unknown>;

/** What rendering needs: the store, and the clock for what depends on the time (edit window, poll state). */
export interface World {
  state: SandboxState;
  now(): number;
}

const USER_DEFAULTS = ['id', 'name', 'username'];
const POST_DEFAULTS = ['id', 'text', 'edit_history_tweet_ids'];
const MEDIA_DEFAULTS = ['media_key', 'type'];
const POLL_DEFAULTS = ['id', 'options'];
const PLACE_DEFAULTS = ['full_name', 'id'];

/** A comma list parameter, spelled the API's way (`post.fields` is read as `tweet.fields`). */
function requested(query: URLSearchParams, name: string): string[] {
  const values: string[] = [];
  for (const [given, value] of query) if (apiSpelling(given) === name) values.push(...value.split(','));
  return values
    .map((s) => s.trim())
    .filter(Boolean)
    .map((v) => (name === 'expansions' && v === 'referenced_posts' ? 'referenced_tweets.id' : apiSpelling(v)));
}

function pick(obj: Obj, keys: string[]): Obj {
  const out: Obj = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

export function userView(world: World, user: SandboxUser, query: URLSearchParams): Obj {
  const implied = requested(query, 'expansions').includes('most_recent_tweet_id') ? ['most_recent_tweet_id'] : [];
  return pick(publicUser(user, world.state), [...USER_DEFAULTS, ...requested(query, 'user.fields'), ...implied]);
}

/** `includes.tweets` for user expansions (`most_recent_tweet_id`; the sandbox pins nothing). */
export function userIncludes(world: World, users: SandboxUser[], query: URLSearchParams): Obj | undefined {
  if (!requested(query, 'expansions').includes('most_recent_tweet_id')) return undefined;
  const ids = users
    .map((u) => publicUser(u, world.state).most_recent_tweet_id)
    .filter((id): id is string => typeof id === 'string');
  const tweets = ids
    .map((id) => world.state.posts.get(id))
    .filter((p): p is SandboxPost => !!p)
    .map((p) => postView(world, p, query));
  return tweets.length ? { tweets } : undefined;
}

/** Users with their includes, as X answers a user lookup: `{data, includes?, errors?}`. */
export function usersBody(world: World, users: SandboxUser[], query: URLSearchParams, single: boolean): Obj {
  const includes = userIncludes(world, users, query);
  const data = single ? userView(world, users[0]!, query) : users.map((u) => userView(world, u, query));
  return { data, ...(includes ? { includes } : {}) };
}

/** The field each post expansion is built from: X includes it in `data` when the expansion is asked for. */
const EXPANSION_FIELDS: Record<string, string> = {
  author_id: 'author_id',
  in_reply_to_user_id: 'in_reply_to_user_id',
  'referenced_tweets.id': 'referenced_tweets',
  'referenced_tweets.id.author_id': 'referenced_tweets',
  'entities.mentions.username': 'entities',
  'attachments.media_keys': 'attachments',
  'attachments.poll_ids': 'attachments',
  'geo.place_id': 'geo',
  edit_history_tweet_ids: 'edit_history_tweet_ids',
};

/** Counts of what the sandbox's users did with a post. */
function postMetrics(state: SandboxState, id: string): Obj {
  const count = (map: Map<string, Set<string>>) => [...map.values()].filter((set) => set.has(id)).length;
  let replies = 0;
  let quotes = 0;
  for (const p of state.posts.values()) {
    for (const r of p.referenced_tweets ?? []) {
      if (r.id !== id) continue;
      if (r.type === 'replied_to') replies++;
      if (r.type === 'quoted') quotes++;
    }
  }
  return {
    retweet_count: count(state.retweets),
    reply_count: replies,
    like_count: count(state.likes),
    quote_count: quotes,
    bookmark_count: count(state.bookmarks),
    impression_count: 0,
  };
}

/** X's language guess, reduced to what a sandbox can tell: English for Latin letters, `und` otherwise. */
function guessLang(text: string): string {
  const words = text.replace(/https?:\/\/\S+|[@#]\w+/g, '');
  return /[A-Za-z]{2}/.test(words) ? 'en' : 'und';
}

/** X allows five edits within an hour of posting. */
const EDIT_WINDOW_MS = 60 * 60_000;

/** Every post field the sandbox can know, computed from its world. */
export function fullPost(world: World, post: SandboxPost): Obj {
  const shown = publicPost(post);
  const editableUntil = Date.parse(post.created_at) + EDIT_WINDOW_MS;
  const now = world.now();
  return {
    ...shown,
    public_metrics: postMetrics(world.state, post.id),
    lang: guessLang(post.text),
    possibly_sensitive: false,
    reply_settings: post.reply_settings ?? 'everyone',
    edit_controls: {
      edits_remaining: now < editableUntil ? 5 : 0,
      is_edit_eligible: !post.poll && !post.referenced_tweets?.some((r) => r.type === 'replied_to'),
      editable_until: new Date(editableUntil).toISOString(),
    },
    display_text_range: [0, [...String(shown.text)].length],
  };
}

export function postView(world: World, post: SandboxPost, query: URLSearchParams): Obj {
  const implied = requested(query, 'expansions')
    .map((e) => EXPANSION_FIELDS[e])
    .filter((f): f is string => f !== undefined);
  return pick(fullPost(world, post), [...new Set([...POST_DEFAULTS, ...requested(query, 'tweet.fields'), ...implied])]);
}

/** The upload behind a media key (`3_<id>`, `7_<id>`…). */
function mediaByKey(state: SandboxState, key: string): MediaUpload | undefined {
  return state.media.get(key.slice(key.indexOf('_') + 1)) ?? [...state.media.values()].find((m) => m.media_key === key);
}

function mediaObject(upload: MediaUpload): Obj {
  const type =
    upload.media_category === 'tweet_gif' || upload.media_type === 'image/gif'
      ? 'animated_gif'
      : upload.media_type?.startsWith('video/')
        ? 'video'
        : 'photo';
  return {
    media_key: upload.media_key,
    type,
    ...(type === 'photo' ? { width: 1200, height: 675 } : {}),
    ...(upload.alt_text ? { alt_text: upload.alt_text } : {}),
  };
}

function pollObject(world: World, post: SandboxPost): Obj {
  const poll = post.poll!;
  const closed = world.now() >= Date.parse(poll.end_datetime);
  return { ...poll, voting_status: closed ? 'closed' : poll.voting_status };
}

/** `includes` for the expansions X supports on posts (users, tweets, media, polls, places). */
export function postIncludes(world: World, posts: SandboxPost[], query: URLSearchParams): Obj | undefined {
  const expansions = requested(query, 'expansions');
  if (!expansions.length) return undefined;
  const has = (e: string) => expansions.includes(e);
  const userIds = new Set<string>();
  const tweetIds = new Set<string>();
  const mediaKeys = new Set<string>();
  const placeIds = new Set<string>();
  const polls: Obj[] = [];
  for (const p of posts) {
    if (has('author_id')) userIds.add(p.author_id);
    if (has('in_reply_to_user_id') && p.in_reply_to_user_id) userIds.add(p.in_reply_to_user_id);
    if (has('entities.mentions.username')) for (const m of p.entities?.mentions ?? []) if (m.id) userIds.add(m.id);
    if (has('referenced_tweets.id') || has('referenced_tweets.id.author_id'))
      for (const r of p.referenced_tweets ?? []) tweetIds.add(r.id);
    if (has('referenced_tweets.id.author_id'))
      for (const r of p.referenced_tweets ?? []) {
        const a = world.state.posts.get(r.id)?.author_id;
        if (a) userIds.add(a);
      }
    if (has('attachments.media_keys')) for (const k of p.attachments?.media_keys ?? []) mediaKeys.add(k);
    if (has('attachments.poll_ids') && p.poll) polls.push(pollObject(world, p));
    if (has('geo.place_id') && p.geo) placeIds.add(p.geo.place_id);
  }
  const includes: Obj = {};
  const users = [...userIds].map((id) => world.state.users.get(id)).filter((u): u is SandboxUser => !!u);
  if (users.length) includes.users = users.map((u) => userView(world, u, query));
  const tweets = [...tweetIds].map((id) => world.state.posts.get(id)).filter((p): p is SandboxPost => !!p);
  if (tweets.length) includes.tweets = tweets.map((p) => postView(world, p, query));
  const media = [...mediaKeys].map((k) => mediaByKey(world.state, k)).filter((m): m is MediaUpload => !!m);
  if (media.length)
    includes.media = media.map((m) => pick(mediaObject(m), [...MEDIA_DEFAULTS, ...requested(query, 'media.fields')]));
  if (polls.length) includes.polls = polls.map((p) => pick(p, [...POLL_DEFAULTS, ...requested(query, 'poll.fields')]));
  const places = [...placeIds].map((id) => SANDBOX_PLACES[id]).filter((p): p is Obj => !!p);
  if (places.length) includes.places = places.map((p) => pick(p, [...PLACE_DEFAULTS, ...requested(query, 'place.fields')]));
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
    return invalidRequest(`The \`max_results\` query parameter value [${rawMax}] is not between ${spec.min} and ${spec.max}`, {
      parameters: { max_results: [rawMax] },
    });
  }
  let offset = 0;
  for (const param of spec.tokenParams) {
    const token = query.get(param);
    if (token === null) continue;
    const decoded = decodeToken(token);
    if (decoded === undefined)
      return invalidRequest(`The \`${param}\` query parameter value [${token}] is not valid`, {
        parameters: { [param]: [token] },
      });
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
export function postsPage(world: World, posts: SandboxPost[], query: URLSearchParams, spec: PageSpec): SandboxResponse {
  const shown: SandboxPost[] = [];
  const response = page(posts, query, spec, (post) => {
    shown.push(post);
    return postView(world, post, query);
  });
  const includes = postIncludes(world, shown, query);
  if (includes && response.status === 200) (response.json as Record<string, unknown>).includes = includes;
  return response;
}
