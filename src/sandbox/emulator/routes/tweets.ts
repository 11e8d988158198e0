// Posts and likes: lookup (with partial errors), create (text, reply, quote, media, poll), delete,
// like/unlike, liked posts and liking users, recent search. Actions emit X Activity events.
import type { SandboxApp } from '../app.js';
import { emitActivity } from '../events.js';
import { invalidRequest, notFound, notFoundItem, problem } from '../problems.js';
import { compileQuery } from '../query-match.js';
import type { SandboxRequest, SandboxResponse } from '../router.js';
import {
  addPost,
  byNewest,
  edges,
  LONG_POST_LIMIT,
  nextId,
  POST_LIMIT,
  publicPost,
  publicUser,
  type NewPost,
  type SandboxPost,
  type SandboxState,
} from '../store.js';
import { page, postIncludes, postsPage, postView, userView } from '../views.js';
import { actingUser, isResponse } from './users.js';

const ID = /^\d{1,19}$/;

function forbidden(detail: string) {
  return problem(403, { detail, type: 'about:blank', title: 'Forbidden', status: 403 });
}

/** Counts characters as X roughly does (code points; URLs are not shortened here). */
const textLength = (text: string) => [...text].length;

/** `POST /2/tweets`'s body; its shape is checked against X's schema (CreatePostsRequest) before the handler runs. */
interface CreatePostBody {
  text?: string;
  reply?: { in_reply_to_tweet_id?: string };
  quote_tweet_id?: string;
  media?: { media_ids?: string[] };
  poll?: { options: string[]; duration_minutes: number };
  reply_settings?: SandboxPost['reply_settings'];
  geo?: { place_id: string };
}

/** Makes the events X makes for a new post: post.create, and reply/quote/mention for the users they reach. */
export function emitPostEvents(app: SandboxApp, post: SandboxPost): void {
  const { state } = app;
  const author = state.users.get(post.author_id);
  const payload = publicPost(post);
  const includes = author ? { users: [publicUser(author)] } : undefined;
  emitActivity(app, 'post.create', { userId: post.author_id, payload, includes, text: post.text });
  const notify = (eventType: string, userId: string | undefined) => {
    if (userId && userId !== post.author_id)
      emitActivity(app, eventType, { userId, actorId: post.author_id, payload, includes, text: post.text });
  };
  for (const ref of post.referenced_tweets ?? []) {
    const target = state.posts.get(ref.id)?.author_id;
    if (ref.type === 'replied_to') notify('post.reply.create', target);
    if (ref.type === 'quoted') notify('post.quote.create', target);
  }
  for (const m of post.entities?.mentions ?? []) notify('post.mention.create', m.id);
  const matching = [...state.streamRules.values()]
    .filter((r) => compileQuery(state, r.value)(post))
    .map((r) => ({ id: r.id, tag: r.tag ?? '' }));
  for (const stream of app.streams.connections) {
    if (stream.kind === 'activity' || (stream.kind === 'search' && !matching.length)) continue;
    const includes = postIncludes(app, [post], stream.query);
    stream.send({
      data: postView(app, post, stream.query),
      ...(includes ? { includes } : {}),
      ...(stream.kind === 'search' ? { matching_rules: matching } : {}),
    });
  }
  if (!matching.length) return;
  // Filtered-stream webhooks get the stream's record, shaped by the fields they were linked with.
  for (const [webhookId, link] of state.streamWebhooks) {
    const query = new URLSearchParams(link.fields.join('&'));
    const includes = postIncludes(app, [post], query);
    const body = { data: postView(app, post, query), ...(includes ? { includes } : {}), matching_rules: matching };
    app.engine.deliver(webhookId, JSON.stringify(body), { kind: 'filtered_stream', eventType: 'filtered_stream' });
  }
}

