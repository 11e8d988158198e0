// Sample events for `xcli sandbox emit TYPE`: a realistic payload for every X Activity event type,
// built from the sandbox's users and posts, with `--set path=value` overrides applied.
import { randomBytes } from 'node:crypto';
import { DELIVERY_ONLY_TYPES, eventTypeInfo } from '../../activity/event-types.js';
import type { ActivityInput } from './events.js';
import { addPost, nextId, publicPost, publicUser, XDEVELOPERS_ID, type SandboxState, type SandboxUser } from './store.js';

/** Which user field each profile.update.* event changes. */
const PROFILE_FIELDS: Record<string, keyof SandboxUser> = {
  'profile.update.bio': 'description',
  'profile.update.profile_picture': 'profile_image_url',
  'profile.update.banner_picture': 'profile_banner_url',
  'profile.update.screenname': 'name',
  'profile.update.geo': 'location',
  'profile.update.url': 'url',
  'profile.update.verified_badge': 'verified',
  'profile.update.handle': 'username',
};

/** Sets `a.b.c` in an object, creating objects on the way; values that parse as JSON are used parsed. */
export function setPath(target: Record<string, unknown>, path: string, raw: string): void {
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // a plain string
  }
  const keys = path.split('.');
  let node: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

const wrap = (u: SandboxUser) => ({ data: publicUser(u) });

/**
 * Builds the event for `user`; `sets` are applied to the payload (profile changes are also applied
 * to the user, since a bio change has no API of its own). Throws a message for unknown types.
 */
export function sampleEvent(
  state: SandboxState,
  eventType: string,
  user: SandboxUser,
  sets: [string, string][],
  now: number,
): ActivityInput {
  if (!eventTypeInfo(eventType) && !DELIVERY_ONLY_TYPES.includes(eventType)) {
    throw new Error(`unknown event type '${eventType}'`);
  }
  const other = state.users.get(XDEVELOPERS_ID === user.id ? state.authenticatedUserId : XDEVELOPERS_ID)!;
  const iso = new Date(now).toISOString();
  let payload: Record<string, unknown>;
  let direction: ActivityInput['direction'];
  const family = eventType.split('.')[0];
  const profileField = PROFILE_FIELDS[eventType];

  if (eventType.startsWith('profile.update.')) {
    const before = profileField ? user[profileField] : false;
    const after =
      typeof before === 'boolean'
        ? !before
        : eventType === 'profile.update.affiliate_badge'
          ? true
          : `${before ?? ''} (changed ${iso})`.trim();
    payload = { before: before ?? null, after };
  } else if (eventType.startsWith('post.')) {
    const text = sets.find(([k]) => k === 'text')?.[1] ?? `sample ${eventType} at ${iso}`;
    if (eventType === 'post.delete') {
      const last = [...state.posts.values()].reverse().find((p) => p.author_id === user.id);
      payload = { id: last?.id ?? nextId(state, now), author_id: user.id };
      if (last) state.posts.delete(last.id);
    } else {
      const target = [...state.posts.values()].find((p) => p.author_id === user.id);
      const author = eventType === 'post.create' ? user : other;
      const post = addPost(
        state,
        {
          author_id: author.id,
          text: eventType === 'post.mention.create' ? `@${user.username} ${text}` : text,
          ...(eventType === 'post.reply.create' && target ? { reply_to: target.id } : {}),
          ...(eventType === 'post.quote.create' && target ? { quote_of: target.id } : {}),
        },
        now,
      );
      if (eventType === 'post.repost.create' && target) post.referenced_tweets = [{ type: 'retweeted', id: target.id }];
      payload = publicPost(post);
    }
  } else if (eventType === 'like.create') {
    const liked = [...state.posts.values()].find((p) => p.author_id === user.id) ?? [...state.posts.values()][0];
    payload = {
      id: nextId(state, now),
      created_at: iso,
      timestamp_ms: now,
      liked_tweet_id: liked?.id ?? null,
      liked_tweet_author_id: liked?.author_id ?? null,
    };
  } else if (family === 'follow' || family === 'mute' || family === 'block') {
    direction = 'outbound';
    payload = { source: wrap(user), target: wrap(other) };
  } else if (family === 'dm') {
    direction = eventType === 'dm.received' ? 'inbound' : 'outbound';
    const [sender, recipient] = direction === 'inbound' ? [other, user] : [user, other];
    const conversation = [sender.id, recipient.id].sort().join('-');
    const event =
      eventType === 'dm.indicate_typing' || eventType === 'dm.read'
        ? { created_timestamp: String(now), sender_id: sender.id, target: { recipient_id: recipient.id } }
        : {
            id: nextId(state, now),
            event_type: 'MessageCreate',
            text: 'sample direct message',
            sender_id: sender.id,
            dm_conversation_id: conversation,
            created_at: iso,
          };
    payload = {
      direct_message_events: [event],
      users: { [sender.id]: publicUser(sender), [recipient.id]: publicUser(recipient) },
    };
  } else if (family === 'chat') {
    direction = eventType === 'chat.received' ? 'inbound' : 'outbound';
    payload = {
      conversation_id: `${user.id}:${other.id}`,
      sender_id: direction === 'inbound' ? other.id : user.id,
      encoded_event: randomBytes(48).toString('base64'),
      conversation_key_version: '1',
      created_at: iso,
    };
  } else if (family === 'spaces') {
    payload = { user: wrap(user), broadcast_id: `1${randomBytes(6).toString('hex')}`, event_type: eventType };
  } else if (family === 'broadcast') {
    payload = {
      broadcast_id: `1${randomBytes(6).toString('hex')}`,
      title: 'Sandbox broadcast',
      broadcast_state: eventType === 'broadcast.end' ? 'ENDED' : 'RUNNING',
      user_id: user.id,
    };
  } else if (eventType === 'news.new') {
    payload = {
      id: nextId(state, now),
      name: 'Sandbox news',
      summary: 'Something happened in the sandbox.',
      hook: 'Sandbox news',
      category: 'Technology',
      contexts: [],
      cluster_posts_results: [],
    };
  } else {
    payload = { date_time: iso, user_id: user.id, app_id: '1' };
  }

  for (const [path, value] of sets) if (path !== 'text' || !eventType.startsWith('post.')) setPath(payload, path, value);
  if (profileField && 'after' in payload) (user as unknown as Record<string, unknown>)[profileField] = payload.after;
  const text =
    typeof payload.text === 'string'
      ? payload.text
      : typeof payload.summary === 'string'
        ? `${String(payload.name)} ${payload.summary}`
        : undefined;
  const includes =
    eventType.startsWith('post.') && eventType !== 'post.delete'
      ? { users: [publicUser(state.users.get(String(payload.author_id)) ?? user)] }
      : undefined;
  return {
    userId: user.id,
    payload,
    ...(includes ? { includes } : {}),
    ...(direction ? { direction } : {}),
    ...(text ? { text } : {}),
  };
}
