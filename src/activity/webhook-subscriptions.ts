// What `webhook start --register --subscribe TYPE:@handle` does once the webhook is registered:
// say what already feeds it, create the missing X Activity subscriptions, and (with --ephemeral)
// delete the ones it created when the server stops.
import type { Context } from '../context.js';
import { ApiError } from '../http/api.js';
import { callApi } from '../http/api.js';
import { openSession, type ApiSession } from '../http/session.js';
import type { GlobalOptions } from '../http/types.js';
import type { AfterRegisterHook } from '../webhook/serve.js';
import { reasonOf } from './reasons.js';
import { describeFilter } from './run-activity.js';
import type { SubscribeSpec } from './subscribe-spec.js';
import { createSubscription, deleteSubscriptions, listSubscriptions, type Subscription } from './subscriptions.js';
import { resolveUserId } from './users.js';

export interface SubscribeOutcome {
  spec: SubscribeSpec;
  /** `created`: new; `existing`: an identical subscription already fed the webhook; `failed`: see message. */
  status: 'created' | 'existing' | 'failed';
  subscription?: Subscription;
  message?: string;
}

/** Current feeds of a webhook: X Activity subscriptions and Account Activity users (when the app has AAA). */
export async function webhookFeeds(
  session: ApiSession,
  webhookId: string,
): Promise<{ activity: Subscription[]; accountActivityUsers?: string[] }> {
  const { subscriptions } = await listSubscriptions(session, { all: true, webhookId });
  let accountActivityUsers: string[] | undefined;
  try {
    const result = await callApi<{ data?: { subscriptions?: Array<{ user_id?: string }> } }>(
      session.ctx,
      session.globals,
      { method: 'GET', path: `/2/account_activity/webhooks/${webhookId}/subscriptions/all/list` },
      session,
    );
    accountActivityUsers = (result.json?.data?.subscriptions ?? [])
      .map((s) => s.user_id)
      .filter((u): u is string => typeof u === 'string');
  } catch (error) {
    // Many apps have no Account Activity access; that is not a problem here.
    if (!(error instanceof ApiError)) throw error;
  }
  return { activity: subscriptions, accountActivityUsers };
}

/** Creates one subscription per spec pointing at the webhook; an identical existing one is reused. */
export async function subscribeForWebhook(
  ctx: Context,
  globals: GlobalOptions,
  webhookId: string,
  specs: readonly SubscribeSpec[],
  existing: readonly Subscription[] = [],
  session?: ApiSession,
): Promise<SubscribeOutcome[]> {
  const s = session ?? (await openSession(ctx, globals));
  const outcomes: SubscribeOutcome[] = [];
  for (const spec of specs) {
    try {
      const userId = spec.user === undefined ? undefined : await resolveUserId(s, spec.user);
      const same = existing.find(
        (e) => e.event_type === spec.eventType && e.filter?.user_id === userId && e.filter?.keyword === spec.keyword,
      );
      if (same) {
        outcomes.push({ spec, status: 'existing', subscription: same });
        continue;
      }
      const { subscription } = await createSubscription(s, {
        eventType: spec.eventType,
        user: userId,
        filter: { keyword: spec.keyword },
        webhookId,
        tag: `xcli webhook start`,
      });
      outcomes.push({ spec, status: 'created', subscription });
    } catch (error) {
      const reason = error instanceof ApiError ? reasonOf(error.result.raw) : undefined;
      const message = error instanceof ApiError ? error.summary : (error as Error).message;
      outcomes.push({ spec, status: reason === 'DuplicateSubscription' ? 'existing' : 'failed', message });
    }
  }
  return outcomes;
}

/**
 * The `afterRegister` hook of `webhook start`: lists what feeds the webhook (stderr), subscribes the
 * specs, and returns a cleanup deleting the subscriptions it created when `ephemeral`.
 */
export function subscribeHook(globals: GlobalOptions, specs: readonly SubscribeSpec[], ephemeral: boolean): AfterRegisterHook {
  return async (ctx, webhook, emit) => {
    const say = (line: string) => void ctx.io.stderr.write(`${line}\n`);
    for (const spec of specs) if (spec.note) say(`xcli: note: --subscribe ${spec.text}: ${spec.note}`);
    const session = await openSession(ctx, globals);
    let feeds: Awaited<ReturnType<typeof webhookFeeds>> = { activity: [] };
    try {
      feeds = await webhookFeeds(session, webhook.webhookId);
      say(describeFeeds(webhook.webhookId, feeds));
    } catch (error) {
      emit({
        type: 'warning',
        message: `could not list the subscriptions of webhook ${webhook.webhookId}: ${(error as Error).message}`,
      });
    }
    if (specs.length === 0) return undefined;
    const outcomes = await subscribeForWebhook(ctx, globals, webhook.webhookId, specs, feeds.activity, session);
    const created: string[] = [];
    for (const o of outcomes) {
      if (o.status === 'failed') {
        emit({ type: 'error', message: `--subscribe ${o.spec.text}: ${o.message}` });
        continue;
      }
      const sub = o.subscription;
      if (o.status === 'created' && sub) created.push(sub.subscription_id);
      say(
        `✓ ${o.status === 'created' ? 'subscribed' : 'already subscribed'}: ${o.spec.eventType} ${describeFilter(sub?.filter)}${sub ? ` (subscription ${sub.subscription_id})` : ''}`,
      );
    }
    if (!ephemeral || created.length === 0) return undefined;
    return async () => {
      const outcome = await deleteSubscriptions(session, created);
      say(`✓ deleted ${outcome.deleted.length} subscription${outcome.deleted.length === 1 ? '' : 's'} created for this run`);
      if (outcome.failed.length)
        throw new Error(`could not delete subscriptions ${outcome.failed.map((f) => f.subscription_id).join(', ')}`);
    };
  };
}

function describeFeeds(webhookId: string, feeds: { activity: Subscription[]; accountActivityUsers?: string[] }): string {
  const lines = [
    `Webhook ${webhookId} is fed by ${feeds.activity.length} activity subscription${feeds.activity.length === 1 ? '' : 's'}${feeds.accountActivityUsers ? ` and ${feeds.accountActivityUsers.length} account-activity user${feeds.accountActivityUsers.length === 1 ? '' : 's'}` : ''}${feeds.activity.length || feeds.accountActivityUsers?.length ? ':' : '.'}`,
  ];
  for (const s of feeds.activity)
    lines.push(`  ${s.event_type} ${describeFilter(s.filter)}${s.tag ? ` [${s.tag}]` : ''} (subscription ${s.subscription_id})`);
  for (const u of feeds.accountActivityUsers ?? []) lines.push(`  account-activity user ${u}`);
  return lines.join('\n');
}
