// Posts and likes: lookup (with partial errors), create (text, reply, quote, media, poll), delete,
// like/unlike, liked posts and liking users, recent search. Actions emit X Activity events.
import type { SandboxApp } from '../app.js';
import { emitActivity } from '../events.js';
import { invalidRequest, notFound, notFoundItem, problem } from '../problems.js';
import { compileQuery } from '../query-match.js';
import { addPost, edges, nextId, publicPost, publicUser, type NewPost, type SandboxPost, type SandboxState } from '../state.js';
import { page, postIncludes, postsPage, postView, userView } from '../views.js';
import { actingUser, isResponse } from './users.js';

const ID = /^\d{1,19}$/;

function forbidden(detail: string) {
  return problem(403, { detail, type: 'about:blank', title: 'Forbidden', status: 403 });
}

/** Counts characters as X roughly does (code points; URLs are not shortened here). */
const textLength = (text: string) => [...text].length;

/** The properties X's schema allows in `POST /2/tweets` (additionalProperties: false). */
const CREATE_FIELDS = [
  'text', 'reply', 'quote_tweet_id', 'media', 'poll', 'reply_settings', 'for_super_followers_only', 'direct_message_deep_link',
  'geo', 'nullcast', 'card_uri', 'community_id', 'edit_options', 'made_with_ai', 'paid_partnership', 'share_with_followers',
];

interface CreatePostBody {
  text?: unknown;
  reply?: { in_reply_to_tweet_id?: unknown };
  quote_tweet_id?: unknown;
  media?: { media_ids?: unknown };
  poll?: { options?: unknown; duration_minutes?: unknown };
}

/** Makes the events X makes for a new post: post.create, and reply/quote/mention for the users they reach. */
export function emitPostEvents(state: SandboxState, post: SandboxPost): void {
  const author = state.users.get(post.author_id);
  const payload = publicPost(post);
  const includes = author ? { users: [publicUser(author)] } : undefined;
  emitActivity(state, 'post.create', { userId: post.author_id, payload, includes, text: post.text });
  const notify = (eventType: string, userId: string | undefined) => {
    if (userId && userId !== post.author_id) emitActivity(state, eventType, { userId, actorId: post.author_id, payload, includes, text: post.text });
  };
  for (const ref of post.referenced_tweets ?? []) {
    const target = state.posts.get(ref.id)?.author_id;
    if (ref.type === 'replied_to') notify('post.reply.create', target);
    if (ref.type === 'quoted') notify('post.quote.create', target);
  }
  for (const m of post.entities?.mentions ?? []) notify('post.mention.create', m.id);
  const noFields = new URLSearchParams();
  const matching = [...state.streamRules.values()].filter((r) => compileQuery(state, r.value)(post)).map((r) => ({ id: r.id, tag: r.tag ?? '' }));
  for (const stream of state.streams) {
    if (stream.kind === 'sample') stream.send({ data: postView(post, noFields) });
    if (stream.kind === 'search' && matching.length) stream.send({ data: postView(post, noFields), matching_rules: matching });
  }
  if (!matching.length) return;
  // Filtered-stream webhooks get the stream's record, shaped by the fields they were linked with.
  for (const [webhookId, link] of state.streamWebhooks) {
    const query = new URLSearchParams(link.fields.join('&'));
    const includes = postIncludes(state, [post], query);
    const body = { data: postView(post, query), ...(includes ? { includes } : {}), matching_rules: matching };
    state.engine?.deliver(webhookId, JSON.stringify(body), { kind: 'filtered_stream', eventType: 'filtered_stream' });
  }
}

