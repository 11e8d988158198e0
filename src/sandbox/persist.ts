// `xcli sandbox --state FILE`: the world and the app credentials as JSON, written atomically, so a
// restart keeps webhooks, subscriptions, users, posts and deliveries.
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SandboxCredentials } from './auth.js';
import { createState, type SandboxState } from './state.js';

const FORMAT = 1;

type SetMaps =
  | 'likes'
  | 'follows'
  | 'retweets'
  | 'bookmarks'
  | 'blocks'
  | 'mutes'
  | 'accountActivitySubscriptions'
  | 'listFollows';
const SET_MAPS: SetMaps[] = [
  'likes',
  'follows',
  'retweets',
  'bookmarks',
  'blocks',
  'mutes',
  'accountActivitySubscriptions',
  'listFollows',
];
type PlainMaps = 'users' | 'posts' | 'webhooks' | 'activitySubscriptions' | 'streamRules' | 'streamWebhooks' | 'media' | 'lists';
const PLAIN_MAPS: PlainMaps[] = [
  'users',
  'posts',
  'webhooks',
  'activitySubscriptions',
  'streamRules',
  'streamWebhooks',
  'media',
  'lists',
];
/** Maps are saved as [key, value] pairs, so values need not carry their key. */

export function serializeState(state: SandboxState, credentials: SandboxCredentials): string {
  const out: Record<string, unknown> = {
    format: FORMAT,
    credentials,
    authenticatedUserId: state.authenticatedUserId,
    lastId: state.lastId.toString(),
  };
  for (const key of PLAIN_MAPS) out[key] = [...state[key]];
  for (const key of SET_MAPS) out[key] = Object.fromEntries([...state[key]].map(([k, set]) => [k, [...set]]));
  out.oauth2 = { access: [...state.oauth2.access], refresh: [...state.oauth2.refresh] };
  out.dmEvents = state.dmEvents;
  out.deliveries = state.deliveries;
  return `${JSON.stringify(out, null, 1)}\n`;
}

/** Writes next to the file and renames over it, so a crash never leaves half a file. Mode 0600: it holds secrets. */
export function writeStateFile(path: string, state: SandboxState, credentials: SandboxCredentials): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, serializeState(state, credentials), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** Loads a state file; undefined when it does not exist; throws a one-line reason when it is unusable. */
export function readStateFile(path: string): { state: SandboxState; credentials: SandboxCredentials } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${path}: ${(err as Error).message}`);
  }
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`${path} is not valid JSON`);
  }
  if (data.format !== FORMAT || typeof data.credentials !== 'object' || !Array.isArray(data.users)) {
    throw new Error(`${path} is not a sandbox state file (format ${FORMAT})`);
  }
  const state = createState();
  state.authenticatedUserId = String(data.authenticatedUserId);
  state.lastId = BigInt(String(data.lastId));
  for (const key of PLAIN_MAPS) {
    const entries = Array.isArray(data[key]) ? (data[key] as [string, unknown][]) : [];
    const map = state[key] as Map<string, unknown>;
    map.clear();
    for (const [k, v] of entries) map.set(String(k), v);
  }
  for (const key of SET_MAPS) {
    const obj = (data[key] ?? {}) as Record<string, string[]>;
    state[key].clear();
    for (const [k, ids] of Object.entries(obj)) state[key].set(k, new Set(ids));
  }
  const oauth2 = (data.oauth2 ?? {}) as { access?: [string, never][]; refresh?: [string, never][] };
  state.oauth2 = { access: new Map(oauth2.access ?? []), refresh: new Map(oauth2.refresh ?? []) };
  state.dmEvents = Array.isArray(data.dmEvents) ? (data.dmEvents as SandboxState['dmEvents']) : [];
  state.deliveries = Array.isArray(data.deliveries) ? (data.deliveries as SandboxState['deliveries']) : [];
  // Deliveries cut off by the last shutdown will not be retried: say so instead of leaving them pending.
  for (const d of state.deliveries) if (d.outcome === 'pending') d.outcome = 'failed';
  return { state, credentials: data.credentials as SandboxCredentials };
}
