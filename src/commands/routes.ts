// `xcli routes` and `xcli limits`: commander wiring only; the work lives in src/http/route-list.ts and src/http/limits.ts.
import type { Command } from 'commander';
import type { Context } from '../context.js';
import { lazyRuns, takesApiOptions } from './common.js';

/** `routes` (src/http/route-list.ts) and `limits` (src/http/limits.ts). */
export type RoutesRuns = Pick<typeof import('../http/route-list.js'), 'runRoutes'> &
  Pick<typeof import('../http/limits.js'), 'runLimits'>;

export const routesRuns: RoutesRuns = lazyRuns(async () => ({
  ...(await import('../http/route-list.js')),
  ...(await import('../http/limits.js')),
}));

export function registerRoutes(program: Command, ctx: Context, run: RoutesRuns = routesRuns): void {
  program
    .command('routes')
    .description("explain X's API routes: auth kinds, OAuth2 scopes, streaming, paging (one path: its parameters too)")
    .argument('[filter]', 'a path (/2/tweets/20, /2/webhooks) or a word to search in paths and summaries')
    .option('-X, --method <method>', 'only routes with this HTTP method')
    .option('--json', 'print the route facts as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ xcli routes /2/webhooks\n  $ xcli routes bookmarks\n  $ xcli routes /2/users/me --json\n',
    )
    .action((filter: string | undefined, opts: { method?: string; json?: boolean }) => run.runRoutes(ctx, { ...opts, filter }));

  takesApiOptions(program.command('limits'), ['app'])
    .description('show the rate-limit budget last seen per route and auth kind (costs no API call)')
    .argument('[filter]', 'only routes whose method and path contain this text')
    .option('--json', 'print the limits as JSON')
    .action((filter: string | undefined, opts: { json?: boolean }) => run.runLimits(ctx, { json: opts.json, filter }));
}