function parseCreate(state: SandboxState, authorId: string, body: CreatePostBody | undefined): NewPost | ReturnType<typeof invalidRequest> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return invalidRequest('A JSON body is required.');
  const unknown = Object.keys(body).find((k) => !CREATE_FIELDS.includes(k));
  if (unknown) return invalidRequest(`$.${unknown}: is not defined in the schema and the schema does not allow additional properties`);
  const replySettings = (body as { reply_settings?: unknown }).reply_settings;
  if (replySettings !== undefined && !['following', 'mentionedUsers', 'subscribers', 'verified'].includes(String(replySettings))) {
    return invalidRequest(`$.reply_settings: does not have a value in the enumeration [following, mentionedUsers, subscribers, verified]`);
  }
  const input: NewPost = { author_id: authorId, text: typeof body.text === 'string' ? body.text : '' };
  if (body.text !== undefined && typeof body.text !== 'string') return invalidRequest('`text` must be a string');
  const mediaIds = body.media?.media_ids;
  if (mediaIds !== undefined) {
    if (!Array.isArray(mediaIds) || mediaIds.length < 1 || mediaIds.length > 4 || !mediaIds.every((m) => typeof m === 'string')) {
      return invalidRequest('`media.media_ids` must list 1 to 4 media ids');
    }
    const uploads = mediaIds.map((id) => state.media.get(id));
    if (uploads.some((u) => !u || u.state === 'failed')) return invalidRequest('Your media IDs are invalid.', { parameters: { 'media.media_ids': mediaIds } });
    input.media_keys = uploads.map((u) => u!.media_key);
  }
  if (body.poll !== undefined) {
    const { options, duration_minutes } = body.poll;
    if (!Array.isArray(options) || options.length < 2 || options.length > 4 || !options.every((o) => typeof o === 'string' && o.length >= 1 && o.length <= 25)) {
      return invalidRequest('`poll.options` must list 2 to 4 options of 1 to 25 characters');
    }
    if (typeof duration_minutes !== 'number' || !Number.isInteger(duration_minutes) || duration_minutes < 5 || duration_minutes > 10080) {
      return invalidRequest('`poll.duration_minutes` must be between 5 and 10080');
    }
    if (input.media_keys) return invalidRequest('A post cannot have both media and a poll.');
    input.poll = { options: options as string[], duration_minutes };
  }
  if (!input.text && !input.media_keys) return invalidRequest('Post text is required unless the post has media.');
  if (textLength(input.text) > 280) return invalidRequest('Post text is longer than 280 characters.');
  const replyTo = body.reply?.in_reply_to_tweet_id;
  if (replyTo !== undefined) {
    if (typeof replyTo !== 'string' || !state.posts.has(replyTo)) return invalidRequest('`reply.in_reply_to_tweet_id` does not name a post that exists.', { parameters: { 'reply.in_reply_to_tweet_id': [String(replyTo)] } });
    input.reply_to = replyTo;
  }
  if (body.quote_tweet_id !== undefined) {
    if (typeof body.quote_tweet_id !== 'string' || !state.posts.has(body.quote_tweet_id)) return invalidRequest('`quote_tweet_id` does not name a post that exists.', { parameters: { quote_tweet_id: [String(body.quote_tweet_id)] } });
    input.quote_of = body.quote_tweet_id;
  }
  return input;
}

