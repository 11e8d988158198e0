// The caller's own user id, which most shortcuts need in their path. One `/2/users/me` call per
// app and user, then cached in the non-secret state file (never the credential store).
import { createHash } from 'node:crypto';
import type { Context } from '../context.js';
import { FailureError, HttpStatusError } from '../errors.js';
import { ApiError, callApi } from '../http/api.js';
import type { MeResolver } from '../http/path-args.js';
import type { ApiSession } from '../http/session.js';
import { readStateFile, updateStateFile } from '../http/state-file.js';

export interface Me {
  id: string;
  username: string;
}

/**
 * Which identity a session acts as: app, base URL, `--auth`/`-u` and the user credentials. A new
 * login or another access token gives another key, so a cached id never outlives its user.
 */
export function identityKey(session: ApiSession): string {
  const { resolved, globals } = session;
  const identity = [
    resolved.apiBaseUrl,
    resolved.name ?? '',
    globals.auth ?? '',
    globals.username ?? '',
    resolved.app.defaultUser ?? '',
    resolved.app.oauth1?.accessToken ?? '',
    Object.keys(resolved.app.oauth2Tokens ?? {})
      .sort()
      .join(','),
  ];
  return createHash('sha256').update(identity.join('\0')).digest('hex').slice(0, 24);
}

/** Adds one entry under the state file's lock, keeping what other commands keep there. */
async function remember(file: string, key: string, me: Me): Promise<void> {
  // A cache that cannot be written only costs a request next time.
  await updateStateFile(file, (state) => {
    const cache = state.me && typeof state.me === 'object' ? (state.me as Record<string, Me>) : {};
    state.me = { ...cache, [key]: me };
  });
}

export async function cachedMe(ctx: Context, session: ApiSession): Promise<Me | undefined> {
  const cache = readStateFile(ctx.paths.stateFile)?.me as Record<string, Me> | undefined;
  const hit = cache && typeof cache === 'object' ? cache[identityKey(session)] : undefined;
  return hit && typeof hit.id === 'string' && /^\d{1,19}$/.test(hit.id) ? hit : undefined;
}

/** Records the user a `/2/users/me` response names (whoami refreshes the cache this way). */
export async function rememberMe(ctx: Context, session: ApiSession, data: unknown): Promise<void> {
  const user = data as Partial<Me> | undefined;
  if (typeof user?.id === 'string' && /^\d{1,19}$/.test(user.id)) {
    await remember(ctx.paths.stateFile, identityKey(session), { id: user.id, username: String(user.username ?? '') });
  }
}

export async function myUserId(ctx: Context, session: ApiSession): Promise<string> {
  const cached = await cachedMe(ctx, session);
  if (cached) return cached.id;
  let result;
  try {
    result = await callApi<{ data?: Me }>(ctx, session.globals, { method: 'GET', path: '/2/users/me' }, session);
  } catch (error) {
    if (error instanceof ApiError)
      throw new HttpStatusError(error.status, `could not look up your user id (/2/users/me): ${error.summary}`);
    throw error;
  }
  const me = result.json?.data;
  if (!me || typeof me.id !== 'string') throw new FailureError('could not look up your user id: /2/users/me returned no user');
  await rememberMe(ctx, session, me);
  return me.id;
}

/** `{me}` in raw request paths (src/http/path-args.ts), from the same cache. */
export const meResolver: MeResolver = {
  cached: async (session) => (await cachedMe(session.ctx, session))?.id,
  lookup: (session) => myUserId(session.ctx, session),
};
