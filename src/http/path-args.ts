// X-shaped words in a request path: `{me}` (the caller's user id), `@handle` where the route takes a
// user id, and `https://x.com/<user>/status/<id>` where it takes a post id. Ids are looked up once and
// cached in the state file (`{me}` per app and user, handles per API host).
import { CredentialsError, FailureError, UsageError } from '../errors.js';
import { ApiError, callApi } from './api.js';
import type { RouteFact } from './route-types.js';
import { matchRoute } from './routes.js';
import type { ApiSession } from './session.js';
import { readStateFile, updateStateFile } from './state-file.js';

const POST_URL = /https?:\/+(?:(?:www|mobile)\.)?(?:x|twitter)\.com\/[A-Za-z0-9_]{1,15}\/status(?:es)?\/(\d{1,19})(?=\/|$)/gi;
const HANDLE = /^@([A-Za-z0-9_]{1,15})$/;
const USER_ID_NAMES = new Set(['user_id', 'participant_id', 'source_user_id', 'target_user_id']);
const POST_ID_NAMES = new Set(['tweet_id', 'source_tweet_id']);
/** A username's id is stable; a week bounds the damage of a handle that changed hands. */
const HANDLE_TTL_MS = 7 * 24 * 3600_000;

type Word =
  | { index: number; kind: 'me' }
  | { index: number; kind: 'handle'; name: string }
  | { index: number; kind: 'post'; id: string };

function paramAt(route: RouteFact, index: number) {
  const segment = route.path.split('/').filter(Boolean)[index];
  const name = segment?.match(/^\{(.+)\}$/)?.[1];
  return name === undefined
    ? undefined
    : (route.params.find((p) => p.name === name && p.in === 'path') ?? { name, type: 'string' });
}

function takesUserId(route: RouteFact, index: number): boolean {
  const p = paramAt(route, index);
  return !!p && (p.type === 'UserId' || USER_ID_NAMES.has(p.name) || (p.name === 'id' && route.path.startsWith('/2/users/')));
}

function takesPostId(route: RouteFact, index: number): boolean {
  const p = paramAt(route, index);
  return !!p && (p.type === 'PostId' || POST_ID_NAMES.has(p.name) || (p.name === 'id' && route.path.startsWith('/2/tweets/')));
}

/**
 * How `{me}` becomes the caller's user id. Given by the caller (the shortcuts area keeps the
 * cache), so the request pipeline knows no command area.
 */
export interface MeResolver {
  /** The id from the cache only (nothing is sent); undefined on a miss. */
  cached(session: ApiSession): Promise<string | undefined>;
  /** The id, looked up with one `/2/users/me` when not cached. */
  lookup(session: ApiSession): Promise<string>;
}

export interface ExpandOptions {
  me: MeResolver;
  /** Use cached ids only and send nothing (`--dry-run`, `--curl`); misses stay as written. */
  offline?: boolean;
  /** Told about each word left unresolved in offline mode. */
  note?: (line: string) => void;
}

/** The API path with `{me}`, `@handle` and post URLs replaced by ids; unchanged when it has none. */
export async function expandPathArgs(
  session: ApiSession,
  method: string,
  apiPath: string,
  options: ExpandOptions,
): Promise<string> {
  const segments = apiPath.replace(POST_URL, (_m, id: string) => `\0${id}`).split('/');
  const words: Word[] = [];
  segments.forEach((raw, index) => {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return;
    }
    const handle = HANDLE.exec(seg);
    if (seg === '{me}') words.push({ index, kind: 'me' });
    else if (handle) words.push({ index, kind: 'handle', name: handle[1]! });
    else if (seg.startsWith('\0')) words.push({ index, kind: 'post', id: seg.slice(1) });
    else if (/[{}]/.test(seg)) throw new UsageError(`'${seg}' in the path: the only placeholder is {me}`);
  });
  if (words.length === 0) return apiPath;
  const trial = segments.map((s, i) => (words.some((w) => w.index === i) ? '0' : s)).join('/');
  const route = matchRoute(method, trial);
  // Route indexes count segments without the leading empty one.
  const at = (w: Word) => w.index - 1;
  for (const w of words) {
    if (!route) continue;
    if ((w.kind === 'me' || w.kind === 'handle') && !takesUserId(route, at(w))) {
      throw new UsageError(
        `${w.kind === 'me' ? '{me}' : `@${w.name}`} is not in a user id position of ${route.method} ${route.path}`,
      );
    }
    if (w.kind === 'post' && !takesPostId(route, at(w)))
      throw new UsageError(`a post URL is not in a post id position of ${route.method} ${route.path}`);
  }
  for (const w of words) {
    if (w.kind === 'post') segments[w.index] = w.id;
    else if (w.kind === 'me') {
      const id = options.offline ? await options.me.cached(session) : await meId(session, options.me);
      if (id) segments[w.index] = id;
      else
        options.note?.(
          '{me} is not resolved: its id is not cached yet, and this sends nothing (run the request once, or xcli whoami)',
        );
    } else {
      const id = options.offline ? await cachedHandle(session, w.name) : await handleId(session, w.name);
      if (id) segments[w.index] = id;
      else options.note?.(`@${w.name} is not resolved: its id is not cached yet, and this sends nothing`);
    }
  }
  return segments.join('/');
}

async function meId(session: ApiSession, me: MeResolver): Promise<string> {
  try {
    return await me.lookup(session);
  } catch (error) {
    if (error instanceof CredentialsError)
      throw new CredentialsError(`{me} needs a user context (/2/users/me): ${error.message}`, error.code);
    throw error;
  }
}

const handleKey = (session: ApiSession, name: string) => `${session.resolved.apiBaseUrl} ${name.toLowerCase()}`;

interface CachedHandle {
  id: string;
  seenAt: number;
}

async function cachedHandle(session: ApiSession, name: string): Promise<string | undefined> {
  const users = readStateFile(session.ctx.paths.stateFile)?.users as Record<string, CachedHandle> | undefined;
  const hit = users && typeof users === 'object' ? users[handleKey(session, name)] : undefined;
  const fresh =
    hit &&
    typeof hit.id === 'string' &&
    /^\d{1,19}$/.test(hit.id) &&
    typeof hit.seenAt === 'number' &&
    session.ctx.now() - hit.seenAt < HANDLE_TTL_MS;
  return fresh ? hit.id : undefined;
}

async function handleId(session: ApiSession, name: string): Promise<string> {
  const cached = await cachedHandle(session, name);
  if (cached) return cached;
  let result;
  try {
    result = await callApi<{ data?: { id?: unknown } }>(
      session.ctx,
      session.globals,
      { method: 'GET', path: `/2/users/by/username/${encodeURIComponent(name)}` },
      session,
    );
  } catch (error) {
    if (error instanceof ApiError) throw new FailureError(`could not look up @${name}: ${error.summary}`);
    throw error;
  }
  const id = result.json?.data?.id;
  if (typeof id !== 'string' || !/^\d{1,19}$/.test(id)) throw new FailureError(`could not look up @${name}: X returned no user`);
  const entry: CachedHandle = { id, seenAt: session.ctx.now() };
  await updateStateFile(session.ctx.paths.stateFile, (state) => {
    const users = state.users && typeof state.users === 'object' ? (state.users as Record<string, CachedHandle>) : {};
    users[handleKey(session, name)] = entry;
    state.users = users;
  });
  return id;
}