/** What X checks beyond the schema: referenced posts and media exist, text length by subscription, media xor poll. */
function parseCreate(state: SandboxState, authorId: string, body: CreatePostBody | undefined): NewPost | SandboxResponse {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return invalidRequest('A JSON body is required.');
  const input: NewPost = { author_id: authorId, text: typeof body.text === 'string' ? body.text : '' };
  if (body.reply_settings) input.reply_settings = body.reply_settings;
  if (body.geo?.place_id) input.place_id = body.geo.place_id;
  const mediaIds = body.media?.media_ids;
  if (mediaIds !== undefined) {
    const uploads = mediaIds.map((id) => state.media.get(id));
    if (uploads.some((u) => !u || u.state === 'failed'))
      return invalidRequest('Your media IDs are invalid.', { parameters: { 'media.media_ids': mediaIds } });
    input.media_keys = uploads.map((u) => u!.media_key);
  }
  if (body.poll !== undefined) {
    if (input.media_keys) return invalidRequest('A post cannot have both media and a poll.');
    input.poll = { options: body.poll.options, duration_minutes: body.poll.duration_minutes };
  }
  if (!input.text && !input.media_keys) return invalidRequest('Post text is required unless the post has media.');
  // X takes long posts (note_tweet) from subscribed accounts only.
  const subscribed = (state.users.get(authorId)?.subscription_type ?? 'None') !== 'None';
  const limit = subscribed ? LONG_POST_LIMIT : POST_LIMIT;
  if (textLength(input.text) > limit) {
    return subscribed
      ? invalidRequest(`Post text is longer than ${LONG_POST_LIMIT} characters.`)
      : forbidden(
          `You are not permitted to create a post with more than ${POST_LIMIT} characters: long posts need an X Premium subscription.`,
        );
  }
  const replyTo = body.reply?.in_reply_to_tweet_id;
  if (replyTo !== undefined) {
    if (!state.posts.has(replyTo))
      return invalidRequest('`reply.in_reply_to_tweet_id` does not name a post that exists.', {
        parameters: { 'reply.in_reply_to_tweet_id': [replyTo] },
      });
    input.reply_to = replyTo;
  }
  if (body.quote_tweet_id !== undefined) {
    if (!state.posts.has(body.quote_tweet_id))
      return invalidRequest('`quote_tweet_id` does not name a post that exists.', {
        parameters: { quote_tweet_id: [body.quote_tweet_id] },
      });
    input.quote_of = body.quote_tweet_id;
  }
  return input;
}

