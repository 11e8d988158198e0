// `xcli routes` and `xcli limits`: commander wiring only; the work lives in src/http/route-list.ts and src/http/limits.ts.
import type { Command } from 'commander';
import type { Context } from '../context.js';
import { takesApiOptions } from './common.js';

export function registerRoutes(program: Command, ctx: Context): void {
  program
    .command('routes')
    .description("explain X's API routes: auth kinds, OAuth2 scopes, streaming, paging (one path: its parameters too)")
    .argument('[filter]', 'a path (/2/tweets/20, /2/webhooks) or a word to search in paths and summaries')
    .option('-X, --method <method>', 'only routes with this HTTP method')
    .option('--json', 'print the route facts as JSON')
    .addHelpText('after', '\nExamples:\n  $ xcli routes /2/webhooks\n  $ xcli routes bookmarks\n  $ xcli routes /2/users/me --json\n')
    .action(async (filter: string | undefined, opts: { method?: string; json?: boolean }) => {
      const { runRoutes } = await import('../http/route-list.js');
      runRoutes(ctx, filter, opts);
    });

  takesApiOptions(program.command('limits'), ['app'])
    .description('show the rate-limit budget last seen per route and auth kind (costs no API call)')
    .argument('[filter]', 'only routes whose method and path contain this text')
    .option('--json', 'print the limits as JSON')
    .action(async (filter: string | undefined, opts: { json?: boolean }) => {
      const { runLimits } = await import('../http/limits.js');
      await runLimits(ctx, filter, { json: opts.json, app: ctx.api.app });
    });
}
