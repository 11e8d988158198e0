// X Activity API subscriptions in the sandbox: `/2/activity/subscriptions`, validated as X does
// (event type enum, the filter each type takes, tag length, webhook ids, limits, auth for private
// events), with X's create-response variants and per-id errors on bulk delete.
import { eventTypeInfo, filterProblem, TYPE_ALIASES, type FilterInput } from '../../../activity/event-types.js';
import { invalidRequest, problem, refused } from '../problems.js';
import type { RouteModule } from '../app.js';
import type { SandboxRequest, SandboxResponse } from '../router.js';
import { nextId, type ActivityFilter, type ActivitySubscription, type SandboxState } from '../store.js';

/** Self-serve limit (docs.x.com/x-api/activity/introduction). */
export const ACTIVITY_SUBSCRIPTION_LIMIT = 1500;
const TAG_MAX = 200;
const SNOWFLAKE = /^[0-9]{1,19}$/;
const PAGE_DEFAULT = 100;
const PAGE_MAX = 1000;

/**
 * Which documented shape `POST /2/activity/subscriptions` answers with: the OpenAPI's
 * `{data:{subscription}}` (default), the quickstart's `{data:{…}}`, or `{data:[…],meta}`.
 */
export type CreateResponseShape = 'openapi' | 'object' | 'array';

const shapes = new WeakMap<SandboxState, CreateResponseShape>();

