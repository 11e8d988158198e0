// The X Activity API's event types in one table: the filter each takes, the OAuth2 scope it needs,
// the retired names that map to it. Used by `activity event-types`, `subscriptions create`,
// `webhook start --subscribe` and the sandbox's validation, so they never disagree.

export type FilterField = 'user_id' | 'keyword' | 'direction';

export interface EventTypeInfo {
  name: string;
  category: string;
  /** Filter fields the type accepts; the first one listed is required. */
  filters: readonly FilterField[];
  /** Values `direction` accepts, when the type takes one. */
  directions?: readonly string[];
  /** OAuth2 user-context scope X wants for it (Bearer works for public events). */
  scope: string;
  /** Private events need the user's own OAuth grant. */
  privacy: 'public' | 'private' | 'multi';
  note?: string;
}

// The OpenAPI enum is inbound/outbound; X's changelog names sent/received for DM and chat: accept both.
const FOLLOW_DIRECTIONS = ['inbound', 'outbound'] as const;
const MESSAGE_DIRECTIONS = ['inbound', 'outbound', 'sent', 'received'] as const;

function group(category: string, names: string[], rest: Omit<EventTypeInfo, 'name' | 'category'>): EventTypeInfo[] {
  return names.map((name) => ({ name, category, ...rest }));
}

export const EVENT_TYPES: readonly EventTypeInfo[] = [
  ...group(
    'profile',
    ['bio', 'profile_picture', 'banner_picture', 'screenname', 'geo', 'url', 'verified_badge', 'affiliate_badge', 'handle'].map(
      (f) => `profile.update.${f}`,
    ),
    { filters: ['user_id'], scope: 'tweet.read', privacy: 'public' },
  ),
  ...group('news', ['news.new'], {
    filters: ['keyword'],
    scope: 'tweet.read',
    privacy: 'public',
    note: 'Enterprise and Partner only',
  }),
  ...group('follow', ['follow.follow', 'follow.unfollow'], {
    filters: ['user_id', 'direction'],
    directions: FOLLOW_DIRECTIONS,
    scope: 'tweet.read',
    privacy: 'multi',
  }),
  ...group('spaces', ['spaces.start', 'spaces.end'], { filters: ['user_id'], scope: 'tweet.read', privacy: 'public' }),
  ...group('broadcast', ['broadcast.start', 'broadcast.end', 'broadcast.chat'], {
    filters: ['user_id'],
    scope: 'tweet.read',
    privacy: 'public',
  }),
  ...group(
    'chat',
    [
      'chat.received',
      'chat.sent',
      'chat.conversation.join',
      'chat.conversation.member_added',
      'chat.conversation.member_removed',
      'chat.conversation.admin_added',
      'chat.conversation.admin_removed',
      'chat.update.group_name',
      'chat.update.restrictions',
    ],
    {
      filters: ['user_id', 'direction'],
      directions: MESSAGE_DIRECTIONS,
      scope: 'dm.read',
      privacy: 'private',
      note: 'payloads are encrypted (XChat)',
    },
  ),
  ...group('dm', ['dm.sent', 'dm.received', 'dm.indicate_typing', 'dm.read'], {
    filters: ['user_id', 'direction'],
    directions: MESSAGE_DIRECTIONS,
    scope: 'dm.read',
    privacy: 'private',
  }),
  ...group(
    'post',
    ['post.create', 'post.delete', 'post.mention.create', 'post.reply.create', 'post.quote.create', 'post.repost.create'],
    {
      filters: ['user_id'],
      scope: 'tweet.read',
      privacy: 'public',
      note: 'each delivery is billed as a Post read',
    },
  ),
  ...group('like', ['like.create'], { filters: ['user_id'], scope: 'like.read', privacy: 'private' }),
  ...group('mute', ['mute.mute', 'mute.unmute'], {
    filters: ['user_id'],
    scope: 'mute.read',
    privacy: 'private',
    note: 'actor-only: user_id must be the authenticated user',
  }),
  ...group('block', ['block.block', 'block.unblock'], {
    filters: ['user_id'],
    scope: 'block.read',
    privacy: 'private',
    note: 'actor-only: user_id must be the authenticated user',
  }),
];

/** Delivered to apps but absent from X's create enum, so no subscription can name it. */
export const DELIVERY_ONLY_TYPES: readonly string[] = ['oauth.revoke'];

/** Deprecated spellings X still accepts, mapped to the name its responses use. */
export const TYPE_ALIASES: Readonly<Record<string, string>> = {
  'chat.conversation_join': 'chat.conversation.join',
};

