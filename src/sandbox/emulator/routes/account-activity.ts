// Account Activity API subscriptions in the sandbox (`/2/account_activity/...`), with X's refusal
// reasons: WebhookIdInvalid, DuplicateSubscriptionFailed, SubscriptionLimitExceeded, SubscriptionNotFound.
import { invalidRequest, refused } from '../problems.js';
import type { RouteModule } from '../app.js';
import type { SandboxRequest, SandboxResponse } from '../router.js';
import { changing } from './activity.js';
import { edges, type SandboxState } from '../store.js';

/** Pay-Per-Use: 3 unique subscribed users per app (docs.x.com/x-api/account-activity/introduction). */
export const ACCOUNT_ACTIVITY_LIMIT = 3;
/** The application id the sandbox app reports in list answers. */
export const SANDBOX_APPLICATION_ID = '29384756';
const SNOWFLAKE = /^[0-9]{1,19}$/;

function subscribedUsers(state: SandboxState): Set<string> {
  const all = new Set<string>();
  for (const users of state.accountActivitySubscriptions.values()) for (const u of users) all.add(u);
  return all;
}

/** The webhook named in the path, or X's refusal. */
function webhookOf(state: SandboxState, req: SandboxRequest): { id: string; url: string } | SandboxResponse {
  const id = req.params.webhook_id!;
  if (!SNOWFLAKE.test(id)) return invalidRequest(`webhook_id must match ^[0-9]{1,19}$`);
  const webhook = state.webhooks.get(id);
  if (!webhook) return refused('WebhookIdInvalid', `Webhook id ${id} is invalid or does not belong to this app`);
  return webhook;
}

function subscribe(state: SandboxState, req: SandboxRequest): SandboxResponse {
  const webhook = webhookOf(state, req);
  if ('status' in webhook) return webhook;
  const userId = req.auth.userId!;
  const users = edges(state.accountActivitySubscriptions, webhook.id);
  if (users.has(userId)) return refused('DuplicateSubscriptionFailed', 'Subscription already exists');
  const all = subscribedUsers(state);
  if (!all.has(userId) && all.size >= ACCOUNT_ACTIVITY_LIMIT) {
    return refused('SubscriptionLimitExceeded', `This app already has ${ACCOUNT_ACTIVITY_LIMIT} unique subscriptions`);
  }
  users.add(userId);
  return { status: 200, json: { data: { subscribed: true } } };
}

function status(state: SandboxState, req: SandboxRequest): SandboxResponse {
  const webhook = webhookOf(state, req);
  if ('status' in webhook) return webhook;
  const subscribed = state.accountActivitySubscriptions.get(webhook.id)?.has(req.auth.userId!) === true;
  return { status: 200, json: { data: { subscribed } } };
}

function list(state: SandboxState, req: SandboxRequest): SandboxResponse {
  const webhook = webhookOf(state, req);
  if ('status' in webhook) return webhook;
  const users = [...(state.accountActivitySubscriptions.get(webhook.id) ?? [])];
  return {
    status: 200,
    json: {
      data: {
        application_id: SANDBOX_APPLICATION_ID,
        webhook_id: webhook.id,
        webhook_url: webhook.url,
        subscriptions: users.map((user_id) => ({ user_id })),
      },
    },
  };
}

function unsubscribe(state: SandboxState, req: SandboxRequest): SandboxResponse {
  const webhook = webhookOf(state, req);
  if ('status' in webhook) return webhook;
  const userId = req.params.user_id!;
  if (!SNOWFLAKE.test(userId)) return invalidRequest(`user_id must match ^[0-9]{1,19}$`);
  if (!state.accountActivitySubscriptions.get(webhook.id)?.delete(userId)) {
    return refused('SubscriptionNotFound', `User ${userId} has no subscription on webhook ${webhook.id}`);
  }
  return { status: 200, json: { data: { subscribed: false } } };
}

function count(state: SandboxState): SandboxResponse {
  return {
    status: 200,
    json: {
      data: {
        account_name: 'sandbox',
        provisioned_count: String(ACCOUNT_ACTIVITY_LIMIT),
        subscriptions_count_all: String(subscribedUsers(state).size),
        subscriptions_count_direct_messages: '0',
      },
    },
  };
}

export const registerAccountActivityRoutes: RouteModule = (app) => {
  const { state } = app;
  const base = '/2/account_activity/webhooks/:webhook_id/subscriptions';
  app.route(
    'POST',
    `${base}/all`,
    changing(app, (req) => subscribe(state, req)),
  );
  app.route('GET', `${base}/all`, (req) => status(state, req));
  app.route('GET', `${base}/all/list`, (req) => list(state, req));
  app.route(
    'DELETE',
    `${base}/:user_id/all`,
    changing(app, (req) => unsubscribe(state, req)),
  );
  app.route('GET', '/2/account_activity/subscriptions/count', () => count(state));
};