export function registerTweetRoutes(app: SandboxApp): void {
  const { state } = app;

  app.route('GET', '/2/tweets/:id', (req) => {
    const id = req.params.id!;
    if (!ID.test(id)) return invalidRequest(`The \`id\` query parameter value [${id}] does not match ^[0-9]{1,19}$`, { parameters: { id: [id] } });
    const post = state.posts.get(id);
    if (!post) return notFound('tweet', 'id', id);
    const includes = postIncludes(state, [post], req.query);
    return { status: 200, json: { data: postView(post, req.query), ...(includes ? { includes } : {}) } };
  });

  app.route('GET', '/2/tweets', (req) => {
    const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
    if (ids.length === 0 || ids.length > 100) return invalidRequest('The `ids` query parameter must list 1 to 100 post ids', { parameters: { ids: [req.query.get('ids') ?? ''] } });
    const bad = ids.find((id) => !ID.test(id));
    if (bad) return invalidRequest(`The \`ids\` query parameter value [${bad}] does not match ^[0-9]{1,19}$`, { parameters: { ids: [bad] } });
    const found = ids.map((id) => state.posts.get(id)).filter((p): p is SandboxPost => !!p);
    const errors = ids.filter((id) => !state.posts.has(id)).map((id) => notFoundItem('tweet', 'ids', id));
    const includes = postIncludes(state, found, req.query);
    return {
      status: 200,
      json: { ...(found.length ? { data: found.map((p) => postView(p, req.query)) } : {}), ...(includes ? { includes } : {}), ...(errors.length ? { errors } : {}) },
    };
  });

  app.route('POST', '/2/tweets', (req) => {
    const authorId = req.auth.userId!;
    const input = parseCreate(state, authorId, req.json as CreatePostBody | undefined);
    if (isResponse(input)) return input;
    for (const p of state.posts.values()) {
      if (p.author_id === authorId && p.text === input.text && input.text && !input.media_keys) return forbidden('You are not allowed to create a Tweet with duplicate content.');
    }
    const post = addPost(state, input, app.now());
    emitPostEvents(state, post);
    app.changed();
    return { status: 201, json: { data: { id: post.id, text: post.text, edit_history_tweet_ids: post.edit_history_tweet_ids } } };
  });

  app.route('DELETE', '/2/tweets/:id', (req) => {
    const id = req.params.id!;
    const post = state.posts.get(id);
    if (!post) return notFound('tweet', 'id', id);
    if (post.author_id !== req.auth.userId) return forbidden('You are not allowed to delete a Tweet you do not own.');
    state.posts.delete(id);
    for (const liked of state.likes.values()) liked.delete(id);
    emitActivity(state, 'post.delete', { userId: post.author_id, payload: { id: post.id, author_id: post.author_id } });
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
      const payload = { id: nextId(state, now), created_at: new Date(now).toISOString(), timestamp_ms: now, liked_tweet_id: post.id, liked_tweet_author_id: post.author_id };
      emitActivity(state, 'like.create', { userId: me.id, payload });
      if (post.author_id !== me.id) emitActivity(state, 'like.create', { userId: post.author_id, actorId: me.id, payload });
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
    const posts = [...(state.likes.get(id) ?? [])].reverse().map((pid) => state.posts.get(pid)).filter((p): p is SandboxPost => !!p);
    return postsPage(state, posts, req.query, { tokenParams: ['pagination_token'], min: 5, max: 100, default: 100 });
  });

  app.route('GET', '/2/tweets/:id/liking_users', (req) => {
    const id = req.params.id!;
    if (!state.posts.has(id)) return notFound('tweet', 'id', id);
    const likers = [...state.likes].filter(([, set]) => set.has(id)).map(([uid]) => state.users.get(uid)).filter((u) => !!u);
    return page(likers, req.query, { tokenParams: ['pagination_token'], min: 1, max: 100, default: 100 }, (u) => userView(state, u, req.query));
  });

  app.route('GET', '/2/tweets/search/recent', (req) => {
    const query = req.query.get('query');
    if (!query || query.length > 512) return invalidRequest('The `query` query parameter is required (1 to 512 characters)', { parameters: { query: [query ?? ''] } });
    const matches = compileQuery(state, query);
    const posts = [...state.posts.values()].filter(matches).sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
    const res = postsPage(state, posts, req.query, { tokenParams: ['next_token', 'pagination_token'], min: 10, max: 100, default: 10 });
    const body = res.json as { data?: { id: string }[]; meta?: Record<string, unknown> } | undefined;
    if (res.status === 200 && body?.meta && body.data?.length) body.meta = { newest_id: body.data[0]!.id, oldest_id: body.data[body.data.length - 1]!.id, ...body.meta };
    return res;
  });
}
