// Realistic sample deliveries for `webhook trigger`, shaped like the documented payloads of the
// X Activity API (docs.x.com/x-api/activity/event-payloads) and the Account Activity API. Kept as
// data: `freshSample` only stamps new ids and times so every trigger is a distinct event.

type Json = Record<string, unknown>;

const ME = { id: '1500000000000000001', username: 'xcli_dev', name: 'xcli dev' };
const ALICE = { id: '1500000000000000002', username: 'alice', name: 'Alice' };

/**
 * An id X sends as a JSON number next to its `id_str`. sampleBody writes it with all its digits;
 * a plain JSON.stringify gets a JavaScript number (which rounds 1500000000000000001 to …000).
 */
class NumericId {
  constructor(readonly digits: string) {}
  toJSON(): number {
    return Number(this.digits);
  }
  toString(): string {
    return this.digits;
  }
}

const numericId = (id: string): NumericId => new NumericId(id);

const aaaUser = (u: typeof ME): Json => ({
  id: numericId(u.id),
  id_str: u.id,
  name: u.name,
  screen_name: u.username,
  protected: false,
  verified: false,
  followers_count: 42,
  friends_count: 7,
});

/** A DM from Alice to me, AAA-shaped (XAA's dm.* payloads are the same). */
const directMessage = (text: string): Json => ({
  direct_message_events: [
    {
      type: 'message_create',
      id: '$EVENT_ID',
      created_timestamp: '$TIMESTAMP_MS',
      message_create: {
        target: { recipient_id: ME.id },
        sender_id: ALICE.id,
        message_data: { text, entities: { hashtags: [], urls: [], user_mentions: [], symbols: [] } },
      },
    },
  ],
  users: { [ALICE.id]: aaaUser(ALICE), [ME.id]: aaaUser(ME) },
});

const activity = (eventType: string, filter: Json, payload: Json, includes?: Json): Json => ({
  data: {
    event_uuid: '$EVENT_UUID',
    event_type: eventType,
    filter,
    tag: 'xcli sample',
    payload,
    ...(includes ? { includes } : {}),
  },
});

const post = (text: string, extra: Json = {}): Json => ({
  id: '$POST_ID',
  text,
  author_id: ALICE.id,
  created_at: '$ISO_TIME',
  conversation_id: '$POST_ID',
  edit_history_tweet_ids: ['$POST_ID'],
  ...extra,
});

