// `xcli activity …`: X Activity API subscriptions, event types and the activity stream.
// Wiring only: the work modules load inside each action.
import type { Command } from 'commander';
import type { Context } from '../context.js';
import { wholeNumber } from '../numbers.js';
import { lazyRuns, takesApiOptions } from './common.js';

/** `activity subscriptions …` and `activity event-types` (src/activity/run-activity.ts), `activity stream` (activity-stream.ts). */
export type ActivityRuns = Pick<
  typeof import('../activity/run-activity.js'),
  'runList' | 'runCreate' | 'runUpdate' | 'runDelete' | 'runEventTypes'
> &
  Pick<typeof import('../activity/activity-stream.js'), 'runActivityStream'>;

export const activityRuns: ActivityRuns = lazyRuns(async () => ({
  ...(await import('../activity/run-activity.js')),
  ...(await import('../activity/activity-stream.js')),
}));

const JSON_HELP = 'print JSON (the default when stdout is not a terminal)';

export function registerActivity(program: Command, ctx: Context, run: ActivityRuns = activityRuns): void {
  const activity = program
    .command('activity')
    .description('X Activity API: subscribe a webhook or a stream to profile, post, follow, DM… events')
    .addHelpText(
      'after',
      `
Examples:
  $ xcli activity event-types
  $ xcli activity subscriptions create --event-type profile.update.bio --user @me --webhook 1234567890
  $ xcli activity subscriptions list --all
  $ xcli activity stream --backfill-minutes 2`,
    );

  const subs = activity
    .command('subscriptions')
    .alias('subs')
    .description('list, create, update and delete activity subscriptions');

  takesApiOptions(
    subs
      .command('list')
      .description('list subscriptions (one page unless --all)')
      .option('--webhook <id>', 'only subscriptions that feed this webhook')
      .option('--all', 'follow next_token through every page')
      .option('--max-results <n>', 'page size (1-1000)')
      .option('--json', JSON_HELP),
  ).action((opts) => run.runList(ctx, opts));

  takesApiOptions(
    subs
      .command('create')
      .description('subscribe to one event type for one user (or keyword)')
      .option('--event-type <type>', "event type, e.g. profile.update.bio (see 'xcli activity event-types')")
      .option('--user <user>', 'the user: @handle, numeric id, or @me')
      .option('--keyword <keyword>', 'keyword filter (news.new)')
      .option('--direction <direction>', 'inbound|outbound (follow, DM and chat types; sent|received also accepted for DM/chat)')
      .option('--webhook <id>', 'deliver to this registered webhook (without it, events go to the activity stream only)')
      .option('--tag <tag>', 'your label, up to 200 characters; it comes back in every event')
      .option('--json', JSON_HELP),
  ).action((opts) => run.runCreate(ctx, { ...opts, webhookId: opts.webhook }));

  takesApiOptions(
    subs
      .command('update')
      .description('change the tag or webhook of a subscription (X allows only these two)')
      .argument('<id>', 'subscription id')
      .option('--tag <tag>', 'new tag (1-200 characters)')
      .option('--webhook <id>', 'new webhook id')
      .option('--json', JSON_HELP),
  ).action((id: string, opts) => run.runUpdate(ctx, { ...opts, id }));

  takesApiOptions(
    subs
      .command('delete')
      .description('delete subscriptions (several ids: one bulk request per 100)')
      .argument('<id...>', 'subscription ids')
      .option('--json', JSON_HELP),
  ).action((ids: string[], opts) => run.runDelete(ctx, { ...opts, ids }));

  activity
    .command('event-types')
    .description('the event types, the filter each takes and the OAuth2 scope it needs')
    .option('--json', JSON_HELP)
    .action((opts: { json?: boolean }) => run.runEventTypes(ctx, opts));

  takesApiOptions(
    activity
      .command('stream')
      .description('GET /2/activity/stream: events of every subscription as NDJSON (rendered on a terminal)')
      .option('--backfill-minutes <n>', 'replay up to 5 minutes of missed events on connect (0-5)')
      .option('--start-time <iso>', 'earliest event time (ISO 8601)')
      .option('--end-time <iso>', 'latest event time (ISO 8601)')
      .option('--max-records <n>', 'stop after N events', wholeNumber('--max-records', 1))
      .option('--json', 'print NDJSON even on a terminal'),
  ).action((opts) => run.runActivityStream(ctx, opts));
}
