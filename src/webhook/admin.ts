// `webhook list|create|delete|validate|replay`: X's /2/webhooks routes. A table or one line on a
// terminal; X's JSON, byte for byte, when piped or with --json.
import type { Context } from '../context.js';
import { parseTimeOrAgo } from '../duration.js';
import { wantsJson, writeBody } from '../http/output.js';
import type { ApiResult, GlobalOptions } from '../http/types.js';
import {
  checkWebhookId,
  checkWebhookUrl,
  createWebhookRaw,
  deleteWebhook,
  listWebhooksRaw,
  validateWebhook,
  webhookApi,
  webhookConfigOf,
} from './manage.js';
import { formatTable } from './table.js';

/** X's JSON byte for byte (pretty on a terminal). */
function printRaw(ctx: Context, result: ApiResult): void {
  writeBody(ctx, result.raw, result.headers['content-type'], 'auto', true);
}

export async function runList(ctx: Context, globals: GlobalOptions, json: boolean): Promise<void> {
  const result = await listWebhooksRaw(ctx, globals);
  if (wantsJson(ctx, json)) return printRaw(ctx, result);
  const hooks = result.json?.data ?? [];
  if (hooks.length === 0) {
    ctx.io.stderr.write("no webhooks registered; create one with 'xcli webhook create URL' or 'xcli webhook start --register'\n");
    return;
  }
  const rows = hooks.map((w) => [
    w.id,
    w.valid === false ? 'invalid' : w.valid === true ? 'valid' : '?',
    w.created_at ?? '',
    w.url,
  ]);
  ctx.io.stdout.write(formatTable(['ID', 'VALID', 'CREATED', 'URL'], rows, ctx.io.stdoutColumns));
}

export async function runCreate(ctx: Context, globals: GlobalOptions, url: string, json: boolean): Promise<void> {
  const { resolveApp } = await import('../auth/resolve.js');
  checkWebhookUrl(url, (await resolveApp(ctx, { app: globals.app })).apiBaseUrl);
  const result = await createWebhookRaw(ctx, globals, url);
  if (wantsJson(ctx, json)) return printRaw(ctx, result);
  const hook = webhookConfigOf(result);
  ctx.io.stdout.write(`created webhook ${hook.id} for ${hook.url} (CRC passed)\n`);
}

export async function runDelete(ctx: Context, globals: GlobalOptions, id: string, json: boolean): Promise<void> {
  const result = await deleteWebhook(ctx, globals, id);
  if (wantsJson(ctx, json)) return printRaw(ctx, result);
  ctx.io.stdout.write(`deleted webhook ${id}\n`);
}

export async function runValidate(ctx: Context, globals: GlobalOptions, id: string, json: boolean): Promise<void> {
  const result = await validateWebhook(ctx, globals, id);
  if (wantsJson(ctx, json)) return printRaw(ctx, result);
  ctx.io.stdout.write(
    result.json?.data?.valid ? `webhook ${id}: CRC triggered and passed (valid)\n` : `webhook ${id}: X answered valid=false\n`,
  );
}

/** `--from`/`--to` as X wants them (yyyymmddhhmm, UTC); ISO times and durations ago are converted. */
export function replayTime(value: string, now: number, flag: string): string {
  if (/^\d{12}$/.test(value)) return value;
  return new Date(parseTimeOrAgo(value, now, flag)).toISOString().replace(/[-T:]/g, '').slice(0, 12);
}

export async function runReplay(
  ctx: Context,
  globals: GlobalOptions,
  id: string,
  from: string,
  to: string,
  json: boolean,
): Promise<void> {
  const body = {
    webhook_id: checkWebhookId(id),
    from_date: replayTime(from, ctx.now(), '--from'),
    to_date: replayTime(to, ctx.now(), '--to'),
  };
  const result = await webhookApi<{ data?: { job_id?: string; created_at?: string } }>(ctx, globals, {
    method: 'POST',
    path: '/2/webhooks/replay',
    json: body,
  });
  if (wantsJson(ctx, json)) return printRaw(ctx, result);
  ctx.io.stdout.write(
    `replay job ${result.json?.data?.job_id ?? '?'} started for webhook ${id} (${body.from_date}–${body.to_date} UTC); X posts replay_job_status when done\n`,
  );
}
