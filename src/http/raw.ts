// `xcli [flags] URL`: the curl-like raw request, with gh's extras (-i, --paginate, -f, --retry).
import type { Context } from '../context.js';
import { FailureError, HttpStatusError, NetworkError, RateLimitError, UsageError } from '../errors.js';
import {
  autoContentType,
  fieldsToJson,
  isJsonContentType,
  multipartBody,
  parseField,
  parseFilePart,
  parseHeaders,
  readData,
} from './body.js';
import { renderHead, writeBody, type OutputMode } from './output.js';
import { pageParamFor, pages } from './paginate.js';
import { fieldParams } from './fields.js';
import { JsonSyntaxError } from './json-format.js';
import { dataItems, PageMerger } from './merge.js';
import { expandPathArgs, type MeResolver } from './path-args.js';
import { partialErrorsLine, problemSummary } from './problem.js';
import { rateLimitLine } from './rate-limits.js';
import { authLine, renderCurl, renderDryRun } from './rehearse.js';
import { exchangeWithRetry, type RetriedResponse, type RetryPolicy } from './retry.js';
import { headerOf, openSession, prepare, type ApiSession, type RequestSpec } from './session.js';
import { runStream } from './stream.js';
import { apiPathOf, resolveRequest, resolveRequestUrl } from './url.js';

export interface RawRequestOptions {
  method?: string;
  header?: string[];
  data?: string;
  field?: string[];
  file?: string[];
  include?: boolean;
  stream?: boolean;
  reconnect: boolean;
  maxRecords?: number;
  paginate?: boolean;
  maxPages?: number;
  pageToken?: string;
  retry: number;
  retryUnsafe?: boolean;
  maxWait: number;
  pretty?: boolean;
  raw?: boolean;
  merge?: boolean;
  ndjson?: boolean;
  dryRun?: boolean;
  curl?: boolean;
  rate?: boolean;
  strict?: boolean;
  fields?: string[];
  expand?: string[];
  /** `-o FILE` (src/jq/hooks.ts swaps stdout for the file; here it only names the progress line). */
  output?: string;
  /** `--no-progress`: no progress line for a large `-o` download. */
  progress?: boolean;
}