/** PascalCase names retired on 2026-03-18 (X changelog) and the dot names that replaced them. */
export const RETIRED_NAMES: Readonly<Record<string, string>> = {
  ProfileBioUpdate: 'profile.update.bio',
  ProfilePictureUpdate: 'profile.update.profile_picture',
  ProfileBannerUpdate: 'profile.update.banner_picture',
  ProfileBannerPictureUpdate: 'profile.update.banner_picture',
  ProfileScreennameUpdate: 'profile.update.screenname',
  ProfileGeoUpdate: 'profile.update.geo',
  ProfileUrlUpdate: 'profile.update.url',
  ProfileVerifiedBadgeUpdate: 'profile.update.verified_badge',
  NewsNew: 'news.new',
  TrendsNew: 'news.new',
  FollowFollow: 'follow.follow',
  FollowUnfollow: 'follow.unfollow',
};

const BY_NAME = new Map(EVENT_TYPES.map((t) => [t.name, t]));

export function eventTypeInfo(name: string): EventTypeInfo | undefined {
  return BY_NAME.get(name);
}

export type TypeLookup =
  | { ok: true; info: EventTypeInfo /** Set when the name given was retired or an alias. */; note?: string }
  | { ok: false; message: string };

/**
 * The current name of a retired or deprecated event type name (`ProfileBioUpdate`, any case), with
 * the note that says so; undefined for any other name. The one mapping every place that takes a
 * typed event type uses (subscriptions, `--events`, `sandbox emit`, the hint on X's 400).
 */
export function renamedEventType(input: string): { name: string; note: string } | undefined {
  const name = input.trim();
  const alias = TYPE_ALIASES[name];
  if (alias) return { name: alias, note: `'${name}' is a deprecated alias; using '${alias}'` };
  const retiredKey = Object.keys(RETIRED_NAMES).find((k) => k.toLowerCase() === name.toLowerCase());
  if (!retiredKey) return undefined;
  const current = RETIRED_NAMES[retiredKey]!;
  return { name: current, note: `'${name}' was retired by X on 2026-03-18; using '${current}'` };
}

/**
 * The hint after X's 400 to a raw request whose JSON body names a retired event type
 * (`{"event_type":"ProfileBioUpdate"}`): X only says the type is not supported.
 */
export function retiredEventTypeHint(requestBody: Buffer | undefined): string | undefined {
  let sent: unknown;
  try {
    sent = requestBody && JSON.parse(requestBody.toString('utf8'));
  } catch {
    return undefined;
  }
  const typed = sent && typeof sent === 'object' ? (sent as { event_type?: unknown }).event_type : undefined;
  if (typeof typed !== 'string' || TYPE_ALIASES[typed.trim()]) return undefined;
  const renamed = renamedEventType(typed);
  return renamed && `'${typed}' was retired by X on 2026-03-18; its current name is '${renamed.name}'`;
}

/** Resolves what the user typed to a known event type, with a note for old names and a suggestion for typos. */
export function lookupEventType(input: string): TypeLookup {
  const name = input.trim();
  const direct = BY_NAME.get(name);
  if (direct) return { ok: true, info: direct };
  const renamed = renamedEventType(name);
  if (renamed) return { ok: true, info: BY_NAME.get(renamed.name)!, note: renamed.note };
  const lower = BY_NAME.get(name.toLowerCase());
  if (lower) return { ok: true, info: lower };
  if (DELIVERY_ONLY_TYPES.includes(name)) {
    return {
      ok: false,
      message: `${name} is documented as a delivered event, but X's subscription API does not accept it as an event_type`,
    };
  }
  const suggestion = closest(name.toLowerCase(), [...BY_NAME.keys(), ...Object.keys(TYPE_ALIASES)]);
  return {
    ok: false,
    message: `unknown event type '${name}'${suggestion ? `; did you mean '${suggestion}'?` : ''} (see 'xcli activity event-types')`,
  };
}

export interface FilterInput {
  user_id?: string;
  keyword?: string;
  direction?: string;
}

/** Why a filter does not suit the type (a field it does not take, a missing required one, a bad direction), or undefined. */
export function filterProblem(info: EventTypeInfo, filter: FilterInput): string | undefined {
  for (const field of ['user_id', 'keyword', 'direction'] as const) {
    if (filter[field] !== undefined && !info.filters.includes(field)) {
      return `${info.name} does not take a ${field} filter (it takes ${info.filters.join(', ')})`;
    }
  }
  const required = info.filters[0]!;
  if (filter[required] === undefined || filter[required] === '') return `${info.name} needs a ${required} filter`;
  if (filter.direction !== undefined && !info.directions?.includes(filter.direction)) {
    return `direction must be ${info.directions?.join(', ') ?? '(none)'} for ${info.name}`;
  }
  return undefined;
}

function closest(input: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(input, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // Only close calls: a third of the name may differ.
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(input.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
