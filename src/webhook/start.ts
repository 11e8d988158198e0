// `xcli webhook start`: the choices (`--sandbox`, `--subscribe`), then serveWebhook (serve.ts). Apart
// from serve.ts so that the sandbox start and the subscribe hook, which build on serve.ts, are
// loaded from here without an import cycle.
import type { Context } from '../context.js';
import { serveWebhook } from './serve.js';
import type { WebhookStartOptions } from './start-options.js';

/** `xcli webhook start`: `--sandbox` runs against a sandbox started here; `--subscribe` once registered. */
export async function runWebhookStart(ctx: Context, options: WebhookStartOptions): Promise<void> {
  const subscribe = options.subscribe?.length
    ? (await import('../activity/subscribe-spec.js')).parseSubscribeSpecs(
        options.subscribe,
        options.register === true || options.sandbox === true,
      )
    : [];
  if (options.sandbox) return (await import('./start-sandbox.js')).runSandboxWebhookStart(ctx, options, subscribe);
  const afterRegister = subscribe.length
    ? [(await import('../activity/webhook-subscriptions.js')).subscribeHook(ctx.api, subscribe, options.ephemeral === true)]
    : [];
  await serveWebhook(ctx, options, { api: ctx.api, afterRegister });
}
