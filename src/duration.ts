// Every duration flag (`--timeout 90`, `90s`, `1.5h`, `500ms`, `2d`) and every "a duration ago or a
// time" flag (`--since 10m`, `replay --from 90m`) goes through here, so they accept the same forms.
import { UsageError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;
const FORMS = 'a duration such as 500ms, 90 or 90s, 5m, 1.5h, 2d';

function durationMs(value: string, unitRequired = false): number | undefined {
  const match = DURATION.exec(value.trim());
  return match && (match[2] || !unitRequired) ? Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 's']!) : undefined;
}

/** A duration in milliseconds; a plain number is seconds. */
export function parseDuration(value: string, flag: string): number {
  const ms = durationMs(value);
  if (ms === undefined) throw new UsageError(`${flag} ${value}: expected ${FORMS}`);
  return ms;
}

/** A duration flag counted in whole seconds, within [min, max] (as a commander argParser). */
export function durationSeconds(flag: string, min: number, max = Infinity): (value: string) => number {
  return (value) => {
    const seconds = parseDuration(value, flag) / 1000;
    if (seconds < min || seconds > max)
      throw new UsageError(`${flag} ${value}: must be ${max === Infinity ? `at least ${min}s` : `between ${min}s and ${max}s`}`);
    return seconds;
  };
}

/** A duration ago (`10m`, `1.5h`, `2d`; the unit is required here) or a time Date understands → epoch ms. */
export function parseTimeOrAgo(value: string, now: number, flag: string): number {
  const ago = durationMs(value, true);
  if (ago !== undefined) return now - ago;
  const time = Date.parse(value);
  if (Number.isNaN(time))
    throw new UsageError(`${flag} ${value}: expected ${FORMS} (ago), or a time such as 2026-01-31T12:00:00Z`);
  return time;
}
