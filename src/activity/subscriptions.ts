// X Activity API subscriptions (`/2/activity/subscriptions`): list with paging, create with the
// event type and filter checked first, update of tag and webhook, single and bulk delete.
import { UsageError } from '../errors.js';
import { callApi } from '../http/api.js';
import type { ApiSession } from '../http/session.js';
import { filterProblem, lookupEventType, type FilterInput } from './event-types.js';
import { resolveUserId } from './users.js';

export interface Subscription {
  subscription_id: string;
  event_type: string;
  filter?: FilterInput;
  tag?: string;
  webhook_id?: string;
  created_at?: string;
  updated_at?: string;
  [key: string]: unknown;
}

export const SNOWFLAKE = /^[0-9]{1,19}$/;
const TAG_MAX = 200;
const BULK_DELETE_MAX = 100;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function asSubscription(value: unknown): Subscription | undefined {
  if (!isObj(value)) return undefined;
  const id = value.subscription_id ?? value.id;
  if (typeof id !== 'string' && typeof id !== 'number') return undefined;
  return { ...value, subscription_id: String(id), event_type: String(value.event_type ?? '') } as Subscription;
}

/**
 * The subscription in a create or update response. X documents three shapes: the OpenAPI's
 * `{data:{subscription:{…}}}`, the quickstart's `{data:{…}}` and once `{data:[{…}],meta}`.
 */
export function subscriptionOf(body: unknown): Subscription | undefined {
  if (!isObj(body)) return undefined;
  const data = body.data;
  if (Array.isArray(data)) return asSubscription(data[0]);
  if (isObj(data)) return asSubscription(isObj(data.subscription) ? data.subscription : data);
  return undefined;
}

export function checkWebhookId(id: string, flag = '--webhook'): string {
  if (!SNOWFLAKE.test(id)) throw new UsageError(`${flag} must be a webhook id (digits), got '${id}'`);
  return id;
}

export function checkSubscriptionIds(ids: string[]): string[] {
  const bad = ids.find((id) => !SNOWFLAKE.test(id));
  if (bad !== undefined) throw new UsageError(`'${bad}' is not a subscription id (digits)`);
  return [...new Set(ids)];
}

export function checkTag(tag: string | undefined): string | undefined {
  if (tag === undefined) return undefined;
  if (tag.length === 0 || tag.length > TAG_MAX)
    throw new UsageError(`--tag must be 1 to ${TAG_MAX} characters (got ${tag.length})`);
  return tag;
}

export interface ListOptions {
  all?: boolean;
  maxResults?: number;
  webhookId?: string;
}

export interface SubscriptionList {
  subscriptions: Subscription[];
  /** Set when more pages exist and `all` was not asked for. */
  nextToken?: string;
  /** X's `meta.total_subscriptions`, when it sends one. */
  total?: number;
}

export async function listSubscriptions(session: ApiSession, opts: ListOptions = {}): Promise<SubscriptionList> {
  const subscriptions: Subscription[] = [];
  let token: string | undefined;
  let total: number | undefined;
  const seen = new Set<string>();
  do {
    const result = await callApi<{ data?: unknown[]; meta?: { next_token?: string; total_subscriptions?: number } }>(
      session.ctx,
      session.globals,
      { method: 'GET', path: '/2/activity/subscriptions', query: { max_results: opts.maxResults, pagination_token: token } },
      session,
    );
    for (const item of result.json?.data ?? []) {
      const sub = asSubscription(item);
      if (sub) subscriptions.push(sub);
    }
    if (typeof result.json?.meta?.total_subscriptions === 'number') total = result.json.meta.total_subscriptions;
    token = result.json?.meta?.next_token;
    // A token seen before would loop forever.
    if (token !== undefined && seen.has(token)) token = undefined;
    if (token !== undefined) seen.add(token);
  } while (token !== undefined && opts.all);
  const filtered = opts.webhookId === undefined ? subscriptions : subscriptions.filter((s) => s.webhook_id === opts.webhookId);
  return { subscriptions: filtered, nextToken: token, total };
}

export interface CreateInput {
  eventType: string;
  user?: string;
  keyword?: string;
  direction?: string;
  webhookId?: string;
  tag?: string;
}

export interface CheckedCreate {
  eventType: string;
  /** The raw `--user` value, still to be resolved. */
  user?: string;
  filter: FilterInput;
  webhookId?: string;
  tag?: string;
  /** A note for stderr (a retired or alias name was mapped). */
  note?: string;
}

