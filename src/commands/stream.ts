// `xcli stream …`: filtered-stream rules and the Enterprise delivery of the filtered stream to a
// webhook. Wiring only: the work module loads inside each action.
import { Option, type Command } from 'commander';
import type { Context } from '../context.js';
import { lazyRuns, takesApiOptions } from './common.js';

/** The run functions of src/activity/stream-rules.ts, one per command. */
export type StreamRuns = Pick<
  typeof import('../activity/stream-rules.js'),
  'runRulesList' | 'runRulesAdd' | 'runRulesDelete' | 'runWebhookLink' | 'runWebhookList' | 'runWebhookUnlink'
>;

export const streamRuns: StreamRuns = lazyRuns(() => import('../activity/stream-rules.js'));

const JSON_HELP = 'print JSON (the default when stdout is not a terminal)';

export function registerStream(program: Command, ctx: Context, run: StreamRuns = streamRuns): void {
  const stream = program
    .command('stream')
    .description('filtered-stream rules, and linking the filtered stream to a webhook')
    .addHelpText(
      'after',
      `
Examples:
  $ xcli stream rules add "from:XDevelopers -is:retweet" --tag devs --dry-run
  $ xcli stream rules list
  $ xcli stream webhooks link 1234567890 --expansions author_id --user-fields username
  $ xcli /2/tweets/search/stream        read the stream itself (NDJSON)`,
    );

  const rules = stream.command('rules').description('list, add and delete filtered-stream rules (/2/tweets/search/stream/rules)');

  takesApiOptions(
    rules.command('list').description('the active rules').argument('[id...]', 'only these rule ids').option('--json', JSON_HELP),
  ).action((ids: string[], opts) => run.runRulesList(ctx, { ...opts, ids }));

  takesApiOptions(
    rules
      .command('add')
      .description('add rules (one per VALUE)')
      .argument('<value...>', 'rule expression, e.g. "from:XDevelopers -is:retweet"')
      .option('--tag <tag>', 'label returned with matching posts')
      .option('--dry-run', 'let X validate the rules without adding them')
      .option('--json', JSON_HELP),
  ).action((values: string[], opts) => run.runRulesAdd(ctx, { ...opts, values }));

  takesApiOptions(
    rules
      .command('delete')
      .description('delete rules by id')
      .argument('<id...>', 'rule ids')
      .option('--dry-run', 'let X validate the deletion without doing it')
      .option('--json', JSON_HELP),
  ).action((ids: string[], opts) => run.runRulesDelete(ctx, { ...opts, ids }));

  const webhooks = stream.command('webhooks').description('deliver the filtered stream to a registered webhook (Enterprise)');

  takesApiOptions(
    webhooks
      .command('link')
      .description('send posts matching the rules to this webhook')
      .argument('<webhook-id>', 'webhook id')
      .option('--expansions <list>', 'e.g. author_id,attachments.media_keys')
      .option('--tweet-fields <list>', 'tweet.fields to include')
      .option('--user-fields <list>', 'user.fields to include')
      .addOption(new Option('--media-fields <list>', 'media.fields to include'))
      .addOption(new Option('--place-fields <list>', 'place.fields to include'))
      .addOption(new Option('--poll-fields <list>', 'poll.fields to include'))
      .option('--json', JSON_HELP),
  ).action((id: string, opts) => run.runWebhookLink(ctx, { ...opts, id }));

  takesApiOptions(
    webhooks.command('list').description('webhooks linked to the filtered stream').option('--json', JSON_HELP),
  ).action((opts) => run.runWebhookList(ctx, opts));

  takesApiOptions(
    webhooks
      .command('unlink')
      .description('stop delivering the filtered stream to this webhook')
      .argument('<webhook-id>', 'webhook id')
      .option('--json', JSON_HELP),
  ).action((id: string, opts) => run.runWebhookUnlink(ctx, { ...opts, id }));
}
