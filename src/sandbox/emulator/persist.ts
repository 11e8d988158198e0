// `xcli sandbox --state FILE`: the world and the app credentials as JSON, written atomically, so a
// restart keeps webhooks, subscriptions, users, posts and deliveries.
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SandboxCredentials } from './auth.js';
import { PERSISTED_FIELDS, type SandboxState } from './store.js';

const FORMAT = 1;

const FIELDS = Object.keys(PERSISTED_FIELDS) as (keyof SandboxState)[];

/** Saves one field through its codec (the key ties the value to its codec's type). */
function saveField<K extends keyof SandboxState>(state: SandboxState, key: K): unknown {
  return PERSISTED_FIELDS[key].save(state[key]);
}

export function serializeState(state: SandboxState, credentials: SandboxCredentials): string {
  const out: Record<string, unknown> = { format: FORMAT, credentials };
  for (const key of FIELDS) out[key] = saveField(state, key);
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
  // Every field comes from the file, so the result is a whole store.
  const state = Object.fromEntries(FIELDS.map((key) => [key, PERSISTED_FIELDS[key].load(data[key])])) as unknown as SandboxState;
  // Deliveries cut off by the last shutdown will not be retried: say so instead of leaving them pending.
  for (const d of state.deliveries) if (d.outcome === 'pending') d.outcome = 'failed';
  return { state, credentials: data.credentials as SandboxCredentials };
}
