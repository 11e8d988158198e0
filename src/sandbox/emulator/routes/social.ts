// The rest of a user's world in the sandbox: reposts, bookmarks, blocks, mutes, direct messages,
// and the post lists built from them (user timelines, home timeline, mentions, bookmarks).
import type { SandboxApp } from '../app.js';
import { emitActivity } from '../events.js';
import { invalidRequest, notFound } from '../problems.js';
import type { RouteOptions, SandboxRequest, SandboxResponse } from '../router.js';
import {
  byNewest,
  edges,
  nextId,
  publicUser,
  type DirectMessageEvent,
  type SandboxPost,
  type SandboxState,
  type SandboxUser,
} from '../store.js';
import { page, postsPage, userView, type PageSpec } from '../views.js';
import { actingUser, isResponse } from './users.js';

type Obj = Record<string, unknown>;
const SNOWFLAKE = /^[0-9]{1,19}$/;

const pageSpec = (min: number, max: number, defaultSize: number): PageSpec => ({
  tokenParams: ['pagination_token'],
  min,
  max,
  default: defaultSize,
});

function bodyId(req: SandboxRequest, key: 'tweet_id' | 'target_user_id'): string | SandboxResponse {
  const value = (req.json as Obj | undefined)?.[key];
  return typeof value === 'string' && SNOWFLAKE.test(value)
    ? value
    : invalidRequest(`\`${key}\` is required and must match ^[0-9]{1,19}$`, { parameters: { [key]: [String(value)] } });
}

/** POST adds and DELETE removes an edge from the acting user to a post or user, answering `{data:{<flag>}}`. */
function edgeRoutes(
  app: SandboxApp,
  spec: {
    collection: string;
    map: Map<string, Set<string>>;
    flag: string;
    key: 'tweet_id' | 'target_user_id';
    deleteTemplate: string;
    options?: RouteOptions;
    events?: [string, string];
  },
): void {
  const { state } = app;
  const exists = (id: string) => (spec.key === 'tweet_id' ? state.posts.has(id) : state.users.has(id));
  const notify = (event: string | undefined, me: SandboxUser, targetId: string) => {
    const target = state.users.get(targetId);
    if (!event || !target) return;
    const payload = { source: { data: publicUser(me) }, target: { data: publicUser(target) } };
    emitActivity(app, event, { userId: me.id, payload });
    emitActivity(app, event, { userId: targetId, payload });
  };
  app.route(
    'POST',
    `/2/users/:id/${spec.collection}`,
    (req) => {
      const me = actingUser(state, req, req.params.id!);
      if (isResponse(me)) return me;
      const id = bodyId(req, spec.key);
      if (typeof id !== 'string') return id;
      if (!exists(id)) return notFound(spec.key === 'tweet_id' ? 'tweet' : 'user', spec.key, id);
      if (spec.key === 'target_user_id' && id === me.id)
        return invalidRequest(`You cannot ${spec.flag === 'blocking' ? 'block' : 'mute'} yourself.`);
      const set = edges(spec.map, me.id);
      if (!set.has(id)) {
        set.add(id);
        notify(spec.events?.[0], me, id);
        app.changed();
      }
      return { status: 200, json: { data: { [spec.flag]: true } } };
    },
    spec.options,
  );
  app.route(
    'DELETE',
    spec.deleteTemplate,
    (req) => {
      const [userParam, targetParam] = spec.deleteTemplate
        .split('/')
        .filter((s) => s.startsWith(':'))
        .map((s) => s.slice(1));
      const me = actingUser(state, req, req.params[userParam!]!);
      if (isResponse(me)) return me;
      const id = req.params[targetParam!]!;
      if (!SNOWFLAKE.test(id)) return invalidRequest(`The \`${targetParam}\` value [${id}] does not match ^[0-9]{1,19}$`);
      if (edges(spec.map, me.id).delete(id)) {
        notify(spec.events?.[1], me, id);
        app.changed();
      }
      return { status: 200, json: { data: { [spec.flag]: false } } };
    },
    spec.options,
  );
}

function ownList(app: SandboxApp, template: string, list: (me: SandboxUser, req: SandboxRequest) => SandboxResponse): void {
  app.route('GET', template, (req) => {
    const me = actingUser(app.state, req, req.params.id!);
    return isResponse(me) ? me : list(me, req);
  });
}

const postsOf = (state: SandboxState, ids: Iterable<string>) =>
  [...ids]
    .map((id) => state.posts.get(id))
    .filter((p): p is SandboxPost => p !== undefined)
    .sort(byNewest);

