// `xcli account-activity …`: the Account Activity API's per-user subscriptions (deprecated by X in
// favour of the X Activity API). Wiring only: the work module loads inside each action.
import type { Command } from 'commander';
import type { Context } from '../context.js';
import { takesApiOptions } from './common.js';

const JSON_HELP = 'print JSON (the default when stdout is not a terminal)';

export function registerAccountActivity(program: Command, ctx: Context): void {
  const aaa = program
    .command('account-activity')
    .description('Account Activity API subscriptions (deprecated by X: prefer `xcli activity`)')
    .addHelpText(
      'after',
      `
Examples:
  $ xcli account-activity subscribe --webhook 1234567890 --auth oauth1
  $ xcli account-activity list --webhook 1234567890
  $ xcli account-activity unsubscribe --webhook 1234567890 --user @alice`,
    );

  takesApiOptions(
    aaa
      .command('subscribe')
      .description('subscribe the authenticating user (OAuth 1.0a or OAuth2 user token) to a webhook')
      .option('--webhook <id>', 'webhook id')
      .option('--json', JSON_HELP),
  ).action(async (opts) => {
    const { runSubscribe } = await import('../activity/account-activity.js');
    await runSubscribe(ctx, ctx.api, opts);
  });

  takesApiOptions(
    aaa
      .command('status')
      .description('whether the authenticating user is subscribed to a webhook')
      .option('--webhook <id>', 'webhook id')
      .option('--json', JSON_HELP),
  ).action(async (opts) => {
    const { runStatus } = await import('../activity/account-activity.js');
    await runStatus(ctx, ctx.api, opts);
  });

  takesApiOptions(
    aaa
      .command('list')
      .description("the users subscribed to a webhook (app's bearer token)")
      .option('--webhook <id>', 'webhook id')
      .option('--json', JSON_HELP),
  ).action(async (opts) => {
    const { runList } = await import('../activity/account-activity.js');
    await runList(ctx, ctx.api, opts);
  });

  takesApiOptions(
    aaa
      .command('unsubscribe')
      .description('remove one user from a webhook')
      .option('--webhook <id>', 'webhook id')
      .option('--user <user>', 'user id or @handle')
      .option('--json', JSON_HELP),
  ).action(async (opts) => {
    const { runUnsubscribe } = await import('../activity/account-activity.js');
    await runUnsubscribe(ctx, ctx.api, opts);
  });

  takesApiOptions(
    aaa
      .command('count')
      .description('how many subscriptions the app has and may have')
      .option('--json', JSON_HELP),
  ).action(async (opts) => {
    const { runCount } = await import('../activity/account-activity.js');
    await runCount(ctx, ctx.api, opts);
  });
}
