// `xcli stream rules …` (filtered-stream rules) and `xcli stream webhooks …` (Enterprise delivery
// of the filtered stream to a registered webhook).
import type { Context } from '../context.js';
import { FailureError, UsageError } from '../errors.js';
import { callApi } from '../http/api.js';
import { openSession, type ApiSession } from '../http/session.js';
import { printJson, wantsJson } from '../http/output.js';
import { printRecord, printRows } from './output.js';
import { reportApiError } from './reasons.js';
import { checkWebhookId, SNOWFLAKE } from './subscriptions.js';

interface OutputOpts {
  json?: boolean;
}

const RULES = '/2/tweets/search/stream/rules';
/** OpenAPI's path; the quickstart's `/2/tweets/search/stream/webhooks` is the same resource. */
const STREAM_WEBHOOKS = '/2/tweets/search/webhooks';
const RULE_VALUE_MAX = 1024;

interface Rule {
  id?: string;
  value?: string;
  tag?: string;
}

interface RulesBody {
  data?: Rule[];
  errors?: Array<Record<string, unknown>>;
  meta?: { next_token?: string; result_count?: number; sent?: string; summary?: Record<string, number> };
}

async function run(ctx: Context, opts: OutputOpts, work: (session: ApiSession) => Promise<void>): Promise<void> {
  const session = await openSession(ctx, ctx.api);
  try {
    await work(session);
  } catch (error) {
    throw reportApiError(ctx, error, opts);
  }
}

const RULE_COLUMNS = [
  { header: 'ID', value: (r: Rule) => r.id },
  { header: 'TAG', value: (r: Rule) => r.tag },
  { header: 'VALUE', value: (r: Rule) => r.value },
];

export async function runRulesList(ctx: Context, opts: OutputOpts & { ids?: string[] }): Promise<void> {
  const ids = opts.ids ?? [];
  const bad = ids.find((id) => !SNOWFLAKE.test(id));
  if (bad !== undefined) throw new UsageError(`'${bad}' is not a rule id (digits)`);
  await run(ctx, opts, async (session) => {
    const rules: Rule[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      const query = { ids: ids.length ? ids.join(',') : undefined, pagination_token: token };
      const result = await callApi<RulesBody>(ctx, ctx.api, { method: 'GET', path: RULES, query }, session);
      rules.push(...(result.json?.data ?? []));
      token = result.json?.meta?.next_token;
      // A token seen before would loop forever.
      if (token !== undefined && seen.has(token)) token = undefined;
      if (token !== undefined) seen.add(token);
    } while (token);
    printRows(ctx, opts, { data: rules, meta: { result_count: rules.length } }, rules, RULE_COLUMNS, 'no filtered-stream rules');
  });
}

/** Problems X reported per rule (an invalid value, a duplicate…), one line each on stderr; true when any. */
function reportRuleErrors(ctx: Context, body: RulesBody | undefined): boolean {
  const errors = body?.errors ?? [];
  for (const e of errors) {
    const what = typeof e.value === 'string' ? `'${e.value}'` : typeof e.id === 'string' ? e.id : 'rule';
    const why = [e.title, e.details, e.detail, e.message]
      .flat()
      .filter((x) => typeof x === 'string')
      .join(': ');
    ctx.io.stderr.write(`xcli: ${what}: ${why || 'refused'}\n`);
  }
  return errors.length > 0;
}

function summaryLine(body: RulesBody | undefined, dryRun: boolean): string {
  const s = body?.meta?.summary ?? {};
  const parts = Object.entries(s).map(([k, v]) => `${k} ${v}`);
  return `${dryRun ? 'dry run (nothing changed): ' : ''}${parts.join(', ') || 'done'}`;
}

export async function runRulesAdd(
  ctx: Context,
  opts: OutputOpts & { values: string[]; tag?: string; dryRun?: boolean },
): Promise<void> {
  const { values } = opts;
  if (values.length === 0) throw new UsageError('give the rule value, e.g. xcli stream rules add "from:XDevelopers -is:retweet"');
  for (const v of values) {
    if (v.trim() === '') throw new UsageError('a rule value cannot be empty');
    if (v.length > RULE_VALUE_MAX) throw new UsageError(`a rule value is at most ${RULE_VALUE_MAX} characters (got ${v.length})`);
  }
  const add = values.map((value) => (opts.tag === undefined ? { value } : { value, tag: opts.tag }));
  await run(ctx, opts, async (session) => {
    const result = await callApi<RulesBody>(
      ctx,
      ctx.api,
      { method: 'POST', path: RULES, query: { dry_run: opts.dryRun ? 'true' : undefined }, json: { add } },
      session,
    );
    const refused = reportRuleErrors(ctx, result.json);
    printRows(ctx, opts, result.json, result.json?.data ?? [], RULE_COLUMNS, 'no rule added');
    if (!wantsJson(ctx, opts.json)) ctx.io.stderr.write(`${summaryLine(result.json, opts.dryRun === true)}\n`);
    if (refused) throw new FailureError('X refused some rules', { reported: true });
  });
}

