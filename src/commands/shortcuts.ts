// Shortcut commands (xurl's set): commander wiring only; the work lives in src/shortcuts/run.ts.
import type { Command } from 'commander';
import type { Context } from '../context.js';
import type { ListFlags, MyList, OutputFlags, PostEdge, PostFlags, TimelineFlags, UserEdge } from '../shortcuts/run.js';
import { collect, lazyRuns, takesApiOptions } from './common.js';

/** The run functions of src/shortcuts/run.ts, one per command: the seam parse tests replace. */
export type ShortcutRuns = Pick<
  typeof import('../shortcuts/run.js'),
  | 'runPost'
  | 'runReply'
  | 'runQuote'
  | 'runDelete'
  | 'runDm'
  | 'runPostEdge'
  | 'runUserEdge'
  | 'runWhoami'
  | 'runUser'
  | 'runGraph'
  | 'runRead'
  | 'runSearch'
  | 'runPosts'
  | 'runMyList'
  | 'runDms'
>;

export const shortcutRuns: ShortcutRuns = lazyRuns(() => import('../shortcuts/run.js'));

/** A shortcut with the API options and `--json`. */
function shortcut(parent: Command, name: string, description: string): Command {
  return takesApiOptions(parent.command(name).description(description)).option('--json', "print X's JSON even on a terminal");
}

function listOptions(cmd: Command, range: string): Command {
  return cmd
    .option('-n, --max-results <n>', `how many items (default 10; ${range} per request, more pages followed)`)
    .option('--next-token <token>', 'start from this page (meta.next_token of an earlier answer)');
}

/**
 * search, timeline, mentions, posts: X's id and time bounds, the fields sugar, and polling for new posts.
 * X's likes and bookmarks routes take none of these bounds (only max_results and pagination_token).
 */
function timelineOptions(cmd: Command): Command {
  return cmd
    .option('--since-id <post>', 'only posts newer than this post id (or URL)')
    .option('--until-id <post>', 'only posts older than this post id (or URL)')
    .option('--start-time <time>', 'only posts from this time on (ISO 8601, e.g. 2026-11-01T12:00:00Z)')
    .option('--end-time <time>', 'only posts before this time (ISO 8601)')
    .option('--fields <type=list>', 'more fields: tweet=context_annotations user=location (repeatable)', collect)
    .option('--expand <list>', 'more expansions: referenced_tweets.id (repeatable)', collect)
    .option('--watch', "poll for new posts at the pace the route's rate limit allows; print them as NDJSON (Ctrl-C stops)");
}

function mediaOptions(cmd: Command): Command {
  return cmd
    .option('--media <file>', 'upload this image, GIF or video and attach it (repeatable, up to 4)', collect)
    .option('--alt <text>', 'alt text of the --media file in the same position (repeatable)', collect)
    .option('--media-id <id>', 'attach already uploaded media (repeatable)', collect);
}

const POST_ARG = 'post id or URL (https://x.com/user/status/ID)';

export function registerPostingShortcuts(program: Command, ctx: Context, run: ShortcutRuns = shortcutRuns): void {
  mediaOptions(shortcut(program, 'post', 'publish a post (with media, a poll, or a whole thread from stdin)'))
    .argument('[text]', 'the text of the post (read from stdin when piped and not given)')
    .option('--poll <choices>', 'attach a poll: 2-4 comma-separated choices')
    .option('--poll-minutes <minutes>', 'how long the poll runs (5-10080, default 1440)')
    .option('--thread', 'read several posts from stdin (separated by blank lines or ---); each replies to the previous')
    .addHelpText(
      'after',
      '\nExamples:\n  $ xcli post "hello"\n  $ xcli post "look" --media cat.jpg --media dog.png\n  $ xcli post "lunch?" --poll "pizza,sushi" --poll-minutes 60\n  $ printf "one\\n---\\ntwo\\n" | xcli post --thread\n',
    )
    .action((text: string | undefined, flags: PostFlags) => run.runPost(ctx, { ...flags, text }));

  mediaOptions(shortcut(program, 'reply', 'reply to a post'))
    .argument('<post>', POST_ARG)
    .argument('<text>', 'the text of the reply')
    .action((target: string, text: string, flags: PostFlags) => run.runReply(ctx, { ...flags, target, text }));

  mediaOptions(shortcut(program, 'quote', 'quote a post'))
    .argument('<post>', POST_ARG)
    .argument('<text>', 'your comment')
    .action((target: string, text: string, flags: PostFlags) => run.runQuote(ctx, { ...flags, target, text }));

  shortcut(program, 'delete', 'delete one of your posts')
    .argument('<post>', POST_ARG)
    .action((target: string, flags: OutputFlags) => run.runDelete(ctx, { ...flags, target }));

  shortcut(program, 'dm', 'send a direct message')
    .argument('<user>', 'username (with or without @)')
    .argument('<text>', 'the message')
    .action((target: string, text: string, flags: OutputFlags) => run.runDm(ctx, { ...flags, target, text }));

  const edges: Array<[string, string, PostEdge, boolean]> = [
    ['like', 'like a post', 'like', false],
    ['unlike', 'remove your like from a post', 'like', true],
    ['repost', 'repost a post', 'repost', false],
    ['unrepost', 'undo a repost', 'repost', true],
    ['bookmark', 'bookmark a post', 'bookmark', false],
    ['unbookmark', 'remove a bookmark', 'bookmark', true],
  ];
  for (const [name, description, edge, undo] of edges) {
    shortcut(program, name, description)
      .argument('<post>', POST_ARG)
      .action((target: string, flags: OutputFlags) => run.runPostEdge(ctx, { ...flags, target, edge, undo }));
  }
}