export const ACTIVITY_SAMPLES: Record<string, Json> = {
  'post.create': activity('post.create', { user_id: ALICE.id }, post('Shipping webhooks today with xcli 🚀'), { users: [ALICE] }),
  'post.delete': activity('post.delete', { user_id: ALICE.id }, { id: '$POST_ID', author_id: ALICE.id }),
  'post.mention.create': activity(
    'post.mention.create',
    { user_id: ME.id },
    post(`@${ME.username} have you tried the new webhook tools?`),
    { users: [ALICE, ME] },
  ),
  'post.reply.create': activity(
    'post.reply.create',
    { user_id: ME.id },
    post(`@${ME.username} works for me!`, {
      in_reply_to_user_id: ME.id,
      referenced_tweets: [{ type: 'replied_to', id: '1600000000000000000' }],
    }),
    { users: [ALICE] },
  ),
  'post.quote.create': activity(
    'post.quote.create',
    { user_id: ME.id },
    post('This is the way', { referenced_tweets: [{ type: 'quoted', id: '1600000000000000000' }] }),
    { users: [ALICE] },
  ),
  'post.repost.create': activity(
    'post.repost.create',
    { user_id: ME.id },
    post('RT @xcli_dev: hello webhooks', { referenced_tweets: [{ type: 'retweeted', id: '1600000000000000000' }] }),
    { users: [ALICE] },
  ),
  // Profile updates carry the old and new value as plain strings.
  'profile.update.bio': activity(
    'profile.update.bio',
    { user_id: ALICE.id },
    { before: 'Building things.', after: 'Building things with the X API.' },
    { users: [ALICE] },
  ),
  'profile.update.screenname': activity(
    'profile.update.screenname',
    { user_id: ALICE.id },
    { before: 'Alice', after: 'Alice ✨' },
    { users: [ALICE] },
  ),
  'like.create': activity(
    'like.create',
    { user_id: ALICE.id },
    {
      id: '$EVENT_ID',
      created_at: '$ISO_TIME',
      timestamp_ms: '$TIMESTAMP_MS',
      liked_tweet_id: '1600000000000000000',
      liked_tweet_author_id: ME.id,
    },
    { users: [ALICE] },
  ),
  'follow.follow': activity('follow.follow', { user_id: ME.id }, { source: { data: ALICE }, target: { data: ME } }),
  'follow.unfollow': activity('follow.unfollow', { user_id: ME.id }, { source: { data: ALICE }, target: { data: ME } }),
  'mute.mute': activity('mute.mute', { user_id: ME.id }, { source: { data: ME }, target: { data: ALICE } }),
  'block.block': activity('block.block', { user_id: ME.id }, { source: { data: ME }, target: { data: ALICE } }),
  'chat.received': activity(
    'chat.received',
    { user_id: ME.id, direction: 'inbound' },
    {
      conversation_id: `${ALICE.id}-${ME.id}`,
      sender_id: ALICE.id,
      encoded_event: 'AAECAwQFBgcICQoLDA0ODw==',
      conversation_key_version: '1',
      created_at: '$ISO_TIME',
    },
    { users: [ALICE] },
  ),
  'chat.sent': activity(
    'chat.sent',
    { user_id: ME.id, direction: 'outbound' },
    {
      conversation_id: `${ALICE.id}-${ME.id}`,
      sender_id: ME.id,
      encoded_event: 'EA8ODQwLCgkIBwYFBAMCAQA=',
      conversation_key_version: '1',
      created_at: '$ISO_TIME',
    },
    { users: [ME] },
  ),
  'dm.received': activity('dm.received', { user_id: ME.id }, directMessage('Hi! Is the webhook up?')),
  'spaces.start': activity(
    'spaces.start',
    { user_id: ALICE.id },
    { user: ALICE, broadcast_id: '1ypKdAVmLPqxW', event_type: 'spaces.start' },
  ),
  'oauth.revoke': {
    data: {
      event_uuid: '$EVENT_UUID',
      event_type: 'oauth.revoke',
      filter: {},
      tag: 'xcli sample',
      payload: { date_time: '$ISO_TIME', user_id: ALICE.id, app_id: '29000000' },
    },
  },
};

const aaaTweet = (text: string): Json => ({
  created_at: '$TWITTER_TIME',
  id: '$POST_ID_NUMBER',
  id_str: '$POST_ID',
  text,
  truncated: false,
  user: aaaUser(ALICE),
  entities: { hashtags: [], urls: [], user_mentions: [{ screen_name: ME.username, id_str: ME.id }], symbols: [] },
  lang: 'en',
  timestamp_ms: '$TIMESTAMP_MS',
});

export const ACCOUNT_ACTIVITY_SAMPLES: Record<string, Json> = {
  tweet_create_events: {
    for_user_id: ME.id,
    user_has_blocked: false,
    tweet_create_events: [aaaTweet(`@${ME.username} the AAA sample says hi`)],
  },
  favorite_events: {
    for_user_id: ME.id,
    favorite_events: [
      {
        id: '$EVENT_ID',
        created_at: '$TWITTER_TIME',
        timestamp_ms: '$TIMESTAMP_MS_NUMBER',
        favorited_status: { ...aaaTweet('A post worth liking'), user: aaaUser(ME) },
        user: aaaUser(ALICE),
      },
    ],
  },
  follow_events: {
    for_user_id: ME.id,
    follow_events: [{ type: 'follow', created_timestamp: '$TIMESTAMP_MS', target: aaaUser(ME), source: aaaUser(ALICE) }],
  },
  direct_message_events: { for_user_id: ME.id, ...directMessage('Hello from the AAA sample') },
  tweet_delete_events: {
    for_user_id: ME.id,
    tweet_delete_events: [{ status: { id: '$POST_ID', user_id: ALICE.id }, timestamp_ms: '$TIMESTAMP_MS' }],
  },
  user_event: {
    user_event: { revoke: { date_time: '$ISO_TIME', target: { app_id: '29000000' }, source: { user_id: ALICE.id } } },
  },
  replay_job_status: {
    replay_job_status: {
      webhook_id: '1800000000000000000',
      job_state: 'Complete',
      job_state_description: 'All events were delivered',
      job_id: '$EVENT_ID',
    },
  },
};

