// The caller's own user id, which most shortcuts need in their path. One `/2/users/me` call per
// app and user, then cached in the non-secret state file (never the credential store).
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Context } from '../context.js';
import { FailureError, HttpStatusError } from '../errors.js';
import { ApiError, callApi } from '../http/api.js';
import type { ApiSession } from '../http/session.js';

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
    Object.keys(resolved.app.oauth2Tokens ?? {}).sort().join(','),
  ];
  return createHash('sha256').update(identity.join('\0')).digest('hex').slice(0, 24);
}

type StateFile = Record<string, unknown> & { me?: Record<string, Me> };

/** The state file's content; undefined when it is unreadable (then nothing is cached or written). */
async function readState(file: string): Promise<StateFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? {} : undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as StateFile) : undefined;
  } catch {
    return undefined;
  }
}

/** Adds one entry, keeping everything else other commands keep in the file; atomic rename. */
async function remember(file: string, key: string, me: Me): Promise<void> {
  const state = await readState(file);
  if (!state) return;
  const cache = state.me && typeof state.me === 'object' ? state.me : {};
  state.me = { ...cache, [key]: me };
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, file);
  } catch {
    // A cache that cannot be written only costs a request next time.
  }
}

export async function cachedMe(ctx: Context, session: ApiSession): Promise<Me | undefined> {
  const hit = (await readState(ctx.paths.stateFile))?.me?.[identityKey(session)];
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
    if (error instanceof ApiError) throw new HttpStatusError(error.status, `could not look up your user id (/2/users/me): ${error.summary}`);
    throw error;
  }
  const me = result.json?.data;
  if (!me || typeof me.id !== 'string') throw new FailureError('could not look up your user id: /2/users/me returned no user');
  await rememberMe(ctx, session, me);
  return me.id;
}
