// The emulator's store: users, posts, social graph, webhooks, subscriptions and deliveries. Data
// only (Maps, Sets and arrays; no sockets, timers or services), so route files can share it and
// `--state FILE` can save all of it: PERSISTED_FIELDS below says how, once per field.
import type { TokenTables } from './oauth2-grants.js';

export interface SandboxUser {
  id: string;
  username: string;
  name: string;
  description: string;
  created_at: string;
  location?: string;
  url?: string;
  profile_image_url?: string;
  profile_banner_url?: string;
  protected: boolean;
  verified: boolean;
  /** X Premium: subscribed accounts may post up to 25,000 characters (the sandbox's own user is). */
  subscription_type?: 'Premium' | 'PremiumPlus' | 'Basic' | 'None';
}

export interface ReferencedPost {
  type: 'replied_to' | 'quoted' | 'retweeted';
  id: string;
}

export interface SandboxPoll {
  id: string;
  options: { position: number; label: string; votes: number }[];
  duration_minutes: number;
  end_datetime: string;
  voting_status: 'open' | 'closed';
}

export interface SandboxPost {
  id: string;
  text: string;
  author_id: string;
  created_at: string;
  conversation_id: string;
  edit_history_tweet_ids: string[];
  in_reply_to_user_id?: string;
  referenced_tweets?: ReferencedPost[];
  attachments?: { media_keys?: string[]; poll_ids?: string[] };
  entities?: { mentions?: { start: number; end: number; username: string; id?: string }[] };
  poll?: SandboxPoll;
  reply_settings?: 'everyone' | 'following' | 'mentionedUsers' | 'subscribers' | 'verified';
  geo?: { place_id: string };
  /** A reply hidden by the author of the conversation's first post. */
  hidden?: boolean;
}

export interface SandboxList {
  id: string;
  name: string;
  description: string;
  private: boolean;
  owner_id: string;
  created_at: string;
  member_ids: string[];
}

/** Places a post may be tagged with (`geo.place_id`); X has millions, the sandbox knows these. */
export const SANDBOX_PLACES: Readonly<Record<string, Record<string, unknown>>> = {
  '01a9a39529b27f36': {
    id: '01a9a39529b27f36',
    full_name: 'Manhattan, NY',
    name: 'Manhattan',
    country: 'United States',
    country_code: 'US',
    place_type: 'city',
    geo: { type: 'Feature', bbox: [-74.026675, 40.683935, -73.910408, 40.877483], properties: {} },
    contained_within: [],
  },
  '5a110d312052166f': {
    id: '5a110d312052166f',
    full_name: 'San Francisco, CA',
    name: 'San Francisco',
    country: 'United States',
    country_code: 'US',
    place_type: 'city',
    geo: { type: 'Feature', bbox: [-122.514926, 37.708075, -122.357031, 37.833238], properties: {} },
    contained_within: [],
  },
};

export interface SandboxWebhook {
  id: string;
  url: string;
  valid: boolean;
  created_at: string;
  /** Epoch ms of the last CRC this webhook passed. */
  lastCrcOkAt?: number;
  /** Epoch ms of the first failed CRC since the last pass (transient failures). */
  crcFailingSince?: number;
}

export interface ActivityFilter {
  user_id?: string;
  keyword?: string;
  /** X's OpenAPI says inbound/outbound; its changelog says sent/received for messages: both are kept as given. */
  direction?: 'inbound' | 'outbound' | 'sent' | 'received';
}

export interface ActivitySubscription {
  subscription_id: string;
  event_type: string;
  filter: ActivityFilter;
  tag?: string;
  webhook_id?: string;
  created_at: string;
  updated_at: string;
}

export interface StreamRule {
  id: string;
  value: string;
  tag?: string;
}

export interface DeliveryAttempt {
  /** Epoch ms when the POST started. */
  at: number;
  /** HTTP status, absent when there was no answer (timeout, refused). */
  status?: number;
  error?: string;
  latencyMs: number;
}

export type DeliveryOutcome = 'pending' | 'delivered' | 'failed' | 'skipped';

export interface OutboundDelivery {
  id: string;
  webhookId: string;
  /** What the body is: an X Activity event, an Account Activity payload, a filtered-stream post, a replay notice. */
  kind: 'activity' | 'account_activity' | 'filtered_stream' | 'replay_job_status';
  eventType?: string;
  eventUuid?: string;
  /** The exact bytes sent (utf-8 JSON). */
  body: string;
  createdAt: number;
  attempts: DeliveryAttempt[];
  outcome: DeliveryOutcome;
  /** Set on copies sent by `--duplicates` or a replay job. */
  duplicateOf?: string;
  replayJobId?: string;
}

