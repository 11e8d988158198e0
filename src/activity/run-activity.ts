// The work behind `xcli activity …`: each function is one command's action.
import type { Context } from '../context.js';
import { FailureError, UsageError } from '../errors.js';
import { parseWholeNumber } from '../numbers.js';
import { openSession } from '../http/session.js';
import { EVENT_TYPES, RETIRED_NAMES, TYPE_ALIASES, type EventTypeInfo, type FilterInput } from './event-types.js';
import { printJson, wantsJson } from '../http/output.js';
import { printRecord, printRows, type Column } from './output.js';
import { reportApiError } from './reasons.js';
import {
  checkCreate,
  checkSubscriptionIds,
  checkTag,
  checkWebhookId,
  createSubscription,
  deleteSubscriptions,
  listSubscriptions,
  updateSubscription,
  type CreateInput,
  type Subscription,
} from './subscriptions.js';

export interface OutputOpts {
  json?: boolean;
}

export function describeFilter(filter: FilterInput | undefined): string {
  if (!filter) return '-';
  const parts = (['user_id', 'keyword', 'direction'] as const)
    .filter((k) => filter[k] !== undefined)
    .map((k) => `${k}=${filter[k]}`);
  return parts.length ? parts.join(' ') : '-';
}

export const SUBSCRIPTION_COLUMNS: Column<Subscription>[] = [
  { header: 'ID', value: (s) => s.subscription_id },
  { header: 'EVENT TYPE', value: (s) => s.event_type },
  { header: 'FILTER', value: (s) => describeFilter(s.filter) },
  { header: 'WEBHOOK', value: (s) => s.webhook_id },
  { header: 'TAG', value: (s) => s.tag },
  { header: 'CREATED', value: (s) => s.created_at },
];

function subscriptionFields(s: Subscription): Array<[string, string | undefined]> {
  return [
    ['subscription_id', s.subscription_id],
    ['event_type', s.event_type],
    ['filter', describeFilter(s.filter)],
    ['webhook_id', s.webhook_id],
    ['tag', s.tag],
    ['created_at', s.created_at],
    ['updated_at', s.updated_at],
  ];
}

async function withApiErrors<T>(ctx: Context, opts: OutputOpts, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw reportApiError(ctx, error, opts);
  }
}

export async function runList(
  ctx: Context,
  opts: OutputOpts & { webhook?: string; all?: boolean; maxResults?: string },
): Promise<void> {
  const webhookId = opts.webhook === undefined ? undefined : checkWebhookId(opts.webhook);
  const maxResults = opts.maxResults === undefined ? undefined : parseWholeNumber(opts.maxResults, '--max-results', 1, 1000);
  const session = await openSession(ctx, ctx.api);
  const list = await withApiErrors(ctx, opts, () => listSubscriptions(session, { all: opts.all, webhookId, maxResults }));
  const meta: Record<string, unknown> = { result_count: list.subscriptions.length };
  if (list.total !== undefined) meta.total_subscriptions = list.total;
  if (list.nextToken) meta.next_token = list.nextToken;
  const empty = webhookId ? `no subscriptions feed webhook ${webhookId}` : 'no activity subscriptions';
  printRows(ctx, opts, { data: list.subscriptions, meta }, list.subscriptions, SUBSCRIPTION_COLUMNS, empty);
  if (list.nextToken && !wantsJson(ctx, opts.json))
    ctx.io.stderr.write('more subscriptions exist: add --all to list every page\n');
}

export async function runCreate(ctx: Context, opts: OutputOpts & Partial<CreateInput>): Promise<void> {
  if (!opts.eventType) throw new UsageError('--event-type is required (see xcli activity event-types)');
  const checked = checkCreate(opts as CreateInput);
  if (checked.note) ctx.io.stderr.write(`xcli: note: ${checked.note}\n`);
  const session = await openSession(ctx, ctx.api);
  const { subscription } = await withApiErrors(ctx, opts, () => createSubscription(session, checked));
  if (!subscription) throw new FailureError('X accepted the subscription but its answer names no subscription_id');
  printRecord(ctx, opts, { data: { subscription } }, subscriptionFields(subscription));
}

export async function runUpdate(ctx: Context, opts: OutputOpts & { id: string; tag?: string; webhook?: string }): Promise<void> {
  const { id } = opts;
  checkSubscriptionIds([id]);
  checkTag(opts.tag);
  if (opts.webhook !== undefined) checkWebhookId(opts.webhook);
  if (opts.tag === undefined && opts.webhook === undefined) {
    throw new UsageError(
      'nothing to update: give --tag and/or --webhook (X changes only these; delete and re-create to change the type or filter)',
    );
  }
  const session = await openSession(ctx, ctx.api);
  const { subscription, body } = await withApiErrors(ctx, opts, () =>
    updateSubscription(session, id, { tag: opts.tag, webhookId: opts.webhook }),
  );
  if (!subscription) return printJson(ctx, body);
  printRecord(ctx, opts, { data: { subscription } }, subscriptionFields(subscription));
}

export async function runDelete(ctx: Context, opts: OutputOpts & { ids: string[] }): Promise<void> {
  const { ids } = opts;
  checkSubscriptionIds(ids);
  const session = await openSession(ctx, ctx.api);
  const outcome = await withApiErrors(ctx, opts, () => deleteSubscriptions(session, ids));
  if (wantsJson(ctx, opts.json)) printJson(ctx, outcome.body);
  else for (const id of outcome.deleted) ctx.io.stdout.write(`deleted ${id}\n`);
  for (const f of outcome.failed)
    ctx.io.stderr.write(
      `xcli: ${f.subscription_id}: not deleted${f.reason ? ` (${f.reason})` : ''}${f.message ? `: ${f.message}` : ''}\n`,
    );
  if (outcome.failed.length > 0) {
    throw new FailureError(
      `${outcome.failed.length} of ${outcome.failed.length + outcome.deleted.length} subscriptions not deleted`,
      { reported: false },
    );
  }
}

interface EventTypeRow {
  name: string;
  category: string;
  filters: string;
  scope: string;
  privacy: string;
  note?: string;
}

export function runEventTypes(ctx: Context, opts: OutputOpts): void {
  const row = (t: EventTypeInfo): EventTypeRow => ({
    name: t.name,
    category: t.category,
    filters: t.filters
      .map((f, i) => (i === 0 ? f : `[${f === 'direction' ? `direction=${t.directions!.join('|')}` : f}]`))
      .join(' '),
    scope: t.scope,
    privacy: t.privacy,
    note: t.note,
  });
  const rows = EVENT_TYPES.map(row);
  const doc = {
    data: EVENT_TYPES.map((t) => ({ ...t })),
    meta: { aliases: TYPE_ALIASES, retired: RETIRED_NAMES },
  };
  printRows(
    ctx,
    opts,
    doc,
    rows,
    [
      { header: 'EVENT TYPE', value: (r) => r.name },
      { header: 'FILTER', value: (r) => r.filters },
      { header: 'SCOPE', value: (r) => r.scope },
      { header: 'PRIVACY', value: (r) => r.privacy },
      { header: 'NOTE', value: (r) => r.note ?? '' },
    ],
    '',
  );
  if (!wantsJson(ctx, opts.json)) {
    ctx.io.stdout.write(
      `\nThe first filter is required; [bracketed] ones are optional. Bearer (app-only) auth covers public events;\n` +
        `private ones need a user token with the scope shown. Retired names (ProfileBioUpdate…) are mapped with a note.\n`,
    );
  }
}