/** Every type `trigger` knows, XAA first. */
export function sampleTypes(): string[] {
  return [...Object.keys(ACTIVITY_SAMPLES), ...Object.keys(ACCOUNT_ACTIVITY_SAMPLES)];
}

/** A copy of the sample with fresh ids and times; undefined for an unknown type. */
export function freshSample(type: string, now = new Date()): Json | undefined {
  const template = ACTIVITY_SAMPLES[type] ?? ACCOUNT_ACTIVITY_SAMPLES[type];
  if (!template) return undefined;
  const ms = now.getTime();
  // Snowflake-like ids: time in the high bits, randomness below, so ids differ on every trigger.
  const snowflake = ((BigInt(ms) - 1288834974657n) << 22n) | BigInt(Math.floor(Math.random() * 4_194_304));
  const values: Record<string, unknown> = {
    $EVENT_UUID: String(snowflake ^ 0x5a5an),
    $EVENT_ID: String(snowflake + 1n),
    $POST_ID: String(snowflake),
    $POST_ID_NUMBER: numericId(String(snowflake)),
    $ISO_TIME: now.toISOString(),
    $TWITTER_TIME: now.toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1 $3 $2 $5 +0000 $4'),
    $TIMESTAMP_MS: String(ms),
    $TIMESTAMP_MS_NUMBER: ms,
  };
  return substitute(template, values) as Json;
}

// JSON.stringify writes the marker's NUL as the six characters \u0000.
const NUMERIC_ID = /"\\u0000id:(-?\d+)"/g;

/** The JSON body of a sample, numeric ids written with all their digits (see NumericId). */
export function sampleBody(sample: Json): Buffer {
  // The holder's own value: the replacer's `value` has already been through toJSON.
  const json = JSON.stringify(sample, function (this: Record<string, unknown>, key, value: unknown) {
    const own = this[key];
    return own instanceof NumericId ? `\u0000id:${own.digits}` : value;
  });
  return Buffer.from(json.replace(NUMERIC_ID, '$1'));
}

function substitute(value: unknown, values: Record<string, unknown>): unknown {
  if (typeof value === 'string') return Object.hasOwn(values, value) ? values[value] : value;
  if (Array.isArray(value)) return value.map((v) => substitute(v, values));
  if (value instanceof NumericId) return value;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, values)]));
  return value;
}

/**
 * `--override path=value`: sets a dotted path (`data.payload.text=hi`, `favorite_events.0.id=7`).
 * The value is parsed as JSON when it is valid JSON, else kept as a string.
 */
export function applyOverride(target: Json, spec: string): void {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new Error(`--override wants path=value, got '${spec}'`);
  const keys = spec.slice(0, eq).split('.');
  const raw = spec.slice(eq + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // A plain string.
  }
  let node: Record<string, unknown> = target;
  keys.forEach((key, i) => {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype')
      throw new Error(`--override: '${key}' is not allowed in a path`);
    if (i === keys.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (next === null || typeof next !== 'object') node[key] = /^\d+$/.test(keys[i + 1]!) ? [] : {};
    node = node[key] as Record<string, unknown>;
  });
}