/** An upload session of the media API (the MEDIA helper's routes fill in what they need). */
export interface MediaUpload {
  id: string;
  media_key: string;
  media_type?: string;
  media_category?: string;
  total_bytes?: number;
  received_bytes?: number;
  segments?: number[];
  state: 'initialized' | 'pending' | 'in_progress' | 'succeeded' | 'failed';
  owner_id?: string;
  created_at: string;
  alt_text?: string;
}

export interface DirectMessageEvent {
  id: string;
  event_type: 'MessageCreate';
  text: string;
  sender_id: string;
  dm_conversation_id: string;
  participant_ids?: string[];
  created_at: string;
  attachments?: { media_keys?: string[] };
}

export interface SandboxState {
  /** The user OAuth 1.0a and OAuth2 user tokens act for, unless a token names another. */
  authenticatedUserId: string;
  users: Map<string, SandboxUser>;
  posts: Map<string, SandboxPost>;
  /** user id → ids of posts the user liked. */
  likes: Map<string, Set<string>>;
  /** user id → ids of users the user follows. */
  follows: Map<string, Set<string>>;
  retweets: Map<string, Set<string>>;
  bookmarks: Map<string, Set<string>>;
  blocks: Map<string, Set<string>>;
  mutes: Map<string, Set<string>>;
  dmEvents: DirectMessageEvent[];
  webhooks: Map<string, SandboxWebhook>;
  /** X Activity API subscriptions by subscription_id. */
  activitySubscriptions: Map<string, ActivitySubscription>;
  /** Account Activity API: webhook id → subscribed user ids. */
  accountActivitySubscriptions: Map<string, Set<string>>;
  streamRules: Map<string, StreamRule>;
  /** Filtered-stream webhook links: webhook id → query string it was linked with. */
  streamWebhooks: Map<string, { created_at: string; fields: string[] }>;
  deliveries: OutboundDelivery[];
  media: Map<string, MediaUpload>;
  /** Lists by id (owned lists, members). */
  lists: Map<string, SandboxList>;
  /** user id → ids of lists the user follows. */
  listFollows: Map<string, Set<string>>;
  /** OAuth2 access and refresh tokens the sandbox issued. */
  oauth2: TokenTables;
  /** Last issued snowflake-like id (ids grow, as X's do). */
  lastId: bigint;
}

/** How one field of the store is written to a state file and read back (`undefined` when absent). */
export interface FieldCodec<T> {
  save(value: T): unknown;
  load(saved: unknown): T;
}

const plain = <T>(empty: () => T): FieldCodec<T> => ({
  save: (value) => value,
  load: (saved) => (saved === undefined ? empty() : (saved as T)),
});
/** Maps are saved as [key, value] pairs, so values need not carry their key. */
const pairs = <V>(): FieldCodec<Map<string, V>> => ({
  save: (map) => [...map],
  load: (saved) => new Map(Array.isArray(saved) ? (saved as [string, V][]).map(([k, v]) => [String(k), v]) : []),
});
/** The graph maps: user id → ids, saved as an object of arrays. */
const idSets: FieldCodec<Map<string, Set<string>>> = {
  save: (map) => Object.fromEntries([...map].map(([k, set]) => [k, [...set]])),
  load: (saved) => new Map(Object.entries((saved ?? {}) as Record<string, string[]>).map(([k, ids]) => [k, new Set(ids)])),
};

/**
 * Every field of the store and how `--state FILE` keeps it: the one list persist.ts reads, and a
 * type error when a field is added to SandboxState without saying how it is saved.
 */
export const PERSISTED_FIELDS: { [K in keyof SandboxState]: FieldCodec<SandboxState[K]> } = {
  authenticatedUserId: { save: (id) => id, load: (saved) => String(saved ?? AUTHENTICATED_USER_ID) },
  lastId: { save: (id) => id.toString(), load: (saved) => BigInt(String(saved ?? 0)) },
  users: pairs(),
  posts: pairs(),
  webhooks: pairs(),
  activitySubscriptions: pairs(),
  streamRules: pairs(),
  streamWebhooks: pairs(),
  media: pairs(),
  lists: pairs(),
  likes: idSets,
  follows: idSets,
  retweets: idSets,
  bookmarks: idSets,
  blocks: idSets,
  mutes: idSets,
  accountActivitySubscriptions: idSets,
  listFollows: idSets,
  oauth2: {
    save: (tables) => ({ access: [...tables.access], refresh: [...tables.refresh] }),
    load: (saved) => {
      const tables = (saved ?? {}) as { access?: [string, never][]; refresh?: [string, never][] };
      return { access: new Map(tables.access ?? []), refresh: new Map(tables.refresh ?? []) };
    },
  },
  dmEvents: plain(() => []),
  deliveries: plain(() => []),
};