export function registerTweetRoutes(app: SandboxApp): void {
  const { state } = app;

  app.route('GET', '/2/tweets/:id', (req) => {
    const id = req.params.id!;
    if (!ID.test(id))
      return invalidRequest(`The \`id\` query parameter value [${id}] does not match ^[0-9]{1,19}$`, {
        parameters: { id: [id] },
      });
    const post = state.posts.get(id);
    if (!post) return notFound('tweet', 'id', id);
    const includes = postIncludes(app, [post], req.query);
    return { status: 200, json: { data: postView(app, post, req.query), ...(includes ? { includes } : {}) } };
  });

  app.route('GET', '/2/tweets', (req) => {
    const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
    if (ids.length === 0 || ids.length > 100)
      return invalidRequest('The `ids` query parameter must list 1 to 100 post ids', {
        parameters: { ids: [req.query.get('ids') ?? ''] },
      });
    const bad = ids.find((id) => !ID.test(id));
    if (bad)
      return invalidRequest(`The \`ids\` query parameter value [${bad}] does not match ^[0-9]{1,19}$`, {
        parameters: { ids: [bad] },
      });
    const found = ids.map((id) => state.posts.get(id)).filter((p): p is SandboxPost => !!p);
    const errors = ids.filter((id) => !state.posts.has(id)).map((id) => notFoundItem('tweet', 'ids', id));
    const includes = postIncludes(app, found, req.query);
    return {
      status: 200,
      json: {
        ...(found.length ? { data: found.map((p) => postView(app, p, req.query)) } : {}),
        ...(includes ? { includes } : {}),
        ...(errors.length ? { errors } : {}),
      },
    };
  });

  app.route('POST', '/2/tweets', (req) => {
    const authorId = req.auth.userId!;
    const input = parseCreate(state, authorId, req.json as CreatePostBody | undefined);
    if (isResponse(input)) return input;
    for (const p of state.posts.values()) {
      if (p.author_id === authorId && p.text === input.text && input.text && !input.media_keys)
        return forbidden('You are not allowed to create a Tweet with duplicate content.');
    }
    const post = addPost(state, input, app.now());
    emitPostEvents(app, post);
    app.changed();
    return {
      status: 201,
      json: { data: { id: post.id, text: publicPost(post).text, edit_history_tweet_ids: post.edit_history_tweet_ids } },
    };
  });

  app.route('DELETE', '/2/tweets/:id', (req) => {
    const id = req.params.id!;
    const post = state.posts.get(id);
    if (!post) return notFound('tweet', 'id', id);
    if (post.author_id !== req.auth.userId) return forbidden('You are not allowed to delete a Tweet you do not own.');
    state.posts.delete(id);
    for (const liked of state.likes.values()) liked.delete(id);
    emitActivity(app, 'post.delete', { userId: post.author_id, payload: { id: post.id, author_id: post.author_id } });
    app.changed();
    return { status: 200, json: { data: { deleted: true } } };
  });

  app.route('POST', '/2/users/:id/likes', (req) => {
    const me = actingUser(state, req, req.params.id!);
    if (isResponse(me)) return me;
    const tweetId = (req.json as { tweet_id?: unknown } | undefined)?.tweet_id;
    if (typeof tweetId !== 'string' || !ID.test(tweetId)) return invalidRequest('`tweet_id` is required and must be a post id');
    const post = state.posts.get(tweetId);
    if (!post) return notFound('tweet', 'tweet_id', tweetId);
    const liked = edges(state.likes, me.id);
    if (!liked.has(tweetId)) {
      liked.add(tweetId);
      const now = app.now();
      const payload = {
        id: nextId(state, now),
        created_at: new Date(now).toISOString(),
        timestamp_ms: now,
        liked_tweet_id: post.id,
        liked_tweet_author_id: post.author_id,
      };
      emitActivity(app, 'like.create', { userId: me.id, payload });
      if (post.author_id !== me.id) emitActivity(app, 'like.create', { userId: post.author_id, actorId: me.id, payload });
      app.changed();
    }
    return { status: 200, json: { data: { liked: true } } };
  });

  app.route('DELETE', '/2/users/:id/likes/:tweet_id', (req) => {
    const me = actingUser(state, req, req.params.id!);
    if (isResponse(me)) return me;
    if (state.likes.get(me.id)?.delete(req.params.tweet_id!)) app.changed();
    return { status: 200, json: { data: { liked: false } } };
  });

  app.route('GET', '/2/users/:id/liked_tweets', (req) => {
    const id = req.params.id!;
    if (!state.users.has(id)) return notFound('user', 'id', id);
    const posts = [...(state.likes.get(id) ?? [])]
      .reverse()
      .map((pid) => state.posts.get(pid))
      .filter((p): p is SandboxPost => !!p);
    return postsPage(app, posts, req.query, { tokenParams: ['pagination_token'], min: 5, max: 100, default: 100 });
  });

  app.route('GET', '/2/tweets/:id/liking_users', (req) => {
    const id = req.params.id!;
    if (!state.posts.has(id)) return notFound('tweet', 'id', id);
    const likers = [...state.likes]
      .filter(([, set]) => set.has(id))
      .map(([uid]) => state.users.get(uid))
      .filter((u) => !!u);
    return page(likers, req.query, { tokenParams: ['pagination_token'], min: 1, max: 100, default: 100 }, (u) =>
      userView(app, u, req.query),
    );
  });

  app.route('GET', '/2/tweets/search/recent', (req) => {
    const found = searchRecent(app, req);
    if (isResponse(found)) return found;
    const posts =
      req.query.get('sort_order') === 'relevancy'
        ? [...found].sort((x, y) => engagement(state, y) - engagement(state, x) || byNewest(x, y))
        : found;
    const res = postsPage(app, posts, req.query, {
      tokenParams: ['next_token', 'pagination_token'],
      min: 10,
      max: 100,
      default: 10,
    });
    const body = res.json as { data?: { id: string }[]; meta?: Record<string, unknown> } | undefined;
    if (res.status === 200 && body?.meta && body.data?.length) {
      const ids = body.data.map((p) => BigInt(p.id));
      // biome-ignore lint/complexity/useMathMinMax: bigint ids (Math.max takes numbers only)
      const max = ids.reduce((m, id) => (id > m ? id : m));
      // biome-ignore lint/complexity/useMathMinMax: bigint ids
      const min = ids.reduce((m, id) => (id < m ? id : m));
      body.meta = { newest_id: max.toString(), oldest_id: min.toString(), ...body.meta };
    }
    return res;
  });

  app.route('GET', '/2/tweets/counts/recent', (req) => {
    const found = searchRecent(app, req);
    if (isResponse(found)) return found;
    const granularity = (req.query.get('granularity') ?? 'hour') as keyof typeof BUCKET_MS;
    const { start, end } = searchWindow(app, req.query) as { start: number; end: number };
    const size = BUCKET_MS[granularity];
    const data: { end: string; start: string; tweet_count: number }[] = [];
    for (let from = start; from < end; ) {
      const to = Math.min(end, Math.floor(from / size) * size + size);
      const count = found.filter((p) => {
        const t = Date.parse(p.created_at);
        return t >= from && t < to;
      }).length;
      data.push({ end: new Date(to).toISOString(), start: new Date(from).toISOString(), tweet_count: count });
      from = to;
    }
    return { status: 200, json: { data, meta: { total_tweet_count: data.reduce((n, b) => n + b.tweet_count, 0) } } };
  });

  app.route('GET', '/2/tweets/:id/quote_tweets', (req) => {
    const id = req.params.id!;
    if (!state.posts.has(id)) return notFound('tweet', 'id', id);
    const exclude = (req.query.get('exclude') ?? '').split(',');
    const quotes = [...state.posts.values()]
      .filter((p) => p.referenced_tweets?.some((r) => r.type === 'quoted' && r.id === id))
      .filter((p) => !(exclude.includes('replies') && p.referenced_tweets?.some((r) => r.type === 'replied_to')))
      .sort(byNewest);
    return postsPage(app, quotes, req.query, { tokenParams: ['pagination_token'], min: 10, max: 100, default: 10 });
  });

  app.route('GET', '/2/tweets/:id/retweeted_by', (req) => {
    const id = req.params.id!;
    if (!state.posts.has(id)) return notFound('tweet', 'id', id);
    const reposters = [...state.retweets]
      .filter(([, set]) => set.has(id))
      .map(([uid]) => state.users.get(uid))
      .filter((u) => !!u);
    return page(reposters, req.query, { tokenParams: ['pagination_token'], min: 1, max: 100, default: 100 }, (u) =>
      userView(app, u, req.query),
    );
  });

  // Only the author of a conversation's first post may hide replies in it.
  app.route('PUT', '/2/tweets/:tweet_id/hidden', (req) => {
    const id = req.params.tweet_id!;
    const post = state.posts.get(id);
    if (!post) return notFound('tweet', 'tweet_id', id);
    if (!post.referenced_tweets?.some((r) => r.type === 'replied_to'))
      return invalidRequest(`The post ${id} is not a reply, so it cannot be hidden.`, { parameters: { tweet_id: [id] } });
    const root = state.posts.get(post.conversation_id);
    if (root?.author_id !== req.auth.userId)
      return forbidden('You can only hide or unhide replies to conversations you authored.');
    post.hidden = (req.json as { hidden: boolean }).hidden;
    app.changed();
    return { status: 200, json: { data: { hidden: post.hidden } } };
  });
}

