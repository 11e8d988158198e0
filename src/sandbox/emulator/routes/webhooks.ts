// /2/webhooks: create (with a real CRC against the URL), list, delete, re-validate (PUT), replay.
import type { SandboxApp } from '../app.js';
import { runCrc } from '../crc-check.js';
import { invalidRequest, refused } from '../problems.js';
import { nextId, type SandboxWebhook } from '../store.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Why X would refuse this URL, or undefined when it is acceptable. */
export function urlProblem(raw: string, allowHttpLoopback: boolean): string | undefined {
  if (raw.length < 1 || raw.length > 200) return 'The URL must be 1 to 200 characters.';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'The URL is not a valid URL.';
  }
  const loopback = LOOPBACK.has(url.hostname) || /^127\./.test(url.hostname);
  if (url.protocol === 'http:' && loopback && allowHttpLoopback) return undefined;
  if (url.protocol !== 'https:') return 'The URL must use https.';
  if (url.port !== '' && !loopback) return 'The URL must not name a port.';
  return undefined;
}

/** `yyyymmddhhmm` (UTC) → epoch ms, or undefined. */
export function parseReplayDate(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi);
  const back = new Date(ms);
  return back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && h < 24 && mi < 60 ? ms : undefined;
}

const view = (w: SandboxWebhook) => ({ created_at: w.created_at, id: w.id, url: w.url, valid: w.valid });

export function registerWebhookRoutes(app: SandboxApp): void {
  const { state } = app;
  const webhookIdInvalid = (id: string) => refused('WebhookIdInvalid', `Webhook id ${id} does not exist for this app.`);

  // X's webhook API refuses bodies with its reason codes (UrlValidationFailed, QueryParamInvalid), not the schema's messages.
  const webhookReasons = { validate: { body: false } };
  app.route(
    'POST',
    '/2/webhooks',
    async (req) => {
      const url = (req.json as { url?: unknown } | undefined)?.url;
      if (typeof url !== 'string') return invalidRequest('The `url` field is required.', { parameters: { url: [] } });
      const bad = urlProblem(url, app.settings.allowHttpLoopbackWebhooks);
      if (bad) return refused('UrlValidationFailed', bad);
      if ([...state.webhooks.values()].some((w) => w.url === url))
        return refused('DuplicateUrlFailed', 'This app already has a webhook with this URL.');
      if (state.webhooks.size >= app.settings.webhookLimit)
        return refused(
          'WebhookLimitExceeded',
          `This app already has ${state.webhooks.size} of ${app.settings.webhookLimit} allowed webhook(s).`,
        );
      const crc = await runCrc(url, app.credentials.consumerSecret, app.crc.timeoutMs);
      if (crc.verdict !== 'passed') return refused('CrcValidationFailed', crc.detail);
      const now = app.now();
      const webhook: SandboxWebhook = {
        id: nextId(state, now),
        url,
        valid: true,
        created_at: new Date(now).toISOString(),
        lastCrcOkAt: now,
      };
      state.webhooks.set(webhook.id, webhook);
      app.changed();
      return { status: 200, json: { data: view(webhook) } };
    },
    webhookReasons,
  );

  app.route('GET', '/2/webhooks', () => {
    const all = [...state.webhooks.values()].map(view);
    return { status: 200, json: { data: all, meta: { result_count: all.length } } };
  });

  app.route('DELETE', '/2/webhooks/:webhook_id', (req) => {
    const id = req.params.webhook_id!;
    if (!state.webhooks.delete(id)) return webhookIdInvalid(id);
    state.accountActivitySubscriptions.delete(id);
    state.streamWebhooks.delete(id);
    app.changed();
    return { status: 200, json: { data: { deleted: true } } };
  });

  app.route('PUT', '/2/webhooks/:webhook_id', async (req) => {
    const webhook = state.webhooks.get(req.params.webhook_id!);
    if (!webhook) return webhookIdInvalid(req.params.webhook_id!);
    const crc = await app.crc.revalidate(webhook);
    if (crc.verdict !== 'passed') return refused('CrcValidationFailed', crc.detail);
    return { status: 200, json: { data: { valid: true } } };
  });

  app.route(
    'POST',
    '/2/webhooks/replay',
    (req) => {
      const body = (req.json ?? {}) as { webhook_id?: unknown; from_date?: unknown; to_date?: unknown };
      const id = typeof body.webhook_id === 'string' ? body.webhook_id : '';
      if (!/^\d{1,19}$/.test(id))
        return invalidRequest('`webhook_id` is required and must match ^[0-9]{1,19}$', {
          parameters: { webhook_id: [String(body.webhook_id ?? '')] },
        });
      if (!state.webhooks.has(id)) return webhookIdInvalid(id);
      const from = parseReplayDate(body.from_date);
      const to = parseReplayDate(body.to_date);
      if (from === undefined || to === undefined)
        return refused('QueryParamInvalid', '`from_date` and `to_date` must be yyyymmddhhmm (UTC).');
      const now = app.now();
      if (from > to) return refused('QueryParamInvalid', '`from_date` must not be after `to_date`.');
      if (from < now - 24 * 3600_000) return refused('QueryParamInvalid', '`from_date` must be within the last 24 hours.');
      // `to_date` names a minute; events during that minute are included.
      const job = app.engine.replay(id, from, to + 60_000);
      return { status: 200, json: { data: { job_id: job.jobId, created_at: job.createdAt } } };
    },
    webhookReasons,
  );
}
