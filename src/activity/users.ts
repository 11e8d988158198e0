// `--user @handle|ID|me`: user ids as the subscription APIs want them.
import { FailureError } from '../errors.js';
import { callApi } from '../http/api.js';
import type { ApiSession } from '../http/session.js';
import { isUserId, parseUserRef } from './user-ref.js';

/** A user id, resolving `@handle` with /2/users/by/username/:u and `me` with /2/users/me. */
export async function resolveUserId(session: ApiSession, input: string): Promise<string> {
  const ref = parseUserRef(input);
  if ('id' in ref) return ref.id;
  const path = 'me' in ref ? '/2/users/me' : `/2/users/by/username/${encodeURIComponent(ref.handle)}`;
  const result = await callApi<{ data?: { id?: unknown } }>(session.ctx, session.globals, { method: 'GET', path }, session);
  const id = result.json?.data?.id;
  if (!isUserId(id))
    throw new FailureError('me' in ref ? 'X did not return the authenticated user' : `no user @${ref.handle} on X`);
  return id;
}