export type DeliveryMeta = Omit<OutboundDelivery, 'id' | 'webhookId' | 'body' | 'createdAt' | 'attempts' | 'outcome'>;

export const AUTHENTICATED_USER_ID = '1849202834569625600';
export const XDEVELOPERS_ID = '2244994945';

export const JACK_ID = '12';

const SEED_USERS: SandboxUser[] = [
  {
    id: AUTHENTICATED_USER_ID,
    username: 'sandbox_dev',
    name: 'Sandbox Developer',
    description: 'The account the sandbox credentials act for.',
    created_at: '2024-10-23T20:00:00.000Z',
    location: 'localhost',
    protected: false,
    verified: false,
    subscription_type: 'Premium',
  },
  {
    id: XDEVELOPERS_ID,
    username: 'XDevelopers',
    name: 'Developers',
    description: 'The voice of the X Developer Platform',
    created_at: '2013-12-14T04:35:55.000Z',
    url: 'https://t.co/3ZX3TNiZCY',
    protected: false,
    verified: true,
  },
  {
    id: '783214',
    username: 'X',
    name: 'X',
    description: "what's happening?!",
    created_at: '2007-02-20T14:35:54.000Z',
    protected: false,
    verified: true,
  },
  {
    id: '1849202834569625601',
    username: 'sandbox_friend',
    name: 'Sandbox Friend',
    description: 'A second sandbox account, to follow, mention and DM.',
    created_at: '2024-10-23T20:00:01.000Z',
    protected: false,
    verified: false,
  },
  {
    id: JACK_ID,
    username: 'jack',
    name: 'jack',
    description: 'no state is the best state',
    created_at: '2006-03-21T20:50:14.000Z',
    protected: false,
    verified: false,
  },
];

/** X's first post, the seed tutorial's first example (`GET /2/tweets/20`). */
const FIRST_POST: SandboxPost = {
  id: '20',
  text: 'just setting up my twttr',
  author_id: JACK_ID,
  created_at: '2006-03-21T20:50:14.000Z',
  conversation_id: '20',
  edit_history_tweet_ids: ['20'],
};

/** A fresh world: the seed users, a few posts, and follows between them. */
export function createState(now: number): SandboxState {
  const state: SandboxState = {
    authenticatedUserId: AUTHENTICATED_USER_ID,
    users: new Map(SEED_USERS.map((u) => [u.id, { ...u }])),
    posts: new Map([[FIRST_POST.id, { ...FIRST_POST, edit_history_tweet_ids: [FIRST_POST.id] }]]),
    likes: new Map(),
    follows: new Map(),
    retweets: new Map(),
    bookmarks: new Map(),
    blocks: new Map(),
    mutes: new Map(),
    dmEvents: [],
    webhooks: new Map(),
    activitySubscriptions: new Map(),
    accountActivitySubscriptions: new Map(),
    streamRules: new Map(),
    streamWebhooks: new Map(),
    deliveries: [],
    media: new Map(),
    lists: new Map(),
    listFollows: new Map(),
    oauth2: { access: new Map(), refresh: new Map() },
    lastId: snowflakeFloor(now),
  };
  addPost(
    state,
    { author_id: XDEVELOPERS_ID, text: 'Welcome to the X API v2 sandbox. Every route here answers like api.x.com.' },
    now,
  );
  addPost(state, { author_id: AUTHENTICATED_USER_ID, text: 'hello from the sandbox' }, now);
  edges(state.follows, AUTHENTICATED_USER_ID).add(XDEVELOPERS_ID);
  edges(state.follows, '1849202834569625601').add(AUTHENTICATED_USER_ID);
  return state;
}

/** Snowflake-shaped ids (milliseconds since X's epoch shifted left 22 bits), strictly increasing. */
function snowflakeFloor(now: number): bigint {
  return (BigInt(now) - 1288834974657n) << 22n;
}

export function nextId(state: SandboxState, now: number): string {
  const floor = snowflakeFloor(now);
  state.lastId = state.lastId >= floor ? state.lastId + 1n : floor;
  return state.lastId.toString();
}

/** Sorts posts (or anything with a snowflake id) newest first. */
export const byNewest = (a: { id: string }, b: { id: string }): number =>
  BigInt(b.id) > BigInt(a.id) ? 1 : BigInt(b.id) < BigInt(a.id) ? -1 : 0;