/** The sandbox's relevance: how much its users did with a post. */
function engagement(state: SandboxState, post: SandboxPost): number {
  let n = 0;
  for (const map of [state.likes, state.retweets, state.bookmarks]) for (const set of map.values()) if (set.has(post.id)) n++;
  for (const p of state.posts.values()) if (p.referenced_tweets?.some((r) => r.id === post.id)) n++;
  return n;
}

const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
/** Recent search and counts cover the last seven days. */
const RECENT_MS = 7 * 86_400_000;
/** `end_time` must be at least this long before the request. */
const END_TIME_LAG_MS = 10_000;

/** X's minute-precision timestamps in its time-window messages (`2026-11-30T02:10Z`). */
const minuteOf = (ms: number) => `${new Date(ms).toISOString().slice(0, 16)}Z`;

/** The time window of a recent search or count: start_time/end_time within X's limits, or its 400. */
function searchWindow(app: SandboxApp, query: URLSearchParams): { start: number; end: number } | SandboxResponse {
  const now = app.now();
  const rawStart = query.get('start_time');
  const rawEnd = query.get('end_time');
  const start = rawStart ? Date.parse(rawStart) : now - RECENT_MS;
  const end = rawEnd ? Date.parse(rawEnd) : now + 1;
  const invalid = (name: string, raw: string, rule: string) =>
    invalidRequest(`Invalid '${name}':'${raw}'. '${name}' ${rule}`, { parameters: { [name]: [raw] } });
  if (rawStart && start < now - RECENT_MS)
    return invalid('start_time', rawStart, `must be on or after ${minuteOf(now - RECENT_MS)}`);
  if (rawEnd && end > now - END_TIME_LAG_MS)
    return invalid('end_time', rawEnd, 'must be a minimum of 10 seconds prior to the request time.');
  if (rawStart && start >= end) return invalid('start_time', rawStart, `must be before 'end_time' (${minuteOf(end)})`);
  return { start, end };
}

/** Posts of the last seven days matching `query`, `since_id`/`until_id` (exclusive) and the time window; newest first. */
function searchRecent(app: SandboxApp, req: SandboxRequest): SandboxPost[] | SandboxResponse {
  const window = searchWindow(app, req.query);
  if (isResponse(window)) return window;
  const matches = compileQuery(app.state, req.query.get('query') ?? '');
  const since = req.query.get('since_id');
  const until = req.query.get('until_id');
  return [...app.state.posts.values()]
    .filter((p) => {
      const at = Date.parse(p.created_at);
      if (at < window.start || at >= window.end) return false;
      if (since && BigInt(p.id) <= BigInt(since)) return false;
      if (until && BigInt(p.id) >= BigInt(until)) return false;
      return matches(p);
    })
    .sort(byNewest);
}