/** Levenshtein distance, for "did you mean" on mistyped commands. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}

/** A target with no slash is a mistyped command, not an API path (xurl would request it as a path). */
export function checkTarget(target: string | undefined, commandNames: string[]): string {
  if (target === undefined || target.trim() === '') {
    throw new UsageError("no URL given: try 'xcli /2/users/me' or see 'xcli --help'");
  }
  if (target.includes('/') || /^[a-z][a-z0-9+.-]*:/i.test(target)) return target;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of commandNames) {
    const d = editDistance(target.toLowerCase(), name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  if (best && bestDistance <= Math.max(2, Math.floor(best.length / 3)))
    throw new UsageError(`unknown command '${target}' (did you mean '${best}'?)`);
  if (target.includes('.')) throw new UsageError(`'${target}' is not a command; for a URL write https://${target}`);
  throw new UsageError(`unknown command '${target}': API paths start with /2/ (see 'xcli --help')`);
}

function outputMode(opts: RawRequestOptions): OutputMode {
  if (opts.pretty && opts.raw) throw new UsageError('--pretty and --raw cannot be used together');
  return opts.pretty ? 'pretty' : opts.raw ? 'raw' : 'auto';
}

const QUERY_METHODS = new Set(['GET', 'HEAD']);

/** Builds the method, headers and body from the flags; validates everything before anything is sent. */
async function buildBody(
  ctx: Context,
  opts: RawRequestOptions,
): Promise<{ method: string; headers: Record<string, string>; body?: Buffer; query: Array<[string, string]> }> {
  const headers = parseHeaders(opts.header ?? []);
  const fields = (opts.field ?? []).map(parseField);
  const files = (opts.file ?? []).map(parseFilePart);
  if (opts.data !== undefined && files.length > 0) throw new UsageError('-d and -F cannot be used together');
  const method = (opts.method ?? (opts.data !== undefined || files.length > 0 ? 'POST' : 'GET')).toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new UsageError(`-X '${opts.method}': not an HTTP method`);
  const userType = headerOf(headers, 'content-type');
  const setType = (type: string) => {
    if (!userType) headers['Content-Type'] = type;
  };
  if (files.length > 0) {
    const multipart = await multipartBody(fields, files);
    setType(multipart.contentType);
    return { method, headers, body: multipart.body, query: [] };
  }
  if (fields.length > 0 && (QUERY_METHODS.has(method) || opts.data !== undefined)) {
    if (!QUERY_METHODS.has(method)) throw new UsageError(`-f with ${method} builds a JSON body; it cannot be combined with -d`);
    const query = fields.map((f): [string, string] => [f.key, f.value]);
    return { method, headers, body: opts.data === undefined ? undefined : await readData(ctx, opts.data), query };
  }
  if (fields.length > 0) {
    setType('application/json');
    return { method, headers, body: Buffer.from(JSON.stringify(fieldsToJson(fields))), query: [] };
  }
  if (opts.data === undefined) return { method, headers, query: [] };
  const body = await readData(ctx, opts.data);
  if (userType && isJsonContentType(userType)) {
    try {
      JSON.parse(body.toString('utf8'));
    } catch (error) {
      throw new UsageError(`-d is not valid JSON (Content-Type ${userType}): ${(error as Error).message}`);
    }
  }
  setType(autoContentType(body));
  return { method, headers, body, query: [] };
}

/**
 * `xcli [flags] URL`: the URL, the flags, the command names a mistyped word is checked against, and
 * how `{me}` in a path is resolved (src/shortcuts/me.ts, injected so src/http/ does not import it).
 */
export type RequestOptions = RawRequestOptions & {
  target?: string;
  commandNames: string[];
  me: MeResolver;
  /** One more stderr line after X's 400, from the body sent (a retired event type: src/activity/). */
  badRequestHint?: (requestBody: Buffer | undefined) => Promise<string | undefined>;
};

export async function runRawRequest(ctx: Context, opts: RequestOptions): Promise<void> {
  const { me } = opts;
  const globals = ctx.api;
  const checked = checkTarget(opts.target, opts.commandNames);
  const mode = outputMode(opts);
  if (opts.merge && opts.ndjson) throw new UsageError('--merge and --ndjson cannot be used together');
  if (opts.dryRun && opts.curl) throw new UsageError('--dry-run and --curl cannot be used together');
  const paginate = opts.paginate || opts.merge || opts.ndjson;
  if (paginate && opts.stream) throw new UsageError('--paginate (or --merge, --ndjson) and --stream cannot be used together');
  if ((opts.maxPages !== undefined || opts.pageToken !== undefined) && !paginate)
    throw new UsageError('--max-pages and --page-token need --paginate');
  const built = await buildBody(ctx, opts);
  const session = await openSession(ctx, globals);
  const url = resolveRequestUrl(checked, session.resolved.apiBaseUrl);
  const rehearsal = opts.dryRun || opts.curl;
  const givenPath = apiPathOf(url, session.resolved.apiBaseUrl);
  if (givenPath !== undefined) {
    const note = (line: string) => ctx.io.stderr.write(`xcli: ${line}\n`);
    const expanded = await expandPathArgs(session, built.method, givenPath, { offline: rehearsal, note, me });
    if (expanded !== givenPath) url.pathname = `${new URL(session.resolved.apiBaseUrl).pathname.replace(/\/+$/, '')}${expanded}`;
  }
  const resolved = resolveRequest(built.method, url, session.resolved.apiBaseUrl);
  const { route } = resolved;
  for (const [name, value] of built.query) url.searchParams.append(name, value);
  for (const [name, value] of fieldParams(opts.fields, opts.expand, route)) {
    const existing = url.searchParams.get(name);
    url.searchParams.set(name, existing ? [...new Set([...existing.split(','), ...value.split(',')])].join(',') : value);
  }
  const spec: RequestSpec = { method: built.method, url, headers: built.headers, body: built.body, target: resolved };
  const retry: RetryPolicy = { retries: opts.retry, maxWaitSeconds: opts.maxWait, unsafe: opts.retryUnsafe };
  const pageParam = paginate ? pageParamFor(built.method, route) : undefined;

  if (rehearsal) {
    if (pageParam && opts.pageToken !== undefined) url.searchParams.set(pageParam, opts.pageToken);
    await rehearse(session, spec, opts.curl === true);
    return;
  }

  if (opts.stream || (route?.streaming && !paginate)) {
    // A route the table knows does not stream ends when its response ends: -s only reads it line by line.
    const reconnect = opts.reconnect && (route === undefined || route.streaming === true);
    await runStream(session, spec, { reconnect, maxRecords: opts.maxRecords });
    return;
  }
  if (opts.maxRecords !== undefined) throw new UsageError('--max-records works with streaming endpoints (or -s)');

  const print = (response: RetriedResponse, terminate: boolean) => {
    if (opts.include) ctx.io.stdout.write(renderHead(ctx, response));
    writeBody(ctx, response.body, response.headers['content-type'], mode, terminate);
  };
  const rate = (response: RetriedResponse) => {
    const line = opts.rate && !globals.verbose ? rateLimitLine(response.headers, ctx.now()) : undefined;
    if (line) ctx.io.stderr.write(`${line}\n`);
  };

  if (!pageParam) {
    // Loaded only for a terminal: its width handling (string-width) costs a plain request ~40 ms.
    const download =
      opts.output !== undefined && opts.output !== '-' && opts.progress !== false && ctx.io.isStderrTTY
        ? (await import('./download-progress.js')).downloadProgress(ctx, opts.output)
        : undefined;
    let response: RetriedResponse;
    try {
      response = await exchangeWithRetry(session, spec, retry, undefined, download?.onBody);
    } catch (error) {
      download?.clear();
      throw error;
    }
    download?.done();
    print(response, false);
    rate(response);
    fail(ctx, response, '', response.status === 400 ? await opts.badRequestHint?.(built.body) : undefined);
    partialErrors(ctx, opts, [response]);
    return;
  }

  let last: { number: number; nextToken?: string; token?: string; response: RetriedResponse } | undefined;
  const merger = opts.merge ? new PageMerger() : undefined;
  const flushMerged = () => {
    if (merger && last) writeBody(ctx, Buffer.from(merger.text()), 'application/json', mode, true);
  };
  const okPages: RetriedResponse[] = [];
  // --merge prints at the end: until then a terminal shows how far it got. Loaded only then: its
  // string-width sets up Unicode tables that cost a plain request ~40 ms of start-up.
  const waiting = merger && ctx.io.isStderrTTY ? (await import('../terminal/status.js')).statusLine(ctx.io) : undefined;
  const stop = new AbortController();
  const removeInterrupt = ctx.onInterrupt(() => stop.abort());
  try {
    for await (const page of pages(session, spec, {
      pageParam,
      maxPages: opts.maxPages,
      startToken: opts.pageToken,
      retry,
      signal: stop.signal,
    })) {
      const failed = page.response.status >= 400 || page.response.gaveUp !== undefined;
      if (failed) {
        // Pages already fetched are kept; the failed page's body follows them (one document per line).
        waiting?.clear();
        if (merger) flushMerged();
        print(page.response, true);
        rate(page.response);
        fail(
          ctx,
          page.response,
          page.number > 1 && page.token ? ` (page ${page.number}; resume with --page-token ${page.token})` : '',
        );
      }
      last = page;
      okPages.push(page.response);
      if (merger || opts.ndjson) {
        try {
          if (merger) merger.add(page.response.body);
          else for (const item of dataItems(page.response.body)) ctx.io.stdout.write(`${item}\n`);
        } catch (error) {
          if (!(error instanceof SyntaxError || error instanceof JsonSyntaxError)) throw error;
          throw new FailureError(
            `${opts.merge ? '--merge' : '--ndjson'}: page ${page.number} is not a JSON object (${error.message})`,
          );
        }
      } else print(page.response, true);
      waiting?.show(`xcli: --merge: ${page.number} page${page.number === 1 ? '' : 's'} fetched… (Ctrl-C prints what came)`);
    }
  } catch (error) {
    waiting?.clear();
    // The page that was being fetched: say how to pick up from it.
    const resume = last?.nextToken ? `resume with --page-token ${last.nextToken}` : undefined;
    if (!(error instanceof HttpStatusError || error instanceof RateLimitError)) flushMerged();
    if (stop.signal.aborted) {
      const done = last?.number ?? 0;
      throw new FailureError(`interrupted after ${done} page${done === 1 ? '' : 's'}${resume ? `; ${resume}` : ''}`, {
        code: 'XCLI_INTERRUPTED',
      });
    }
    if (error instanceof NetworkError && resume)
      throw new NetworkError(`${error.message} (page ${last!.number + 1}; ${resume})`, { cause: error });
    throw error;
  } finally {
    removeInterrupt();
    waiting?.clear();
  }
  flushMerged();
  if (last) rate(last.response);
  if (last?.nextToken && opts.maxPages !== undefined && last.number >= opts.maxPages) {
    ctx.io.stderr.write(
      `xcli: stopped after ${last.number} page${last.number === 1 ? '' : 's'} (--max-pages); continue with --page-token ${last.nextToken}\n`,
    );
  }
  partialErrors(ctx, opts, okPages);
}

/** `--dry-run` / `--curl`: the request exactly as it would go out; nothing is sent. */
async function rehearse(session: ApiSession, spec: RequestSpec, curl: boolean): Promise<void> {
  const { ctx, redactor, resolved } = session;
  const req = await prepare(session, spec, { rehearsal: true });
  if (!curl) {
    ctx.io.stdout.write(renderDryRun(req, redactor));
    return;
  }
  const { line, variables } = renderCurl(req, resolved, redactor);
  ctx.io.stdout.write(`${line}\n`);
  ctx.io.stderr.write(`xcli: ${authLine(req, redactor)}\n`);
  if (variables.length)
    ctx.io.stderr.write(
      `xcli: the command reads ${variables.join(', ')} from the environment${variables.includes('X_OAUTH2_TOKEN') ? ' (export X_OAUTH2_TOKEN="$(xcli token)")' : ''}\n`,
    );
  if (req.auth.kind === 'oauth1')
    ctx.io.stderr.write(
      'xcli: the OAuth 1.0a signature covers this exact request and expires with its timestamp (minutes); no secret is in the line\n',
    );
}

/** X's partial success: a 2xx carrying `errors[]` gets one warning line; `--strict` makes it exit 1. */
function partialErrors(ctx: Context, opts: RawRequestOptions, responses: RetriedResponse[]): void {
  const lines = responses.map((r) => partialErrorsLine(r.status, r.body)).filter((l): l is string => l !== undefined);
  if (lines.length === 0) return;
  const line = lines.length === 1 ? lines[0]! : `${lines[0]} (errors on ${lines.length} pages)`;
  if (opts.strict) {
    ctx.io.stderr.write(`xcli: ${line} (--strict)\n`);
    throw new FailureError(line, { reported: true, code: 'XCLI_PARTIAL' });
  }
  ctx.io.stderr.write(`xcli: ${line}\n`);
}

/** Reports a failed response the standard way (its body is already on stdout), then `hint`, and throws. */
function fail(ctx: Context, response: RetriedResponse, suffix = '', hint?: string): void {
  if (response.gaveUp) {
    ctx.io.stderr.write(`xcli: ${response.gaveUp}${suffix}\n`);
    throw new RateLimitError(response.gaveUp, { reported: true });
  }
  if (response.status >= 400) {
    const summary = problemSummary(response.status, response.headers, response.body);
    const authHint = response.status === 401 ? "; check the credentials: 'xcli auth status'" : '';
    ctx.io.stderr.write(`xcli: ${summary}${authHint}${suffix}\n`);
    if (hint) ctx.io.stderr.write(`xcli: ${hint}\n`);
    throw new HttpStatusError(response.status, summary, { reported: true });
  }
}