export function registerUserShortcuts(program: Command, ctx: Context, run: ShortcutRuns = shortcutRuns): void {
  shortcut(program, 'whoami', 'show the user your credentials act for').action((flags: OutputFlags) => run.runWhoami(ctx, flags));

  shortcut(program, 'user', 'show a user')
    .argument('<user>', 'username (with or without @)')
    .action((target: string, flags: OutputFlags) => run.runUser(ctx, { ...flags, target }));

  const edges: Array<[string, string, UserEdge, boolean]> = [
    ['follow', 'follow a user', 'follow', false],
    ['unfollow', 'stop following a user', 'follow', true],
    ['block', 'block a user', 'block', false],
    ['unblock', 'unblock a user', 'block', true],
    ['mute', 'mute a user', 'mute', false],
    ['unmute', 'unmute a user', 'mute', true],
  ];
  for (const [name, description, edge, undo] of edges) {
    shortcut(program, name, description)
      .argument('<user>', 'username (with or without @)')
      .action((target: string, flags: OutputFlags) => run.runUserEdge(ctx, { ...flags, target, edge, undo }));
  }

  for (const which of ['following', 'followers'] as const) {
    listOptions(
      shortcut(program, which, which === 'following' ? 'list the accounts a user follows' : 'list the followers of a user'),
      '1-1000',
    )
      .option('--of <user>', 'whose list (default: you)')
      .action((flags: ListFlags & { of?: string }) => run.runGraph(ctx, { ...flags, which }));
  }
}

export function registerReadingShortcuts(program: Command, ctx: Context, run: ShortcutRuns = shortcutRuns): void {
  shortcut(program, 'read', 'show a post')
    .argument('<post>', POST_ARG)
    .action((target: string, flags: OutputFlags) => run.runRead(ctx, { ...flags, target }));

  timelineOptions(listOptions(shortcut(program, 'search', 'search posts of the last 7 days'), '10-100'))
    .argument('<query>', "X's search query, e.g. 'from:XDevelopers -is:retweet'")
    .action((query: string, flags: TimelineFlags) => run.runSearch(ctx, { ...flags, query }));

  timelineOptions(listOptions(shortcut(program, 'posts', "list a user's posts"), '5-100'))
    .argument('<user>', 'username (with or without @)')
    .action((target: string, flags: TimelineFlags) => run.runPosts(ctx, { ...flags, target }));

  const mine: Array<[MyList, string, string]> = [
    ['timeline', 'your home timeline, newest first', '1-100'],
    ['mentions', 'posts that mention you', '5-100'],
    ['bookmarks', 'your bookmarks', '1-100'],
    ['likes', 'posts you liked', '5-100'],
  ];
  for (const [which, description, range] of mine) {
    const cmd = listOptions(shortcut(program, which, description), range);
    if (which === 'timeline' || which === 'mentions') timelineOptions(cmd);
    cmd.action((flags: TimelineFlags) => run.runMyList(ctx, { ...flags, which }));
  }

  listOptions(shortcut(program, 'dms', 'your recent direct messages'), '1-100').action((flags: ListFlags) =>
    run.runDms(ctx, flags),
  );
}
