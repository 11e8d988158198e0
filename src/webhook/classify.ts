// Recognises what X delivered: an X Activity API envelope, an Account Activity payload, or a
// filtered-stream delivery, and extracts the type, X's event id (the dedupe key), who and what.
import type { EventInfo } from './types.js';
import { renamedEventType } from '../activity/event-types.js';

type Obj = Record<string, unknown>;

const AAA_EVENT_KEYS = [
  'tweet_create_events',
  'tweet_delete_events',
  'favorite_events',
  'follow_events',
  'block_events',
  'mute_events',
  'direct_message_events',
  'direct_message_indicate_typing_events',
  'direct_message_mark_read_events',
] as const;

const SUMMARY_MAX = 80;

export function classifyEvent(body: unknown): EventInfo {
  if (!isObj(body)) return { product: 'unknown', type: 'unknown' };
  const data = body.data;
  if (isObj(data) && typeof data.event_type === 'string') return classifyActivity(data);
  if (Array.isArray(body.matching_rules) && isObj(data)) {
    return {
      product: 'stream',
      type: 'stream.post',
      eventId: str(data.id),
      actor: userRef(str(data.author_id), usersFromIncludes(body.includes)),
      summary: short(str(data.text)),
    };
  }
  return classifyAccountActivity(body) ?? { product: 'unknown', type: 'unknown' };
}

function classifyActivity(data: Obj): EventInfo {
  const type = data.event_type as string;
  const payload = isObj(data.payload) ? data.payload : {};
  const filter = isObj(data.filter) ? data.filter : {};
  const users = usersFromIncludes(data.includes);
  const info: EventInfo = {
    product: 'activity',
    type,
    eventId: data.event_uuid === undefined ? undefined : String(data.event_uuid),
    forUserId: str(filter.user_id),
  };
  if (type.startsWith('post.')) {
    info.actor = userRef(str(payload.author_id), users);
    info.summary = short(str(payload.text));
  } else if (type.startsWith('like.')) {
    info.summary = payload.liked_tweet_id === undefined ? undefined : `post ${String(payload.liked_tweet_id)}`;
    info.actor = userRef(str(filter.user_id), users);
  } else if (type.startsWith('follow.') || type.startsWith('mute.') || type.startsWith('block.')) {
    const source = userOf(payload.source);
    const target = userOf(payload.target);
    info.actor = source;
    if (target) info.summary = `→ ${target}`;
  } else if (type.startsWith('profile.update.')) {
    info.actor = userRef(str(filter.user_id), users);
    info.summary = short(`${display(payload.before)} → ${display(payload.after)}`);
  } else if (type.startsWith('chat.')) {
    info.actor = userRef(str(payload.sender_id), users);
    info.summary =
      payload.conversation_id === undefined ? undefined : `conversation ${String(payload.conversation_id)} (encrypted)`;
  } else if (type.startsWith('dm.')) {
    const dm = firstOf(payload.direct_message_events);
    if (dm) Object.assign(info, describeDm(dm, isObj(payload.users) ? payload.users : {}));
  } else if (type === 'oauth.revoke') {
    info.actor = userRef(str(payload.user_id), users);
    info.summary = payload.app_id === undefined ? undefined : `revoked app ${String(payload.app_id)}`;
  } else {
    info.summary = short(str(payload.title) ?? str(payload.name) ?? str(payload.text));
  }
  return info;
}

function classifyAccountActivity(body: Obj): EventInfo | undefined {
  const forUserId = str(body.for_user_id);
  const users = isObj(body.users) ? body.users : {};
  for (const key of AAA_EVENT_KEYS) {
    const list = body[key];
    if (!Array.isArray(list)) continue;
    const first = firstOf(list);
    const ids = list.map((item, i) => (isObj(item) ? aaaEventId(key, item) : undefined) ?? `#${i}`);
    const info: EventInfo = {
      product: 'account-activity',
      type: key,
      forUserId,
      eventId: `${forUserId ?? '-'}/${ids.join(',')}`,
    };
    if (first) Object.assign(info, describeAaa(key, first, users));
    if (list.length > 1) info.summary = `${info.summary ?? ''} ×${list.length}`.trim();
    return info;
  }
  if (isObj(body.user_event)) {
    const revoke = isObj(body.user_event.revoke) ? body.user_event.revoke : undefined;
    const source = revoke && isObj(revoke.source) ? str(revoke.source.user_id) : undefined;
    const target = revoke && isObj(revoke.target) ? str(revoke.target.app_id) : undefined;
    return {
      product: 'account-activity',
      type: revoke ? 'user_event.revoke' : 'user_event',
      eventId: revoke ? `revoke/${source ?? '-'}/${str(revoke.date_time) ?? '-'}` : undefined,
      actor: source,
      summary: target ? `revoked app ${target}` : undefined,
    };
  }
  if (isObj(body.replay_job_status)) {
    const job = body.replay_job_status;
    return {
      product: 'account-activity',
      type: 'replay_job_status',
      eventId: `replay/${str(job.job_id) ?? '-'}/${str(job.job_state) ?? '-'}`,
      summary: short(`job ${str(job.job_id) ?? '?'} ${str(job.job_state) ?? ''} ${str(job.job_state_description) ?? ''}`.trim()),
    };
  }
  return forUserId ? { product: 'account-activity', type: 'unknown', forUserId } : undefined;
}

