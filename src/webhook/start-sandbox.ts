// `xcli webhook start --sandbox`: the newcomer's first run. The sandbox and the webhook server run in
// one process: the server signs with the sandbox app's consumer secret, registers its local URL
// (the sandbox sends a real CRC to it), subscribes to a few event types of the sandbox user, and
// says what to try next. Ctrl-C stops the server first (so its summary is complete), then the sandbox.
import { parseSubscribeSpecs, type SubscribeSpec } from '../activity/subscribe-spec.js';
import { subscribeHook } from '../activity/webhook-subscriptions.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { serveWebhook, type AfterRegisterHook } from './serve.js';
import type { WebhookStartOptions } from './start-options.js';
import { isSandboxApp, launchSandbox, SANDBOX_APP } from '../sandbox/command/cli.js';

/** What a newcomer sees first: their own posts and replies, likes, follows and a bio change. */
export const SANDBOX_EVENT_TYPES = [
  'post.create',
  'post.reply.create',
  'like.create',
  'follow.follow',
  'profile.update.bio',
] as const;

/**
 * Runs `webhook start` with `start`'s server options against a sandbox started here; app, tunnel and
 * registration are decided here. `subscribe` (from `--subscribe`) replaces the default event types.
 */
export async function runSandboxWebhookStart(
  ctx: Context,
  start: WebhookStartOptions,
  subscribe: SubscribeSpec[],
): Promise<void> {
  const taken = (await ctx.store()).read().apps[SANDBOX_APP];
  if (taken && !isSandboxApp(taken)) {
    throw new UsageError(
      `app '${SANDBOX_APP}' exists and is not a sandbox, and --sandbox needs that name: remove or rename yours, or run 'xcli sandbox --app NAME' and 'xcli webhook start --app NAME --no-tunnel --public-url http://127.0.0.1:8080/webhook --register'`,
    );
  }
  const launched = await launchSandbox(ctx, { appName: SANDBOX_APP });
  try {
    const { sandbox } = launched;
    const handle = sandbox.state.users.get(sandbox.state.authenticatedUserId)?.username ?? 'sandbox_dev';
    // The app's OAuth 1.0a user token acts for @handle, so its private events (like.create) may be subscribed too.
    const specs = subscribe.length
      ? subscribe
      : parseSubscribeSpecs(
          SANDBOX_EVENT_TYPES.map((t) => `${t}:@${handle}`),
          true,
        );
    const globals = { ...ctx.api, app: SANDBOX_APP };
    await serveWebhook(
      ctx,
      { ...start, tunnel: false, publicUrl: undefined, register: true, replace: false, ephemeral: false },
      {
        api: globals,
        localUrlIsPublic: true,
        afterRegister: [subscribeHook(globals, specs, false), nextSteps(sandbox.url, handle)],
      },
    );
  } finally {
    await launched.stop();
  }
}

/** Printed once the webhook is registered and subscribed: the commands that make events happen. */
function nextSteps(sandboxUrl: string, handle: string): AfterRegisterHook {
  return async (ctx, webhook) => {
    ctx.io.stderr.write(
      [
        `xcli: sandbox X API on ${sandboxUrl} (credentials saved as app '${SANDBOX_APP}'); webhook ${webhook.webhookId} registered at ${webhook.url}`,
        '  Now, in another terminal:',
        `    xcli --app ${SANDBOX_APP} post "hello"`,
        `    xcli sandbox emit profile.update.bio --user @${handle}`,
        `    xcli --app ${SANDBOX_APP} follow @X`,
        '    xcli sandbox deliveries',
        '  Events appear here, verified, and in the event log (xcli webhook events). Ctrl-C stops both.',
        '',
      ].join('\n'),
    );
  };
}