export function setCreateResponseShape(state: SandboxState, shape: CreateResponseShape): void {
  shapes.set(state, shape);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function extraKey(body: Obj, allowed: readonly string[]): string | undefined {
  return Object.keys(body).find((k) => !allowed.includes(k));
}

/** The tag and webhook_id a create or update may carry, checked as X does. */
function checkTagAndWebhook(state: SandboxState, body: Obj): SandboxResponse | undefined {
  if (body.tag !== undefined && (typeof body.tag !== 'string' || body.tag.length < 1 || body.tag.length > TAG_MAX)) {
    return invalidRequest(`tag must be a string of 1 to ${TAG_MAX} characters`);
  }
  if (body.webhook_id === undefined) return undefined;
  if (typeof body.webhook_id !== 'string' || !SNOWFLAKE.test(body.webhook_id))
    return invalidRequest('webhook_id must match ^[0-9]{1,19}$');
  if (!state.webhooks.has(body.webhook_id))
    return refused('WebhookIdInvalid', `no webhook with id ${body.webhook_id} belongs to this app`);
  return undefined;
}

function notFound(id: string): SandboxResponse {
  return problem(404, {
    errors: [
      { message: `SubscriptionNotFound: no subscription with id ${id}`, reason: 'SubscriptionNotFound', subscription_id: id },
    ],
    title: 'Not Found Error',
    detail: `Could not find subscription with subscription_id: [${id}].`,
    type: 'https://api.x.com/2/problems/resource-not-found',
    status: 404,
  });
}

/** DM and chat accept X's changelog spelling (sent/received); stored as the OpenAPI's values. */
function storedDirection(direction: string | undefined): ActivityFilter['direction'] {
  if (direction === 'sent') return 'outbound';
  if (direction === 'received') return 'inbound';
  return direction as ActivityFilter['direction'];
}

function sameFilter(a: ActivityFilter, b: ActivityFilter): boolean {
  return a.user_id === b.user_id && a.keyword === b.keyword && a.direction === b.direction;
}

function create(state: SandboxState, now: number, req: SandboxRequest): SandboxResponse {
  const body = req.json;
  if (!isObj(body)) return invalidRequest('The request body must be a JSON object with event_type and filter');
  const extra = extraKey(body, ['event_type', 'filter', 'tag', 'webhook_id']);
  if (extra) return invalidRequest(`[${extra}] is not a valid field`);
  if (typeof body.event_type !== 'string') return invalidRequest('event_type is required');
  const canonical = TYPE_ALIASES[body.event_type] ?? body.event_type;
  const info = eventTypeInfo(canonical);
  if (!info)
    return invalidRequest(`InvalidEventType: ${body.event_type} is not a supported event_type`, {
      parameters: { event_type: [body.event_type] },
    });
  if (!isObj(body.filter)) return invalidRequest('filter is required');
  const filterExtra = extraKey(body.filter, ['user_id', 'keyword', 'direction']);
  if (filterExtra) return invalidRequest(`[filter.${filterExtra}] is not a valid field`);
  const raw = body.filter as Record<string, unknown>;
  if ([raw.user_id, raw.keyword, raw.direction].some((v) => v !== undefined && typeof v !== 'string'))
    return invalidRequest('filter values must be strings');
  const input = raw as FilterInput;
  const problemText = filterProblem(info, input);
  if (problemText) return invalidRequest(`InvalidFilter: ${problemText}`);
  if (input.user_id !== undefined) {
    if (!SNOWFLAKE.test(input.user_id)) return invalidRequest(`InvalidFilter: filter.user_id must match ^[0-9]{1,19}$`);
    if (!state.users.has(input.user_id)) return invalidRequest(`InvalidFilter: Could not find user with id: [${input.user_id}].`);
  }
  // Private events, and mute/block (actor-only), need the user's own grant.
  const actorOnly = info.category === 'mute' || info.category === 'block';
  if (info.privacy === 'private') {
    if (req.auth.kind === 'bearer' || req.auth.userId !== input.user_id) {
      return problem(403, {
        errors: [
          {
            message: `UserNotAuthorized: ${info.name} is a private event; subscribe with a user token of user ${input.user_id}`,
            reason: 'UserNotAuthorized',
          },
        ],
        title: 'Forbidden',
        detail: actorOnly
          ? 'filter.user_id must identify the authenticated user.'
          : 'Private events need the user to have authorized this app.',
        type: 'https://api.x.com/2/problems/not-authorized-for-resource',
        status: 403,
      });
    }
    if (req.auth.kind === 'oauth2' && !req.auth.scopes?.includes(info.scope)) {
      return problem(403, {
        title: 'Forbidden',
        type: 'about:blank',
        status: 403,
        detail: `Missing OAuth2 scope(s): ${info.scope}`,
      });
    }
  }
  const tagOrWebhookRefused = checkTagAndWebhook(state, body);
  if (tagOrWebhookRefused) return tagOrWebhookRefused;
  const filter: ActivityFilter = {};
  if (input.user_id !== undefined) filter.user_id = input.user_id;
  if (input.keyword !== undefined) filter.keyword = input.keyword;
  if (input.direction !== undefined) filter.direction = storedDirection(input.direction);
  const webhookId = body.webhook_id as string | undefined;
  for (const s of state.activitySubscriptions.values()) {
    if (s.event_type === info.name && sameFilter(s.filter, filter) && s.webhook_id === webhookId) {
      return refused(
        'DuplicateSubscription',
        `subscription ${s.subscription_id} already has this event_type, filter and webhook`,
      );
    }
  }
  if (state.activitySubscriptions.size >= ACTIVITY_SUBSCRIPTION_LIMIT) {
    return refused('SubscriptionLimitExceeded', `this app already has ${ACTIVITY_SUBSCRIPTION_LIMIT} subscriptions`);
  }
  const createdAt = new Date(now).toISOString();
  const sub: ActivitySubscription = {
    subscription_id: nextId(state, now),
    event_type: info.name,
    filter,
    ...(body.tag !== undefined ? { tag: body.tag as string } : {}),
    ...(webhookId !== undefined ? { webhook_id: webhookId } : {}),
    created_at: createdAt,
    updated_at: createdAt,
  };
  state.activitySubscriptions.set(sub.subscription_id, sub);
  const shape = shapes.get(state) ?? 'openapi';
  if (shape === 'object') return { status: 200, json: { data: sub } };
  if (shape === 'array')
    return { status: 200, json: { data: [sub], meta: { total_subscriptions: state.activitySubscriptions.size } } };
  return { status: 200, json: { data: { subscription: sub } } };
}

/** Page tokens: the offset, padded to X's 16-character minimum. */
function pageToken(offset: number): string {
  return `${offset.toString(32).padStart(16, '0')}`;
}

function list(state: SandboxState, req: SandboxRequest): SandboxResponse {
  const maxParam = req.query.get('max_results');
  const max = maxParam === null ? PAGE_DEFAULT : Number(maxParam);
  if (!Number.isInteger(max) || max < 1 || max > PAGE_MAX) {
    return invalidRequest(`The \`max_results\` query parameter value [${maxParam}] is not between 1 and ${PAGE_MAX}`);
  }
  const token = req.query.get('pagination_token');
  let offset = 0;
  if (token !== null) {
    offset = /^[0-9a-v]{16,}$/.test(token) ? parseInt(token, 32) : NaN;
    if (!Number.isSafeInteger(offset))
      return invalidRequest(`The \`pagination_token\` query parameter value [${token}] is not valid`);
  }
  const all = [...state.activitySubscriptions.values()].sort((a, b) =>
    BigInt(a.subscription_id) < BigInt(b.subscription_id) ? -1 : 1,
  );
  const page = all.slice(offset, offset + max);
  const meta: Obj = { result_count: page.length, total_subscriptions: all.length };
  if (offset + max < all.length) meta.next_token = pageToken(offset + max);
  return { status: 200, json: page.length ? { data: page, meta } : { meta } };
}

function update(state: SandboxState, now: number, req: SandboxRequest): SandboxResponse {
  const id = req.params.subscription_id!;
  if (!SNOWFLAKE.test(id)) return invalidRequest(`subscription_id must match ^[0-9]{1,19}$`);
  const body = req.json;
  if (!isObj(body)) return invalidRequest('The request body must be a JSON object with tag and/or webhook_id');
  const extra = extraKey(body, ['tag', 'webhook_id']);
  if (extra)
    return invalidRequest(
      `[${extra}] is not a valid field; only tag and webhook_id can be updated (delete and re-create to change the event_type or filter)`,
    );
  const sub = state.activitySubscriptions.get(id);
  if (!sub) return notFound(id);
  const tagOrWebhookRefused = checkTagAndWebhook(state, body);
  if (tagOrWebhookRefused) return tagOrWebhookRefused;
  if (body.tag !== undefined) sub.tag = body.tag as string;
  if (body.webhook_id !== undefined) sub.webhook_id = body.webhook_id as string;
  sub.updated_at = new Date(now).toISOString();
  return { status: 200, json: { data: { subscription: sub, total_subscriptions: state.activitySubscriptions.size } } };
}

function remove(state: SandboxState, req: SandboxRequest): SandboxResponse {
  const id = req.params.subscription_id!;
  if (!SNOWFLAKE.test(id)) return invalidRequest(`subscription_id must match ^[0-9]{1,19}$`);
  if (!state.activitySubscriptions.delete(id)) return notFound(id);
  return { status: 200, json: { data: { deleted: true }, meta: { total_subscriptions: state.activitySubscriptions.size } } };
}

function removeMany(state: SandboxState, req: SandboxRequest): SandboxResponse {
  const ids = req.query
    .getAll('ids')
    .flatMap((v) => v.split(','))
    .filter((v) => v !== '');
  if (ids.length === 0) return invalidRequest('The `ids` query parameter is required');
  if (ids.length > 100) return invalidRequest(`The \`ids\` query parameter takes at most 100 ids (got ${ids.length})`);
  const bad = ids.find((id) => !SNOWFLAKE.test(id));
  if (bad !== undefined) return invalidRequest(`The \`ids\` query parameter value [${bad}] does not match ^[0-9]{1,19}$`);
  const data: Obj[] = [];
  const errors: Obj[] = [];
  for (const id of new Set(ids)) {
    if (state.activitySubscriptions.delete(id)) data.push({ subscription_id: id, deleted: true });
    else errors.push({ subscription_id: id, reason: 'SubscriptionNotFound', message: `no subscription with id ${id}` });
  }
  const json: Obj = { meta: { total_subscriptions: state.activitySubscriptions.size } };
  if (data.length) json.data = data;
  if (errors.length) json.errors = errors;
  return { status: 200, json };
}

/** Runs a handler that may change state, and asks for a save when it answered 200. */
export function changing(
  app: Parameters<RouteModule>[0],
  handler: (req: SandboxRequest) => SandboxResponse,
): (req: SandboxRequest) => SandboxResponse {
  return (req) => {
    const res = handler(req);
    if (res.status === 200) app.changed();
    return res;
  };
}

export const registerActivityRoutes: RouteModule = (app) => {
  const { state } = app;
  // The handlers check bodies as X does: X takes the deprecated type aliases and DM/chat
  // `sent`/`received` that the description's enums leave out, and answers with its own messages
  // (InvalidEventType, "only tag and webhook_id can be updated", …).
  const handlerChecksBody = { validate: { body: false } };
  app.route(
    'POST',
    '/2/activity/subscriptions',
    changing(app, (req) => create(state, app.now(), req)),
    handlerChecksBody,
  );
  app.route('GET', '/2/activity/subscriptions', (req) => list(state, req));
  app.route(
    'DELETE',
    '/2/activity/subscriptions',
    changing(app, (req) => removeMany(state, req)),
  );
  app.route(
    'PUT',
    '/2/activity/subscriptions/:subscription_id',
    changing(app, (req) => update(state, app.now(), req)),
    handlerChecksBody,
  );
  app.route(
    'DELETE',
    '/2/activity/subscriptions/:subscription_id',
    changing(app, (req) => remove(state, req)),
  );
};