export async function runRulesDelete(ctx: Context, opts: OutputOpts & { ids: string[]; dryRun?: boolean }): Promise<void> {
  const { ids } = opts;
  if (ids.length === 0) throw new UsageError('give at least one rule id');
  const bad = ids.find((id) => !SNOWFLAKE.test(id));
  if (bad !== undefined) throw new UsageError(`'${bad}' is not a rule id (digits); list them with 'xcli stream rules list'`);
  await run(ctx, opts, async (session) => {
    const result = await callApi<RulesBody>(
      ctx,
      ctx.api,
      { method: 'POST', path: RULES, query: { dry_run: opts.dryRun ? 'true' : undefined }, json: { delete: { ids } } },
      session,
    );
    const refused = reportRuleErrors(ctx, result.json);
    if (wantsJson(ctx, opts.json)) printJson(ctx, result.json);
    else ctx.io.stdout.write(`${summaryLine(result.json, opts.dryRun === true)}\n`);
    if (refused) throw new FailureError('X refused to delete some rules', { reported: true });
  });
}

/** `--expansions author_id --user-fields username` → the query X reads on the link request. */
export function linkQuery(opts: {
  expansions?: string;
  tweetFields?: string;
  userFields?: string;
  mediaFields?: string;
  placeFields?: string;
  pollFields?: string;
}) {
  return {
    expansions: opts.expansions,
    'tweet.fields': opts.tweetFields,
    'user.fields': opts.userFields,
    'media.fields': opts.mediaFields,
    'place.fields': opts.placeFields,
    'poll.fields': opts.pollFields,
  };
}

export async function runWebhookLink(
  ctx: Context,
  opts: OutputOpts & Parameters<typeof linkQuery>[0] & { id: string },
): Promise<void> {
  const { id } = opts;
  const webhookId = checkWebhookId(id, 'webhook id');
  await run(ctx, opts, async (session) => {
    const result = await callApi<{ data?: { provisioned?: boolean } }>(
      ctx,
      ctx.api,
      { method: 'POST', path: `${STREAM_WEBHOOKS}/${webhookId}`, query: linkQuery(opts) },
      session,
    );
    const ok = result.json?.data?.provisioned === true;
    printRecord(ctx, opts, result.json, [
      ['provisioned', ok ? `yes — filtered-stream posts now go to webhook ${webhookId}` : 'no'],
    ]);
    if (!ok) throw new FailureError('X did not provision the link');
  });
}

interface LinkRow {
  webhook_id?: string;
  application_id?: string;
  business_user_id?: string;
  instance_id?: string;
  fields?: string[];
  created_at?: string;
}

export async function runWebhookList(ctx: Context, opts: OutputOpts): Promise<void> {
  await run(ctx, opts, async (session) => {
    const result = await callApi<{ data?: LinkRow[] }>(ctx, ctx.api, { method: 'GET', path: STREAM_WEBHOOKS }, session);
    const rows = result.json?.data ?? [];
    printRows(
      ctx,
      opts,
      result.json ?? { data: [] },
      rows,
      [
        { header: 'WEBHOOK', value: (r) => r.webhook_id },
        { header: 'FIELDS', value: (r) => (r.fields?.length ? r.fields.join(',') : '-') },
        { header: 'INSTANCE', value: (r) => r.instance_id },
        { header: 'CREATED', value: (r) => r.created_at },
      ],
      'no webhooks are linked to the filtered stream',
    );
  });
}

export async function runWebhookUnlink(ctx: Context, opts: OutputOpts & { id: string }): Promise<void> {
  const { id } = opts;
  const webhookId = checkWebhookId(id, 'webhook id');
  await run(ctx, opts, async (session) => {
    const result = await callApi<{ data?: { deleted?: boolean } }>(
      ctx,
      ctx.api,
      { method: 'DELETE', path: `${STREAM_WEBHOOKS}/${webhookId}` },
      session,
    );
    const ok = result.json?.data?.deleted === true;
    printRecord(ctx, opts, result.json, [
      ['deleted', ok ? `yes — webhook ${webhookId} no longer receives the filtered stream` : 'no'],
    ]);
    if (!ok) throw new FailureError('X did not confirm the unlink');
  });
}