function aaaEventId(key: string, item: Obj): string | undefined {
  const id = str(item.id_str) ?? str(item.id);
  if (id) return id;
  if (key === 'tweet_delete_events' && isObj(item.status)) return str(item.status.id);
  // follow, block, mute and typing events carry no id: time + parties identify them.
  const parts = [
    str(item.type),
    str(item.created_timestamp) ?? str(item.timestamp_ms),
    idOf(item.source) ?? str(item.sender_id),
    idOf(item.target),
  ];
  return parts.some(Boolean) ? parts.map((p) => p ?? '').join(':') : undefined;
}

function describeAaa(key: string, item: Obj, users: Obj): Partial<EventInfo> {
  switch (key) {
    case 'tweet_create_events':
      return { actor: screenName(item.user), summary: short(tweetText(item)) };
    case 'favorite_events':
      return {
        actor: screenName(item.user),
        summary: isObj(item.favorited_status) ? short(tweetText(item.favorited_status)) : undefined,
      };
    case 'follow_events':
    case 'block_events':
    case 'mute_events':
      return { actor: screenName(item.source), summary: `${str(item.type) ?? ''} → ${screenName(item.target) ?? '?'}`.trim() };
    case 'direct_message_events':
      return describeDm(item, users);
    case 'tweet_delete_events':
      return { summary: isObj(item.status) ? `deleted ${str(item.status.id) ?? ''}`.trim() : undefined };
    default: {
      const sender = str(item.sender_id);
      return { actor: sender ? (screenNameIn(users, sender) ?? sender) : undefined };
    }
  }
}

function describeDm(item: Obj, users: Obj): Partial<EventInfo> {
  const create = isObj(item.message_create) ? item.message_create : {};
  const sender = str(create.sender_id);
  const messageData = isObj(create.message_data) ? create.message_data : {};
  return { actor: sender ? (screenNameIn(users, sender) ?? sender) : undefined, summary: short(str(messageData.text)) };
}

function tweetText(tweet: Obj): string | undefined {
  const extended = isObj(tweet.extended_tweet) ? str(tweet.extended_tweet.full_text) : undefined;
  return extended ?? str(tweet.text);
}

function screenName(user: unknown): string | undefined {
  if (!isObj(user)) return undefined;
  const name = str(user.screen_name) ?? str(user.username);
  return name ? `@${name}` : (str(user.id_str) ?? str(user.id));
}

function screenNameIn(users: Obj, id: string): string | undefined {
  return screenName(users[id]);
}

/** XAA follow payloads wrap users in `data`. */
function userOf(value: unknown): string | undefined {
  if (!isObj(value)) return undefined;
  return screenName(isObj(value.data) ? value.data : value);
}

function idOf(value: unknown): string | undefined {
  if (!isObj(value)) return undefined;
  return str(value.id_str) ?? str(value.id) ?? (isObj(value.data) ? str(value.data.id) : undefined);
}

function usersFromIncludes(includes: unknown): Map<string, string> {
  const map = new Map<string, string>();
  if (isObj(includes) && Array.isArray(includes.users)) {
    for (const u of includes.users) if (isObj(u) && str(u.id) && str(u.username)) map.set(str(u.id)!, `@${str(u.username)!}`);
  }
  return map;
}

function userRef(id: string | undefined, users: Map<string, string>): string | undefined {
  return id === undefined ? undefined : (users.get(id) ?? id);
}

function display(value: unknown): string {
  if (value === undefined || value === null || value === '') return '∅';
  // Unquoted: the console quotes the whole summary, and quotes inside it would show as \".
  if (typeof value === 'string') return value;
  if (isObj(value)) {
    const inner = value.description ?? value.bio ?? value.text ?? value.url ?? value.name ?? value.username;
    if (inner !== undefined) return display(inner);
  }
  return JSON.stringify(value);
}

function short(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > SUMMARY_MAX ? `${flat.slice(0, SUMMARY_MAX - 1)}…` : flat;
}

function firstOf(list: unknown): Obj | undefined {
  return Array.isArray(list) && isObj(list[0]) ? list[0] : undefined;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `--events post.*,like.create`: glob patterns with `*`, comma separated; retired names (ProfileBioUpdate) mean their current one. */
export function eventTypeFilter(spec: string | undefined): ((type: string) => boolean) | undefined {
  if (!spec) return undefined;
  const patterns = spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => renamedEventType(p)?.name ?? p)
    .map((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`));
  return (type) => patterns.some((re) => re.test(type));
}
