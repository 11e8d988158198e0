// `/2/webhooks` management shared by `webhook list|create|delete|validate|replay` and `start --register`.
import type { Context } from '../context.js';
import { FailureError, HttpStatusError, UsageError } from '../errors.js';
import type { ApiCall, ApiResult, GlobalOptions } from '../http/types.js';

export interface WebhookConfig {
  id: string;
  url: string;
  valid?: boolean;
  created_at?: string;
}

/** X's failure reasons, explained in one line each. */
export const X_WEBHOOK_REASONS: Record<string, string> = {
  CrcValidationFailed:
    'X sent a CRC to the URL and got no correct answer in time (wrong consumer secret, not reachable, or too slow)',
  UrlValidationFailed: 'X refused the URL: it must be https, publicly reachable, without a port, at most 200 characters',
  DuplicateUrlFailed: 'this URL is already registered for the app: use `xcli webhook list` and `validate ID`',
  WebhookLimitExceeded:
    "the account has as many webhooks as its plan allows (Pay-Per-Use: 1): delete one with 'xcli webhook delete ID' (see `xcli webhook list`)",
  WebhookIdInvalid: 'no webhook with this id belongs to the app: see `xcli webhook list`',
  ReplayConflictError: 'a replay job for this webhook is already running: wait for its replay_job_status event',
  QueryParamInvalid: 'X refused the replay window: from at most 24 h ago and at least 31 min ago, to at least 10 min ago',
};

export function reasonIn(raw: Buffer | string): string | undefined {
  const text = raw.toString();
  return Object.keys(X_WEBHOOK_REASONS).find((reason) => text.includes(reason));
}

/** Runs an API call; an X error becomes one line with the reason explained (exit 1). */
export async function webhookApi<T>(ctx: Context, globals: GlobalOptions, call: ApiCall): Promise<ApiResult<T>> {
  const { callApi, ApiError } = await import('../http/api.js');
  try {
    return await callApi<T>(ctx, globals, call);
  } catch (error) {
    if (error instanceof ApiError) {
      const reason = reasonIn(error.result.raw);
      throw new HttpStatusError(
        error.status,
        reason ? `${error.summary} — ${reason}: ${X_WEBHOOK_REASONS[reason]}` : error.summary,
      );
    }
    throw error;
  }
}

export async function listWebhooks(ctx: Context, globals: GlobalOptions): Promise<WebhookConfig[]> {
  return (await listWebhooksRaw(ctx, globals)).json?.data ?? [];
}

export function listWebhooksRaw(ctx: Context, globals: GlobalOptions): Promise<ApiResult<{ data?: WebhookConfig[] }>> {
  return webhookApi(ctx, globals, {
    method: 'GET',
    path: '/2/webhooks',
    query: { 'webhook_config.fields': 'created_at,id,url,valid' },
  });
}

export async function createWebhook(ctx: Context, globals: GlobalOptions, url: string): Promise<WebhookConfig> {
  return webhookConfigOf(await createWebhookRaw(ctx, globals, url));
}

export function createWebhookRaw(
  ctx: Context,
  globals: GlobalOptions,
  url: string,
): Promise<ApiResult<{ data?: WebhookConfig }>> {
  return webhookApi(ctx, globals, { method: 'POST', path: '/2/webhooks', json: { url } });
}

export function webhookConfigOf(result: ApiResult<{ data?: WebhookConfig }>): WebhookConfig {
  const data = result.json?.data;
  if (!data?.id) throw new FailureError('X answered the webhook creation without an id');
  return data;
}

export function deleteWebhook(
  ctx: Context,
  globals: GlobalOptions,
  id: string,
): Promise<ApiResult<{ data?: { deleted?: boolean } }>> {
  return webhookApi(ctx, globals, { method: 'DELETE', path: `/2/webhooks/${encodeURIComponent(checkWebhookId(id))}` });
}

export function validateWebhook(
  ctx: Context,
  globals: GlobalOptions,
  id: string,
): Promise<ApiResult<{ data?: { valid?: boolean } }>> {
  return webhookApi(ctx, globals, { method: 'PUT', path: `/2/webhooks/${encodeURIComponent(checkWebhookId(id))}` });
}

/** X's webhook ids are 1-19 digits (OpenAPI); anything else is a typo caught before asking. */
export function checkWebhookId(id: string): string {
  if (!/^[0-9]{1,19}$/.test(id)) throw new UsageError(`not a webhook id: '${id}' (ids are 1-19 digits; see 'xcli webhook list')`);
  return id;
}

/** Whether the API base is X's own (then X's URL rules are checked locally before asking). */
export function isXApiBase(apiBaseUrl: string): boolean {
  const host = new URL(apiBaseUrl).hostname;
  return host === 'x.com' || host.endsWith('.x.com') || host === 'twitter.com' || host.endsWith('.twitter.com');
}

export function parseHttpUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`not a URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`not an http(s) URL: ${url}`);
  return parsed;
}

/** What X would reject with UrlValidationFailed, checked before asking (only against X itself). */
export function checkWebhookUrl(url: string, apiBaseUrl: string): void {
  const parsed = parseHttpUrl(url);
  if (!isXApiBase(apiBaseUrl)) return;
  if (parsed.protocol !== 'https:') throw new UsageError(`X only accepts https webhook URLs: ${url}`);
  if (parsed.port !== '')
    throw new UsageError(`X refuses webhook URLs with a port (${parsed.port}): serve on 443 or use a tunnel`);
  if (url.length > 200) throw new UsageError(`X accepts webhook URLs of at most 200 characters (this one has ${url.length})`);
}

export type RegisterAction = 'created' | 'revalidated';

/**
 * Registers `url`: re-validates (PUT) when already registered, else creates (POST; X sends a CRC
 * that the running server answers). On WebhookLimitExceeded, `replace` deletes the app's other
 * webhooks first; without it the error lists them.
 */
export async function registerUrl(
  ctx: Context,
  globals: GlobalOptions,
  url: string,
  options: { replace: boolean; onDeleted?: (w: WebhookConfig) => void },
): Promise<{ id: string; action: RegisterAction }> {
  const existing = await listWebhooks(ctx, globals);
  const same = existing.find((w) => w.url === url);
  if (same) {
    await validateWebhook(ctx, globals, same.id);
    return { id: same.id, action: 'revalidated' };
  }
  try {
    return { id: (await createWebhook(ctx, globals, url)).id, action: 'created' };
  } catch (error) {
    if (!(error instanceof HttpStatusError) || !error.message.includes('WebhookLimitExceeded')) throw error;
    if (!options.replace) {
      const list = existing.map((w) => `${w.id} ${w.url}${w.valid === false ? ' (invalid)' : ''}`).join('; ');
      throw new FailureError(
        `the webhook limit is reached (existing: ${list || 'none listed'}); rerun with --replace to delete them, or 'xcli webhook delete ID'`,
        { code: 'XCLI_WEBHOOK_LIMIT' },
      );
    }
    for (const w of existing) {
      await deleteWebhook(ctx, globals, w.id);
      options.onDeleted?.(w);
    }
    return { id: (await createWebhook(ctx, globals, url)).id, action: 'created' };
  }
}
