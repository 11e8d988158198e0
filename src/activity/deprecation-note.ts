// The Account Activity deprecation note, once a day per app: said on every call it was noise that
// scripts and people learn to skip. The last time is kept in the state file (a cache: if it cannot
// be read or written, the note is only said again).
import type { Context } from '../context.js';
import { readStateFile, updateStateFile } from '../http/state-file.js';

export const DEPRECATION_NOTE =
  "note: X is deprecating the Account Activity API in favour of the X Activity API ('xcli activity --help')";

const DAY_MS = 86_400_000;
const STATE_KEY = 'accountActivityNoted';

/** Writes the note unless it was written for this app (or the environment's credentials) in the last day. */
export async function noteDeprecationDaily(ctx: Context, appName: string | undefined): Promise<void> {
  const app = appName ?? '(environment)';
  const noted = readStateFile(ctx.paths.stateFile)?.[STATE_KEY] as Record<string, unknown> | undefined;
  const last = noted && typeof noted === 'object' ? noted[app] : undefined;
  const now = ctx.now();
  // A time in the future (a clock set back) does not silence the note.
  if (typeof last === 'number' && last <= now && now - last < DAY_MS) return;
  ctx.io.stderr.write(`xcli: ${DEPRECATION_NOTE}\n`);
  await updateStateFile(ctx.paths.stateFile, (state) => {
    const kept = state[STATE_KEY] && typeof state[STATE_KEY] === 'object' ? (state[STATE_KEY] as Record<string, number>) : {};
    state[STATE_KEY] = { ...kept, [app]: now };
  });
}
