// `xcli account-activity …`: the Account Activity API's per-user subscriptions (deprecated by X in
// favour of the X Activity API). Wiring only: the work module loads inside each action.
import type { Command } from 'commander';
import type { Context } from '../context.js';
import { lazyRuns, takesApiOptions } from './common.js';

/** The run functions of src/activity/account-activity.ts, one per command. */
export type AccountActivityRuns = Pick<
  typeof import('../activity/account-activity.js'),
  'runSubscribe' | 'runStatus' | 'runList' | 'runUnsubscribe' | 'runCount'
>;

export const accountActivityRuns: AccountActivityRuns = lazyRuns(() => import('../activity/account-activity.js'));

const JSON_HELP = 'print JSON (the default when stdout is not a terminal)';

export function registerAccountActivity(program: Command, ctx: Context, run: AccountActivityRuns = accountActivityRuns): void {
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
  ).action((opts) => run.runSubscribe(ctx, opts));

  takesApiOptions(
    aaa
      .command('status')
      .description('whether the authenticating user is subscribed to a webhook')
      .option('--webhook <id>', 'webhook id')
      .option('--json', JSON_HELP),
  ).action((opts) => run.runStatus(ctx, opts));

  takesApiOptions(
    aaa
      .command('list')
      .description("the users subscribed to a webhook (app's bearer token)")
      .option('--webhook <id>', 'webhook id')
      .option('--json', JSON_HELP),
  ).action((opts) => run.runList(ctx, opts));

  takesApiOptions(
    aaa
      .command('unsubscribe')
      .description('remove one user from a webhook')
      .option('--webhook <id>', 'webhook id')
      .option('--user <user>', 'user id or @handle')
      .option('--json', JSON_HELP),
  ).action((opts) => run.runUnsubscribe(ctx, opts));

  takesApiOptions(
    aaa.command('count').description('how many subscriptions the app has and may have').option('--json', JSON_HELP),
  ).action((opts) => run.runCount(ctx, opts));
}