/** Everything that can be refused before a request: type, filters for that type, ids, tag. */
export function checkCreate(input: CreateInput): CheckedCreate {
  const found = lookupEventType(input.eventType);
  if (!found.ok) throw new UsageError(found.message);
  const { info } = found;
  // user_id is checked with a placeholder: its value is resolved later, only its presence matters here.
  const filter: FilterInput = {
    user_id: input.user === undefined ? undefined : '0',
    keyword: input.keyword,
    direction: input.direction,
  };
  const problem = filterProblem(info, filter);
  if (problem) {
    const flag = (f: string) => (f === 'user_id' ? '--user' : `--${f}`);
    throw new UsageError(
      problem.replace(/\b(user_id|keyword|direction) filter\b/g, (_match, f: string) => `${flag(f)} (${f}) filter`),
    );
  }
  return {
    eventType: info.name,
    user: input.user,
    filter: { keyword: input.keyword, direction: input.direction },
    webhookId: input.webhookId === undefined ? undefined : checkWebhookId(input.webhookId),
    tag: checkTag(input.tag),
    note: found.note,
  };
}

export async function createSubscription(
  session: ApiSession,
  checked: CheckedCreate,
): Promise<{ subscription: Subscription | undefined; body: unknown }> {
  const filter: FilterInput = { ...checked.filter };
  if (checked.user !== undefined) filter.user_id = await resolveUserId(session, checked.user);
  const json: Record<string, unknown> = { event_type: checked.eventType, filter: dropUndefined(filter) };
  if (checked.webhookId !== undefined) json.webhook_id = checked.webhookId;
  if (checked.tag !== undefined) json.tag = checked.tag;
  const result = await callApi(
    session.ctx,
    session.globals,
    { method: 'POST', path: '/2/activity/subscriptions', json },
    session,
  );
  return { subscription: subscriptionOf(result.json), body: result.json };
}

export async function updateSubscription(
  session: ApiSession,
  id: string,
  change: { tag?: string; webhookId?: string },
): Promise<{ subscription: Subscription | undefined; body: unknown }> {
  const [checkedId] = checkSubscriptionIds([id]);
  const json: Record<string, string> = {};
  if (change.tag !== undefined) json.tag = checkTag(change.tag)!;
  if (change.webhookId !== undefined) json.webhook_id = checkWebhookId(change.webhookId);
  if (Object.keys(json).length === 0)
    throw new UsageError(
      'nothing to update: give --tag and/or --webhook (X changes only these; delete and re-create to change the type or filter)',
    );
  const result = await callApi(
    session.ctx,
    session.globals,
    { method: 'PUT', path: `/2/activity/subscriptions/${checkedId}`, json },
    session,
  );
  return { subscription: subscriptionOf(result.json), body: result.json };
}

export interface DeleteOutcome {
  deleted: string[];
  failed: Array<{ subscription_id: string; reason?: string; message?: string }>;
  body: unknown;
}

/** One id: `DELETE /2/activity/subscriptions/:id`; several: `DELETE ?ids=` in batches of 100, per-id errors kept. */
export async function deleteSubscriptions(session: ApiSession, ids: string[]): Promise<DeleteOutcome> {
  const unique = checkSubscriptionIds(ids);
  if (unique.length === 0) throw new UsageError('give at least one subscription id');
  if (unique.length === 1) {
    const id = unique[0]!;
    const result = await callApi<{ data?: { deleted?: boolean } }>(
      session.ctx,
      session.globals,
      { method: 'DELETE', path: `/2/activity/subscriptions/${id}` },
      session,
    );
    const ok = result.json?.data?.deleted === true;
    return {
      deleted: ok ? [id] : [],
      failed: ok ? [] : [{ subscription_id: id, message: 'X did not confirm the deletion' }],
      body: result.json,
    };
  }
  const outcome: DeleteOutcome = { deleted: [], failed: [], body: undefined };
  const bodies: unknown[] = [];
  for (let i = 0; i < unique.length; i += BULK_DELETE_MAX) {
    const batch = unique.slice(i, i + BULK_DELETE_MAX);
    const result = await callApi<{ data?: unknown; errors?: unknown[] }>(
      session.ctx,
      session.globals,
      { method: 'DELETE', path: '/2/activity/subscriptions', query: { ids: batch.join(',') } },
      session,
    );
    bodies.push(result.json);
    const data = result.json?.data;
    for (const item of Array.isArray(data) ? data : []) {
      if (isObj(item) && item.deleted === true && item.subscription_id !== undefined)
        outcome.deleted.push(String(item.subscription_id));
    }
    for (const item of result.json?.errors ?? []) {
      if (!isObj(item)) continue;
      const id = item.subscription_id ?? item.value ?? item.resource_id;
      outcome.failed.push({
        subscription_id: id === undefined ? '?' : String(id),
        reason: typeof item.reason === 'string' ? item.reason : typeof item.title === 'string' ? item.title : undefined,
        message: typeof item.message === 'string' ? item.message : typeof item.detail === 'string' ? item.detail : undefined,
      });
    }
  }
  outcome.body = bodies.length === 1 ? bodies[0] : bodies;
  return outcome;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
