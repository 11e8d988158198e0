// X's machine-readable failure reasons for subscriptions, each explained in one line, and the
// standard report of an API error from the activity, account-activity and stream commands.
import type { Context } from '../context.js';
import { HttpStatusError } from '../errors.js';
import { ApiError } from '../http/api.js';
import { writeBody } from '../http/output.js';
import { wantsJson } from '../http/output.js';

export const REASONS: Readonly<Record<string, string>> = {
  DuplicateSubscriptionFailed: 'this user is already subscribed to this webhook (nothing to do)',
  SubscriptionLimitExceeded:
    "the app has as many subscriptions as its tier allows; delete some ('xcli activity subscriptions list', 'xcli account-activity list') or upgrade",
  WebhookIdInvalid: "no webhook with this id belongs to the app; list them with 'xcli webhook list'",
  SubscriptionNotFound: 'that user has no subscription on this webhook',
  CrcValidationFailed: "the webhook did not answer X's CRC check; start it ('xcli webhook start') and re-validate it",
  DuplicateSubscription: 'an identical subscription (same event type and filter) already exists',
  InvalidEventType: "X does not know this event type; see 'xcli activity event-types'",
  InvalidFilter: 'the filter does not suit this event type',
  UserNotAuthorized: 'private events need the user to have authorized this app (OAuth2 user or OAuth 1.0a user token)',
};

const REASON_PATTERN = new RegExp(`\\b(${Object.keys(REASONS).join('|')})\\b`);

/** The first known reason named anywhere in an error body (X puts it in `title`, `message` or `detail`). */
export function reasonOf(raw: Buffer | string): string | undefined {
  return REASON_PATTERN.exec(raw.toString())?.[1];
}

/**
 * Reports an ApiError: X's body on stdout when output is JSON, one line on stderr with the reason
 * explained; returns the error to throw (exit 1). Other errors pass through unchanged.
 */
export function reportApiError(ctx: Context, error: unknown, opts: { json?: boolean } = {}): unknown {
  if (!(error instanceof ApiError)) return error;
  if (wantsJson(ctx, opts.json)) writeBody(ctx, error.result.raw, error.result.headers['content-type'], 'auto', true);
  const reason = reasonOf(error.result.raw);
  const line =
    reason && !error.summary.includes(REASONS[reason]!) ? `${error.summary} — ${reason}: ${REASONS[reason]}` : error.summary;
  ctx.io.stderr.write(`xcli: ${line}\n`);
  return new HttpStatusError(error.status, line, { reported: true });
}