/** X's id for the conversation between two users: the smaller id, a dash, the larger. */
export function dmConversationId(a: string, b: string): string {
  return BigInt(a) < BigInt(b) ? `${a}-${b}` : `${b}-${a}`;
}

const DM_DEFAULTS = ['id', 'event_type', 'text'];

function dmView(event: DirectMessageEvent, query: URLSearchParams): Obj {
  const wanted = [...DM_DEFAULTS, ...(query.get('dm_event.fields') ?? '').split(',').map((s) => s.trim())];
  const out: Obj = {};
  for (const [k, v] of Object.entries(event)) if (wanted.includes(k) && v !== undefined) out[k] = v;
  return out;
}

function sendDm(app: SandboxApp, req: SandboxRequest): SandboxResponse {
  const { state } = app;
  const me = state.users.get(req.auth.userId ?? '');
  if (!me) return notFound('user', 'id', req.auth.userId ?? '');
  const participant = req.params.participant_id!;
  if (!SNOWFLAKE.test(participant))
    return invalidRequest(`The \`participant_id\` value [${participant}] does not match ^[0-9]{1,19}$`);
  const recipient = state.users.get(participant);
  if (!recipient) return notFound('user', 'participant_id', participant);
  const body = req.json as Obj | undefined;
  const text = body?.text;
  if (typeof text !== 'string' || text.length === 0) return invalidRequest('`text` is required (or attachments)');
  if (Object.keys(body!).some((k) => k !== 'text' && k !== 'attachments'))
    return invalidRequest(`[${Object.keys(body!).find((k) => k !== 'text' && k !== 'attachments')}] is not a valid field`);
  const now = app.now();
  const event: DirectMessageEvent = {
    id: nextId(state, now),
    event_type: 'MessageCreate',
    text,
    sender_id: me.id,
    dm_conversation_id: dmConversationId(me.id, recipient.id),
    participant_ids: [me.id, recipient.id],
    created_at: new Date(now).toISOString(),
  };
  state.dmEvents.push(event);
  const legacy = {
    type: 'message_create',
    id: event.id,
    created_timestamp: String(now),
    message_create: {
      target: { recipient_id: recipient.id },
      sender_id: me.id,
      message_data: { text, entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] } },
    },
  };
  const payload = { direct_message_events: [legacy], users: { [me.id]: publicUser(me), [recipient.id]: publicUser(recipient) } };
  emitActivity(app, 'dm.sent', { userId: me.id, payload, direction: 'outbound', text });
  emitActivity(app, 'dm.received', { userId: recipient.id, actorId: me.id, payload, direction: 'inbound', text });
  app.changed();
  return { status: 201, json: { data: { dm_conversation_id: event.dm_conversation_id, dm_event_id: event.id } } };
}

function listDms(app: SandboxApp, req: SandboxRequest): SandboxResponse {
  const { state } = app;
  const me = req.auth.userId ?? '';
  const mine = state.dmEvents.filter((e) => e.sender_id === me || e.participant_ids?.includes(me)).sort(byNewest);
  const shown: DirectMessageEvent[] = [];
  const response = page(mine, req.query, pageSpec(1, 100, 100), (e) => {
    shown.push(e);
    return dmView(e, req.query);
  });
  if (response.status === 200 && (req.query.get('expansions') ?? '').split(',').includes('sender_id')) {
    const users = [...new Set(shown.map((e) => e.sender_id))]
      .map((id) => state.users.get(id))
      .filter((u): u is SandboxUser => u !== undefined);
    if (users.length) (response.json as Obj).includes = { users: users.map((u) => userView(app, u, req.query)) };
  }
  return response;
}

