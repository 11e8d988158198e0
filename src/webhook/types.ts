// Shapes of what X POSTs to a webhook. Only the fields xcli reads are typed; the rest stay open.

/** X Activity API (XAA) delivery: the same envelope as `GET /2/activity/stream` items. */
export interface ActivityEnvelope<P = Record<string, unknown>> {
  data: {
    /** A string; it can be negative ("-2781149976877970683"). */
    event_uuid: string;
    event_type: string;
    filter?: { user_id?: string; keyword?: string; direction?: string };
    tag?: string;
    payload: P;
    includes?: { users?: XUser[]; tweets?: XPost[] };
  };
}

export interface XUser {
  id: string;
  username?: string;
  name?: string;
  [key: string]: unknown;
}

export interface XPost {
  id: string;
  text?: string;
  author_id?: string;
  created_at?: string;
  [key: string]: unknown;
}

/** Account Activity API (AAA, deprecated by X in favour of XAA) payloads. */
export interface AccountActivityPayload {
  for_user_id?: string;
  user_has_blocked?: boolean;
  tweet_create_events?: Array<Record<string, unknown>>;
  tweet_delete_events?: Array<Record<string, unknown>>;
  favorite_events?: Array<Record<string, unknown>>;
  follow_events?: Array<Record<string, unknown>>;
  block_events?: Array<Record<string, unknown>>;
  mute_events?: Array<Record<string, unknown>>;
  direct_message_events?: Array<Record<string, unknown>>;
  direct_message_indicate_typing_events?: Array<Record<string, unknown>>;
  direct_message_mark_read_events?: Array<Record<string, unknown>>;
  user_event?: { revoke?: { date_time?: string; target?: { app_id?: string }; source?: { user_id?: string } } };
  replay_job_status?: { webhook_id?: string; job_state?: string; job_state_description?: string; job_id?: string };
  users?: Record<string, Record<string, unknown>>;
  apps?: Record<string, unknown>;
}

/** Filtered-stream webhook delivery (Enterprise). */
export interface StreamDelivery {
  data: XPost;
  includes?: Record<string, unknown>;
  matching_rules: Array<{ id: string; tag?: string }>;
}

export type WebhookProduct = 'activity' | 'account-activity' | 'stream' | 'unknown';

/** What xcli understood of one delivery. */
export interface EventInfo {
  product: WebhookProduct;
  /** `post.create`, `favorite_events`, `user_event.revoke`, `stream.post`, or `unknown`. */
  type: string;
  /** X's id of the event (event_uuid, AAA event ids, post id); the dedupe key. */
  eventId?: string;
  /** The subscribed user (AAA `for_user_id`, XAA `filter.user_id`). */
  forUserId?: string;
  /** Who did it, e.g. `@alice` or a user id. */
  actor?: string;
  /** A short human summary (text of a post or DM, `@a → @b`, a profile change). */
  summary?: string;
}

export type WebhookEvent =
  | { product: 'activity'; body: ActivityEnvelope }
  | { product: 'account-activity'; body: AccountActivityPayload }
  | { product: 'stream'; body: StreamDelivery }
  | { product: 'unknown'; body: unknown };