/** The set behind a user's edges in one of the graph maps, created on first use. */
export function edges(map: Map<string, Set<string>>, userId: string): Set<string> {
  let set = map.get(userId);
  if (!set) map.set(userId, (set = new Set()));
  return set;
}

export function findUserByUsername(state: SandboxState, username: string): SandboxUser | undefined {
  const wanted = username.replace(/^@/, '').toLowerCase();
  for (const u of state.users.values()) if (u.username.toLowerCase() === wanted) return u;
  return undefined;
}

export interface NewPost {
  author_id: string;
  text: string;
  reply_to?: string;
  quote_of?: string;
  media_keys?: string[];
  poll?: { options: string[]; duration_minutes: number };
  reply_settings?: SandboxPost['reply_settings'];
  place_id?: string;
}

/** Stores a post with X's derived fields (conversation, mentions, references). Routes pass the emulator's clock; tests seeding posts may leave it to the real time. */
export function addPost(state: SandboxState, input: NewPost, now = Date.now()): SandboxPost {
  const id = nextId(state, now);
  const created_at = new Date(now).toISOString();
  const post: SandboxPost = {
    id,
    text: input.text,
    author_id: input.author_id,
    created_at,
    conversation_id: id,
    edit_history_tweet_ids: [id],
  };
  const refs: ReferencedPost[] = [];
  if (input.reply_to) {
    const parent = state.posts.get(input.reply_to);
    refs.push({ type: 'replied_to', id: input.reply_to });
    if (parent) {
      post.conversation_id = parent.conversation_id;
      post.in_reply_to_user_id = parent.author_id;
    }
  }
  if (input.quote_of) refs.push({ type: 'quoted', id: input.quote_of });
  if (refs.length) post.referenced_tweets = refs;
  const mentions = [...input.text.matchAll(/(^|[^\w@])@(\w{1,15})/g)].map((m) => {
    const start = m.index + m[1]!.length;
    const user = findUserByUsername(state, m[2]!);
    return { start, end: start + m[2]!.length + 1, username: user?.username ?? m[2]!, ...(user ? { id: user.id } : {}) };
  });
  if (mentions.length) post.entities = { mentions };
  if (input.media_keys?.length) post.attachments = { media_keys: input.media_keys };
  if (input.reply_settings) post.reply_settings = input.reply_settings;
  if (input.place_id) post.geo = { place_id: input.place_id };
  if (input.poll) {
    const pollId = nextId(state, now);
    post.poll = {
      id: pollId,
      options: input.poll.options.map((label, i) => ({ position: i + 1, label, votes: 0 })),
      duration_minutes: input.poll.duration_minutes,
      end_datetime: new Date(now + input.poll.duration_minutes * 60_000).toISOString(),
      voting_status: 'open',
    };
    post.attachments = { ...post.attachments, poll_ids: [pollId] };
  }
  state.posts.set(id, post);
  return post;
}

/** Longest text of a post from an account without a subscription; subscribers may post up to LONG_POST_LIMIT. */
export const POST_LIMIT = 280;
export const LONG_POST_LIMIT = 25_000;

/** A post as X returns it in `data` (internal fields removed): a long post's `text` is its first 280 characters, the whole in `note_tweet`. */
export function publicPost(post: SandboxPost): Record<string, unknown> {
  const { poll: _poll, hidden: _hidden, ...rest } = post;
  const chars = [...post.text];
  if (chars.length <= POST_LIMIT) return rest;
  return {
    ...rest,
    text: chars.slice(0, POST_LIMIT).join(''),
    note_tweet: { text: post.text, ...(post.entities ? { entities: post.entities } : {}) },
  };
}

/** A user as X returns it (default fields are id, name, username; the rest are optional fields). */
export function publicUser(user: SandboxUser, state?: SandboxState): Record<string, unknown> {
  const out: Record<string, unknown> = { ...user };
  if (state) {
    let followers = 0;
    for (const set of state.follows.values()) if (set.has(user.id)) followers++;
    let tweets = 0;
    for (const p of state.posts.values()) if (p.author_id === user.id) tweets++;
    out.public_metrics = {
      followers_count: followers,
      following_count: state.follows.get(user.id)?.size ?? 0,
      tweet_count: tweets,
      listed_count: 0,
      like_count: state.likes.get(user.id)?.size ?? 0,
    };
    let newest: string | undefined;
    for (const p of state.posts.values())
      if (p.author_id === user.id && (!newest || BigInt(p.id) > BigInt(newest))) newest = p.id;
    if (newest) out.most_recent_tweet_id = newest;
  }
  out.verified_type = user.verified ? 'blue' : 'none';
  out.subscription_type = user.subscription_type ?? 'None';
  out.is_identity_verified = false;
  out.parody = false;
  return out;
}
