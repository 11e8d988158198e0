// The root command `xcli [flags] URL`: commander wiring only; the work lives in src/http/raw.ts.
import type { Command } from 'commander';
import type { Context } from '../context.js';
import type { RawRequestOptions } from '../http/raw.js';
import { collect, lazyRuns } from './common.js';
import { durationSeconds } from '../duration.js';
import { wholeNumber } from '../numbers.js';

/** The run function of the root command (src/http/raw.ts). */
export type RequestRuns = Pick<typeof import('../http/raw.js'), 'runRawRequest'>;

export const requestRuns: RequestRuns = lazyRuns(() => import('../http/raw.js'));

export function registerRequest(program: Command, ctx: Context, run: RequestRuns = requestRuns): void {
  program.optionsGroup('Requests:');
  program
    .argument('[url]', 'API path (/2/tweets/20, 2/tweets/20) or a full http(s) URL')
    .option('-X, --method <method>', 'HTTP method (default GET, or POST with -d/-F)')
    .option('-H, --header <header>', "request header 'Name: value' (repeatable)", collect)
    .option('-d, --data <body>', 'request body; @file reads a file, @- reads stdin (implies POST)')
    .option('-f, --field <key=value>', 'field for a JSON body, or the query string for GET (repeatable)', collect)
    .option('-F, --file <file>', 'file to send as multipart/form-data: FILE or NAME=@FILE (repeatable)', collect)
    .option('-i, --include', 'print the status line and response headers before the body')
    .option('-s, --stream', 'stream the response line by line (automatic for streaming routes)')
    .option('--no-reconnect', 'do not reconnect when a stream drops')
    .option('--max-records <n>', 'stop a stream after N records', wholeNumber('--max-records', 1))
    .option('--paginate', 'follow meta.next_token and print every page')
    .option('--max-pages <n>', 'stop paginating after N pages', wholeNumber('--max-pages', 1))
    .option('--page-token <token>', 'start paginating from this token (resume)')
    .option('--merge', 'paginate into one JSON document (data concatenated, includes deduplicated)')
    .option('--ndjson', "paginate and print each item of 'data' on its own line")
    .option('--fields <type=list>', 'X fields sugar: tweet=created_at,public_metrics → tweet.fields=… (repeatable)', collect)
    .option('--expand <list>', 'X expansions sugar: author_id,referenced_tweets.id → expansions=… (repeatable)', collect)
    .option('--dry-run', 'print the exact request (auth and why, headers redacted) and send nothing')
    .option('--curl', 'print the request as a runnable curl command (credentials as $X_… variables)')
    .option('--rate', 'print the rate-limit budget (x-rate-limit: 847/900, resets in 11m02s) on stderr')
    .option('--strict', "exit 1 when a successful response carries X's errors[] (partial success)")
    .option('--retry <n>', 'retry N times on 429 (after the reset), 5xx and network errors', wholeNumber('--retry', 0), 0)
    .option('--retry-unsafe', 'with --retry, also retry POST/PATCH after 5xx or a lost connection (may post twice)')
    .option('--max-wait <duration>', 'longest single wait between retries (e.g. 90s, 15m)', durationSeconds('--max-wait', 0), 900)
    .option('--pretty', 'always pretty-print JSON')
    .option('--raw', 'always print the body exactly as received')
    .option('--jq <expr>', 'filter the JSON body with a jq expression (per page with --paginate, per record on streams)')
    .option('-o, --output <file>', 'write the body to FILE instead of stdout (- for stdout), as curl -o')
    .option('--no-progress', 'no progress line on a terminal while -o FILE receives a large (over 1 MiB) body');
  program.action(async (url: string | undefined, opts: RawRequestOptions) => {
    const { meResolver } = await import('../shortcuts/me.js');
    // The event-type table loads only after a 400 (~1 ms that every other request would pay).
    const badRequestHint = async (body: Buffer | undefined) =>
      (await import('../activity/event-types.js')).retiredEventTypeHint(body);
    const commandNames = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
    await run.runRawRequest(ctx, { ...opts, target: url, commandNames, me: meResolver, badRequestHint });
  });
}
