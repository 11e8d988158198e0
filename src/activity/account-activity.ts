// `xcli account-activity …`: the Account Activity API's subscriptions (deprecated by X in favour of
// the X Activity API, still run by many apps). Commands say so on stderr, once a day per app.
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { callApi } from '../http/api.js';
import { openSession } from '../http/session.js';
import { wantsJson } from '../http/output.js';
import { noteDeprecationDaily } from './deprecation-note.js';
import { printRecord, printRows } from './output.js';
import { reportApiError } from './reasons.js';
import { checkWebhookId } from './subscriptions.js';
import { resolveUserId } from './users.js';

interface OutputOpts {
  json?: boolean;
}

const base = (webhookId: string) => `/2/account_activity/webhooks/${webhookId}/subscriptions`;

async function run<T>(
  ctx: Context,
  opts: OutputOpts,
  work: (session: Awaited<ReturnType<typeof openSession>>) => Promise<T>,
): Promise<T> {
  const session = await openSession(ctx, ctx.api);
  await noteDeprecationDaily(ctx, session.resolved.name);
  try {
    return await work(session);
  } catch (error) {
    throw reportApiError(ctx, error, opts);
  }
}

function subscribedLine(ctx: Context, opts: OutputOpts, body: unknown, yes: string, no: string): void {
  const subscribed = (body as { data?: { subscribed?: unknown } } | undefined)?.data?.subscribed === true;
  printRecord(ctx, opts, body, [['subscribed', subscribed ? `yes — ${yes}` : `no — ${no}`]]);
}

/** POST …/subscriptions/all: subscribes the user whose token signs the request (OAuth 1.0a or OAuth2 user). */
export async function runSubscribe(ctx: Context, opts: OutputOpts & { webhook?: string }): Promise<void> {
  const webhookId = checkWebhookId(requireOpt(opts.webhook, '--webhook'));
  if (ctx.api.auth === 'app')
    throw new UsageError('account-activity subscribe needs user context (OAuth 1.0a or OAuth2 user), not app-only auth');
  await run(ctx, opts, async (session) => {
    const result = await callApi(ctx, ctx.api, { method: 'POST', path: `${base(webhookId)}/all` }, session);
    subscribedLine(
      ctx,
      opts,
      result.json,
      `events of this user now go to webhook ${webhookId} (allow up to 10 s to start)`,
      'X did not confirm the subscription',
    );
  });
}

/** GET …/subscriptions/all: whether the authenticating user is subscribed. */
export async function runStatus(ctx: Context, opts: OutputOpts & { webhook?: string }): Promise<void> {
  const webhookId = checkWebhookId(requireOpt(opts.webhook, '--webhook'));
  if (ctx.api.auth === 'app')
    throw new UsageError('account-activity status needs user context (OAuth 1.0a or OAuth2 user), not app-only auth');
  await run(ctx, opts, async (session) => {
    const result = await callApi(ctx, ctx.api, { method: 'GET', path: `${base(webhookId)}/all` }, session);
    subscribedLine(ctx, opts, result.json, `the authenticating user is subscribed to webhook ${webhookId}`, 'not subscribed');
  });
}

interface ListBody {
  data?: { application_id?: string; webhook_id?: string; webhook_url?: string; subscriptions?: Array<{ user_id?: string }> };
}

export async function runList(ctx: Context, opts: OutputOpts & { webhook?: string }): Promise<void> {
  const webhookId = checkWebhookId(requireOpt(opts.webhook, '--webhook'));
  await run(ctx, opts, async (session) => {
    const result = await callApi<ListBody>(ctx, ctx.api, { method: 'GET', path: `${base(webhookId)}/all/list` }, session);
    const data = result.json?.data ?? {};
    const rows = (data.subscriptions ?? []).filter((s) => typeof s?.user_id === 'string');
    if (!wantsJson(ctx, opts.json)) {
      ctx.io.stdout.write(
        `webhook ${data.webhook_id ?? webhookId}${data.webhook_url ? ` (${data.webhook_url})` : ''}, app ${data.application_id ?? '-'}\n`,
      );
    }
    printRows(
      ctx,
      opts,
      result.json,
      rows,
      [{ header: 'USER ID', value: (s) => s.user_id }],
      `no users are subscribed to webhook ${webhookId}`,
    );
  });
}

export async function runUnsubscribe(ctx: Context, opts: OutputOpts & { webhook?: string; user?: string }): Promise<void> {
  const webhookId = checkWebhookId(requireOpt(opts.webhook, '--webhook'));
  const user = requireOpt(opts.user, '--user');
  await run(ctx, opts, async (session) => {
    const userId = await resolveUserId(session, user);
    const result = await callApi(
      ctx,
      ctx.api,
      { method: 'DELETE', path: `/2/account_activity/webhooks/${webhookId}/subscriptions/${userId}/all` },
      session,
    );
    const still = (result.json as { data?: { subscribed?: unknown } } | undefined)?.data?.subscribed === true;
    printRecord(ctx, opts, result.json, [
      [
        'subscribed',
        still ? `yes — X still reports user ${userId} as subscribed` : `no — user ${userId} removed from webhook ${webhookId}`,
      ],
    ]);
  });
}

interface CountBody {
  data?: {
    account_name?: string;
    provisioned_count?: string;
    subscriptions_count_all?: string;
    subscriptions_count_direct_messages?: string;
  };
}

export async function runCount(ctx: Context, opts: OutputOpts): Promise<void> {
  await run(ctx, opts, async (session) => {
    const result = await callApi<CountBody>(
      ctx,
      ctx.api,
      { method: 'GET', path: '/2/account_activity/subscriptions/count' },
      session,
    );
    const d = result.json?.data ?? {};
    printRecord(ctx, opts, result.json, [
      ['account_name', d.account_name],
      ['provisioned_count', d.provisioned_count],
      ['subscriptions_count_all', d.subscriptions_count_all],
      ['subscriptions_count_direct_messages', d.subscriptions_count_direct_messages],
    ]);
  });
}

function requireOpt(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required`);
  return value;
}
