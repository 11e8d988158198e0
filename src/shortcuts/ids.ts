// Checked arguments: post ids (or post URLs), usernames (or profile URLs) and counts. Values reach
// paths through encodeURIComponent and bodies as JSON objects, never by string formatting.
import { UsageError } from '../errors.js';
import { parseWholeNumber } from '../numbers.js';

const POST_ID = /^\d{1,19}$/;
/** X's username pattern (OpenAPI `/2/users/by/username/{username}`). */
const USERNAME = /^[A-Za-z0-9_]{1,15}$/;

function asUrl(value: string): URL | undefined {
  if (!/^https?:\/\//i.test(value)) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** A post id, or the id in `https://x.com/<user>/status/<id>` (any host, query ignored). */
export function parsePostId(input: string): string {
  const value = input.trim();
  const url = asUrl(value);
  const candidate = url
    ? url.pathname
        .split('/')
        .filter(Boolean)
        .find((_, i, parts) => i > 0 && /^status(es)?$/.test(parts[i - 1]!))
    : value;
  if (candidate && POST_ID.test(candidate)) return candidate;
  throw new UsageError(
    `'${input}' is not a post id or post URL (e.g. 1460323737035677698 or https://x.com/XDevelopers/status/1460323737035677698)`,
  );
}

/** A username: `name`, `@name`, or a profile URL `https://x.com/name`. */
export function parseUsername(input: string): string {
  const value = input.trim();
  const url = asUrl(value);
  const name = url ? (url.pathname.split('/').filter(Boolean)[0] ?? '') : value.replace(/^@/, '');
  if (USERNAME.test(name)) return name;
  throw new UsageError(`'${input}' is not a username (1-15 letters, digits or _, with or without @)`);
}

/** `-n`: a positive whole number. */
export function parseCount(value: string): number {
  return parseWholeNumber(value, '-n', 1);
}