export function registerSocialRoutes(app: SandboxApp): void {
  const { state } = app;

  edgeRoutes(app, {
    collection: 'retweets',
    map: state.retweets,
    flag: 'retweeted',
    key: 'tweet_id',
    deleteTemplate: '/2/users/:id/retweets/:source_tweet_id',
  });
  edgeRoutes(app, {
    collection: 'bookmarks',
    map: state.bookmarks,
    flag: 'bookmarked',
    key: 'tweet_id',
    deleteTemplate: '/2/users/:id/bookmarks/:tweet_id',
  });
  // X's OpenAPI no longer lists POST/DELETE blocking, but xurl (and older clients) call them.
  edgeRoutes(app, {
    collection: 'blocking',
    map: state.blocks,
    flag: 'blocking',
    key: 'target_user_id',
    deleteTemplate: '/2/users/:source_user_id/blocking/:target_user_id',
    options: { auth: ['oauth2', 'oauth1'], scopes: ['block.write'] },
    events: ['block.block', 'block.unblock'],
  });
  edgeRoutes(app, {
    collection: 'muting',
    map: state.mutes,
    flag: 'muting',
    key: 'target_user_id',
    deleteTemplate: '/2/users/:source_user_id/muting/:target_user_id',
    events: ['mute.mute', 'mute.unmute'],
  });

  const userList = (map: Map<string, Set<string>>) => (me: SandboxUser, req: SandboxRequest) =>
    page([...(map.get(me.id) ?? [])].reverse(), req.query, pageSpec(1, 1000, 100), (id) =>
      userView(app, state.users.get(id)!, req.query),
    );
  ownList(app, '/2/users/:id/blocking', userList(state.blocks));
  ownList(app, '/2/users/:id/muting', userList(state.mutes));

  ownList(app, '/2/users/:id/bookmarks', (me, req) =>
    postsPage(app, postsOf(state, state.bookmarks.get(me.id) ?? []), req.query, pageSpec(1, 100, 100)),
  );

  ownList(app, '/2/users/:id/timelines/reverse_chronological', (me, req) => {
    const authors = new Set([me.id, ...(state.follows.get(me.id) ?? [])]);
    const inBounds = timelineBounds(req.query);
    if (isResponse(inBounds)) return inBounds;
    const posts = [...state.posts.values()].filter((p) => authors.has(p.author_id) && inBounds(p)).sort(byNewest);
    return postsPage(app, posts, req.query, pageSpec(1, 100, 100));
  });

  app.route('GET', '/2/users/:id/tweets', (req) => {
    const user = state.users.get(req.params.id!);
    if (!user) return notFound('user', 'id', req.params.id!);
    const inBounds = timelineBounds(req.query);
    if (isResponse(inBounds)) return inBounds;
    const posts = [...state.posts.values()].filter((p) => p.author_id === user.id && inBounds(p)).sort(byNewest);
    return postsPage(app, posts, req.query, pageSpec(5, 100, 10));
  });

  app.route('GET', '/2/users/:id/mentions', (req) => {
    const user = state.users.get(req.params.id!);
    if (!user) return notFound('user', 'id', req.params.id!);
    const inBounds = timelineBounds(req.query);
    if (isResponse(inBounds)) return inBounds;
    const posts = [...state.posts.values()]
      .filter((p) => inBounds(p) && p.entities?.mentions?.some((m) => m.id === user.id))
      .sort(byNewest);
    return postsPage(app, posts, req.query, pageSpec(5, 100, 10));
  });

  app.route('POST', '/2/dm_conversations/with/:participant_id/messages', (req) => sendDm(app, req));
  app.route('GET', '/2/dm_events', (req) => listDms(app, req));
}

/** What `exclude` names on a user timeline, as the type of the post's reference. */
const EXCLUDED_REFERENCES: Record<string, string> = { replies: 'replied_to', retweets: 'retweeted' };

/**
 * The bounds a user timeline takes (posts, mentions, home): since_id and until_id exclusive,
 * start_time inclusive and end_time exclusive, as X documents them, and `exclude` (replies,
 * retweets) where the route takes it. Ids and `exclude`'s values are checked against X's
 * description by the router; a time its format check lets through (month 13) is X's 400 here.
 */
function timelineBounds(query: URLSearchParams): ((post: SandboxPost) => boolean) | SandboxResponse {
  const excluded = new Set(
    query
      .get('exclude')
      ?.split(',')
      .map((name) => EXCLUDED_REFERENCES[name]),
  );
  const since = query.get('since_id');
  const until = query.get('until_id');
  const times: Record<'start_time' | 'end_time', number> = { start_time: -Infinity, end_time: Infinity };
  for (const name of ['start_time', 'end_time'] as const) {
    const raw = query.get(name);
    if (raw === null) continue;
    times[name] = Date.parse(raw);
    if (Number.isNaN(times[name]))
      return invalidRequest(`The \`${name}\` query parameter value [${raw}] is not a valid date-time`, {
        parameters: { [name]: [raw] },
      });
  }
  return (post) => {
    const at = Date.parse(post.created_at);
    if (at < times.start_time || at >= times.end_time) return false;
    if (post.referenced_tweets?.some((ref) => excluded.has(ref.type))) return false;
    if (since && BigInt(post.id) <= BigInt(since)) return false;
    return !(until && BigInt(post.id) >= BigInt(until));
  };
}
