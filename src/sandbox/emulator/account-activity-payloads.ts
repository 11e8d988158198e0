// Account Activity API (legacy) payloads for the same actions that make X Activity events:
// `{"for_user_id":…, "tweet_create_events":[…]}` and friends, with v1.1-style objects.
import type { ActivityInput } from './activity-input.js';
import type { SandboxPost, SandboxState, SandboxUser } from './store.js';

/** Which legacy array an X Activity event type lands in, and the kind of item it holds. */
const LEGACY_KEYS: Record<string, string> = {
  'post.create': 'tweet_create_events',
  'post.reply.create': 'tweet_create_events',
  'post.quote.create': 'tweet_create_events',
  'post.mention.create': 'tweet_create_events',
  'post.delete': 'tweet_delete_events',
  'like.create': 'favorite_events',
  'follow.follow': 'follow_events',
  'follow.unfollow': 'follow_events',
  'block.block': 'block_events',
  'block.unblock': 'block_events',
  'mute.mute': 'mute_events',
  'mute.unmute': 'mute_events',
  'dm.sent': 'direct_message_events',
  'dm.received': 'direct_message_events',
  'dm.indicate_typing': 'direct_message_indicate_typing_events',
  'dm.read': 'direct_message_mark_read_events',
};

/** v1.1 dates: `Wed Oct 10 20:19:24 +0000 2018`. */
export function legacyDate(iso: string): string {
  const d = new Date(iso);
  const [wd, mon, day, year, time] = [
    d.toUTCString().slice(0, 3),
    d.toUTCString().slice(8, 11),
    d.toUTCString().slice(5, 7),
    d.getUTCFullYear(),
    d.toISOString().slice(11, 19),
  ];
  return `${wd} ${mon} ${day} ${time} +0000 ${year}`;
}

export function legacyUser(user: SandboxUser | undefined, id: string): Record<string, unknown> {
  return {
    id_str: id,
    name: user?.name ?? '',
    screen_name: user?.username ?? '',
    description: user?.description ?? '',
    location: user?.location ?? null,
    url: user?.url ?? null,
    protected: user?.protected ?? false,
    verified: user?.verified ?? false,
    created_at: user ? legacyDate(user.created_at) : null,
  };
}

export function legacyTweet(state: SandboxState, post: SandboxPost): Record<string, unknown> {
  const replyTo = post.referenced_tweets?.find((r) => r.type === 'replied_to');
  const quoted = post.referenced_tweets?.find((r) => r.type === 'quoted');
  return {
    created_at: legacyDate(post.created_at),
    id_str: post.id,
    text: post.text,
    truncated: false,
    in_reply_to_status_id_str: replyTo?.id ?? null,
    in_reply_to_user_id_str: post.in_reply_to_user_id ?? null,
    user: legacyUser(state.users.get(post.author_id), post.author_id),
    is_quote_status: quoted !== undefined,
    ...(quoted ? { quoted_status_id_str: quoted.id } : {}),
    entities: {
      hashtags: [],
      urls: [],
      symbols: [],
      user_mentions: (post.entities?.mentions ?? []).map((m) => ({
        screen_name: m.username,
        id_str: m.id ?? null,
        indices: [m.start, m.end],
      })),
    },
    timestamp_ms: String(Date.parse(post.created_at)),
  };
}

function field(value: unknown, key: string): unknown {
  return value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The legacy item for one event, built from the X Activity payload and the sandbox's records. */
function legacyItem(
  state: SandboxState,
  eventType: string,
  input: ActivityInput,
  now: number,
): Record<string, unknown> | undefined {
  const p = input.payload;
  // follow/block/mute payloads carry `{source, target}` as User objects wrapped in `data`.
  const userObj = (v: unknown) => {
    const id = str(field(field(v, 'data') ?? v, 'id')) ?? '';
    return legacyUser(state.users.get(id), id);
  };
  switch (LEGACY_KEYS[eventType]) {
    case 'tweet_create_events': {
      const post = state.posts.get(str(field(p, 'id')) ?? '');
      return post ? legacyTweet(state, post) : undefined;
    }
    case 'tweet_delete_events':
      return { status: { id: str(field(p, 'id')), user_id: str(field(p, 'author_id')) }, timestamp_ms: String(now) };
    case 'favorite_events': {
      const post = state.posts.get(str(field(p, 'liked_tweet_id')) ?? '');
      const likerId = input.actorId ?? input.userId;
      return {
        id: str(field(p, 'id')),
        created_at: legacyDate(new Date(now).toISOString()),
        timestamp_ms: now,
        favorited_status: post ? legacyTweet(state, post) : null,
        user: legacyUser(state.users.get(likerId), likerId),
      };
    }
    case 'follow_events':
    case 'block_events':
    case 'mute_events': {
      // Undo actions share the array: `"type":"unfollow"`, `"unblock"`, `"unmute"`.
      const verb = eventType.split('.')[1]!;
      return {
        type: verb,
        created_timestamp: String(now),
        source: userObj(field(p, 'source')),
        target: userObj(field(p, 'target')),
      };
    }
    case 'direct_message_events': {
      const events = field(p, 'direct_message_events');
      return Array.isArray(events) ? (events[0] as Record<string, unknown>) : (p as Record<string, unknown>);
    }
    default:
      return p && typeof p === 'object' ? (p as Record<string, unknown>) : undefined;
  }
}

/** One payload per Account Activity webhook subscribed for the event's user. */
export function accountActivityPayloads(
  state: SandboxState,
  eventType: string,
  input: ActivityInput,
  now: number,
): { webhookId: string; body: Record<string, unknown> }[] {
  const key = LEGACY_KEYS[eventType];
  if (!key) return [];
  const targets = [...state.accountActivitySubscriptions].filter(([, users]) => users.has(input.userId));
  if (targets.length === 0) return [];
  const item = legacyItem(state, eventType, input, now);
  if (!item) return [];
  const body: Record<string, unknown> = { for_user_id: input.userId, [key]: [item] };
  if (key === 'direct_message_events') {
    const users = field(input.payload, 'users');
    if (users) body.users = users;
  }
  return targets.map(([webhookId]) => ({ webhookId, body }));
}
