// callApi: how xcli's own commands (webhook, activity, media, shortcuts) call the X API, through
// the same request building, auth choice, -v trace and transport as raw `xcli URL` requests.
import type { Context } from '../context.js';
import { HttpStatusError } from '../errors.js';
import { writeBody, type OutputMode } from './output.js';
import { problemSummary, problemType } from './problem.js';
import { exchange, headerOf, openSession, type ApiSession } from './session.js';
import type { ApiCall, ApiResult, GlobalOptions } from './types.js';
import { resolveRequestUrl, withQuery } from './url.js';

/** An HTTP status >= 400 from the API; `summary` is X's problem in one line. */
export class ApiError extends HttpStatusError {
  readonly result: ApiResult;
  readonly summary: string;
  /** The problem type's last segment (`usage-capped`, `resource-not-found`…), when X sent one. */
  readonly problem?: string;

  constructor(result: ApiResult, options: { reported?: boolean } = {}) {
    const summary = problemSummary(result.status, result.headers, result.raw);
    super(result.status, summary, options);
    this.result = result;
    this.summary = summary;
    this.problem = problemType(result.raw);
  }
}

/** Parses a JSON body; undefined when the body is empty or not JSON. */
export function parseJsonBody<T>(raw: Buffer): T | undefined {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

export async function callApi<T = unknown>(
  ctx: Context,
  globals: GlobalOptions,
  call: ApiCall,
  session?: ApiSession,
): Promise<ApiResult<T>> {
  const s = session ?? (await openSession(ctx, globals));
  const url = withQuery(resolveRequestUrl(call.path, s.resolved.apiBaseUrl), call.query);
  const headers: Record<string, string> = { ...call.headers };
  let body: Buffer | undefined = typeof call.body === 'string' ? Buffer.from(call.body) : call.body;
  if (call.json !== undefined) {
    body = Buffer.from(JSON.stringify(call.json));
    if (!headerOf(headers, 'content-type')) headers['Content-Type'] = 'application/json';
  }
  const response = await exchange(s, { method: call.method.toUpperCase(), url, headers, body, authKind: call.authKind });
  const result: ApiResult<T> = {
    status: response.status,
    headers: response.headers,
    raw: response.body,
    json: parseJsonBody<T>(response.body),
  };
  if (result.status >= 400) throw new ApiError(result);
  return result;
}

/**
 * The standard way to show an API error: the body on stdout (pretty on a terminal), and an error,
 * already reported as `xcli: <summary>` on stderr, for the caller to throw (exit 1).
 */
export function printApiError(ctx: Context, error: ApiError, mode: OutputMode = 'auto'): HttpStatusError {
  writeBody(ctx, error.result.raw, error.result.headers['content-type'], mode);
  ctx.io.stderr.write(`xcli: ${error.summary}\n`);
  return new HttpStatusError(error.status, error.summary, { reported: true });
}
