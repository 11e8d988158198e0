// X's rate-limit headers: the one-line readout (`-v`, `--rate`), and the last limits seen per route
// and auth kind, kept in the state file so `xcli limits` shows the budget without spending a call
// (X v2 has no rate-limit-status route).
import type { AuthKind, RouteFact } from './route-types.js';
import { readStateFile, updateStateFile } from './state-file.js';

export interface RateWindow {
  limit: number;
  remaining: number;
  /** Unix seconds; 0 when X sent none. */
  reset: number;
}

export interface SeenLimit extends RateWindow {
  method: string;
  /** The route template (`/2/tweets/{id}`); for routes not in the table, the path with numeric ids as `{id}`. */
  route: string;
  auth: AuthKind | 'none';
  /** OAuth2 user whose per-user budget this is. */
  user?: string;
  /** When the headers were seen, epoch ms. */
  seenAt: number;
  /** X's daily caps (`x-app-limit-24hour-*`, `x-user-limit-24hour-*`), when sent. */
  daily?: Partial<Record<'app' | 'user', RateWindow>>;
}

function windowOf(headers: Record<string, string>, prefix: string): RateWindow | undefined {
  const limit = Number(headers[`${prefix}-limit`]);
  const remaining = Number(headers[`${prefix}-remaining`]);
  if (headers[`${prefix}-limit`] === undefined || !Number.isFinite(limit) || !Number.isFinite(remaining)) return undefined;
  const reset = Number(headers[`${prefix}-reset`]);
  return { limit, remaining, reset: Number.isFinite(reset) && reset > 0 ? reset : 0 };
}

/** `11m02s`, `2h05m`, `45s`. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

function windowText(name: string, w: RateWindow, now: number): string {
  const base = `${name}: ${w.remaining}/${w.limit}`;
  if (!w.reset) return base;
  const left = w.reset - now / 1000;
  return left >= 0 ? `${base}, resets in ${formatDuration(left)}` : `${base}, reset ${formatDuration(-left)} ago`;
}

/** `x-rate-limit: 847/900, resets in 11m02s` (plus X's daily caps when sent), or undefined without the headers. */
export function rateLimitLine(headers: Record<string, string>, now: number): string | undefined {
  const window = windowOf(headers, 'x-rate-limit');
  const parts = window ? [windowText('x-rate-limit', window, now)] : [];
  for (const [who, prefix] of [
    ['app', 'x-app-limit-24hour'],
    ['user', 'x-user-limit-24hour'],
  ] as const) {
    const daily = windowOf(headers, prefix);
    if (daily) parts.push(windowText(`24h ${who} limit`, daily, now));
  }
  return parts.length ? parts.join('; ') : undefined;
}

/** Which app and API the limits belong to: budgets are per app (bearer) or per user, never shared across apps. */
export function limitScope(apiBaseUrl: string, appName: string | undefined): string {
  return `${apiBaseUrl} ${appName ?? '(environment)'}`;
}

type LimitBook = Record<string, Record<string, SeenLimit>>;

const entryKey = (e: Pick<SeenLimit, 'method' | 'route' | 'auth' | 'user'>) =>
  `${e.method} ${e.route} ${e.auth}${e.user ? ` ${e.user}` : ''}`;

/**
 * A path the route table does not know (e.g. `POST /2/users/123/blocking`), keyed as X counts it: per
 * route, so numeric id segments become `{id}` and one user's budget is not split across ids.
 */
function idsAsTemplate(apiPath: string): string {
  // Segment 1 is the API version (`/2/`), never an id.
  return apiPath
    .split('/')
    .map((segment, i) => (i > 1 && /^\d+$/.test(segment) ? '{id}' : segment))
    .join('/');
}

/** The limits a response reports, ready to keep; undefined when it carries none. */
export function seenLimit(
  req: { method: string; apiPath: string | undefined; route: RouteFact | undefined; auth: AuthKind | undefined; user?: string },
  headers: Record<string, string>,
  now: number,
): SeenLimit | undefined {
  const window = windowOf(headers, 'x-rate-limit');
  if (!window || req.apiPath === undefined) return undefined;
  const route = req.route?.path ?? idsAsTemplate(req.apiPath);
  const entry: SeenLimit = { method: req.method, route, auth: req.auth ?? 'none', ...window, seenAt: now };
  if (req.auth === 'oauth2' && req.user) entry.user = req.user;
  const app = windowOf(headers, 'x-app-limit-24hour');
  const user = windowOf(headers, 'x-user-limit-24hour');
  if (app || user) entry.daily = { ...(app ? { app } : {}), ...(user ? { user } : {}) };
  return entry;
}

/** Limits seen by this process and not yet written, per state file: the newest entry per scope and route. */
const unwritten = new Map<string, Map<string, { scope: string; entry: SeenLimit }>>();

/**
 * Notes the limits a response reported. They are written to the state file in one locked update per
 * file when the process is about to exit (a locked write takes milliseconds; --paginate and streams
 * see limits on every response). A cache: failing to write costs nothing but the readout.
 */
export function rememberLimit(stateFile: string, scope: string, entry: SeenLimit): void {
  if (unwritten.size === 0) process.once('beforeExit', () => void writeRememberedLimits());
  let pending = unwritten.get(stateFile);
  if (!pending) unwritten.set(stateFile, (pending = new Map()));
  pending.set(`${scope} ${entryKey(entry)}`, { scope, entry });
}

/** Writes what rememberLimit noted, one locked update per state file. */
async function writeRememberedLimits(): Promise<void> {
  const files = [...unwritten];
  unwritten.clear();
  for (const [stateFile, pending] of files) {
    await updateStateFile(stateFile, (state) => {
      const book = (state.rateLimits && typeof state.rateLimits === 'object' ? state.rateLimits : {}) as LimitBook;
      for (const { scope, entry } of pending.values()) {
        const limits = book[scope] && typeof book[scope] === 'object' ? book[scope] : {};
        limits[entryKey(entry)] = entry;
        book[scope] = limits;
      }
      state.rateLimits = book;
    });
  }
}

function isSeenLimit(value: unknown): value is SeenLimit {
  const v = value as Partial<SeenLimit> | undefined;
  return (
    !!v &&
    typeof v.method === 'string' &&
    typeof v.route === 'string' &&
    typeof v.limit === 'number' &&
    typeof v.remaining === 'number' &&
    typeof v.reset === 'number'
  );
}

/** The limits kept for one scope, sorted by route, method and auth. */
export async function knownLimits(stateFile: string, scope: string): Promise<SeenLimit[]> {
  const book = readStateFile(stateFile)?.rateLimits as LimitBook | undefined;
  const limits = book && typeof book === 'object' ? book[scope] : undefined;
  if (!limits || typeof limits !== 'object') return [];
  return Object.values(limits)
    .filter(isSeenLimit)
    .sort((a, b) => a.route.localeCompare(b.route) || a.method.localeCompare(b.method) || entryKey(a).localeCompare(entryKey(b)));
}
